/*
 * charter_check.c — `charter check` (documents and assignment exports) and
 * `charter extract` (the text the checker sees).
 *
 * Inputs are gathered first (chx_walk: files, folders, zip exports), then
 * N worker threads each with its own scanner extract and scan them; the
 * charter is shared read-only.  Results are written in input order once
 * all are done, in the chosen format (charter_check_report.c).  A file
 * that cannot be read is an error row; the batch goes on.  Ctrl-C (or
 * SIGTERM) stops taking new files: the files being read are finished and
 * the report is written, the others as "not checked" rows; a second one
 * quits at once.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "charter.h"
#include "charter_compile.h"
#include "cli/charter_cmds.h"
#include "cli/check.h"
#include "cli/common_opt.h"
#include "extract/extract.h"

typedef struct item {
  char *name, *student, *id;
  char *data;
  size_t len;
  char *error;
} item;

typedef struct items {
  item *v;
  size_t n, cap;
  int oom;
} items;

static char *sdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static int gather(void *ud, const char *name, const char *student, const char *id, const void *data, size_t len,
                  const char *error) {
  items *it = ud;
  if (it->n == it->cap) {
    size_t nc = it->cap ? it->cap * 2 : 64;
    item *nv = realloc(it->v, nc * sizeof *nv);
    if (!nv) {
      it->oom = 1;
      return 1;
    }
    it->v = nv;
    it->cap = nc;
  }
  item *x = &it->v[it->n++];
  memset(x, 0, sizeof *x);
  x->name = sdup(name);
  x->student = sdup(student);
  x->id = sdup(id);
  if (data) {
    x->data = malloc(len + 1);
    if (x->data) {
      memcpy(x->data, data, len);
      x->data[len] = 0;
      x->len = len;
    } else {
      x->error = sdup("out of memory");
    }
  } else {
    x->error = sdup(error ? error : "unreadable");
  }
  return 0;
}

#define MAX_JOBS 64

typedef struct job {
  const ch_charter *c;
  const char *ue, *level;
  const chx_limits *lim;
  items *in;
  chk_result *out;
  atomic_size_t next;
  atomic_size_t done;
  unsigned char *taken; /* per file: a worker took it (it has a result) */
  atomic_int stop;    /* interrupted: take no new file */
  atomic_int running; /* workers not yet returned */
  pthread_t main;     /* woken by the last worker (SIGUSR1) when `wake` */
  int wake;
  /* per worker, for the progress line: 1 + the file it reads (0: none),
   * and since when (ms, monotonic clock) */
  atomic_size_t busy[MAX_JOBS];
  atomic_llong since[MAX_JOBS];
} job;

typedef struct worker_arg {
  job *j;
  int t;
} worker_arg;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A window of about 120 bytes around [s, e), on UTF-8 boundaries, with
 * line breaks shown as spaces. */
static char *excerpt(const char *t, size_t n, size_t s, size_t e, size_t *hs, size_t *he) {
  if (!t || s > n) return NULL;
  if (e > n) e = n;
  size_t a = s > 60 ? s - 60 : 0, b = e + 60 < n ? e + 60 : n;
  if (e - s > 240) e = s + 240;
  while (a > 0 && ((unsigned char)t[a] & 0xc0) == 0x80) a--;
  while (b < n && ((unsigned char)t[b] & 0xc0) == 0x80) b++;
  char *o = malloc(b - a + 8);
  if (!o) return NULL;
  size_t k = 0;
  if (a > 0) {
    memcpy(o, "…", 3);
    k = 3;
  }
  size_t base = k;
  for (size_t i = a; i < b; i++) o[k++] = t[i] == '\n' || t[i] == '\r' || t[i] == '\t' ? ' ' : t[i];
  if (b < n) {
    memcpy(o + k, "…", 3);
    k += 3;
  }
  o[k] = 0;
  *hs = base + (s - a);
  *he = base + (e > b ? b - a : e - a);
  return o;
}

/* A SARIF artifact URI: absolute paths as file:// URIs, relative ones as
 * relative references; characters outside RFC 3986's unreserved and
 * path sets are percent-encoded (Moodle folder names have spaces). */
static char *to_uri(const char *path) {
  size_t n = strlen(path);
  char *u = malloc(3 * n + 8);
  if (!u) return NULL;
  size_t k = 0;
  if (path[0] == '/') k += (size_t)sprintf(u, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/!$&'()*+,;=:@", *p))
      u[k++] = (char)*p;
    else
      k += (size_t)sprintf(u + k, "%%%02X", *p);
  }
  u[k] = 0;
  return u;
}

