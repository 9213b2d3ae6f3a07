/*
 * gw_upstream.c — the curl multi engine (see gw_upstream.h).
 *
 * Threading: only the engine thread touches curl handles.  Other threads
 * talk to it through two queues guarded by `mu` — new exchanges, and
 * exchanges that need attention (unpause after backpressure, or cancel) —
 * and wake it with curl_multi_wakeup.  Every queued exchange holds a
 * reference, so it cannot vanish between being queued and being served.
 */
#include "gw_upstream.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_alloc.h"

/* Idle easy handles kept for reuse; beyond that they are freed. */
#define GW_EASY_POOL 64

struct gw_engine {
  CURLM *multi;
  pthread_t thread;
  int thread_started;
  pthread_mutex_t mu; /* guards the queues and the flags below */
  gw_exchange *in_head, *in_tail;
  gw_exchange *ctl_head, *ctl_tail;
  int stopping, exited;
  /* Engine thread only. */
  CURL *pool[GW_EASY_POOL];
  size_t npool;
  gw_exchange **active;
  size_t nactive, cap_active;
  gw_engine_cfg cfg;
  gw_metrics *m;
  const gw_logger *lg;
};

static void free_slist(void *p) { curl_slist_free_all(p); }

int gw_upstream_header(gw_exchange *x, const char *line) {
  struct curl_slist *l = curl_slist_append(x->headers, line);
  if (!l) return -1;
  x->headers = l;
  x->free_headers = free_slist;
  return 0;
}

static void push(gw_exchange **head, gw_exchange **tail, gw_exchange *x) {
  x->next = NULL;
  if (*tail) (*tail)->next = x;
  else *head = x;
  *tail = x;
}

/* Called from HTTP workers (gw_exchange_read / _cancel). */
static void poke(void *engine, gw_exchange *x) {
  gw_engine *e = engine;
  pthread_mutex_lock(&e->mu);
  if (!e->exited && !x->in_ctl) {
    x->in_ctl = 1;
    gw_exchange_ref(x);
    push(&e->ctl_head, &e->ctl_tail, x);
  }
  pthread_mutex_unlock(&e->mu);
  curl_multi_wakeup(e->multi);
}

int gw_engine_submit(gw_engine *e, gw_exchange *x) {
  pthread_mutex_lock(&e->mu);
  if (e->stopping) {
    pthread_mutex_unlock(&e->mu);
    return -1;
  }
  x->engine = e;
  x->poke = poke;
  gw_exchange_ref(x);
  push(&e->in_head, &e->in_tail, x);
  pthread_mutex_unlock(&e->mu);
  curl_multi_wakeup(e->multi);
  return 0;
}

/* ----------------------------------------------------- curl callbacks */

static size_t on_write(char *p, size_t size, size_t n, void *ud) {
  gw_exchange *x = ud;
  int rc = gw_exchange_on_data(x, p, size * n);
  if (rc > 0) return size * n;
  if (rc == 0) return CURL_WRITEFUNC_PAUSE;
  return 0; /* abort: CURLE_WRITE_ERROR */
}

/* Copy a header's value (after "Name:"), trimmed, into dst. */
static void header_value(const char *p, size_t n, size_t name_len, char *dst,
                         size_t size) {
  size_t i = name_len;
  while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
  size_t end = n;
  while (end > i && (p[end - 1] == '\r' || p[end - 1] == '\n' ||
                     p[end - 1] == ' ' || p[end - 1] == '\t'))
    end--;
  size_t len = end - i < size - 1 ? end - i : size - 1;
  memcpy(dst, p + i, len);
  dst[len] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
  gw_exchange *x = ud;
  size_t len = size * n;
  char v[128];
  /* The fields below are written before the state flips to HEADERS under
   * the lock, and read by the worker only after it has seen that state. */
  if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
    x->content_type[0] = x->content_encoding[0] = '\0';
    x->content_length = -1; /* a new response (after a 100 Continue) */
  } else if (len > 13 && strncasecmp(p, "content-type:", 13) == 0) {
    header_value(p, len, 13, x->content_type, sizeof x->content_type);
  } else if (len > 17 && strncasecmp(p, "content-encoding:", 17) == 0) {
    header_value(p, len, 17, x->content_encoding, sizeof x->content_encoding);
  } else if (len > 15 && strncasecmp(p, "content-length:", 15) == 0) {
    header_value(p, len, 15, v, sizeof v);
    char *end;
    long long cl = strtoll(v, &end, 10);
    x->content_length = (*v && *end == '\0' && cl >= 0) ? cl : -1;
  } else if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
    long code = 0;
    curl_easy_getinfo((CURL *)x->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200) { /* 1xx are interim: wait for the final answer */
      gw_engine *e = x->engine;
      gw_hist_observe(&e->m->upstream, gw_now_ns() - x->t_submit);
      atomic_fetch_add(&e->m->upstream_status[code / 100 <= 5 ? code / 100 : 0], 1);
      if (gw_exchange_on_headers(x, code) != 0) return 0;
    }
  }
  return len;
}

