/*
 * gw_upstream.h — the upstream engine: one thread driving every upstream
 * exchange with a libcurl multi handle.
 *
 * Stage: gateway.  Why one curl thread instead of curl_easy_perform in the
 * HTTP workers: an LLM answer takes seconds to minutes, and a worker
 * blocked that long would stall every other connection it serves.  Here a
 * worker hands the exchange over and suspends the connection; the engine
 * resumes it when the upstream answers (gw_exchange.h).
 *
 * Connections to the upstream are reused: the multi handle keeps a
 * connection cache shared by all transfers, and easy handles are recycled
 * from a small pool owned by the engine thread.
 */
#ifndef GW_UPSTREAM_H
#define GW_UPSTREAM_H

#include <stddef.h>

#include "gw_exchange.h"
#include "gw_log.h"
#include "gw_metrics.h"

typedef struct gw_engine gw_engine;

typedef struct gw_engine_cfg {
  unsigned connect_timeout_s, timeout_s;
  unsigned max_host_connections; /* 0: no limit */
  const char *proxy;             /* "" = none */
  const char *ca_file;           /* "" = curl's default */
} gw_engine_cfg;

/* Start the engine thread; [out] out receives the engine (destroy it with
 * gw_engine_destroy).  cfg strings must outlive the engine.  Returns 0 or
 * -1 with a message in err.  curl_global_init must have run. */
int gw_engine_start(gw_engine **out, const gw_engine_cfg *cfg, gw_metrics *m,
                    const gw_logger *lg, char *err, size_t errlen);
/* Add a request header ("Name: value") to an exchange before submission.
 * 0, or -1 when out of memory. */
int gw_upstream_header(gw_exchange *x, const char *line);
/* Hand an exchange to the engine, which takes its own reference.
 * Returns 0, or -1 when the engine is stopping (answer 503).  Any thread. */
int gw_engine_submit(gw_engine *e, gw_exchange *x);
/* Fail every exchange in flight (resuming their connections, so that MHD
 * can be stopped), refuse new ones, and join the thread. */
void gw_engine_stop(gw_engine *e);
void gw_engine_destroy(gw_engine *e);

#endif