static void process(job *j, size_t i, ch_scanner *s, chx_pdf_reader *rd) {
  item *x = &j->in->v[i];
  chk_result *r = &j->out[i];
  memset(r, 0, sizeof *r);
  r->name = sdup(x->name);
  r->uri = to_uri(x->name);
  r->student = sdup(x->student);
  r->student_id = sdup(x->id);
  r->ue = j->ue;
  if (x->error) {
    r->error = sdup(x->error);
    return;
  }
  chx_doc d;
  char err[600];
  if (chx_extract_with(rd, x->data, x->len, x->name, j->lim, &d, err, sizeof err)) {
    r->error = sdup(err);
    chx_doc_free(&d);
    return;
  }
  r->format = sdup(d.format);
  const ch_report *rep;
  if (ch_scanner_scan(s, d.text ? d.text : "", d.len, &rep)) {
    snprintf(err, sizeof err, "%s: %s", x->name, ch_scanner_errmsg(s));
    r->error = sdup(err);
    chx_doc_free(&d);
    return;
  }
  r->decision = ch_report_decision(rep);
  r->level = ch_report_level(rep);
  r->level_name = sdup(ch_report_level_name(rep));
  r->disclosure = ch_report_disclosure(rep);
  size_t nf = ch_report_finding_count(rep);
  r->findings = calloc(nf ? nf : 1, sizeof *r->findings);
  if (!r->findings) {
    r->error = sdup("out of memory");
    chx_doc_free(&d);
    return;
  }
  for (size_t k = 0; k < nf; k++) {
    const ch_finding *f = ch_report_finding(rep, k);
    chk_finding *o = &r->findings[r->nfindings++];
    o->rule = sdup(ch_finding_rule(f));
    o->message = sdup(ch_finding_message(f));
    o->statement = sdup(ch_finding_statement(f));
    o->severity = ch_finding_severity(f);
    o->action = ch_finding_action(f);
    if (o->severity > r->worst) r->worst = o->severity;
    size_t ne = ch_finding_evidence_count(f);
    o->ev = calloc(ne ? ne : 1, sizeof *o->ev);
    for (size_t m = 0; o->ev && m < ne; m++) {
      ch_span sp;
      ch_finding_evidence(f, m, &sp);
      chk_ev *e = &o->ev[o->nev++];
      chx_seg seg;
      unsigned line;
      chx_locate(&d, sp.start, &seg, &line);
      e->fact = sdup(sp.fact);
      e->start = sp.start;
      e->end = sp.end;
      e->line = sp.line;
      e->page = seg.page;
      e->slide = chx_slides(&d);
      e->para = seg.para;
      e->part = chx_part_name(seg.part);
      e->excerpt = excerpt(d.text, d.len, sp.start, sp.end, &e->hl_start, &e->hl_end);
    }
  }
  chx_doc_free(&d);
}

/* A worker returns; the last one wakes the main thread at once, which
 * otherwise would notice only at its next 200 ms tick. */
static void worker_done(job *j) {
  if (atomic_fetch_sub(&j->running, 1) == 1 && j->wake) pthread_kill(j->main, SIGUSR1);
}

static void *worker(void *arg) {
  job *j = ((worker_arg *)arg)->j;
  int t = ((worker_arg *)arg)->t;
  ch_scanner *s;
  if (ch_scanner_create(j->c, &s)) {
    worker_done(j);
    return NULL;
  }
  ch_scanner_set_scope(s, CH_SCOPE_DOCUMENT);
  ch_scanner_set_ue(s, j->ue);
  ch_scanner_set_level(s, j->level);
  chx_pdf_reader *rd = chx_pdf_reader_new(); /* NULL: a PDF reader process per PDF */
  while (!atomic_load(&j->stop)) {
    size_t i = atomic_fetch_add(&j->next, 1);
    if (i >= j->in->n) break;
    j->taken[i] = 1;
    atomic_store(&j->since[t], now_ms());
    atomic_store(&j->busy[t], i + 1);
    process(j, i, s, rd);
    atomic_store(&j->busy[t], 0);
    /* the input's bytes are not needed any more */
    free(j->in->v[i].data);
    j->in->v[i].data = NULL;
    atomic_fetch_add(&j->done, 1);
  }
  chx_pdf_reader_free(rd);
  ch_scanner_destroy(s);
  worker_done(j);
  return NULL;
}

