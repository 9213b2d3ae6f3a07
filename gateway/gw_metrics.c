/*
 * gw_metrics.c — Prometheus metrics (see gw_metrics.h).
 *
 * Metric names follow Prometheus conventions: a `charter_gateway_` prefix,
 * `_total` for counters, base units (seconds, bytes).  Histograms store
 * per-bucket counts and are made cumulative when rendered, so observing is
 * one atomic increment per bucket hit.
 */
#include "gw_metrics.h"

#include <string.h>

#include "gw_alloc.h"

/* Screening is expected in microseconds (DESIGN.md): buckets from 10 us. */
static const double SCREEN_BOUNDS[] = {0.00001, 0.000025, 0.00005, 0.0001,
                                       0.00025, 0.0005,   0.001,   0.0025,
                                       0.005,   0.01,     0.05,    0.25};
/* Time to the upstream's response headers: LLMs take up to minutes. */
static const double UPSTREAM_BOUNDS[] = {0.001, 0.005, 0.01, 0.025, 0.05,
                                         0.1,   0.25,  0.5,  1,     2.5,
                                         5,     10,    30,   60,    120};

static const char *const REJECT_NAMES[GW_REJ_N] = {
    "malformed", "invalid", "unscreenable", "too_large", "timeout",
    "not_found", "method",  "draining",     "no_memory"};
static const char *const UPE_NAMES[GW_UPE_N] = {"connect", "timeout",
                                                "protocol", "cancelled"};

static void hist_init(gw_hist *h, const double *b, size_t n) {
  memset(h, 0, sizeof *h);
  h->bounds = b;
  h->n = n;
}

int gw_metrics_init(gw_metrics *m) {
  memset(m, 0, sizeof *m);
  hist_init(&m->screen, SCREEN_BOUNDS, sizeof SCREEN_BOUNDS / sizeof *SCREEN_BOUNDS);
  hist_init(&m->upstream, UPSTREAM_BOUNDS,
            sizeof UPSTREAM_BOUNDS / sizeof *UPSTREAM_BOUNDS);
  return pthread_mutex_init(&m->rules_mu, NULL) == 0 ? 0 : -1;
}

void gw_metrics_destroy(gw_metrics *m) {
  for (size_t i = 0; i < m->n_rules; i++) gw_free(m->rules[i].id);
  gw_free(m->rules);
  pthread_mutex_destroy(&m->rules_mu);
}

void gw_hist_observe(gw_hist *h, uint64_t ns) {
  double s = (double)ns / 1e9;
  size_t i = 0;
  while (i < h->n && s > h->bounds[i]) i++;
  if (i < h->n) atomic_fetch_add(&h->buckets[i], 1);
  atomic_fetch_add(&h->count, 1);
  atomic_fetch_add(&h->sum_ns, ns);
}

/* Most distinct rule ids tracked: a charter has a few dozen; the cap only
 * bounds memory if reloads keep introducing new ids. */
#define GW_MAX_RULE_SERIES 4096

void gw_metrics_rule(gw_metrics *m, const char *id) {
  pthread_mutex_lock(&m->rules_mu);
  size_t i;
  for (i = 0; i < m->n_rules; i++)
    if (strcmp(m->rules[i].id, id) == 0) break;
  if (i == m->n_rules) {
    char *copy = NULL;
    if (m->n_rules < GW_MAX_RULE_SERIES && m->n_rules == m->cap_rules) {
      size_t cap = m->cap_rules ? m->cap_rules * 2 : 32;
      gw_rule_count *r = gw_realloc(m->rules, cap * sizeof *r);
      if (r) {
        m->rules = r;
        m->cap_rules = cap;
      }
    }
    if (m->n_rules < m->cap_rules) copy = gw_strdup(id);
    if (!copy) { /* a lost count, never a lost request */
      pthread_mutex_unlock(&m->rules_mu);
      return;
    }
    m->rules[i].id = copy;
    m->rules[i].n = 0;
    m->n_rules++;
  }
  m->rules[i].n++;
  pthread_mutex_unlock(&m->rules_mu);
}

/* Label values are charter ids and versions: escape per the exposition
 * format (backslash, double quote, newline). */
static int label(gw_buf *o, const char *v) {
  for (; v && *v; v++) {
    int rc = *v == '\\' ? gw_buf_puts(o, "\\\\")
             : *v == '"' ? gw_buf_puts(o, "\\\"")
             : *v == '\n' ? gw_buf_puts(o, "\\n")
                          : gw_buf_append(o, v, 1);
    if (rc) return -1;
  }
  return 0;
}

static int hist(gw_buf *o, const char *name, const char *help, gw_hist *h) {
  int rc = gw_buf_printf(o, "# HELP %s %s\n# TYPE %s histogram\n", name, help,
                         name);
  unsigned long cum = 0;
  for (size_t i = 0; i < h->n && !rc; i++) {
    cum += atomic_load(&h->buckets[i]);
    rc = gw_buf_printf(o, "%s_bucket{le=\"%g\"} %lu\n", name, h->bounds[i], cum);
  }
  unsigned long count = atomic_load(&h->count);
  if (!rc)
    rc = gw_buf_printf(o, "%s_bucket{le=\"+Inf\"} %lu\n%s_sum %.9f\n"
                          "%s_count %lu\n", name, count, name,
                       (double)atomic_load(&h->sum_ns) / 1e9, name, count);
  return rc;
}

