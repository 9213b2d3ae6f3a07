/*
 * prefilter.c — one Aho-Corasick pass over the (folded) text finds every
 * atom of every pattern at once (atoms: compiler/atoms.c).
 *
 * Idea: instead of running each pattern over the text, run one automaton
 * whose states are the prefixes of all atoms; an output at a state says
 * "atom k ends here".  A word pattern's single atom IS the word, so the
 * prefilter hit is the match (the scanner only checks word boundaries); a
 * regex pattern runs only if one of its atoms hit.  Example with atoms
 * {"mdp", "tiers-temps", "temps"}: scanning "un tiers-temps" reaches the
 * state "tiers-temps" whose outputs are both "tiers-temps" and (through its
 * failure link) "temps".
 *
 * The automaton is a full DFA over a compressed alphabet (only bytes that
 * occur in atoms get a class; every other byte is class 0 and sends the
 * automaton back to the root), so the inner loop is one table load per
 * byte.  The scanner feeds it the input folded on the fly (scan.c).  Built once at load time; read-only afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"

void ac_free(ch_charter *c) {
  ch_free(c->alloc, c->ac.delta);
  ch_free(c->alloc, c->ac.out_first);
  ch_free(c->alloc, c->ac.out_next);
  ch_free(c->alloc, c->ac.out_atom);
  memset(&c->ac, 0, sizeof c->ac);
}

static int cmp_atom(const void *x, const void *y) {
  const rt_atom *p = *(const rt_atom *const *)x, *q = *(const rt_atom *const *)y;
  int d = memcmp(p->text, q->text, p->len < q->len ? p->len : q->len);
  return d ? d : (p->len > q->len) - (p->len < q->len);
}

/* The trie's exact state count: the root plus every distinct prefix of
 * the atoms, from the atoms sorted (each adds its length minus what it
 * shares with the one before).  Sizing the table once matters: a table
 * allocated, outgrown or shrunk at every load makes glibc map and fault
 * it in afresh each time. */
static ch_status count_states(const ch_charter *c, size_t *out) {
  const rt_atom **v = ch_malloc(c->alloc, (c->natoms + 1) * sizeof(const rt_atom *));
  if (!v) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->natoms; i++) v[i] = &c->atoms[i];
  qsort(v, c->natoms, sizeof(const rt_atom *), cmp_atom);
  size_t n = 1;
  for (uint32_t i = 0; i < c->natoms; i++) {
    uint32_t l = 0;
    if (i)
      while (l < v[i]->len && l < v[i - 1]->len && v[i]->text[l] == v[i - 1]->text[l]) l++;
    n += v[i]->len - l;
  }
  ch_free(c->alloc, v);
  *out = n;
  return CH_OK;
}

