/*
 * gw_proxy.c — what happens to a complete request: parse, screen, decide,
 * audit, then refuse it or forward it and relay the answer.
 *
 * Stage: gateway.  Decisions (docs/gateway.md, "Decisions"):
 *   allow   forwarded unchanged (the client's bytes, not a re-encoding);
 *   warn    forwarded, with X-Charter-Warnings: <rule ids>;
 *   redact  forwarded with each redacted piece replaced (the body is then
 *           re-serialised), with X-Charter-Redacted: <rule ids>;
 *   deny    403 {"error":{"type":"policy_violation","code":RULE,...}},
 *           whose message is the rule's statement, never the prompt;
 *   error   screening failed: fail_mode (403 or 503), never forwarded.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gw_screen.h"
#include "gw_server.h"

/* Longest header value copied to the upstream (Authorization and co). */
#define GW_MAX_FWD_HEADER 4096

static const char *role_name(ch_role r) {
  return r == CH_ROLE_STUDENT ? "student" : r == CH_ROLE_STAFF ? "staff" : "any";
}

static int printable(const char *v, size_t max) {
  size_t n = 0;
  for (; v[n]; n++)
    if (n >= max || (unsigned char)v[n] < 0x20 || (unsigned char)v[n] >= 0x7f)
      return 0;
  return 1;
}

/* UE and role: from the configuration, or from the headers when the
 * configuration trusts them (a proxy in front must then strip them from
 * clients: docs/gateway.md). */
static int context(gw_req *r, struct MHD_Connection *c, gw_context *ctx,
                   char *msg, size_t msglen) {
  const gw_config *cfg = r->s->cfg;
  ctx->ue = cfg->default_ue[0] ? cfg->default_ue : NULL;
  ctx->role = cfg->default_role;
  if (!cfg->trust_context_headers) return 0;
  const char *ue = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Charter-UE");
  if (ue) {
    size_t n = strlen(ue);
    if (n == 0 || n > 64 || !printable(ue, 64) || strpbrk(ue, "\"\\")) {
      snprintf(msg, msglen, "X-Charter-UE must be 1 to 64 printable ASCII "
                            "characters");
      return -1;
    }
    ctx->ue = ue; /* MHD keeps it until the request ends */
  }
  const char *role = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Charter-Role");
  if (role) {
    if (!strcasecmp(role, "student")) ctx->role = CH_ROLE_STUDENT;
    else if (!strcasecmp(role, "staff")) ctx->role = CH_ROLE_STAFF;
    else if (!strcasecmp(role, "any")) ctx->role = CH_ROLE_ANY;
    else {
      snprintf(msg, msglen, "X-Charter-Role must be student, staff or any");
      return -1;
    }
  }
  return 0;
}

static int add_header(gw_exchange *x, const char *name, const char *value) {
  char line[GW_MAX_FWD_HEADER + 64];
  snprintf(line, sizeof line, "%s: %s", name, value);
  return gw_upstream_header(x, line);
}

static int forward_headers(gw_req *r, struct MHD_Connection *c, gw_exchange *x,
                           int post) {
  static const char *const PASS[] = {"Accept", "OpenAI-Organization",
                                     "OpenAI-Project"};
  gw_server *s = r->s;
  /* "Expect:" stops curl from waiting for a 100 Continue on big bodies. */
  if ((post && gw_upstream_header(x, "Content-Type: application/json")) ||
      gw_upstream_header(x, "Expect:") || add_header(x, "X-Request-Id", r->id))
    return -1;
  if (s->auth_header) {
    if (gw_upstream_header(x, s->auth_header)) return -1;
  } else {
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (a && printable(a, GW_MAX_FWD_HEADER) && add_header(x, "Authorization", a))
      return -1;
  }
  for (size_t i = 0; i < sizeof PASS / sizeof *PASS; i++) {
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, PASS[i]);
    if (v && printable(v, GW_MAX_FWD_HEADER) && add_header(x, PASS[i], v))
      return -1;
  }
  return 0;
}

