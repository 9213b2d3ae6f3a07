/*
 * alloc.c — default allocator and the hook used by every other file.
 * The only file allowed to call malloc/realloc/free directly.
 */
#include "runtime/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

void *ch_malloc(const ch_allocator *a, size_t n) {
  if (n == 0) n = 1;
  if (a && a->alloc) return a->alloc(a->user_data, n);
  return malloc(n);
}

void *ch_calloc(const ch_allocator *a, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  void *p = ch_malloc(a, count * size);
  if (p) memset(p, 0, count * size > 0 ? count * size : 1);
  return p;
}

void *ch_realloc(const ch_allocator *a, void *p, size_t n) {
  if (n == 0) n = 1;
  if (a && a->realloc) return a->realloc(a->user_data, p, n);
  return realloc(p, n);
}

void ch_free(const ch_allocator *a, void *p) {
  if (!p) return;
  if (a && a->free) {
    a->free(a->user_data, p);
    return;
  }
  free(p);
}

char *ch_strndup(const ch_allocator *a, const char *s, size_t n) {
  char *d = ch_malloc(a, n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

/* A buffer of many megabytes that a scan writes from end to end (the clean
 * view of a large text) costs one page fault per 4 KB on its first use: on
 * the virtual machines gateways run on, 10-20 us each, more than the scan
 * itself.  With libc's allocator the buffer is a private mapping of its
 * own, so asking for transparent huge pages on its 2 MB-aligned interior
 * makes that 512 times fewer faults.  An embedder's allocator may hand out
 * memory it manages otherwise: left alone.  A refusal changes nothing. */
void ch_hint_large(const ch_allocator *a, void *p, size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const size_t huge = (size_t)2 << 20;
  if ((a && a->alloc) || n < 4 * huge) return;
  /* offsets, not integers cast back to pointers: the pointer keeps its
   * provenance and the optimiser its knowledge of it */
  size_t mis = (size_t)((uintptr_t)p & (huge - 1));
  size_t head = mis ? huge - mis : 0;
  size_t tail = (size_t)(((uintptr_t)p + n) & (huge - 1));
  if (n > head + tail) (void)madvise((char *)p + head, n - head - tail, MADV_HUGEPAGE);
#else
  (void)a, (void)p, (void)n;
#endif
}
