/*
 * pdf_helper.c — PDF text read in a process of its own, with a time and a
 * memory limit.
 *
 * poppler is a large parser of a hostile format: a page whose content is a
 * 100000x100000 JBIG2 image (pdf.js's bomb_giant.pdf) kept `charter check`
 * decoding for minutes and 2.4 GB, and the results of the files checked
 * before it were never printed.  A thread cannot be stopped safely inside
 * poppler; a process can.  When chx_limits.pdf_helper names a program (the
 * CLI passes its own executable), PDFs are read by `PROGRAM __pdf-text
 * PAGES TEXT SECONDS MEMORY`, a process kept by a chx_pdf_reader (one per
 * thread) from one PDF to the next, since starting it costs about 20 ms
 * (a 1,000-submission export went from 0.28 to 2.5 s with a process per
 * PDF).  Each request is the PDF's length (uint64) and bytes on the
 * helper's standard input; each answer, on its standard output, a header
 * (status, text length, segment count, message length: uint32 in the
 * machine's order, it is the same program), the text, the segments, the
 * message.  The helper's address space is limited by setrlimit, its CPU
 * time per PDF too (the soft limit moved before each), and a wall-clock
 * deadline is enforced here with SIGKILL.  A helper that runs out of time,
 * memory or luck is an error naming the file, the next PDF gets a new
 * helper, and the run goes on.  Answers are checked before use.  A helper
 * is also replaced after 256 PDFs, so that what poppler keeps does not
 * add up.
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
#ifdef __linux__
#include <sys/prctl.h>
#endif

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

/* Read exactly n bytes; 0 at a clean end of input before any byte, -1 on
 * a short read or an error, 1 when done. */
static int read_all(int fd, void *p, size_t n) {
  char *c = p;
  size_t got = 0;
  while (got < n) {
    ssize_t k = read(fd, c + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return -1;
    if (k == 0) return got ? -1 : 0;
    got += (size_t)k;
  }
  return 1;
}

int chx_pdf_helper_main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: __pdf-text PAGES TEXT SECONDS MEMORY (requests on stdin)\n");
    return 2;
  }
#ifdef __linux__
  /* a reader whose parent is gone (killed, or quit at a second Ctrl-C)
   * has nobody to answer: it goes with it, not on for up to --pdf-timeout */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 0;
#endif
  chx_limits lim;
  chx_limits_default(&lim);
  lim.max_pages = (unsigned)strtoul(argv[1], NULL, 10);
  lim.max_text = (size_t)strtoull(argv[2], NULL, 10);
  rlim_t secs = (rlim_t)strtoul(argv[3], NULL, 10);
#ifndef UNDER_ASAN /* AddressSanitizer reserves terabytes of address space */
  struct rlimit as = {(rlim_t)strtoull(argv[4], NULL, 10), (rlim_t)strtoull(argv[4], NULL, 10)};
  if (as.rlim_cur) setrlimit(RLIMIT_AS, &as);
#endif
  for (;;) {
    uint64_t len;
    int r = read_all(0, &len, sizeof len);
    if (r == 0) return 0; /* the parent is done */
    if (r < 0 || len > lim.max_file) return 3;
    char *data = malloc(len ? (size_t)len : 1);
    if (!data || read_all(0, data, (size_t)len) < (len ? 1 : 0)) {
      free(data);
      return 3;
    }
    /* this PDF's CPU time: the soft limit is cumulative, so move it */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    struct rlimit cpu = {(rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + secs + 1, RLIM_INFINITY};
    setrlimit(RLIMIT_CPU, &cpu);
    chx_doc d;
    memset(&d, 0, sizeof d);
    d.lim = &lim;
    d.format = "pdf";
    char err[512] = "";
    ch_status st = extract_pdf(&d, data, (size_t)len, "-", err, sizeof err);
    free(data);
    if (st == CH_OK && d.oom) st = CH_E_NOMEM;
    answer_head h = {(uint32_t)st, st == CH_OK ? (uint32_t)d.len : 0, st == CH_OK ? (uint32_t)d.nsegs : 0,
                     (uint32_t)strlen(err)};
    int bad = write_all(1, &h, sizeof h) || (h.len && write_all(1, d.text, h.len)) ||
              (h.nsegs && write_all(1, d.segs, h.nsegs * sizeof *d.segs)) ||
              (h.msglen && write_all(1, err, h.msglen));
    chx_doc_free(&d);
    if (bad) return 3;
  }
}

