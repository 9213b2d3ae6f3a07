/*
 * atoms.h — literal atoms of a regex for the prefilter, and the nested-
 * quantifier check (see atoms.c for the worked examples).
 */
#ifndef CH_ATOMS_H
#define CH_ATOMS_H

#include <stdint.h>

#define ATOM_MAX 64
#define ATOM_MAX_BRANCHES 32
#define ATOM_UNBOUNDED 0xffffffffu

/* Atoms of `re` (one per top-level branch), as written (not folded), and
 * when reach is not NULL each one's reach: the most bytes of a match
 * before the atom, or ATOM_UNBOUNDED.  Returns the count, or 0 when some
 * branch has no literal: the pattern must then run on every scan. */
int atoms_extract(const char *re, int extended, char atoms[][ATOM_MAX],
                  uint32_t *reach, int max_atoms);
/* Nonzero when `re` repeats a group that itself contains a repetition. */
int atoms_nested_quantifier(const char *re);

#endif
