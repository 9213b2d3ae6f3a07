/*
 * gw_http.c — the HTTP front end: libmicrohttpd daemon, routing, request
 * bodies and their limits, /healthz and /metrics.
 *
 * Stage: gateway.  MHD runs a pool of worker threads with epoll
 * (MHD_USE_INTERNAL_POLLING_THREAD + MHD_OPTION_THREAD_POOL_SIZE); each
 * connection stays on one worker, which is also where its scanner lives
 * (gw_holder.h).  Suspend/resume is enabled so a worker never blocks on
 * the upstream (gw_exchange.h).
 *
 * MHD calls on_request several times per request: once with the headers,
 * once per piece of body, and once more at the end (upload size 0); and
 * again after each resume.  gw_req remembers where the request is.
 *
 * Limits, and how each is enforced:
 *   max_body         a chunked body is dropped once over it and gets 413
 *                    at its end (MHD cannot answer in the middle of an
 *                    upload); so is a declared Content-Length up to four
 *                    times it; a larger one, or one sent with
 *                    "Expect: 100-continue", gets 413 at once;
 *   header_timeout   MHD's idle timeout while headers come in and between
 *                    keep-alive requests;
 *   body_timeout     a deadline on the whole upload, checked as each piece
 *                    arrives (the connection is closed when it passes),
 *                    plus the same value as idle timeout during the upload;
 *   max_connections  MHD_OPTION_CONNECTION_LIMIT (extra connections are
 *                    closed on accept).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gw_server.h"

#define GW_MAX_UE 64
#define GW_DRAIN_FACTOR 4 /* bodies read and dropped before their 413 */

static void mhd_log(void *cls, const char *fmt, va_list ap) {
  gw_server *s = cls;
  char msg[512], safe[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  gw_log(&s->log, GW_LOG_WARN, "msg=\"http\" detail=\"%s\"",
         gw_log_safe(safe, sizeof safe, msg));
}

void gw_http_common_headers(gw_req *r, struct MHD_Response *resp) {
  MHD_add_response_header(resp, "X-Request-Id", r->id);
  if (r->decision) MHD_add_response_header(resp, "X-Charter-Decision", r->decision);
  if (r->warnings[0]) MHD_add_response_header(resp, "X-Charter-Warnings", r->warnings);
  if (r->redactions[0])
    MHD_add_response_header(resp, "X-Charter-Redacted", r->redactions);
}

/* Before any answer: back from the upload's idle timeout to the keep-alive
 * one, for the next request on this connection. */
static void reset_timeout(gw_req *r, struct MHD_Connection *c) {
  MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
                            (unsigned)r->s->cfg->header_timeout);
}

enum MHD_Result gw_http_json(gw_req *r, struct MHD_Connection *c,
                             unsigned status, const char *body, size_t len) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", "application/json");
  gw_http_common_headers(r, resp);
  if (atomic_load(&r->s->draining))
    MHD_add_response_header(resp, "Connection", "close");
  reset_timeout(r, c);
  enum MHD_Result rc = MHD_queue_response(c, status, resp);
  MHD_destroy_response(resp);
  return rc;
}

enum MHD_Result gw_http_error(gw_req *r, struct MHD_Connection *c,
                              unsigned status, const char *type,
                              const char *code, const char *message) {
  size_t len;
  char *body = gw_error_json(type, code, message, &len);
  /* jansson refuses invalid UTF-8 (a hostile charter's statement, say):
   * the status and type still say what happened, without the text. */
  if (!body) body = gw_error_json(type, NULL, "(message unavailable)", &len);
  if (!body) {
    static const char fallback[] =
        "{\"error\":{\"message\":\"request refused\",\"type\":\"server_error\","
        "\"param\":null,\"code\":null}}";
    return gw_http_json(r, c, status, fallback, sizeof fallback - 1);
  }
  enum MHD_Result rc = gw_http_json(r, c, status, body, len);
  gw_free(body);
  return rc;
}