/* Hand the request to the engine; `body` (gw_malloc'd or NULL) is taken. */
static enum MHD_Result forward(gw_req *r, struct MHD_Connection *c,
                               const char *method, char *body, size_t len) {
  gw_server *s = r->s;
  const char *path = r->route == GW_R_CHAT          ? "/v1/chat/completions"
                     : r->route == GW_R_COMPLETIONS ? "/v1/completions"
                                                    : r->path;
  char url[GW_STR_MAX + 300];
  snprintf(url, sizeof url, "%s%s", s->upstream_base, path);
  gw_exchange *x = gw_exchange_new(method, url, body, len);
  if (!x) {
    gw_free(body);
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_NOMEM], 1);
    return gw_http_error(r, c, 503, "server_error", "no_memory",
                         "the gateway is out of memory; retry later");
  }
  r->x = x; /* the request's reference, dropped when it completes */
  x->eager = r->stream;
  if (forward_headers(r, c, x, body != NULL) != 0) {
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_NOMEM], 1);
    return gw_http_error(r, c, 503, "server_error", "no_memory",
                         "the gateway is out of memory; retry later");
  }
  x->t_submit = gw_now_ns();
  if (gw_engine_submit(s->engine, x) != 0) {
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_DRAINING], 1);
    return gw_http_error(r, c, 503, "server_error", "shutting_down",
                         "the gateway is shutting down; retry on another instance");
  }
  r->phase = GW_PH_WAIT;
  return gw_proxy_resume(r, c);
}

enum MHD_Result gw_proxy_resume(gw_req *r, struct MHD_Connection *c) {
  gw_exchange *x = r->x;
  gw_xstate st = gw_exchange_await(x, c);
  if (st == GW_X_WAITING) return MHD_YES; /* suspended; called again later */
  if (st == GW_X_FAILED) {
    char msg[320];
    int timeout = x->error_kind == GW_UPE_TIMEOUT;
    snprintf(msg, sizeof msg, "the upstream did not answer: %s", x->error_msg);
    return gw_http_error(r, c, timeout ? 504 : 502, "upstream_error",
                         timeout ? "upstream_timeout" : "upstream_unavailable", msg);
  }
  struct MHD_Response *resp;
  const char *all;
  size_t all_len;
  if (gw_exchange_complete(x, &all, &all_len)) {
    /* Whole answer at hand: one buffer lets MHD send headers and body in
     * one writev instead of two sends. */
    resp = MHD_create_response_from_buffer(all_len, (void *)all,
                                           MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
  } else {
    uint64_t size = x->content_length >= 0 ? (uint64_t)x->content_length
                                           : MHD_SIZE_UNKNOWN;
    gw_exchange_ref(x); /* the response's reference, dropped by read_done */
    resp = MHD_create_response_from_callback(size, 16 * 1024, gw_exchange_read,
                                             x, gw_exchange_read_done);
    if (!resp) {
      gw_exchange_unref(x);
      return MHD_NO;
    }
  }
  const char *ct = x->content_type[0] ? x->content_type : "application/json";
  MHD_add_response_header(resp, "Content-Type", ct);
  if (x->content_encoding[0])
    MHD_add_response_header(resp, "Content-Encoding", x->content_encoding);
  if (!strncasecmp(ct, "text/event-stream", 17)) {
    /* Tell caches and nginx not to hold events back (docs/gateway.md). */
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
  }
  gw_http_common_headers(r, resp);
  MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
                            (unsigned)r->s->cfg->header_timeout);
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)x->status, resp);
  MHD_destroy_response(resp);
  return rc;
}

enum MHD_Result gw_proxy_passthrough(gw_req *r, struct MHD_Connection *c) {
  return forward(r, c, "GET", NULL, 0);
}

static void audit(gw_req *r, const gw_verdict *v, const gw_context *ctx,
                  const char *model, const char *decision, int forwarded,
                  int status) {
  gw_server *s = r->s;
  gw_audit_entry e = {
      .request_id = r->id,
      .endpoint = r->route == GW_R_CHAT ? "/v1/chat/completions" : "/v1/completions",
      .tool = s->cfg->tool,
      .ue = ctx->ue,
      .role = role_name(ctx->role),
      .model = model,
      .decision = decision,
      .forwarded = forwarded,
      .status = status,
      .stream = r->stream,
      .v = v,
  };
  if (gw_audit_write(&s->audit, &e) != 0) {
    atomic_fetch_add(&s->metrics.audit_errors, 1);
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"audit record not written\" "
           "request_id=%s path=\"%s\"", r->id, s->cfg->audit_log);
  }
}