/* ------------------------------------------------------------ the parent */

#define READER_RENEW 256 /* PDFs per helper process */

struct chx_pdf_reader {
  pid_t pid; /* 0: no helper running */
  int to, from; /* our ends of its stdin and stdout */
  unsigned served;
};

chx_pdf_reader *chx_pdf_reader_new(void) {
  chx_pdf_reader *r = ch_malloc(NULL, sizeof *r);
  if (r) *r = (chx_pdf_reader){0, -1, -1, 0};
  return r;
}

/* Stop the helper: closing its input ends it; kill when asked (a helper
 * past its deadline or out of step).  *ws receives its wait status. */
static void reader_stop(chx_pdf_reader *r, int kill_it, int *ws) {
  int st = 0;
  if (r->to >= 0) close(r->to);
  if (r->from >= 0) close(r->from);
  r->to = r->from = -1;
  if (r->pid > 0) {
    if (kill_it) kill(r->pid, SIGKILL);
    while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR) {}
  }
  r->pid = 0;
  r->served = 0;
  if (ws) *ws = st;
}

void chx_pdf_reader_free(chx_pdf_reader *r) {
  if (!r) return;
  reader_stop(r, 0, NULL);
  ch_free(NULL, r);
}

static int reader_start(chx_pdf_reader *r, const chx_limits *lim, const char *name, char *err, size_t errlen) {
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
  /* the reader starts with no signal blocked: `charter check` blocks
   * Ctrl-C in its threads to take it in one place, and the terminal's
   * Ctrl-C (sent to the process group) must still stop a reader */
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
  int rc = posix_spawn(&r->pid, lim->pdf_helper, &fa, &at, argv, environ);
  posix_spawnattr_destroy(&at);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(res[1]);
  if (rc) {
    r->pid = 0;
    snprintf(err, errlen, "%s: cannot start the PDF reader %s (%s)", name, lim->pdf_helper, strerror(rc));
    close(in[1]), close(res[0]);
    return -1;
  }
  r->to = in[1];
  r->from = res[0];
  fcntl(r->to, F_SETFL, fcntl(r->to, F_GETFL) | O_NONBLOCK);
  return 0;
}

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

/* Send one PDF and read its answer into *out (from malloc), within the
 * deadline.  Returns 0 with the answer, 1 when the helper failed (*ws,
 * *timed_out say how; it is stopped), -1 with err set. */
static int exchange(chx_pdf_reader *r, const chx_limits *lim, const void *data, size_t len, const char *name,
                    char **out, size_t *outlen, int *ws, int *timed_out, char *err, size_t errlen) {
  if (!r->pid && reader_start(r, lim, name, err, errlen)) return -1;
  /* a helper that dies while we write must not take us with it (SIGPIPE
   * is sent to the writing thread: blocked here, drained below) */
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  uint64_t len64 = len;
  size_t cap = 1 << 16, n = 0, sent = 0, want = sizeof(answer_head);
  size_t most = sizeof(answer_head) + lim->max_text + lim->max_text / 8 + 4096; /* text, segments, message */
  char *buf = malloc(cap);
  double deadline = now_s() + lim->pdf_seconds + 5.0;
  int failed = !buf, writing = 1;
  *timed_out = 0;
  while (!failed && n < want) {
    struct pollfd p[2] = {{r->from, POLLIN, 0}, {r->to, POLLOUT, 0}};
    int left = (int)((deadline - now_s()) * 1000);
    if (left <= 0) {
      *timed_out = failed = 1;
      break;
    }
    int k = poll(p, writing ? 2 : 1, left);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      failed = 1;
      break;
    }
    if (writing && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      /* the length, then the bytes */
      ssize_t w;
      if (sent < sizeof len64) w = write(r->to, (const char *)&len64 + sent, sizeof len64 - sent);
      else w = write(r->to, (const char *)data + (sent - sizeof len64),
                     len + sizeof len64 - sent > 65536 ? 65536 : len + sizeof len64 - sent);
      if (w > 0) sent += (size_t)w;
      if (w < 0 && errno != EAGAIN && errno != EINTR) writing = 0; /* it stopped reading: its answer says why */
      if (sent == len + sizeof len64) writing = 0;
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (n == cap) {
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
          failed = 1;
          break;
        }
        buf = nb;
        cap *= 2;
      }
      ssize_t g = read(r->from, buf + n, (want < cap ? want : cap) - n);
      if (g < 0 && errno == EINTR) continue;
      if (g <= 0) {
        failed = 1; /* the helper ended before its answer did */
        break;
      }
      n += (size_t)g;
      if (n == sizeof(answer_head) && want == sizeof(answer_head)) {
        answer_head h;
        memcpy(&h, buf, sizeof h);
        uint64_t total = (uint64_t)sizeof h + h.len + (uint64_t)h.nsegs * sizeof(chx_seg) + h.msglen;
        if (h.len > lim->max_text || total > most || h.status > CH_E_INTERNAL) {
          failed = 1; /* out of step: not an answer of ours */
          break;
        }
        want = (size_t)total;
        if (want > cap) {
          char *nb = realloc(buf, want);
          if (!nb) {
            failed = 1;
            break;
          }
          buf = nb;
          cap = want;
        }
      }
    }
  }
  if (failed) reader_stop(r, 1, ws);
  struct timespec zero = {0, 0};
  while (sigtimedwait(&pipe_set, NULL, &zero) > 0) {}
  pthread_sigmask(SIG_SETMASK, &old_set, NULL);
  if (failed && !buf) {
    snprintf(err, errlen, "%s: out of memory for the PDF reader's answer", name);
    return -1;
  }
  if (failed) {
    free(buf);
    return 1;
  }
  if (++r->served >= READER_RENEW) reader_stop(r, 0, NULL);
  *out = buf;
  *outlen = n;
  return 0;
}