/* SA_RESETHAND makes it run once: its mark is the default action it leaves */
static void ignore_once(int sig) { (void)sig; }

/* The progress line: how many files are checked, and the file read for
 * longest when that is over two seconds (a slow PDF, a huge export entry:
 * the teacher sees what the run waits for).  Names are shown from their
 * last '/', control characters as '?'. */
static void show_progress(job *j, int nworkers, long long t0) {
  long long now = now_ms(), oldest = -1;
  size_t d = atomic_load(&j->done), slow = 0;
  for (int t = 0; t < nworkers; t++) {
    size_t b = atomic_load(&j->busy[t]);
    long long since = atomic_load(&j->since[t]);
    if (b && now - since >= 2000 && (oldest < 0 || since < oldest)) oldest = since, slow = b;
  }
  double el = (double)(now - t0) / 1000;
  fprintf(stderr, "\r\033[Kchecked %zu/%zu files (%.1f/s)", d, j->in->n, el > 0 ? (double)d / el : 0.0);
  if (slow) {
    const char *name = j->in->v[slow - 1].name, *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    fputs(", reading ", stderr);
    for (size_t k = 0; k < 60 && base[k]; k++)
      fputc((unsigned char)base[k] < 0x20 || base[k] == 0x7f ? '?' : base[k], stderr);
    fprintf(stderr, " for %lld s", (now - oldest) / 1000);
  }
  if (atomic_load(&j->stop)) fputs(" - interrupted, finishing", stderr);
}

static void free_result(chk_result *r) {
  free(r->name);
  free(r->uri);
  free(r->student);
  free(r->student_id);
  free(r->format);
  free(r->error);
  free(r->level_name);
  for (size_t i = 0; i < r->nfindings; i++) {
    chk_finding *f = &r->findings[i];
    free(f->rule);
    free(f->message);
    free(f->statement);
    for (size_t k = 0; k < f->nev; k++) {
      free(f->ev[k].fact);
      free(f->ev[k].excerpt);
    }
    free(f->ev);
  }
  free(r->findings);
}

static void usage(FILE *f) {
  fputs("usage: charter check --charter FILE [--ue CODE | --level NAME|NUMBER] [--format text|json|sarif|csv|html]\n"
        "                     [-j N] [-o FILE] [--max-file-size BYTES] [--max-unzipped BYTES] [--pdf-timeout SECONDS]\n"
        "                     [--no-progress] [--] PATH...\n"
        "  PATH: documents (.docx .doc .odt .pptx .odp .rtf .pdf .html .md .txt .tex), folders, or zip exports (Moodle)\n"
        "  --name=VALUE and -jN are accepted too; -j is also --jobs, -o --output; after --, every argument is a PATH\n"
        "exit status: 0 no error-level finding, 1 at least one, 2 an input could not be read\n",
        f);
}

static long parse_size(const char *s) {
  char *e;
  long v = strtol(s, &e, 10);
  if (*e == 'k' || *e == 'K') v <<= 10;
  else if (*e == 'm' || *e == 'M') v <<= 20;
  else if (*e == 'g' || *e == 'G') v <<= 30;
  else if (*e) return -1;
  return v;
}

enum { OPT_HELP, OPT_NO_PROGRESS, OPT_CHARTER, OPT_UE, OPT_LEVEL, OPT_FORMAT, OPT_OUTPUT, OPT_JOBS, OPT_PDF_TIMEOUT,
       OPT_MAX_FILE, OPT_MAX_UNZIPPED };
static const cli_optdef check_opts[] = {
    {"--help", OPT_HELP, 0},           {"-h", OPT_HELP, 0},
    {"--no-progress", OPT_NO_PROGRESS, 0}, {"--charter", OPT_CHARTER, 1},
    {"--ue", OPT_UE, 1},               {"--level", OPT_LEVEL, 1},
    {"--format", OPT_FORMAT, 1},       {"-o", OPT_OUTPUT, 1},
    {"--output", OPT_OUTPUT, 1},       {"-j", OPT_JOBS, 1},
    {"--jobs", OPT_JOBS, 1},           {"--pdf-timeout", OPT_PDF_TIMEOUT, 1},
    {"--max-file-size", OPT_MAX_FILE, 1}, {"--max-unzipped", OPT_MAX_UNZIPPED, 1},
};

