/*
 * gw_server.h — the gateway's one state object and the per-request
 * context, shared by the HTTP front end (gw_http.c), the proxy flow
 * (gw_proxy.c) and main (gw_main.c).
 *
 * Stage: gateway.  There is no global mutable state: everything a thread
 * needs hangs off the gw_server that MHD hands to every callback.
 */
#ifndef GW_SERVER_H
#define GW_SERVER_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdint.h>

#include "gw_alloc.h"
#include "gw_audit.h"
#include "gw_buf.h"
#include "gw_config.h"
#include "gw_exchange.h"
#include "gw_holder.h"
#include "gw_log.h"
#include "gw_metrics.h"
#include "gw_request.h"
#include "gw_upstream.h"

typedef struct gw_server {
  const gw_config *cfg;
  gw_logger log;
  gw_budget budget;   /* libcharter's memory (runtime_memory_limit) */
  gw_holder holder;
  gw_metrics metrics;
  gw_audit audit;
  gw_engine *engine;
  struct MHD_Daemon *daemon;
  unsigned port;      /* bound port, once listening */
  int quiesced_fd;    /* listening socket after quiesce, or -1 */
  atomic_int draining;
  atomic_ullong next_id;
  char id_prefix[20]; /* random per process: request ids never repeat */
  char *auth_header;  /* "Authorization: Bearer ..." from the key file */
  char upstream_base[GW_STR_MAX]; /* cfg->upstream without trailing '/' */
} gw_server;

typedef enum gw_phase {
  GW_PH_BODY = 0, /* receiving the request body */
  GW_PH_WAIT,     /* forwarded; waiting for the upstream's headers */
} gw_phase;

typedef struct gw_req {
  gw_server *s;
  gw_route route;
  gw_phase phase;
  uint64_t t_start;
  char id[80];
  char path[256];       /* upstream path for pass-through routes */
  gw_buf body;
  int too_large;
  gw_exchange *x;       /* once forwarded */
  const char *decision; /* for X-Charter-Decision */
  char warnings[512];   /* X-Charter-Warnings */
  char redactions[512]; /* X-Charter-Redacted */
  int stream;
} gw_req;

/* gw_http.c: start/stop the HTTP front end.  0 / -1 with a message. */
int gw_http_start(gw_server *s, char *err, size_t errlen);
/* Stop accepting new connections (SIGTERM); existing ones continue. */
void gw_http_quiesce(gw_server *s);
void gw_http_stop(gw_server *s);

/* gw_http.c: answer with a JSON body (copied) and the common headers. */
enum MHD_Result gw_http_json(gw_req *r, struct MHD_Connection *c,
                             unsigned status, const char *body, size_t len);
/* gw_http.c: answer with an OpenAI-style error (gw_request.h). */
enum MHD_Result gw_http_error(gw_req *r, struct MHD_Connection *c,
                              unsigned status, const char *type,
                              const char *code, const char *message);
/* gw_http.c: the common response headers (X-Request-Id...). */
void gw_http_common_headers(gw_req *r, struct MHD_Response *resp);

/* gw_proxy.c: the body is complete: parse, screen, refuse or forward. */
enum MHD_Result gw_proxy_screened(gw_req *r, struct MHD_Connection *c);
/* gw_proxy.c: forward a pass-through GET (/v1/models). */
enum MHD_Result gw_proxy_passthrough(gw_req *r, struct MHD_Connection *c);
/* gw_proxy.c: called again after a resume while waiting upstream. */
enum MHD_Result gw_proxy_resume(gw_req *r, struct MHD_Connection *c);

#endif