ch_status extract_pdf_isolated(chx_doc *d, const void *data, size_t len, const char *name, char *err,
                               size_t errlen) {
  const chx_limits *lim = d->lim;
  chx_pdf_reader *own = NULL, *r = d->reader;
  if (!r && !(r = own = chx_pdf_reader_new())) {
    snprintf(err, errlen, "%s: out of memory", name);
    return CH_E_NOMEM;
  }
  char *ans = NULL;
  size_t n = 0;
  int ws = 0, timed_out = 0;
  int rc = exchange(r, lim, data, len, name, &ans, &n, &ws, &timed_out, err, errlen);
  chx_pdf_reader_free(own);
  if (rc < 0) return CH_E_IO;
  if (rc > 0) {
    if (timed_out || (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGXCPU))
      snprintf(err, errlen, "%s: reading this PDF took more than %u s (--pdf-timeout): not checked", name,
               lim->pdf_seconds);
    else if (WIFSIGNALED(ws) && (WTERMSIG(ws) == SIGINT || WTERMSIG(ws) == SIGTERM))
      snprintf(err, errlen, "%s: not checked: the run was interrupted", name);
    else if (WIFSIGNALED(ws))
      snprintf(err, errlen,
               "%s: the PDF reader stopped on this file (signal %d: a malformed PDF, or over the %zu MB memory "
               "limit): not checked",
               name, WTERMSIG(ws), lim->pdf_memory >> 20);
    else
      snprintf(err, errlen, "%s: the PDF reader failed on this file (exit %d, out of memory?): not checked", name,
               WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    return timed_out ? CH_E_LIMIT : CH_E_CORRUPT;
  }
  answer_head h;
  memcpy(&h, ans, sizeof h);
  const char *text = ans + sizeof h;
  const char *segs = text + h.len;
  const char *msg = segs + (size_t)h.nsegs * sizeof(chx_seg);
  if (h.status != CH_OK) {
    rename_message(msg, h.msglen, name, err, errlen);
    free(ans);
    return (ch_status)h.status;
  }
  /* the segments as doc.c makes them: increasing offsets inside the text */
  uint32_t prev = 0;
  for (uint32_t i = 0; i < h.nsegs; i++) {
    chx_seg s;
    memcpy(&s, segs + (size_t)i * sizeof s, sizeof s);
    if (s.off > h.len || s.off < prev || s.part > CHX_NOTES || s.heading > 6) {
      snprintf(err, errlen, "%s: the PDF reader's answer is inconsistent: not checked", name);
      free(ans);
      return CH_E_INTERNAL;
    }
    prev = s.off;
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
