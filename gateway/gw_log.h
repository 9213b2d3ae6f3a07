/*
 * gw_log.h — structured logging to stderr, and the clock helpers.
 *
 * One line per event, logfmt style:
 *   ts=2025-11-25T03:10:00.123Z level=info msg="charter loaded" generation=2
 * Each line is formatted in a local buffer and written with one write(2),
 * so lines from different threads never interleave and no lock is needed.
 * Control characters are replaced, so a value taken from a request cannot
 * forge a second log line.  Prompt text is never passed here (DESIGN.md,
 * privacy).
 */
#ifndef GW_LOG_H
#define GW_LOG_H

#include <stddef.h>
#include <stdint.h>

typedef enum gw_log_level {
  GW_LOG_DEBUG = 0,
  GW_LOG_INFO = 1,
  GW_LOG_WARN = 2,
  GW_LOG_ERROR = 3
} gw_log_level;

/* Set once at start-up and read-only afterwards, so it is shared freely. */
typedef struct gw_logger {
  gw_log_level min;
  int fd;
} gw_logger;

/* `fmt` continues the line after "ts=... level=...", e.g.
 * "msg=\"reload refused\" path=\"%s\"". */
void gw_log(const gw_logger *lg, gw_log_level lv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Copy `s` into buf for use inside a quoted value: quotes, backslashes and
 * control bytes become '_', and the copy is cut to size-1 bytes.  Returns
 * buf. */
const char *gw_log_safe(char *buf, size_t size, const char *s);
const char *gw_log_level_name(gw_log_level lv);

/* Monotonic nanoseconds, for latencies. */
uint64_t gw_now_ns(void);
/* Wall-clock time as RFC 3339 UTC with milliseconds into buf (>= 32 bytes). */
void gw_rfc3339(char *buf, size_t size);

#endif
