/*
 * gw_alloc.h — the gateway's allocation hooks and the runtime memory budget.
 *
 * Stage: gateway (an embedder of libcharter).  Every heap allocation of the
 * gateway goes through gw_malloc & co, the only place raw malloc( appears
 * (STYLE §5), and every result is checked by the caller.
 *
 * The budget is a ch_allocator handed to libcharter at load time, so that
 * everything the runtime allocates (charters, scanners, per-scan buffers)
 * is counted against one ceiling, `runtime_memory_limit`.  Going over it is
 * a CH_E_NOMEM inside the runtime, which the gateway turns into a screening
 * error: the prompt is not forwarded (fail closed), the process survives.
 */
#ifndef GW_ALLOC_H
#define GW_ALLOC_H

#include <stdatomic.h>
#include <stddef.h>

#include "charter.h"

void *gw_malloc(size_t n);
void *gw_calloc(size_t count, size_t size);
void *gw_realloc(void *p, size_t n);
void gw_free(void *p);
/* Copies of a C string / of n bytes plus a NUL; NULL when out of memory. */
char *gw_strdup(const char *s);
char *gw_strndup(const char *s, size_t n);

/*
 * A thread-safe byte counter with an optional ceiling.  `limit` 0 means no
 * ceiling.  The fields are atomics because every worker's scanner allocates
 * through it concurrently; `peak` and `failures` feed /metrics.
 */
typedef struct gw_budget {
  atomic_size_t used;
  atomic_size_t peak;
  atomic_ulong failures;
  size_t limit;
} gw_budget;

void gw_budget_init(gw_budget *b, size_t limit);
/* A ch_allocator that charges `b`; valid as long as `b` is. */
ch_allocator gw_budget_allocator(gw_budget *b);

#endif
