/*
 * gw_alloc.c — allocation hooks and the runtime memory budget (see
 * gw_alloc.h).  The only file of the gateway that calls malloc directly.
 *
 * Budget blocks carry a header holding their size, because ch_allocator's
 * free and realloc do not pass it and the budget must give back exactly
 * what was charged.  The header is max_align_t-sized so that the pointer
 * handed to the runtime keeps malloc's alignment guarantee.
 */
#include "gw_alloc.h"

#include <stdlib.h>
#include <string.h>

void *gw_malloc(size_t n) { return malloc(n ? n : 1); }

void *gw_calloc(size_t count, size_t size) {
  return calloc(count ? count : 1, size ? size : 1);
}

void *gw_realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }

void gw_free(void *p) { free(p); }

char *gw_strndup(const char *s, size_t n) {
  char *d = gw_malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *gw_strdup(const char *s) { return gw_strndup(s, strlen(s)); }

/* ------------------------------------------------------------- budget */

typedef union budget_hdr {
  size_t size;
  max_align_t align; /* keeps the user pointer max-aligned */
} budget_hdr;

void gw_budget_init(gw_budget *b, size_t limit) {
  atomic_init(&b->used, 0);
  atomic_init(&b->peak, 0);
  atomic_init(&b->failures, 0);
  b->limit = limit;
}

/* Reserve `n` bytes; 0 when the ceiling would be crossed.  Reserving before
 * allocating means two threads can never both squeeze under the limit. */
static int charge(gw_budget *b, size_t n) {
  size_t now = atomic_fetch_add(&b->used, n) + n;
  if (b->limit && (now > b->limit || now < n)) {
    atomic_fetch_sub(&b->used, n);
    atomic_fetch_add(&b->failures, 1);
    return 0;
  }
  size_t peak = atomic_load(&b->peak);
  while (now > peak && !atomic_compare_exchange_weak(&b->peak, &peak, now)) {
  }
  return 1;
}

static void *budget_alloc(void *ud, size_t size) {
  gw_budget *b = ud;
  if (size > (size_t)-1 - sizeof(budget_hdr)) return NULL;
  size_t total = size + sizeof(budget_hdr);
  if (!charge(b, total)) return NULL;
  budget_hdr *h = malloc(total);
  if (!h) {
    atomic_fetch_sub(&b->used, total);
    return NULL;
  }
  h->size = total;
  return h + 1;
}

static void budget_free(void *ud, void *p) {
  gw_budget *b = ud;
  if (!p) return;
  budget_hdr *h = (budget_hdr *)p - 1;
  atomic_fetch_sub(&b->used, h->size);
  free(h);
}

static void *budget_realloc(void *ud, void *p, size_t size) {
  gw_budget *b = ud;
  if (!p) return budget_alloc(ud, size);
  if (size > (size_t)-1 - sizeof(budget_hdr)) return NULL;
  budget_hdr *h = (budget_hdr *)p - 1;
  size_t old = h->size, total = size + sizeof(budget_hdr);
  if (total > old && !charge(b, total - old)) return NULL;
  budget_hdr *n = realloc(h, total);
  if (!n) {
    if (total > old) atomic_fetch_sub(&b->used, total - old);
    return NULL; /* the old block is intact and still charged */
  }
  if (total < old) atomic_fetch_sub(&b->used, old - total);
  n->size = total;
  return n + 1;
}

ch_allocator gw_budget_allocator(gw_budget *b) {
  ch_allocator a = {budget_alloc, budget_realloc, budget_free, b};
  return a;
}
