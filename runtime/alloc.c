/*
 * alloc.c — default allocator and the hook used by every other file.
 * The only file allowed to call malloc/realloc/free directly.
 */
#include "runtime/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