/* ------------------------------------------------------ engine thread */

static CURL *easy_get(gw_engine *e) {
  if (e->npool) return e->pool[--e->npool];
  return curl_easy_init();
}

static void easy_put(gw_engine *e, CURL *h) {
  if (e->npool < GW_EASY_POOL) {
    curl_easy_reset(h); /* options go; the multi's connection cache stays */
    e->pool[e->npool++] = h;
  } else {
    curl_easy_cleanup(h);
  }
}

static int configure(gw_engine *e, gw_exchange *x, CURL *h) {
  CURLcode rc = CURLE_OK;
#define SET(opt, val) \
  if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val)
  SET(CURLOPT_URL, x->url);
  SET(CURLOPT_PRIVATE, (void *)x);
  SET(CURLOPT_NOSIGNAL, 1L); /* we are threaded: no SIGALRM timeouts */
  SET(CURLOPT_WRITEFUNCTION, on_write);
  SET(CURLOPT_WRITEDATA, (void *)x);
  SET(CURLOPT_HEADERFUNCTION, on_header);
  SET(CURLOPT_HEADERDATA, (void *)x);
  SET(CURLOPT_HTTPHEADER, (struct curl_slist *)x->headers);
  SET(CURLOPT_CONNECTTIMEOUT_MS, (long)e->cfg.connect_timeout_s * 1000L);
  SET(CURLOPT_TIMEOUT_MS, (long)e->cfg.timeout_s * 1000L);
  SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  SET(CURLOPT_PROTOCOLS_STR, "http,https");
  SET(CURLOPT_FOLLOWLOCATION, 0L);
  SET(CURLOPT_TCP_KEEPALIVE, 1L);
  /* An empty proxy disables the *_proxy environment variables: where
   * prompts go must be decided by the configuration alone. */
  SET(CURLOPT_PROXY, e->cfg.proxy);
  if (e->cfg.ca_file[0]) SET(CURLOPT_CAINFO, e->cfg.ca_file);
  if (strcmp(x->method, "POST") == 0) {
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_POSTFIELDS, x->body ? x->body : "");
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
  } else {
    SET(CURLOPT_HTTPGET, 1L);
  }
#undef SET
  return rc == CURLE_OK ? 0 : -1;
}

static int track(gw_engine *e, gw_exchange *x) {
  if (e->nactive == e->cap_active) {
    size_t cap = e->cap_active ? e->cap_active * 2 : 64;
    gw_exchange **a = gw_realloc(e->active, cap * sizeof(gw_exchange *));
    if (!a) return -1;
    e->active = a;
    e->cap_active = cap;
  }
  e->active[e->nactive++] = x;
  return 0;
}

static void untrack(gw_engine *e, gw_exchange *x) {
  for (size_t i = 0; i < e->nactive; i++)
    if (e->active[i] == x) {
      e->active[i] = e->active[--e->nactive];
      return;
    }
}

static void start(gw_engine *e, gw_exchange *x) {
  CURL *h = easy_get(e);
  if (!h || configure(e, x, h) != 0 || track(e, x) != 0) {
    if (h) easy_put(e, h);
    atomic_fetch_add(&e->m->upstream_errors[GW_UPE_PROTOCOL], 1);
    gw_exchange_on_done(x, 1, GW_UPE_PROTOCOL, "cannot set up the upstream request");
    gw_exchange_unref(x);
    return;
  }
  x->easy = h;
  if (curl_multi_add_handle(e->multi, h) != CURLM_OK) {
    untrack(e, x);
    x->easy = NULL;
    easy_put(e, h);
    gw_exchange_on_done(x, 1, GW_UPE_PROTOCOL, "cannot start the upstream request");
    gw_exchange_unref(x);
  }
}

static gw_upstream_err classify(CURLcode rc, int cancelled) {
  switch (rc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT:
    return GW_UPE_CONNECT;
  case CURLE_OPERATION_TIMEDOUT:
    return GW_UPE_TIMEOUT;
  default:
    return cancelled ? GW_UPE_CANCELLED : GW_UPE_PROTOCOL;
  }
}

