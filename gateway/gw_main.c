/*
 * gw_main.c — charter-gateway: start-up, signals, reload, shutdown.
 *
 * Stage: gateway (links libcharter only, never the compiler).
 *
 * Fail closed: the gateway does not start without a charter that loads,
 * verifies and can screen for the configured tool; a SIGHUP with a bad
 * file keeps the old charter.
 *
 * Signals are never handled asynchronously: they are blocked in every
 * thread (the mask is set before any thread starts and inherited), and the
 * main thread takes them one at a time with sigwaitinfo.  Reload, reopen
 * and shutdown therefore run as ordinary code on the main thread, with no
 * handler and no shared flag.
 *
 * Exit status: 0 after a clean shutdown (or --check / --help), 2 for a
 * usage, configuration or charter error, 1 for a failure at run time
 * (cannot listen, cannot start a thread).
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "gw_server.h"

/* The signals the gateway handles itself: reload, reopen, stop. */
static void control_signals(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGHUP);
  sigaddset(set, SIGUSR1);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGINT);
}

static void log_charter(gw_server *s, const char *what) {
  gw_charter *c = gw_holder_acquire(&s->holder);
  char path[512];
  gw_log(&s->log, GW_LOG_INFO,
         "msg=\"%s\" path=\"%s\" charter=\"%s\" version=\"%s\" sha256=%s "
         "generation=%lu rules=%zu tool=%s", what,
         gw_log_safe(path, sizeof path, s->cfg->charter), ch_charter_id(c->ch),
         ch_charter_version(c->ch), c->sha256, c->generation,
         ch_charter_count(c->ch, CH_ITEM_RULE), s->cfg->tool);
  gw_charter_release(c);
}

static void reload(gw_server *s) {
  char err[1024], safe[1024];
  if (gw_holder_load(&s->holder, s->cfg->charter, err, sizeof err) != 0) {
    atomic_fetch_add(&s->metrics.reloads_failed, 1);
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"reload refused, previous charter "
           "stays in force\" error=\"%s\"", gw_log_safe(safe, sizeof safe, err));
    return;
  }
  atomic_fetch_add(&s->metrics.reloads_ok, 1);
  log_charter(s, "charter reloaded");
}

/* Read the upstream API key: one line, printable, so that it cannot break
 * out of its header. */
static int read_key(gw_server *s, const char *path, char *err, size_t errlen) {
  char key[4096];
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "upstream_api_key_file %.400s: cannot open: %s", path,
             strerror(errno));
    return -1;
  }
  size_t n = fread(key, 1, sizeof key - 1, f);
  fclose(f);
  key[n] = '\0';
  while (n && (key[n - 1] == '\n' || key[n - 1] == '\r' || key[n - 1] == ' '))
    key[--n] = '\0';
  int ok = n > 0 && n < sizeof key - 1;
  for (size_t i = 0; ok && i < n; i++)
    if ((unsigned char)key[i] <= 0x20 || (unsigned char)key[i] >= 0x7f) ok = 0;
  if (!ok) {
    explicit_bzero(key, sizeof key);
    snprintf(err, errlen, "upstream_api_key_file %.400s: expected one line with "
             "the key", path);
    return -1;
  }
  size_t len = n + sizeof "Authorization: Bearer ";
  s->auth_header = gw_malloc(len);
  if (s->auth_header) snprintf(s->auth_header, len, "Authorization: Bearer %s", key);
  explicit_bzero(key, sizeof key);
  if (!s->auth_header) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

