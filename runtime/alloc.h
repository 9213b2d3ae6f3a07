/*
 * alloc.h — the one allocation hook of the runtime (and the compiler).
 *
 * Every allocation goes through ch_malloc/ch_realloc/ch_free with the
 * embedder's ch_allocator (NULL = libc).  Raw malloc( appears only in
 * alloc.c.  Callers check every result and return CH_E_NOMEM.
 */
#ifndef CH_ALLOC_H
#define CH_ALLOC_H

#include <stddef.h>
#include "charter.h"

void *ch_malloc(const ch_allocator *a, size_t n);
void *ch_calloc(const ch_allocator *a, size_t count, size_t size);
void *ch_realloc(const ch_allocator *a, void *p, size_t n);
void ch_free(const ch_allocator *a, void *p);
/* p..p+n is a large buffer about to be written sequentially (alloc.c). */
void ch_hint_large(const ch_allocator *a, void *p, size_t n);
char *ch_strndup(const ch_allocator *a, const char *s, size_t n);

#endif
