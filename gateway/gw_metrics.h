/*
 * gw_metrics.h — counters and histograms for /metrics (Prometheus text
 * exposition format 0.0.4).
 *
 * Stage: gateway.  Everything lives in one gw_metrics owned by the server;
 * counters are C11 atomics so workers update them without a lock.  Rule
 * ids are only known from the charter (and change on reload), so rule hits
 * are kept in a small mutex-protected table that only requests with
 * findings touch.
 */
#ifndef GW_METRICS_H
#define GW_METRICS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "charter.h"
#include "gw_buf.h"

/* Why a request was answered without screening or forwarding. */
typedef enum gw_reject {
  GW_REJ_MALFORMED = 0, /* 400: not JSON */
  GW_REJ_INVALID,       /* 400: wrong shape, bad context header */
  GW_REJ_UNSCREENABLE,  /* 400: text we cannot read */
  GW_REJ_TOO_LARGE,     /* 413 */
  GW_REJ_TIMEOUT,       /* body not received in time: connection closed */
  GW_REJ_NOT_FOUND,     /* 404 */
  GW_REJ_METHOD,        /* 405 */
  GW_REJ_DRAINING,      /* 503 while shutting down */
  GW_REJ_NOMEM,         /* 503 */
  GW_REJ_N
} gw_reject;

typedef enum gw_upstream_err {
  GW_UPE_CONNECT = 0, /* could not connect / resolve */
  GW_UPE_TIMEOUT,
  GW_UPE_PROTOCOL,    /* anything else curl reports */
  GW_UPE_CANCELLED,   /* the client went away */
  GW_UPE_N
} gw_upstream_err;

#define GW_HIST_MAX 16

typedef struct gw_hist {
  const double *bounds; /* upper bounds in seconds, ascending */
  size_t n;
  atomic_ulong buckets[GW_HIST_MAX]; /* non-cumulative; +Inf is implicit */
  atomic_ulong count;
  atomic_ullong sum_ns;
} gw_hist;

typedef struct gw_rule_count {
  char *id;
  uint64_t n;
} gw_rule_count;

typedef struct gw_metrics {
  atomic_ulong decisions[4]; /* by ch_decision */
  atomic_ulong screen_errors;
  atomic_ulong rejects[GW_REJ_N];
  atomic_ulong upstream_errors[GW_UPE_N];
  atomic_ulong upstream_status[6]; /* by first digit: 1xx..5xx, [0] other */
  atomic_ulong limit_hits;
  atomic_ulong reloads_ok, reloads_failed;
  atomic_ulong audit_errors;
  atomic_long in_flight;
  gw_hist screen, upstream;
  pthread_mutex_t rules_mu;
  gw_rule_count *rules;
  size_t n_rules, cap_rules;
} gw_metrics;

int gw_metrics_init(gw_metrics *m);
void gw_metrics_destroy(gw_metrics *m);
void gw_hist_observe(gw_hist *h, uint64_t ns);
/* Count one request in which rule `id` had a finding. */
void gw_metrics_rule(gw_metrics *m, const char *id);

/* What /metrics shows besides the counters. */
typedef struct gw_metrics_info {
  const char *charter_id, *charter_version, *charter_sha256;
  unsigned long generation;
  size_t runtime_bytes, runtime_peak, runtime_limit;
  unsigned long runtime_alloc_failures;
  int draining;
} gw_metrics_info;

/* Render everything into out.  Returns 0 or -1 (out of memory). */
int gw_metrics_render(gw_metrics *m, const gw_metrics_info *info, gw_buf *out);

#endif