static int counter_head(gw_buf *o, const char *name, const char *help) {
  return gw_buf_printf(o, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
}

int gw_metrics_render(gw_metrics *m, const gw_metrics_info *info, gw_buf *o) {
  int rc = counter_head(o, "charter_gateway_requests_total",
                        "Screened requests by decision (error: screening failed).");
  for (int d = CH_ALLOW; d <= CH_DENY && !rc; d++)
    rc = gw_buf_printf(o, "charter_gateway_requests_total{decision=\"%s\"} %lu\n",
                       ch_decision_name((ch_decision)d),
                       atomic_load(&m->decisions[d]));
  if (!rc)
    rc = gw_buf_printf(o, "charter_gateway_requests_total{decision=\"error\"} %lu\n",
                       atomic_load(&m->screen_errors));
  if (!rc)
    rc = counter_head(o, "charter_gateway_rule_hits_total",
                      "Requests in which a rule produced a finding, by rule id.");
  pthread_mutex_lock(&m->rules_mu);
  for (size_t i = 0; i < m->n_rules && !rc; i++) {
    rc = gw_buf_puts(o, "charter_gateway_rule_hits_total{rule=\"");
    if (!rc) rc = label(o, m->rules[i].id);
    if (!rc) rc = gw_buf_printf(o, "\"} %llu\n", (unsigned long long)m->rules[i].n);
  }
  pthread_mutex_unlock(&m->rules_mu);
  if (!rc)
    rc = counter_head(o, "charter_gateway_rejected_total",
                      "Requests answered without screening, by reason.");
  for (int i = 0; i < GW_REJ_N && !rc; i++)
    rc = gw_buf_printf(o, "charter_gateway_rejected_total{reason=\"%s\"} %lu\n",
                       REJECT_NAMES[i], atomic_load(&m->rejects[i]));
  if (!rc)
    rc = counter_head(o, "charter_gateway_upstream_errors_total",
                      "Upstream exchanges that failed, by kind.");
  for (int i = 0; i < GW_UPE_N && !rc; i++)
    rc = gw_buf_printf(o, "charter_gateway_upstream_errors_total{kind=\"%s\"} %lu\n",
                       UPE_NAMES[i], atomic_load(&m->upstream_errors[i]));
  if (!rc)
    rc = counter_head(o, "charter_gateway_upstream_responses_total",
                      "Upstream responses by status class.");
  for (int i = 1; i <= 5 && !rc; i++)
    rc = gw_buf_printf(o, "charter_gateway_upstream_responses_total{class=\"%dxx\"} %lu\n",
                       i, atomic_load(&m->upstream_status[i]));
  if (!rc)
    rc = counter_head(o, "charter_gateway_pattern_limit_hits_total",
                      "Scans in which a pattern hit its PCRE2 limit.");
  if (!rc)
    rc = gw_buf_printf(o, "charter_gateway_pattern_limit_hits_total %lu\n",
                       atomic_load(&m->limit_hits));
  if (!rc)
    rc = counter_head(o, "charter_gateway_reloads_total", "Charter reloads by result.");
  if (!rc)
    rc = gw_buf_printf(o, "charter_gateway_reloads_total{result=\"ok\"} %lu\n"
                          "charter_gateway_reloads_total{result=\"failed\"} %lu\n",
                       atomic_load(&m->reloads_ok), atomic_load(&m->reloads_failed));
  if (!rc)
    rc = counter_head(o, "charter_gateway_audit_errors_total",
                      "Audit records that could not be written.");
  if (!rc)
    rc = gw_buf_printf(o, "charter_gateway_audit_errors_total %lu\n",
                       atomic_load(&m->audit_errors));
  if (!rc)
    rc = hist(o, "charter_gateway_screening_seconds",
              "Time to screen one request (all its text pieces).", &m->screen);
  if (!rc)
    rc = hist(o, "charter_gateway_upstream_seconds",
              "Time from sending a request upstream to its response headers.",
              &m->upstream);
  if (!rc)
    rc = gw_buf_printf(o,
                       "# HELP charter_gateway_in_flight Requests being handled.\n"
                       "# TYPE charter_gateway_in_flight gauge\n"
                       "charter_gateway_in_flight %ld\n"
                       "# HELP charter_gateway_draining 1 while shutting down.\n"
                       "# TYPE charter_gateway_draining gauge\n"
                       "charter_gateway_draining %d\n"
                       "# HELP charter_gateway_runtime_memory_bytes Memory held by libcharter.\n"
                       "# TYPE charter_gateway_runtime_memory_bytes gauge\n"
                       "charter_gateway_runtime_memory_bytes %zu\n"
                       "# HELP charter_gateway_runtime_memory_peak_bytes Peak of the above.\n"
                       "# TYPE charter_gateway_runtime_memory_peak_bytes gauge\n"
                       "charter_gateway_runtime_memory_peak_bytes %zu\n"
                       "# HELP charter_gateway_runtime_memory_limit_bytes runtime_memory_limit (0: none).\n"
                       "# TYPE charter_gateway_runtime_memory_limit_bytes gauge\n"
                       "charter_gateway_runtime_memory_limit_bytes %zu\n"
                       "# HELP charter_gateway_runtime_alloc_failures_total Allocations refused by the limit.\n"
                       "# TYPE charter_gateway_runtime_alloc_failures_total counter\n"
                       "charter_gateway_runtime_alloc_failures_total %lu\n"
                       "# HELP charter_gateway_charter_info The charter in force.\n"
                       "# TYPE charter_gateway_charter_info gauge\n"
                       "charter_gateway_charter_info{id=\"",
                       atomic_load(&m->in_flight), info->draining,
                       info->runtime_bytes, info->runtime_peak,
                       info->runtime_limit, info->runtime_alloc_failures);
  if (!rc) rc = label(o, info->charter_id);
  if (!rc) rc = gw_buf_puts(o, "\",version=\"");
  if (!rc) rc = label(o, info->charter_version);
  if (!rc) rc = gw_buf_printf(o, "\",sha256=\"%s\",generation=\"%lu\"} 1\n",
                              info->charter_sha256, info->generation);
  return rc;
}