ch_status ac_build(ch_charter *c) {
  rt_ac *ac = &c->ac;
  const ch_allocator *a = c->alloc;
  memset(ac->cls, 0, sizeof ac->cls);
  size_t total;
  ch_status st0 = count_states(c, &total);
  if (st0) return st0;
  for (uint32_t i = 0; i < c->natoms; i++)
    for (uint32_t k = 0; k < c->atoms[i].len; k++) ac->cls[c->atoms[i].text[k]] = 1;
  uint32_t ncls = 1;
  for (int b = 0; b < 256; b++)
    if (ac->cls[b]) ac->cls[b] = (uint8_t)ncls++;
  ac->nclass = ncls;
  /* Atoms are folded, so upper-case ASCII never occurs in them; giving 'A'
   * the class of 'a' lets the scanner feed ASCII input unfolded. */
  for (int b = 'A'; b <= 'Z'; b++) ac->cls[b] = ac->cls[b + 32];
  if (total > 0x7fffffff / ncls) return CH_E_LIMIT;
  ac->delta = ch_calloc(a, total * ncls, sizeof *ac->delta);
  ac->out_first = ch_malloc(a, total * sizeof *ac->out_first);
  uint32_t *fail = ch_calloc(a, total, sizeof *fail);
  uint32_t *queue = ch_malloc(a, total * sizeof *queue);
  /* outputs: one per atom plus inherited ones, chained per state */
  ac->out_next = ch_malloc(a, (c->natoms + 1) * sizeof *ac->out_next);
  ac->out_atom = ch_malloc(a, (c->natoms + 1) * sizeof *ac->out_atom);
  if (!ac->delta || !ac->out_first || !fail || !queue || !ac->out_next || !ac->out_atom) {
    ch_free(a, fail);
    ch_free(a, queue);
    return CH_E_NOMEM;
  }
  for (size_t s = 0; s < total; s++) ac->out_first[s] = CHB_NONE;
  /* trie; delta 0 means "no edge yet" (state 0 is the root, never a child) */
  uint32_t nstates = 1;
  for (uint32_t i = 0; i < c->natoms; i++) {
    uint32_t s = 0;
    for (uint32_t k = 0; k < c->atoms[i].len; k++) {
      uint32_t cl = ac->cls[c->atoms[i].text[k]];
      uint32_t *t = &ac->delta[(size_t)s * ncls + cl];
      if (!*t) {
        if (nstates >= total) { /* count_states is exact: cannot happen */
          ch_free(a, fail);
          ch_free(a, queue);
          return CH_E_INTERNAL;
        }
        *t = nstates++;
      }
      s = *t;
    }
    ac->out_atom[ac->nout] = i;
    ac->out_next[ac->nout] = ac->out_first[s];
    ac->out_first[s] = ac->nout++;
  }
  ac->nstates = nstates;
  /* BFS: failure links, and complete the DFA (missing edges follow the
   * failure link's edge).  An output list of a state continues with the
   * output list of its failure state: we link the chains lazily at scan
   * time through `fail`, so store the fail-chained first output instead. */
  size_t qh = 0, qt = 0;
  for (uint32_t cl = 1; cl < ncls; cl++) {
    uint32_t t = ac->delta[cl];
    if (t) {
      fail[t] = 0;
      queue[qt++] = t;
    }
  }
  /* dict[s]: nearest state on the failure chain (excluding s) with output */
  uint32_t *dict = ch_malloc(a, nstates * sizeof *dict);
  if (!dict) {
    ch_free(a, fail);
    ch_free(a, queue);
    return CH_E_NOMEM;
  }
  dict[0] = CHB_NONE;
  for (size_t i = 0; i < qt; i++) dict[queue[i]] = CHB_NONE;
  while (qh < qt) {
    uint32_t s = queue[qh++];
    for (uint32_t cl = 1; cl < ncls; cl++) {
      uint32_t *t = &ac->delta[(size_t)s * ncls + cl];
      if (*t) {
        uint32_t f = ac->delta[(size_t)fail[s] * ncls + cl];
        fail[*t] = f;
        dict[*t] = ac->out_first[f] != CHB_NONE ? f : dict[f];
        queue[qt++] = *t;
      } else {
        *t = ac->delta[(size_t)fail[s] * ncls + cl];
      }
    }
  }
  /* Fold dictionary links into the output chains: append the dict state's
   * chain to each state's own chain by pointing out_first of a state
   * without own outputs at its dict state's first output, and the last own
   * output's next at the dict state's first output.  Chains are shared
   * suffixes, so this is O(states). Process in BFS order so dict states
   * are final before their users. */
  for (size_t i = 0; i < qt; i++) {
    uint32_t s = queue[i];
    uint32_t d = dict[s];
    if (d == CHB_NONE) continue;
    uint32_t head = ac->out_first[d];
    if (ac->out_first[s] == CHB_NONE) {
      ac->out_first[s] = head;
    } else {
      uint32_t o = ac->out_first[s];
      /* own outputs of s were all added at trie time and end in NONE */
      while (ac->out_next[o] != CHB_NONE) o = ac->out_next[o];
      ac->out_next[o] = head;
    }
  }
  ch_free(a, dict);
  ch_free(a, fail);
  ch_free(a, queue);
  /* Scan-ready form: states are renumbered so that those with outputs
   * come last, and each transition holds its target's row (state *
   * nclass).  The scanner's loop is then one dependent load per byte, and
   * "the target has outputs" is row >= out_row, a compare beside the
   * chain instead of a mask on it.  total * ncls < 2^31 was checked. */
  uint32_t *perm = ch_malloc(a, nstates * sizeof *perm);
  uint32_t *nof = ch_malloc(a, nstates * sizeof *nof);
  uint32_t *tmp = ch_malloc(a, 2 * ncls * sizeof *tmp);
  uint8_t *done = ch_calloc(a, nstates, 1);
  if (!perm || !nof || !tmp || !done) {
    ch_free(a, perm);
    ch_free(a, nof);
    ch_free(a, tmp);
    ch_free(a, done);
    return CH_E_NOMEM;
  }
  uint32_t k = 0;
  for (uint32_t st = 0; st < nstates; st++) /* the root has no output: it stays 0 */
    if (ac->out_first[st] == CHB_NONE) perm[st] = k++;
  ac->out_row = k * ncls;
  for (uint32_t st = 0; st < nstates; st++)
    if (ac->out_first[st] != CHB_NONE) perm[st] = k++;
  size_t cells = (size_t)nstates * ncls;
  for (size_t x = 0; x < cells; x++) ac->delta[x] = perm[ac->delta[x]] * ncls;
  for (uint32_t st = 0; st < nstates; st++) nof[perm[st]] = ac->out_first[st];
  /* move the rows in place, one cycle of the permutation at a time (a
   * second table would double the memory a load touches) */
  for (uint32_t st = 0; st < nstates; st++) {
    if (done[st]) continue;
    memcpy(tmp, ac->delta + (size_t)st * ncls, ncls * sizeof *tmp);
    uint32_t cur = st;
    while (!done[cur]) {
      uint32_t to = perm[cur];
      memcpy(tmp + ncls, ac->delta + (size_t)to * ncls, ncls * sizeof *tmp);
      memcpy(ac->delta + (size_t)to * ncls, tmp, ncls * sizeof *tmp);
      memcpy(tmp, tmp + ncls, ncls * sizeof *tmp);
      done[cur] = 1;
      cur = to;
    }
  }
  ch_free(a, perm);
  ch_free(a, tmp);
  ch_free(a, done);
  ch_free(a, ac->out_first);
  ac->out_first = nof;
  return CH_OK;
}