static int write_port_file(gw_server *s, char *err, size_t errlen) {
  const char *path = s->cfg->port_file;
  if (!path[0]) return 0;
  char tmp[GW_STR_MAX + 16];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  /* Written then renamed: a reader polling for it never sees it empty. */
  if (!f || fprintf(f, "%u\n", s->port) < 0 || fclose(f) != 0 ||
      rename(tmp, path) != 0) {
    snprintf(err, errlen, "port_file %.400s: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

static void make_id_prefix(gw_server *s) {
  unsigned char b[8];
  if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
    /* Only makes ids less unique across restarts; never fatal. */
    unsigned long long t = (unsigned long long)time(NULL) ^
                           ((unsigned long long)getpid() << 32);
    memcpy(b, &t, sizeof b);
  }
  for (int i = 0; i < 8; i++) snprintf(s->id_prefix + 2 * i, 3, "%02x", b[i]);
}

/* SIGTERM: stop taking connections, let requests in flight finish for up
 * to drain_timeout (a second SIGTERM/SIGINT cuts it short). */
static void drain(gw_server *s, const sigset_t *set) {
  atomic_store(&s->draining, 1);
  gw_http_quiesce(s);
  uint64_t deadline = gw_now_ns() + (uint64_t)s->cfg->drain_timeout * 1000000000u;
  gw_log(&s->log, GW_LOG_INFO, "msg=\"draining\" in_flight=%ld timeout_s=%u",
         atomic_load(&s->metrics.in_flight), s->cfg->drain_timeout);
  while (atomic_load(&s->metrics.in_flight) > 0 && gw_now_ns() < deadline) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    int sig = sigtimedwait(set, NULL, &ts);
    if (sig == SIGTERM || sig == SIGINT) break;
  }
}

static int run(gw_server *s, const gw_cli *cli) {
  const gw_config *cfg = s->cfg;
  char err[1024], safe[1024];
  gw_budget_init(&s->budget, cfg->runtime_memory_limit);
  ch_allocator alloc = gw_budget_allocator(&s->budget);
  if (gw_holder_init(&s->holder, &alloc, cfg->tool, err, sizeof err) != 0) {
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"%s\"", err);
    return 1;
  }
  int rc = 2;
  if (gw_holder_load(&s->holder, cfg->charter, err, sizeof err) != 0) {
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"refusing to start without a valid "
           "charter\" error=\"%s\"", gw_log_safe(safe, sizeof safe, err));
    goto out_holder;
  }
  if (cli->check) {
    gw_charter *c = gw_holder_acquire(&s->holder);
    printf("ok: charter %s %s (sha256 %s), tool %s, upstream %s\n",
           ch_charter_id(c->ch), ch_charter_version(c->ch), c->sha256, cfg->tool,
           cfg->upstream);
    gw_charter_release(c);
    rc = 0;
    goto out_holder;
  }
  log_charter(s, "charter loaded");
  if (cfg->upstream_api_key_file[0] &&
      read_key(s, cfg->upstream_api_key_file, err, sizeof err) != 0) {
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"%s\"", gw_log_safe(safe, sizeof safe, err));
    goto out_holder;
  }
  snprintf(s->upstream_base, sizeof s->upstream_base, "%s", cfg->upstream);
  for (size_t n = strlen(s->upstream_base); n && s->upstream_base[n - 1] == '/';)
    s->upstream_base[--n] = '\0';
  make_id_prefix(s);
  if (gw_audit_open(&s->audit, cfg->audit_log, err, sizeof err) != 0) {
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"%s\"", gw_log_safe(safe, sizeof safe, err));
    goto out_holder;
  }
  rc = 1;
  if (gw_metrics_init(&s->metrics) != 0) goto out_audit;
  gw_engine_cfg ecfg = {cfg->upstream_connect_timeout, cfg->upstream_timeout,
                        cfg->upstream_max_connections, cfg->upstream_proxy,
                        cfg->upstream_ca_file};
  if (gw_engine_start(&s->engine, &ecfg, &s->metrics, &s->log, err, sizeof err) != 0) {
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"%s\"", err);
    goto out_metrics;
  }
  if (gw_http_start(s, err, sizeof err) != 0) {
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"%s\"", gw_log_safe(safe, sizeof safe, err));
    goto out_engine;
  }
  if (write_port_file(s, err, sizeof err) != 0) {
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"%s\"", gw_log_safe(safe, sizeof safe, err));
    goto out_http;
  }
  gw_log(&s->log, GW_LOG_INFO, "msg=\"listening\" listen=\"%s\" port=%u "
         "upstream=\"%s\" fail_mode=%d audit=\"%s\"",
         gw_log_safe(safe, sizeof safe, cfg->listen), s->port, s->upstream_base,
         (int)cfg->fail_mode, cfg->audit_log);

  sigset_t set;
  control_signals(&set);
  for (;;) {
    int sig = sigwaitinfo(&set, NULL);
    if (sig < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (sig == SIGHUP) {
      reload(s);
    } else if (sig == SIGUSR1) {
      if (gw_audit_reopen(&s->audit, err, sizeof err) != 0)
        gw_log(&s->log, GW_LOG_ERROR, "msg=\"%s\"", gw_log_safe(safe, sizeof safe, err));
      else
        gw_log(&s->log, GW_LOG_INFO, "msg=\"audit log reopened\"");
    } else {
      gw_log(&s->log, GW_LOG_INFO, "msg=\"shutting down\" signal=%d", sig);
      break;
    }
  }
  drain(s, &set);
  rc = 0;
  /* Order matters: the engine resumes every suspended connection as it
   * fails what is left, and MHD may only stop with none suspended. */
out_http:
  gw_engine_stop(s->engine);
  gw_http_stop(s);
out_engine:
  gw_engine_destroy(s->engine);
out_metrics:
  gw_metrics_destroy(&s->metrics);
out_audit:
  gw_audit_close(&s->audit);
out_holder:
  gw_holder_destroy(&s->holder);
  if (s->auth_header) {
    explicit_bzero(s->auth_header, strlen(s->auth_header));
    gw_free(s->auth_header);
  }
  return rc;
}