static enum MHD_Result reject(gw_req *r, struct MHD_Connection *c,
                              gw_reject why, unsigned status, const char *type,
                              const char *code, const char *message) {
  atomic_fetch_add(&r->s->metrics.rejects[why], 1);
  gw_log(&r->s->log, GW_LOG_INFO,
         "msg=\"request refused\" request_id=%s status=%u code=%s", r->id,
         status, code);
  return gw_http_error(r, c, status, type, code, message);
}

/* ------------------------------------------------------------- routes */

static int valid_model_path(const char *p) {
  /* MHD has already %-decoded the path: allow only what model ids use, and
   * no dot segments, so nothing can walk the upstream's path tree. */
  if (!*p || strstr(p, "..") || strstr(p, "//")) return 0;
  for (; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || strchr("._:-/", *p)))
      return 0;
  return 1;
}

static gw_route route_of(const char *url, const char **want_method) {
  *want_method = "GET";
  if (!strcmp(url, "/healthz")) return GW_R_HEALTHZ;
  if (!strcmp(url, "/metrics")) return GW_R_METRICS;
  if (!strcmp(url, "/v1/models")) return GW_R_MODELS;
  if (!strncmp(url, "/v1/models/", 11) && valid_model_path(url + 11))
    return GW_R_MODELS;
  *want_method = "POST";
  if (!strcmp(url, "/v1/chat/completions")) return GW_R_CHAT;
  if (!strcmp(url, "/v1/completions")) return GW_R_COMPLETIONS;
  return GW_R_NONE;
}

static int valid_id(const char *v, size_t max) {
  size_t n = 0;
  for (; v[n]; n++)
    if (n >= max || !((v[n] >= 'a' && v[n] <= 'z') || (v[n] >= 'A' && v[n] <= 'Z') ||
                      (v[n] >= '0' && v[n] <= '9') || strchr("._-", v[n])))
      return 0;
  return n > 0;
}

static void request_id(gw_req *r, struct MHD_Connection *c) {
  /* A trusted proxy's id (nginx's $request_id, say) is kept so logs line up
   * across hops.  From anyone else it is ignored: ids key the audit log,
   * and a client must not be able to reuse one.  Anything odd is replaced
   * rather than logged. */
  const char *v = r->s->cfg->trust_context_headers
                      ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id")
                      : NULL;
  if (v && valid_id(v, 64)) {
    snprintf(r->id, sizeof r->id, "%s", v);
    return;
  }
  unsigned long long n = atomic_fetch_add(&r->s->next_id, 1);
  snprintf(r->id, sizeof r->id, "%s-%llx", r->s->id_prefix, n);
}

/* 413 for a body over max_body, announced (Content-Length) or found while
 * reading it. */
static enum MHD_Result too_large(gw_req *r, struct MHD_Connection *c) {
  char msg[128];
  snprintf(msg, sizeof msg, "request body larger than the %zu-byte limit",
           r->s->cfg->max_body);
  return reject(r, c, GW_REJ_TOO_LARGE, 413, "invalid_request_error",
                "request_too_large", msg);
}

static enum MHD_Result healthz(gw_req *r, struct MHD_Connection *c) {
  gw_server *s = r->s;
  gw_charter *ch = gw_holder_acquire(&s->holder);
  int draining = atomic_load(&s->draining);
  json_t *o = json_pack("{s:s, s:s, s:{s:s, s:s, s:I, s:s}, s:I}",
                        "status", draining ? "draining" : "ok",
                        "version", ch_version(), "charter",
                        "id", ch_charter_id(ch->ch),
                        "version", ch_charter_version(ch->ch),
                        "generation", (json_int_t)ch->generation,
                        "sha256", ch->sha256,
                        "in_flight", (json_int_t)atomic_load(&s->metrics.in_flight));
  gw_charter_release(ch);
  char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (!body) return MHD_NO;
  /* 503 while draining: load balancers stop sending before we close. */
  enum MHD_Result rc = gw_http_json(r, c, draining ? 503 : 200, body, strlen(body));
  gw_free(body);
  return rc;
}

