/*
 * resolve_internal.h — what resolve.c (declarations to model) shares with
 * ue_csv.c (the MCCC tables of `ue import`): the resolution state, growing
 * the model's arrays, finding an entry by id.
 */
#ifndef CH_RESOLVE_INTERNAL_H
#define CH_RESOLVE_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include "compiler/cc.h"
#include "compiler/model.h"

typedef struct rs {
  ch_cc *cc;
  model *m;
  ast_node **chain; /* [0] = compiled decl, then parents */
  size_t nchain;
  int cur;          /* lineage index of the body being applied */
} rs;

/* Grow an arena array of n elements of sz bytes (capacity doubled). */
int rs_vgrow(ch_cc *cc, void **v, size_t *cap, size_t n, size_t sz);
/* A pointer to a new zeroed element at the end of vec, or NULL. */
#define VPUSH(cc, vec)                                                          \
  ((vec).n == (vec).cap ? rs_vgrow(cc, (void **)&(vec).v, &(vec).cap, (vec).n, \
                                   sizeof *(vec).v)                            \
                        : 0,                                                   \
   (vec).n < (vec).cap ? memset(&(vec).v[(vec).n], 0, sizeof *(vec).v),        \
   &(vec).v[(vec).n++] : NULL)

/* Index of the element of base[0..n) (elements of sz bytes) whose string
 * at offset off equals id, or -1. */
int rs_find_by(const void *base, size_t n, size_t sz, size_t off, const char *id);
#define FIND(vec, T, field, id) rs_find_by((vec).v, (vec).n, sizeof(T), offsetof(T, field), id)

/* `ue import "path"` (ue_csv.c): the UEs of an MCCC table into r->m.
 * Returns -1 when out of memory, else 0 (errors are diagnostics). */
int resolve_csv(rs *r, const char *path, ch_loc loc);

#endif