static void count(gw_server *s, const gw_verdict *v) {
  gw_hist_observe(&s->metrics.screen, v->scan_ns);
  if (v->error) atomic_fetch_add(&s->metrics.screen_errors, 1);
  else atomic_fetch_add(&s->metrics.decisions[v->decision], 1);
  if (v->limit_hit) atomic_fetch_add(&s->metrics.limit_hits, 1);
  for (size_t i = 0; i < v->n_rules; i++) gw_metrics_rule(&s->metrics, v->rules[i]);
}

enum MHD_Result gw_proxy_screened(gw_req *r, struct MHD_Connection *c) {
  gw_server *s = r->s;
  char msg[512];
  gw_parsed p;
  gw_req_status st = gw_request_parse(r->body.data ? r->body.data : "",
                                      r->body.len, r->route,
                                      s->cfg->reject_non_text, &p, msg, sizeof msg);
  switch (st) {
  case GW_REQ_OK: break;
  case GW_REQ_MALFORMED:
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_MALFORMED], 1);
    return gw_http_error(r, c, 400, "invalid_request_error", "invalid_json", msg);
  case GW_REQ_INVALID:
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_INVALID], 1);
    return gw_http_error(r, c, 400, "invalid_request_error", "invalid_request", msg);
  case GW_REQ_UNSCREENABLE:
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_UNSCREENABLE], 1);
    return gw_http_error(r, c, 400, "invalid_request_error",
                         "unscreenable_content", msg);
  case GW_REQ_NOMEM:
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_NOMEM], 1);
    return gw_http_error(r, c, 503, "server_error", "no_memory",
                         "the gateway is out of memory; retry later");
  }
  gw_context ctx;
  if (context(r, c, &ctx, msg, sizeof msg) != 0) {
    gw_parsed_free(&p);
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_INVALID], 1);
    return gw_http_error(r, c, 400, "invalid_request_error", "invalid_context", msg);
  }
  r->stream = p.stream;
  char model[128];
  gw_utf8_copy(model, sizeof model, p.model); /* p dies before the audit */

  gw_verdict v;
  gw_screen(&s->holder, &p, &ctx, &v);
  count(s, &v);
  r->decision = v.error ? "error" : ch_decision_name(v.decision);
  gw_verdict_rules(&v, 1u << CH_ACT_REPORT | 1u << CH_ACT_WARN | 1u << CH_ACT_REQUIRE,
                   r->warnings, sizeof r->warnings);
  gw_verdict_rules(&v, 1u << CH_ACT_REDACT, r->redactions, sizeof r->redactions);

  if (v.error) {
    gw_parsed_free(&p);
    unsigned status = (unsigned)s->cfg->fail_mode;
    gw_log(&s->log, GW_LOG_ERROR, "msg=\"screening failed, request refused\" "
           "request_id=%s status=%u error=\"%s\"", r->id, status, v.error_msg);
    audit(r, &v, &ctx, model, "error", 0, (int)status);
    return gw_http_error(r, c, status, "screening_error", "screening_failed",
                         "the prompt could not be screened against the charter, "
                         "so it was not forwarded");
  }
  if (v.decision == CH_DENY) {
    gw_parsed_free(&p);
    gw_log(&s->log, GW_LOG_INFO, "msg=\"prompt denied\" request_id=%s rule=%s",
           r->id, v.deny_rule);
    audit(r, &v, &ctx, model, "deny", 0, 403);
    return gw_http_error(r, c, 403, "policy_violation", v.deny_rule,
                         v.deny_statement);
  }
  /* Forward the client's own bytes unless a redaction changed the body:
   * re-encoding could alter number formatting the client chose. */
  char *body;
  size_t len;
  if (v.modified) {
    body = json_dumps(p.root, JSON_COMPACT);
    len = body ? strlen(body) : 0;
  } else {
    body = r->body.data;
    len = r->body.len;
    gw_buf_init(&r->body, 0); /* ownership moves to the exchange */
  }
  gw_parsed_free(&p);
  if (!body) {
    atomic_fetch_add(&s->metrics.rejects[GW_REJ_NOMEM], 1);
    return gw_http_error(r, c, 503, "server_error", "no_memory",
                         "the gateway is out of memory; retry later");
  }
  gw_log(&s->log, GW_LOG_DEBUG, "msg=\"prompt forwarded\" request_id=%s "
         "decision=%s rules=\"%s%s%s\"", r->id, r->decision, r->warnings,
         r->warnings[0] && r->redactions[0] ? "," : "", r->redactions);
  audit(r, &v, &ctx, model, r->decision, 1, 0);
  return forward(r, c, "POST", body, len);
}