static enum MHD_Result metrics(gw_req *r, struct MHD_Connection *c) {
  gw_server *s = r->s;
  gw_charter *ch = gw_holder_acquire(&s->holder);
  gw_metrics_info info = {
      .charter_id = ch_charter_id(ch->ch),
      .charter_version = ch_charter_version(ch->ch),
      .charter_sha256 = ch->sha256,
      .generation = ch->generation,
      .runtime_bytes = atomic_load(&s->budget.used),
      .runtime_peak = atomic_load(&s->budget.peak),
      .runtime_limit = s->budget.limit,
      .runtime_alloc_failures = atomic_load(&s->budget.failures),
      .draining = atomic_load(&s->draining),
  };
  gw_buf out;
  gw_buf_init(&out, 0);
  int bad = gw_metrics_render(&s->metrics, &info, &out);
  gw_charter_release(ch);
  if (bad) {
    gw_buf_free(&out);
    return MHD_NO;
  }
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(out.len, out.data, MHD_RESPMEM_MUST_COPY);
  gw_buf_free(&out);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4");
  gw_http_common_headers(r, resp);
  reset_timeout(r, c);
  enum MHD_Result rc = MHD_queue_response(c, 200, resp);
  MHD_destroy_response(resp);
  return rc;
}

/* First call for a request: headers are in, no body yet. */
static enum MHD_Result begin(gw_req *r, struct MHD_Connection *c,
                             const char *url, const char *method) {
  gw_server *s = r->s;
  const char *want;
  request_id(r, c);
  r->route = route_of(url, &want);
  if (r->route == GW_R_NONE)
    return reject(r, c, GW_REJ_NOT_FOUND, 404, "invalid_request_error",
                  "not_found", "unknown endpoint; this gateway serves "
                  "/v1/chat/completions, /v1/completions and /v1/models");
  if (strcmp(method, want) != 0) {
    char msg[96];
    snprintf(msg, sizeof msg, "this endpoint accepts %s only", want);
    return reject(r, c, GW_REJ_METHOD, 405, "invalid_request_error",
                  "method_not_allowed", msg);
  }
  /* Successful answers wait for the final call: MHD closes a keep-alive
   * connection whose response was queued before the request was complete,
   * even when there is no body. */
  if (r->route == GW_R_HEALTHZ || r->route == GW_R_METRICS) return MHD_YES;
  if (atomic_load(&s->draining))
    return reject(r, c, GW_REJ_DRAINING, 503, "server_error", "shutting_down",
                  "the gateway is shutting down; retry on another instance");
  if (r->route == GW_R_MODELS) {
    snprintf(r->path, sizeof r->path, "%s", url);
    return MHD_YES;
  }
  const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno || *end) return too_large(r, c);
    if (n > s->cfg->max_body) {
      /* Answered before the body arrives, the 413 races the upload: the
       * close can reach the client as a reset first, and SDKs retry a
       * reset.  So a body up to GW_DRAIN_FACTOR times the limit is read
       * and dropped (as a chunked one is), then answered; a client that
       * waits for 100-continue, or a larger body, is answered at once. */
      const char *ex = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
      if ((ex && !strcasecmp(ex, "100-continue")) || n / GW_DRAIN_FACTOR > s->cfg->max_body)
        return too_large(r, c);
      r->too_large = 1;
      gw_buf_free(&r->body);
    }
  }
  /* The upload may idle as long as it may take in total; the deadline
   * itself is checked as pieces arrive. */
  MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
                            (unsigned)s->cfg->body_timeout);
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls) {
  gw_server *s = cls;
  gw_req *r = *req_cls;
  (void)version;
  if (!r) {
    r = gw_calloc(1, sizeof *r);
    if (!r) return MHD_NO;
    r->s = s;
    r->t_start = gw_now_ns();
    gw_buf_init(&r->body, s->cfg->max_body);
    atomic_fetch_add(&s->metrics.in_flight, 1);
    *req_cls = r;
    return begin(r, c, url, method);
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (gw_now_ns() - r->t_start > (uint64_t)s->cfg->body_timeout * 1000000000u) {
      atomic_fetch_add(&s->metrics.rejects[GW_REJ_TIMEOUT], 1);
      gw_log(&s->log, GW_LOG_INFO, "msg=\"body timeout, closing\" request_id=%s "
             "limit_s=%u", r->id, s->cfg->body_timeout);
      return MHD_NO; /* MHD closes the connection */
    }
    if (!r->too_large && gw_buf_append(&r->body, upload, n) != 0) {
      r->too_large = 1; /* over max_body (or out of memory): drop the rest */
      gw_buf_free(&r->body);
    }
    return MHD_YES;
  }
  if (r->phase == GW_PH_WAIT) return gw_proxy_resume(r, c);
  if (r->route == GW_R_HEALTHZ) return healthz(r, c);
  if (r->route == GW_R_METRICS) return metrics(r, c);
  if (r->route == GW_R_MODELS) return gw_proxy_passthrough(r, c);
  if (r->too_large) {
    return too_large(r, c);
  }
  return gw_proxy_screened(r, c);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
  gw_server *s = cls;
  gw_req *r = *req_cls;
  (void)c;
  if (!r) return;
  if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && r->x)
    gw_log(&s->log, GW_LOG_DEBUG, "msg=\"request ended early\" request_id=%s "
           "code=%d", r->id, (int)toe);
  if (r->x) {
    gw_exchange_cancel(r->x); /* a no-op when the transfer is over */
    gw_exchange_unref(r->x);
  }
  gw_buf_free(&r->body);
  gw_free(r);
  *req_cls = NULL;
  atomic_fetch_sub(&s->metrics.in_flight, 1);
}

