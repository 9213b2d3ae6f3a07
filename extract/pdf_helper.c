/*
 * pdf_helper.c — PDF text read in a process of its own, with a time and a
 * memory limit.
 *
 * poppler is a large parser of a hostile format: a page whose content is a
 * 100000x100000 JBIG2 image (pdf.js's bomb_giant.pdf) kept `charter check`
 * decoding for minutes and 2.4 GB, and the results of the files checked
 * before it were never printed.  A thread cannot be stopped safely inside
 * poppler; a process can.  When chx_limits.pdf_helper names a program (the
 * CLI passes its own executable), each PDF is read by `PROGRAM __pdf-text
 * PAGES TEXT SECONDS MEMORY`: the PDF on its standard input, the extracted
 * document on its standard output, CPU time and address space limited by
 * setrlimit, and a wall-clock deadline enforced here with SIGKILL.  A
 * helper that runs out of time, memory or luck is an error naming the
 * file, and the run goes on with the next one.
 *
 * The helper's answer: a header (status, text length, segment count,
 * message length, all uint32 in the machine's order: it is the same
 * program), the text, the segments, the message.  Everything is checked
 * before use: a helper that crashed half-way is just an error.
 */
#define _GNU_SOURCE /* pipe2: no window where another thread's helper inherits our pipes */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

extern char **environ;

typedef struct answer_head {
  uint32_t status, len, nsegs, msglen;
} answer_head;

/* ------------------------------------------------------------ the helper */

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t k = write(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    c += k;
    n -= (size_t)k;
  }
  return 0;
}

int chx_pdf_helper_main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: __pdf-text PAGES TEXT SECONDS MEMORY (PDF on stdin)\n");
    return 2;
  }
  chx_limits lim;
  chx_limits_default(&lim);
  lim.max_pages = (unsigned)strtoul(argv[1], NULL, 10);
  lim.max_text = (size_t)strtoull(argv[2], NULL, 10);
  struct rlimit cpu = {(rlim_t)strtoul(argv[3], NULL, 10), (rlim_t)strtoul(argv[3], NULL, 10) + 1};
  setrlimit(RLIMIT_CPU, &cpu);
#ifndef UNDER_ASAN /* AddressSanitizer reserves terabytes of address space */
  struct rlimit as = {(rlim_t)strtoull(argv[4], NULL, 10), (rlim_t)strtoull(argv[4], NULL, 10)};
  if (as.rlim_cur) setrlimit(RLIMIT_AS, &as);
#endif
  /* the PDF, bounded by the file limit the parent already applied */
  size_t cap = 1 << 16, len = 0;
  char *data = malloc(cap);
  for (;;) {
    if (!data) return 3;
    if (len == cap) {
      if (cap >= lim.max_file) return 3;
      char *nd = realloc(data, cap * 2);
      if (!nd) {
        free(data);
        return 3;
      }
      data = nd;
      cap *= 2;
    }
    ssize_t k = read(0, data + len, cap - len);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return 3;
    if (k == 0) break;
    len += (size_t)k;
  }
  chx_doc d;
  memset(&d, 0, sizeof d);
  d.lim = &lim;
  d.format = "pdf";
  char err[512] = "";
  ch_status st = extract_pdf(&d, data, len, "-", err, sizeof err);
  free(data);
  if (st == CH_OK && d.oom) st = CH_E_NOMEM;
  answer_head h = {(uint32_t)st, st == CH_OK ? (uint32_t)d.len : 0, st == CH_OK ? (uint32_t)d.nsegs : 0,
                   (uint32_t)strlen(err)};
  int bad = write_all(1, &h, sizeof h) || (h.len && write_all(1, d.text, h.len)) ||
            (h.nsegs && write_all(1, d.segs, h.nsegs * sizeof *d.segs)) || (h.msglen && write_all(1, err, h.msglen));
  chx_doc_free(&d);
  return bad ? 3 : 0;
}