/* End an active transfer and drop the engine's reference. */
static void finish(gw_engine *e, gw_exchange *x, CURLcode rc, const char *why) {
  CURL *h = x->easy;
  curl_multi_remove_handle(e->multi, h);
  x->easy = NULL;
  untrack(e, x);
  easy_put(e, h);
  if (rc == CURLE_OK) {
    gw_exchange_on_done(x, 0, GW_UPE_PROTOCOL, NULL);
  } else {
    pthread_mutex_lock(&x->mu);
    int cancelled = x->cancelled;
    pthread_mutex_unlock(&x->mu);
    gw_upstream_err kind = classify(rc, cancelled);
    atomic_fetch_add(&e->m->upstream_errors[kind], 1);
    char msg[200];
    snprintf(msg, sizeof msg, "%s", why ? why : curl_easy_strerror(rc));
    if (kind != GW_UPE_CANCELLED)
      gw_log(e->lg, GW_LOG_WARN, "msg=\"upstream failed\" url=\"%s\" error=\"%s\"",
             x->url, msg);
    gw_exchange_on_done(x, 1, kind, msg);
  }
  gw_exchange_unref(x);
}

/* Unpause or cancel, as asked by a worker. */
static void control(gw_engine *e, gw_exchange *x) {
  pthread_mutex_lock(&x->mu);
  int cancelled = x->cancelled, unpause = x->want_unpause;
  if (unpause) {
    x->want_unpause = 0;
    x->paused = 0;
  }
  pthread_mutex_unlock(&x->mu);
  if (x->easy) {
    if (cancelled)
      finish(e, x, CURLE_ABORTED_BY_CALLBACK, "client went away");
    else if (unpause)
      curl_easy_pause((CURL *)x->easy, CURLPAUSE_CONT); /* may write now */
  }
  gw_exchange_unref(x); /* the queue's reference */
}

static void *engine_main(void *arg) {
  gw_engine *e = arg;
  for (;;) {
    pthread_mutex_lock(&e->mu);
    gw_exchange *in = e->in_head, *ctl = e->ctl_head;
    e->in_head = e->in_tail = e->ctl_head = e->ctl_tail = NULL;
    for (gw_exchange *c = ctl; c; c = c->next) c->in_ctl = 0;
    int stopping = e->stopping;
    if (stopping) e->exited = 1; /* no more pokes are queued after this */
    pthread_mutex_unlock(&e->mu);

    while (in) {
      gw_exchange *x = in;
      in = in->next;
      if (stopping) {
        gw_exchange_on_done(x, 1, GW_UPE_PROTOCOL, "gateway shutting down");
        gw_exchange_unref(x);
      } else {
        start(e, x);
      }
    }
    while (ctl) {
      gw_exchange *x = ctl;
      ctl = ctl->next;
      control(e, x);
    }
    if (stopping) {
      while (e->nactive)
        finish(e, e->active[0], CURLE_ABORTED_BY_CALLBACK, "gateway shutting down");
      return NULL;
    }
    int running = 0;
    curl_multi_perform(e->multi, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(e->multi, &left))) {
      if (msg->msg != CURLMSG_DONE) continue;
      gw_exchange *x = NULL;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
      if (x) finish(e, x, msg->data.result, NULL);
    }
    curl_multi_poll(e->multi, NULL, 0, 1000, NULL);
  }
}

int gw_engine_start(gw_engine **out, const gw_engine_cfg *cfg, gw_metrics *m,
                    const gw_logger *lg, char *err, size_t errlen) {
  gw_engine *e = gw_calloc(1, sizeof *e);
  if (!e) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  e->cfg = *cfg;
  e->m = m;
  e->lg = lg;
  if (pthread_mutex_init(&e->mu, NULL) != 0) {
    gw_free(e);
    snprintf(err, errlen, "cannot create the engine mutex");
    return -1;
  }
  e->multi = curl_multi_init();
  if (!e->multi) {
    snprintf(err, errlen, "curl_multi_init failed");
    gw_engine_destroy(e);
    return -1;
  }
  long cache = cfg->max_host_connections ? (long)cfg->max_host_connections : 256L;
  curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, cache);
  if (cfg->max_host_connections)
    curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)cfg->max_host_connections);
  int rc = pthread_create(&e->thread, NULL, engine_main, e);
  if (rc != 0) {
    snprintf(err, errlen, "cannot start the upstream thread: %s", strerror(rc));
    gw_engine_destroy(e);
    return -1;
  }
  e->thread_started = 1;
  *out = e;
  return 0;
}

void gw_engine_stop(gw_engine *e) {
  if (!e || !e->thread_started) return;
  pthread_mutex_lock(&e->mu);
  e->stopping = 1;
  pthread_mutex_unlock(&e->mu);
  curl_multi_wakeup(e->multi);
  pthread_join(e->thread, NULL);
  e->thread_started = 0;
}

void gw_engine_destroy(gw_engine *e) {
  if (!e) return;
  gw_engine_stop(e);
  for (size_t i = 0; i < e->npool; i++) curl_easy_cleanup(e->pool[i]);
  gw_free(e->active);
  if (e->multi) curl_multi_cleanup(e->multi);
  pthread_mutex_destroy(&e->mu);
  gw_free(e);
}
