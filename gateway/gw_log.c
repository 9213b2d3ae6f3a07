/*
 * gw_log.c — structured stderr logging and clocks (see gw_log.h).
 */
#include "gw_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *gw_log_level_name(gw_log_level lv) {
  switch (lv) {
  case GW_LOG_DEBUG: return "debug";
  case GW_LOG_INFO: return "info";
  case GW_LOG_WARN: return "warn";
  case GW_LOG_ERROR: return "error";
  }
  return "?";
}

uint64_t gw_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void gw_rfc3339(char *buf, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

const char *gw_log_safe(char *buf, size_t size, const char *s) {
  size_t i = 0;
  if (!size) return buf;
  for (; s && *s && i + 1 < size; s++) {
    unsigned char c = (unsigned char)*s;
    buf[i++] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '_' : (char)c;
  }
  buf[i] = '\0';
  return buf;
}

void gw_log(const gw_logger *lg, gw_log_level lv, const char *fmt, ...) {
  if (lv < lg->min) return;
  char line[2048], ts[40];
  gw_rfc3339(ts, sizeof ts);
  int n = snprintf(line, sizeof line, "ts=%s level=%s ", ts,
                   gw_log_level_name(lv));
  if (n < 0) return;
  size_t len = (size_t)n;
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(line + len, sizeof line - len - 1, fmt, ap);
  va_end(ap);
  if (m < 0) return;
  len += (size_t)m;
  if (len > sizeof line - 2) len = sizeof line - 2; /* truncated */
  /* One event, one line: a newline smuggled in through a value (a path, an
   * upstream error text) must not start a fake record. */
  for (size_t i = (size_t)n; i < len; i++)
    if ((unsigned char)line[i] < 0x20) line[i] = ' ';
  line[len++] = '\n';
  for (size_t done = 0; done < len;) {
    ssize_t w = write(lg->fd, line + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return; /* nowhere else to report it */
    done += (size_t)w;
  }
}