/* ------------------------------------------------------------ the parent */

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The helper's message "-: reason" with the file's name instead of "-". */
static void rename_message(const char *msg, size_t n, const char *name, char *err, size_t errlen) {
  if (n >= 2 && msg[0] == '-' && msg[1] == ':') msg += 2, n -= 2;
  while (n && *msg == ' ') msg++, n--;
  snprintf(err, errlen, "%s: %.*s", name, (int)n, msg);
}

/* Spawn the helper, write data to it and read its answer into *out (from
 * malloc), within the deadline.  Returns 0, or -1 with err set. */
static int exchange(const chx_limits *lim, const void *data, size_t len, const char *name, char **out,
                    size_t *outlen, int *wstatus, int *timed_out, char *err, size_t errlen) {
  int in[2], res[2];
  if (pipe2(in, O_CLOEXEC)) {
    snprintf(err, errlen, "%s: cannot start the PDF reader (%s)", name, strerror(errno));
    return -1;
  }
  if (pipe2(res, O_CLOEXEC)) {
    snprintf(err, errlen, "%s: cannot start the PDF reader (%s)", name, strerror(errno));
    close(in[0]), close(in[1]);
    return -1;
  }
  char a_pages[24], a_text[24], a_secs[24], a_mem[24];
  snprintf(a_pages, sizeof a_pages, "%u", lim->max_pages);
  snprintf(a_text, sizeof a_text, "%zu", lim->max_text);
  snprintf(a_secs, sizeof a_secs, "%u", lim->pdf_seconds);
  snprintf(a_mem, sizeof a_mem, "%zu", lim->pdf_memory);
  char *argv[] = {(char *)lim->pdf_helper, "__pdf-text", a_pages, a_text, a_secs, a_mem, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, res[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0); /* poppler's complaints */
  pid_t pid;
  int rc = posix_spawn(&pid, lim->pdf_helper, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(res[1]);
  if (rc) {
    snprintf(err, errlen, "%s: cannot start the PDF reader %s (%s)", name, lim->pdf_helper, strerror(rc));
    close(in[1]), close(res[0]);
    return -1;
  }
  /* a helper that dies while we write must not take us with it (SIGPIPE
   * is sent to the writing thread: blocked here, drained below) */
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
  size_t cap = 1 << 16, n = 0, sent = 0;
  char *buf = malloc(cap);
  size_t most = sizeof(answer_head) + lim->max_text + lim->max_text / 8 + 4096; /* text, segments, message */
  double deadline = now_s() + lim->pdf_seconds + 5.0;
  int wfd = len ? in[1] : -1, fail = !buf;
  if (!len) close(in[1]);
  *timed_out = 0;
  while (!fail) {
    struct pollfd p[2] = {{res[0], POLLIN, 0}, {wfd, POLLOUT, 0}};
    int left = (int)((deadline - now_s()) * 1000);
    if (left <= 0) {
      *timed_out = 1;
      break;
    }
    int k = poll(p, wfd >= 0 ? 2 : 1, left);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) break;
    if (wfd >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(wfd, (const char *)data + sent, len - sent > 65536 ? 65536 : len - sent);
      if (w > 0) sent += (size_t)w;
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == len) {
        close(wfd); /* done, or the helper stopped reading: its answer says why */
        wfd = -1;
      }
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (n == cap) {
        if (cap >= most) {
          fail = 1; /* more than the text limit allows: not our helper's answer */
          break;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
          fail = 1;
          break;
        }
        buf = nb;
        cap *= 2;
      }
      ssize_t r = read(res[0], buf + n, cap - n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break; /* end of the answer */
      n += (size_t)r;
    }
  }
  if (wfd >= 0) close(wfd);
  close(res[0]);
  if (*timed_out || fail) kill(pid, SIGKILL);
  while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR) {}
  struct timespec zero = {0, 0};
  while (sigtimedwait(&pipe_set, NULL, &zero) > 0) {}
  pthread_sigmask(SIG_SETMASK, &old_set, NULL);
  if (fail) {
    free(buf);
    snprintf(err, errlen, "%s: the PDF reader's answer was %s", name, buf ? "too long" : "out of memory");
    return -1;
  }
  *out = buf;
  *outlen = n;
  return 0;
}