int cmd_check(int argc, char **argv) {
  const char *charter = NULL, *ue = NULL, *level = NULL, *out = NULL, *format = "text";
  int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), progress = isatty(2);
  chx_limits lim;
  chx_limits_default(&lim);
  char self[4096];
  lim.pdf_helper = cli_pdf_helper(self, sizeof self);
  const char **paths = calloc((size_t)argc + 1, sizeof *paths);
  size_t np = 0;
  if (!paths) return 2;
  int dashdash = 0;
  for (int i = 1; i < argc; i++) {
    if (dashdash || argv[i][0] != '-' || !argv[i][1]) {
      paths[np++] = argv[i];
      continue;
    }
    if (!strcmp(argv[i], "--")) {
      dashdash = 1;
      continue;
    }
    cli_opt o;
    cli_opt_split(argv[i], "jo", &o);
    const char *a = o.name, *v = o.value ? o.value : i + 1 < argc ? argv[i + 1] : NULL;
    int take = o.value ? 0 : 1; /* arguments the value uses */
    const cli_optdef *d = cli_opt_find(check_opts, sizeof check_opts / sizeof *check_opts, a);
    if (!d) {
      fprintf(stderr, "charter check: unknown option '%s'\n", argv[i]);
      usage(stderr);
      free(paths);
      return 2;
    }
    if (!d->valued) { /* --help, --no-progress */
      if (o.value) {
        fprintf(stderr, "charter check: %s takes no value\n", a);
        free(paths);
        return 2;
      }
      if (d->id == OPT_HELP) {
        usage(stdout);
        free(paths);
        return 0;
      }
      progress = 0;
      continue;
    }
    if (!v || (o.value && !*v)) {
      fprintf(stderr, "charter check: %s needs a value\n", a);
      free(paths);
      return 2;
    }
    char *e;
    long num;
    switch (d->id) {
    case OPT_CHARTER: charter = v; break;
    case OPT_UE: ue = v; break;
    case OPT_LEVEL: level = v; break;
    case OPT_FORMAT: format = v; break;
    case OPT_OUTPUT: out = v; break;
    case OPT_JOBS:
      num = strtol(v, &e, 10);
      if (e == v || *e || num < 1 || num > 64) {
        fprintf(stderr, "charter check: bad %s '%s' (parallel jobs, 1 to 64)\n", a, v);
        free(paths);
        return 2;
      }
      jobs = (int)num;
      break;
    case OPT_PDF_TIMEOUT:
      num = strtol(v, &e, 10);
      if (e == v || *e || num <= 0 || num > 86400) {
        fprintf(stderr, "charter check: bad --pdf-timeout '%s' (seconds, 1 to 86400)\n", v);
        free(paths);
        return 2;
      }
      lim.pdf_seconds = (unsigned)num;
      break;
    default: /* OPT_MAX_FILE, OPT_MAX_UNZIPPED */
      num = parse_size(v);
      if (num <= 0) {
        fprintf(stderr, "charter check: bad size '%s' for %s\n", v, a);
        free(paths);
        return 2;
      }
      if (d->id == OPT_MAX_FILE) lim.max_file = (size_t)num;
      else lim.max_entry = (size_t)num;
    }
    i += take;
  }
  int fmt = !strcmp(format, "text") ? CHK_TEXT : !strcmp(format, "json") ? CHK_JSON : !strcmp(format, "sarif") ? CHK_SARIF
          : !strcmp(format, "csv") ? CHK_CSV : !strcmp(format, "html") ? CHK_HTML : -1;
  if (!charter || !np || fmt < 0 || (ue && level)) {
    if (fmt < 0) fprintf(stderr, "charter check: unknown format '%s'\n", format);
    if (ue && level) fprintf(stderr, "charter check: give --ue or --level, not both\n");
    usage(stderr);
    free(paths);
    return 2;
  }
  if (jobs < 1) jobs = 1;
  if (jobs > 64) jobs = 64;
  ch_charter *c;
  char err[512];
  if (ch_charter_open(charter, NULL, ch_diag_print, stderr, &c, err, sizeof err)) {
    fprintf(stderr, "charter check: %s\n", err);
    free(paths);
    return 2;
  }
  /* validate the level once, with a clear message */
  ch_scanner *probe;
  if (ch_scanner_create(c, &probe) == CH_OK) {
    if (level && ch_scanner_set_level(probe, level)) {
      fprintf(stderr, "charter check: unknown level '%s' (levels:", level);
      for (size_t i = 0; i < ch_charter_count(c, CH_ITEM_LEVEL); i++)
        fprintf(stderr, " %s=%s", ch_charter_item(c, CH_ITEM_LEVEL, i, "rank"), ch_charter_item(c, CH_ITEM_LEVEL, i, "id"));
      fprintf(stderr, ")\n");
      ch_scanner_destroy(probe);
      ch_charter_destroy(c);
      free(paths);
      return 2;
    }
    ch_scanner_destroy(probe);
  }
  chx_init(); /* before any worker thread touches libxml2 */
  items in = {0};
  for (size_t i = 0; i < np; i++) chx_walk(paths[i], &lim, gather, &in);
  free(paths);
  chk_result *res = calloc(in.n ? in.n : 1, sizeof *res);
  unsigned char *taken = calloc(in.n ? in.n : 1, 1);
  if (in.oom || !res || !taken) {
    free(res);
    free(taken);
    fprintf(stderr, "charter check: out of memory\n");
    ch_charter_destroy(c);
    return 2;
  }
  job j = {.c = c, .ue = ue, .level = level, .lim = &lim, .in = &in, .out = res, .taken = taken};
  pthread_t th[MAX_JOBS];
  worker_arg wa[MAX_JOBS];
  int nt = jobs < (int)in.n ? jobs : (int)(in.n ? in.n : 1);
  int started = 0;
  /* Ctrl-C and SIGTERM are taken by this thread (sigtimedwait below),
   * blocked in the workers, which inherit the mask.  The PDF readers are
   * started with no signal blocked (pdf_helper.c): the terminal's Ctrl-C,
   * sent to the whole process group, stops a slow one at once, and its
   * file is reported as interrupted. */
  sigset_t sigs, old_mask;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGUSR1); /* the last worker's "done" */
  pthread_sigmask(SIG_BLOCK, &sigs, &old_mask);
  atomic_store(&j.running, nt);
  j.main = pthread_self();
  j.wake = 1;
  for (int t = 0; t < nt; t++) {
    wa[t] = (worker_arg){&j, t};
    if (pthread_create(&th[started], NULL, worker, &wa[t]) == 0) started++;
    else atomic_fetch_sub(&j.running, 1);
  }
  long long t0 = now_ms();
  if (!started) { /* no thread: this one works, and Ctrl-C just quits */
    j.wake = 0;
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    atomic_store(&j.running, 1);
    wa[0] = (worker_arg){&j, 0};
    worker(&wa[0]);
  }
  while (atomic_load(&j.running) > 0) {
    struct timespec ts = {0, 200000000};
    int sig = sigtimedwait(&sigs, NULL, &ts);
    if (sig == SIGINT || sig == SIGTERM) {
      if (atomic_load(&j.stop)) { /* the second one: quit now */
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, sig);
        signal(sig, SIG_DFL);
        pthread_sigmask(SIG_UNBLOCK, &one, NULL);
        raise(sig);
        _exit(2);
      }
      atomic_store(&j.stop, 1);
      fprintf(stderr, "%scharter check: interrupted: finishing the files being read, then writing the report "
              "(the rest as not checked); again to quit at once\n", progress ? "\r\033[K" : "");
    }
    if (progress) show_progress(&j, started, t0);
  }
  for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
  /* a wake-up that came after the loop's last test is pending: take it
   * before unblocking, or its default action would end the process */
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  for (struct timespec z = {0, 0}; started && sigtimedwait(&usr1, NULL, &z) == SIGUSR1;)
    ;
  /* Every file has been read: a first Ctrl-C or SIGTERM from now on must
   * not lose the report (a slow pipe, a FIFO, a full disk), so it runs a
   * handler that does nothing and resets itself, and a second one quits.
   * After a first one during the run, any signal quits at once; an
   * ignored one stays ignored. */
  struct sigaction once = {.sa_handler = ignore_once, .sa_flags = SA_RESETHAND | SA_RESTART}, old_int, old_term;
  sigemptyset(&once.sa_mask);
  sigaction(SIGINT, NULL, &old_int);
  sigaction(SIGTERM, NULL, &old_term);
  int guard_int = !atomic_load(&j.stop) && old_int.sa_handler != SIG_IGN;
  int guard_term = !atomic_load(&j.stop) && old_term.sa_handler != SIG_IGN;
  if (guard_int) sigaction(SIGINT, &once, NULL);
  if (guard_term) sigaction(SIGTERM, &once, NULL);
  pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
  if (progress) fputs("\r\033[K", stderr);
  for (size_t i = 0; i < in.n; i++) {
    if (taken[i]) continue;
    char why[600];
    snprintf(why, sizeof why, "%s: not checked: the run was interrupted", in.v[i].name);
    res[i].name = sdup(in.v[i].name);
    res[i].uri = to_uri(in.v[i].name);
    res[i].student = sdup(in.v[i].student);
    res[i].student_id = sdup(in.v[i].id);
    res[i].ue = ue;
    res[i].error = sdup(why);
  }
  FILE *o = stdout;
  if (out && !(o = fopen(out, "w"))) {
    fprintf(stderr, "charter check: cannot write %s: %s\n", out, strerror(errno));
    o = stdout;
  }
  chk_write(o, fmt, res, in.n, c, ue, level, fmt == CHK_TEXT && o == stdout && isatty(1));
  if (o != stdout) fclose(o);
  else fflush(stdout);
  /* a handler reset to the default is one that ran */
  struct sigaction now;
  int hit = 0;
  if (guard_int && !sigaction(SIGINT, &old_int, &now)) hit |= now.sa_handler != ignore_once;
  if (guard_term && !sigaction(SIGTERM, &old_term, &now)) hit |= now.sa_handler != ignore_once;
  if (hit) fprintf(stderr, "charter check: interrupted while writing the report, which was finished first\n");
  int rc = 0;
  for (size_t i = 0; i < in.n; i++) {
    if (res[i].error) rc = 2;
    else if (res[i].worst == CH_SEV_ERROR && rc == 0) rc = 1;
    free_result(&res[i]);
    free(in.v[i].name);
    free(in.v[i].student);
    free(in.v[i].id);
    free(in.v[i].data);
    free(in.v[i].error);
  }
  free(res);
  free(taken);
  free(in.v);
  ch_charter_destroy(c);
  return rc;
}

