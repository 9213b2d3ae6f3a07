/*
 * arena.c — page-list arena for the compiler (see arena.h).
 */
#include "compiler/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alloc.h"

#define PAGE_SIZE 65536u

struct arena_page {
  arena_page *next;
  size_t size;
  /* payload follows, 16-byte aligned */
};

#define HDR ((sizeof(arena_page) + 15u) & ~(size_t)15u)

void arena_init(arena *a, const ch_allocator *alloc) {
  memset(a, 0, sizeof *a);
  a->alloc = alloc;
}

void *arena_alloc(arena *a, size_t n) {
  n = (n + 15u) & ~(size_t)15u;
  if (n == 0) n = 16;
  if ((size_t)(a->end - a->cur) < n) {
    size_t sz = n > PAGE_SIZE - HDR ? n + HDR : PAGE_SIZE;
    arena_page *p = ch_malloc(a->alloc, sz);
    if (!p) {
      a->failed = 1;
      return NULL;
    }
    p->size = sz;
    p->next = a->pages;
    a->pages = p;
    /* An oversized request gets its own page; keep filling the old one? No:
     * simpler to switch, the waste is bounded by one page per big object. */
    a->cur = (char *)p + HDR;
    a->end = (char *)p + sz;
  }
  void *r = a->cur;
  a->cur += n;
  memset(r, 0, n);
  return r;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
  char *d = arena_alloc(a, n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

char *arena_strdup(arena *a, const char *s) {
  return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *d = arena_alloc(a, (size_t)n + 1);
  if (!d) return NULL;
  va_start(ap, fmt);
  vsnprintf(d, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return d;
}

void arena_free(arena *a) {
  arena_page *p = a->pages;
  while (p) {
    arena_page *n = p->next;
    ch_free(a->alloc, p);
    p = n;
  }
  a->pages = NULL;
  a->cur = a->end = NULL;
}
