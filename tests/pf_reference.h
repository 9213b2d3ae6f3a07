/*
 * pf_reference.h — the prefilter's answer computed the slow way, for the
 * suites and the fuzz target that check pf_run against it (test_scan.c,
 * fuzz/fuzz_scan.c): fold the whole text code point by code point, then
 * compare every atom at every folded position.  Header-only.
 */
#ifndef CH_TEST_PF_REFERENCE_H
#define CH_TEST_PF_REFERENCE_H

#include <stdint.h>
#include <string.h>

#include "runtime/charter_internal.h"
#include "runtime/normalize.h"

/* One hit, as pf_run reports it: the atom's index, its input offsets
 * [start, end), the folded bytes around it (0 at either end). */
typedef struct pf_rec {
  uint32_t atom, start, end, prev, next;
} pf_rec;

/* By start, then atom: the order both sides are compared in. */
static inline int pf_rec_cmp(const void *x, const void *y) {
  const pf_rec *a = x, *b = y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return (a->atom > b->atom) - (a->atom < b->atom);
}

/* Every hit of c's atoms in t[0..n), passed to push(ud, hit).  f, org
 * and end are scratch of at least 3n + 1 elements each (a byte folds to
 * at most 3 bytes, U+FFFD; longer folds come from longer sequences). */
static inline void pf_reference(const ch_charter *c, const unsigned char *t, size_t n, unsigned char *f,
                                uint32_t *org, uint32_t *end, void (*push)(void *, pf_rec), void *ud) {
  size_t m = 0;
  for (size_t i = 0; i < n;) {
    char o[4];
    size_t adv, l = norm_fold_at(t, n, i, o, &adv);
    for (size_t j = 0; j < l; j++, m++) {
      f[m] = (unsigned char)o[j];
      org[m] = (uint32_t)i;
      end[m] = (uint32_t)(j + 1 < l ? i : i + adv);
    }
    i += adv;
  }
  for (size_t p = 0; p < m; p++)
    for (uint32_t a = 0; a < c->natoms; a++) {
      const rt_atom *at = &c->atoms[a];
      if (p + at->len <= m && !memcmp(f + p, at->text, at->len))
        push(ud, (pf_rec){a, org[p], end[p + at->len - 1], p ? f[p - 1] : 0, p + at->len < m ? f[p + at->len] : 0});
    }
}

#endif