typedef struct ex_ctx {
  int positions;
  int rc;
  const chx_limits *lim;
  chx_pdf_reader *rd;
} ex_ctx;

static int extract_one(void *ud, const char *name, const char *student, const char *id, const void *data, size_t len,
                       const char *error) {
  ex_ctx *x = ud;
  (void)student;
  (void)id;
  if (!data) {
    fprintf(stderr, "charter extract: %s\n", error);
    x->rc = 2;
    return 0;
  }
  chx_doc d;
  char err[600];
  if (chx_extract_with(x->rd, data, len, name, x->lim, &d, err, sizeof err)) {
    fprintf(stderr, "charter extract: %s\n", err);
    x->rc = 2;
    chx_doc_free(&d);
    return 0;
  }
  if (!x->positions) {
    fwrite(d.text ? d.text : "", 1, d.len, stdout);
  } else {
    for (size_t i = 0; i < d.nsegs; i++) {
      const chx_seg *s = &d.segs[i];
      size_t end = i + 1 < d.nsegs ? d.segs[i + 1].off : d.len;
      printf("[%s", name);
      if (s->page) printf(" %s %u", chx_slides(&d) ? "slide" : "page", s->page);
      printf(" para %u %s]\n", s->para, chx_part_name(s->part));
      fwrite(d.text + s->off, 1, end - s->off, stdout);
    }
  }
  chx_doc_free(&d);
  return 0;
}

int cmd_extract(int argc, char **argv) {
  ex_ctx x = {0, 0, NULL, NULL};
  chx_init();
  chx_limits lim;
  chx_limits_default(&lim);
  char self[4096];
  lim.pdf_helper = cli_pdf_helper(self, sizeof self);
  x.lim = &lim;
  x.rd = chx_pdf_reader_new();
  int n = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--positions")) x.positions = 1;
    else if (!strcmp(argv[i], "--help")) {
      puts("usage: charter extract [--positions] FILE...\n  prints the text the checker sees (with page/paragraph markers under --positions)");
      chx_pdf_reader_free(x.rd);
      return 0;
    }
  }
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') continue;
    n++;
    chx_walk(argv[i], &lim, extract_one, &x);
  }
  chx_pdf_reader_free(x.rd);
  if (!n) {
    fputs("usage: charter extract [--positions] FILE...\n", stderr);
    return 2;
  }
  return x.rc;
}