ch_status extract_pdf_isolated(chx_doc *d, const void *data, size_t len, const char *name, char *err,
                               size_t errlen) {
  const chx_limits *lim = d->lim;
  char *ans = NULL;
  size_t n = 0;
  int ws = 0, timed_out = 0;
  if (exchange(lim, data, len, name, &ans, &n, &ws, &timed_out, err, errlen)) return CH_E_IO;
  answer_head h;
  int whole = n >= sizeof h;
  if (whole) {
    memcpy(&h, ans, sizeof h);
    whole = (uint64_t)sizeof h + h.len + (uint64_t)h.nsegs * sizeof(chx_seg) + h.msglen == n &&
            h.len <= lim->max_text && h.status <= CH_E_INTERNAL;
  }
  if (!whole || timed_out || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
    if (timed_out || (WIFSIGNALED(ws) && (WTERMSIG(ws) == SIGXCPU || WTERMSIG(ws) == SIGKILL)))
      snprintf(err, errlen, "%s: reading this PDF took more than %u s (--pdf-timeout): not checked", name,
               lim->pdf_seconds);
    else if (WIFSIGNALED(ws))
      snprintf(err, errlen,
               "%s: the PDF reader stopped on this file (signal %d: a malformed PDF, or over the %zu MB memory "
               "limit): not checked",
               name, WTERMSIG(ws), lim->pdf_memory >> 20);
    else
      snprintf(err, errlen, "%s: the PDF reader failed on this file (exit %d, out of memory?): not checked", name,
               WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    free(ans);
    return timed_out ? CH_E_LIMIT : CH_E_CORRUPT;
  }
  const char *text = ans + sizeof h;
  const chx_seg *segs = (const chx_seg *)(const void *)(text + h.len);
  const char *msg = (const char *)segs + (size_t)h.nsegs * sizeof(chx_seg);
  if (h.status != CH_OK) {
    rename_message(msg, h.msglen, name, err, errlen);
    free(ans);
    return (ch_status)h.status;
  }
  /* the segments as doc.c makes them: increasing offsets inside the text */
  for (uint32_t i = 0; i < h.nsegs; i++) {
    chx_seg s;
    memcpy(&s, (const char *)segs + (size_t)i * sizeof s, sizeof s);
    uint32_t prev = 0;
    if (i) memcpy(&prev, (const char *)segs + (size_t)(i - 1) * sizeof s + offsetof(chx_seg, off), sizeof prev);
    if (s.off > h.len || (i && s.off < prev) || s.part > CHX_TEXTBOX || s.heading > 6) {
      snprintf(err, errlen, "%s: the PDF reader's answer is inconsistent: not checked", name);
      free(ans);
      return CH_E_INTERNAL;
    }
  }
  d->text = ch_malloc(NULL, (size_t)h.len + 1);
  d->segs = h.nsegs ? ch_malloc(NULL, (size_t)h.nsegs * sizeof *d->segs) : NULL;
  if (!d->text || (h.nsegs && !d->segs)) {
    free(ans);
    d->oom = 1;
    return CH_OK; /* the dispatcher reports it */
  }
  memcpy(d->text, text, h.len);
  d->text[h.len] = 0;
  d->len = h.len;
  d->cap = (size_t)h.len + 1;
  if (h.nsegs) memcpy(d->segs, segs, (size_t)h.nsegs * sizeof *d->segs);
  d->nsegs = d->segcap = h.nsegs;
  d->para = h.nsegs;
  free(ans);
  return CH_OK;
}