int main(int argc, char **argv) {
  char err[2048];
  gw_cli cli;
  gw_config *cfg = gw_calloc(1, sizeof *cfg);
  gw_server *s = gw_calloc(1, sizeof *s);
  if (!cfg || !s) {
    fprintf(stderr, "charter-gateway: out of memory\n");
    return 1;
  }
  gw_config_defaults(cfg);
  int rc = 2;
  /* Flags twice: first to find --config, then, after the file, to win. */
  if (gw_config_args(cfg, argc, argv, 0, &cli, err, sizeof err) != 0 ||
      (cli.config_path && !cli.help && !cli.version &&
       gw_config_load_file(cfg, cli.config_path, err, sizeof err) != 0) ||
      gw_config_args(cfg, argc, argv, 1, &cli, err, sizeof err) != 0) {
    fprintf(stderr, "charter-gateway: %s\n", err);
    goto out;
  }
  if (cli.help) {
    gw_config_usage(stdout, "charter-gateway");
    rc = 0;
    goto out;
  }
  if (cli.version) {
    printf("charter-gateway %s (libcharter %s, .chb format %u)\n",
           CH_VERSION_STRING, ch_version(), (unsigned)ch_format_version());
    rc = 0;
    goto out;
  }
  if (gw_config_validate(cfg, err, sizeof err) != 0) {
    fprintf(stderr, "charter-gateway: %s\n", err);
    goto out;
  }
  s->cfg = cfg;
  s->log.min = cfg->log_level;
  s->log.fd = STDERR_FILENO;
  s->quiesced_fd = -1;

  /* Before any thread exists, so that every thread inherits the mask and
   * only sigwaitinfo in run() ever sees these signals. */
  sigset_t set;
  control_signals(&set);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN); /* a vanished peer is an error code, not death */

  /* Library-wide set-up, once, before threads: jansson allocates through
   * our hooks, and curl_global_init is not thread-safe. */
  json_set_alloc_funcs(gw_malloc, gw_free);
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fprintf(stderr, "charter-gateway: curl_global_init failed\n");
    rc = 1;
    goto out;
  }
  rc = run(s, &cli);
  curl_global_cleanup();
out:
  gw_free(s);
  gw_free(cfg);
  return rc;
}