/* ----------------------------------------------------------- lifecycle */

static int resolve(const char *listen, struct sockaddr_storage *ss, int *v6,
                   char *err, size_t errlen) {
  char host[256];
  unsigned port;
  if (gw_parse_listen(listen, host, sizeof host, &port, err, errlen) != 0)
    return -1;
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  int rc = getaddrinfo(host, NULL, &hints, &res);
  if (rc != 0 || !res) {
    snprintf(err, errlen, "listen: cannot resolve '%s': %s", host, gai_strerror(rc));
    return -1;
  }
  memset(ss, 0, sizeof *ss);
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *v6 = res->ai_family == AF_INET6;
  if (*v6) ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
  else ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
  freeaddrinfo(res);
  return 0;
}

int gw_http_start(gw_server *s, char *err, size_t errlen) {
  struct sockaddr_storage ss;
  int v6 = 0;
  if (resolve(s->cfg->listen, &ss, &v6, err, errlen) != 0) return -1;
  unsigned threads = s->cfg->threads;
  if (!threads) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n > 0 ? (unsigned)n : 1;
  }
  /* One thread is MHD's plain internal thread: a "pool" of 1 only earns
   * a warning. */
  struct MHD_OptionItem pool[2] = {{MHD_OPTION_END, 0, NULL},
                                   {MHD_OPTION_END, 0, NULL}};
  if (threads > 1)
    pool[0] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                   MHD_USE_ERROR_LOG;
  if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES) flags |= MHD_USE_EPOLL;
  if (v6) flags |= MHD_USE_IPv6;
  s->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, s,
      MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, /* first, or MHD warns */
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_ARRAY, pool,
      MHD_OPTION_CONNECTION_LIMIT, s->cfg->max_connections,
      MHD_OPTION_CONNECTION_TIMEOUT, s->cfg->header_timeout,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
      MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
      MHD_OPTION_END);
  if (!s->daemon) {
    snprintf(err, errlen, "cannot listen on %s (address in use, or not "
             "allowed?)", s->cfg->listen);
    return -1;
  }
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : 0;
  return 0;
}

void gw_http_quiesce(gw_server *s) {
  if (!s->daemon) return;
  /* MHD hands the listening socket back to us; it is closed after the
   * daemon has stopped, when no worker can still be polling it. */
  s->quiesced_fd = (int)MHD_quiesce_daemon(s->daemon);
}

void gw_http_stop(gw_server *s) {
  if (s->daemon) MHD_stop_daemon(s->daemon);
  s->daemon = NULL;
  if (s->quiesced_fd >= 0) close(s->quiesced_fd);
  s->quiesced_fd = -1;
}
