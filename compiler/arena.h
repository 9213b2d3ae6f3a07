/*
 * arena.h — one arena per compilation: a list of fixed pages, freed at once.
 *
 * Pages never move, so pointers into the arena stay valid for the whole
 * compilation (YARA's growing-buffer arena needs relocations for that).
 * Nodes are never freed one by one, so parser error recovery cannot leak.
 */
#ifndef CH_ARENA_H
#define CH_ARENA_H

#include <stddef.h>
#include "charter.h"

typedef struct arena_page arena_page;
typedef struct arena {
  const ch_allocator *alloc;
  arena_page *pages;
  char *cur, *end;
  int failed; /* an allocation failed: the compilation ends with CH_E_NOMEM */
} arena;

void arena_init(arena *a, const ch_allocator *alloc);
/* Zeroed memory, 16-byte aligned; NULL (and a->failed set) on failure. */
void *arena_alloc(arena *a, size_t n);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);

#endif
