/*
 * prefilter.c — one pass over the (folded) text finds every atom of every
 * pattern at once (atoms: compiler/atoms.c).
 *
 * The text is folded a chunk at a time into a small buffer (ASCII runs are
 * copied lower-cased, other code points go through norm_fold_at), with a
 * map back to input offsets that changes only where a code point is not
 * one byte (rt_pfseg), so ASCII costs one byte written per byte.  Over that
 * buffer a shift-or filter, the design of Hyperscan's FDR, looks at the
 * first eight bytes an atom may have at each position: the atoms are in
 * eight groups (by length, then text), and a table indexed by two
 * consecutive bytes (11 of their bits) says, for each group and each
 * offset 0..7 in an atom, whether some atom of the group may have those
 * bytes there.  A position passes when, for some group, all eight of its
 * offsets agree; in prose about as many positions pass as hold an atom.
 * Those are compared with the atoms whose first three bytes hash alike.
 * Each position costs two loads, a shift and an or, with no chain from one
 * position to the next but the or, so the processor overlaps them.
 *
 * Example with atoms {"mdph", "tiers-temps", "ine"} in one group: at
 * offset 0 the table allows "md", "ti", "in"; at offset 1 "dp", "ie",
 * "ne"; at offset 2 "ph", "er", "e" followed by anything; from offset 3 on
 * anything, since "ine" ends there.  At "machine." the position of "ine."
 * passes ("in", "ne", "e."), and the bucket of "ine" compares equal: a
 * hit.  At "mine" it fails at offset 0 ("mi").
 *
 * The filter is built once at load time and is read-only afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"

#if defined(__SSE2__) && !defined(CH_NO_SIMD)
#include <emmintrin.h>
#endif

/* Little-endian or not, these masks keep the first k bytes of a word
 * loaded with memcpy. */
static uint32_t first_bytes_mask(uint32_t k) {
  unsigned char m[4] = {0, 0, 0, 0};
  for (uint32_t i = 0; i < k && i < 4; i++) m[i] = 0xff;
  uint32_t x;
  memcpy(&x, m, 4);
  return x;
}

static uint32_t load4(const unsigned char *p, uint32_t len) {
  unsigned char b[4] = {0, 0, 0, 0};
  memcpy(b, p, len < 4 ? len : 4);
  uint32_t x;
  memcpy(&x, b, 4);
  return x;
}

static inline uint32_t pf_hash(uint32_t x, uint32_t bits) { return (x * 0x9e3779b1u) >> (32 - bits); }

/* The table index of the two bytes at p (the byte order is fixed, not the
 * machine's, so that the table is the same everywhere). */
_Static_assert(((PF_SC_MASK >> 8) & ((PF_SC_MASK >> 8) + 1)) == 0, "the next byte's bits are its lowest");
static inline uint32_t sc_index(const unsigned char *p) { return (p[0] | (uint32_t)p[1] << 8) & PF_SC_MASK; }

void pf_free(ch_charter *c) {
  ch_free(c->alloc, c->pf.sc);
  ch_free(c->alloc, c->pf.bucket);
  ch_free(c->alloc, c->pf.entry);
  memset(&c->pf, 0, sizeof c->pf);
}

/* Atoms in filter order: by the number of bytes the filter sees of them
 * (a group's shortest atom leaves its later offsets open), then by text,
 * so that a group's atoms share letters at each offset. */
typedef struct pf_key {
  const unsigned char *text;
  uint32_t len, atom;
} pf_key;

static int by_width(const void *x, const void *y) {
  const pf_key *a = x, *b = y;
  uint32_t wa = a->len < PF_WIDTH ? a->len : PF_WIDTH, wb = b->len < PF_WIDTH ? b->len : PF_WIDTH;
  if (wa != wb) return wa < wb ? -1 : 1;
  int d = memcmp(a->text, b->text, a->len < b->len ? a->len : b->len);
  if (d) return d;
  if (a->len != b->len) return a->len < b->len ? -1 : 1;
  return (a->atom > b->atom) - (a->atom < b->atom);
}

/* Group g allows (two bytes whose index is ix) at offset j. */
static void sc_allow(uint64_t *sc, uint32_t ix, uint32_t j, unsigned g) {
  sc[ix] &= ~((uint64_t)1 << g << 8 * (PF_WIDTH - 1 - j));
}

static ch_status build_filter(ch_charter *c) {
  rt_pf *pf = &c->pf;
  pf_key *key = ch_malloc(c->alloc, c->natoms * sizeof *key);
  pf->sc = ch_malloc(c->alloc, (PF_SC_MASK + 1) * sizeof *pf->sc);
  if (!key || !pf->sc) {
    ch_free(c->alloc, key);
    return CH_E_NOMEM;
  }
  for (uint32_t i = 0; i < c->natoms; i++) key[i] = (pf_key){c->atoms[i].text, c->atoms[i].len, i};
  qsort(key, c->natoms, sizeof *key, by_width);
  for (uint32_t i = 0; i <= PF_SC_MASK; i++) pf->sc[i] = ~(uint64_t)0;
  uint32_t open[PF_GROUPS]; /* offsets from which a group allows anything */
  for (unsigned g = 0; g < PF_GROUPS; g++) open[g] = PF_WIDTH;
  /* Atoms of 1 or 2 bytes (first in this order) get a group of their own
   * when there are others: in a group they leave offsets 2 to 7 open for
   * every atom, and the group passes wherever its longer atoms begin with
   * a common letter pair. */
  uint32_t nshort = 0;
  while (nshort < c->natoms && key[nshort].len < 3) nshort++;
  unsigned first = nshort && nshort < c->natoms; /* groups of short atoms: 0 or 1 */
  uint32_t skip = first ? nshort : 0, rest = c->natoms - skip;
  for (uint32_t k = 0; k < c->natoms; k++) {
    unsigned g = k < skip ? 0 : first + (unsigned)((uint64_t)(k - skip) * (PF_GROUPS - first) / rest);
    const pf_key *at = &key[k];
    uint32_t w = at->len < PF_WIDTH ? at->len : PF_WIDTH;
    if (w < open[g]) open[g] = w;
    for (uint32_t j = 0; j < w; j++) {
      if (j + 1 < at->len) {
        sc_allow(pf->sc, sc_index(at->text + j), j, g);
      } else { /* the atom's last byte: whatever follows it */
        for (uint32_t nx = 0; nx <= PF_SC_MASK >> 8; nx++) {
          const unsigned char two[2] = {at->text[j], (unsigned char)nx};
          sc_allow(pf->sc, sc_index(two), j, g);
        }
      }
    }
  }
  uint64_t any = 0;
  for (unsigned g = 0; g < PF_GROUPS; g++)
    for (uint32_t j = open[g]; j < PF_WIDTH; j++) any |= (uint64_t)1 << g << 8 * (PF_WIDTH - 1 - j);
  if (any)
    for (uint32_t i = 0; i <= PF_SC_MASK; i++) pf->sc[i] &= ~any;
  ch_free(c->alloc, key);
  return CH_OK;
}

ch_status pf_build(ch_charter *c) {
  rt_pf *pf = &c->pf;
  const ch_allocator *a = c->alloc;
  memset(pf, 0, sizeof *pf);
  if (!c->natoms) return CH_OK;
  for (unsigned b = 0; b < 64; b++) {
    const unsigned char cp[2] = {0xc3, (unsigned char)(0x80 + b)};
    char out[4];
    size_t adv, l = norm_fold_at(cp, 2, 0, out, &adv);
    pf->latin1[b][0] = (unsigned char)l;
    memcpy(pf->latin1[b] + 1, out, l);
  }
  uint32_t minlen = 255;
  for (uint32_t i = 0; i < c->natoms; i++) {
    if (c->atoms[i].len < minlen) minlen = c->atoms[i].len;
    if (c->atoms[i].len > pf->maxlen) pf->maxlen = c->atoms[i].len;
  }
  ch_status st = build_filter(c);
  if (st) return st;
  /* the comparison's buckets: by the first three bytes; atoms of one or
   * two bytes stand apart, compared at every position that passes (keying
   * every bucket by fewer bytes would put a 20,000-word list in 26
   * buckets because of one "x") */
  pf->bmask = first_bytes_mask(3);
  pf->bucket = ch_calloc(a, PF_BUCKETS + 1, sizeof *pf->bucket);
  pf->entry = ch_malloc(a, c->natoms * sizeof *pf->entry);
  if (!pf->bucket || !pf->entry) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->natoms; i++) {
    const rt_atom *at = &c->atoms[i];
    if (at->len < 3) pf->nshort++;
    else pf->bucket[pf_hash(load4(at->text, at->len) & pf->bmask, PF_BUCKET_BITS) + 1]++;
  }
  /* entries grouped by bucket (a counting sort) after the short atoms:
   * after the sums, bucket[h + 1] is where bucket h ends; filling each
   * bucket downwards leaves bucket[h + 1] at its start, and one shift puts
   * every start at bucket[h] */
  pf->bucket[0] = pf->nshort;
  for (uint32_t b = 0; b < PF_BUCKETS; b++) pf->bucket[b + 1] += pf->bucket[b];
  for (uint32_t i = 0, k = 0; i < c->natoms; i++) {
    const rt_atom *at = &c->atoms[i];
    uint32_t x = load4(at->text, at->len);
    uint32_t m = first_bytes_mask(at->len), m2 = at->len > 4 ? first_bytes_mask(at->len - 4) : 0;
    uint32_t x2 = at->len > 4 ? load4(at->text + 4, at->len - 4) : 0;
    uint64_t x3 = 0, m3 = 0;
    if (at->len > 8) {
      unsigned char b[8] = {0}, mb[8] = {0};
      uint32_t l3 = at->len - 8 < 8 ? at->len - 8 : 8;
      memcpy(b, at->text + 8, l3);
      memset(mb, 0xff, l3);
      memcpy(&x3, b, 8);
      memcpy(&m3, mb, 8);
    }
    uint32_t e = at->len < 3 ? k++ : --pf->bucket[pf_hash(x & pf->bmask, PF_BUCKET_BITS) + 1];
    pf->entry[e] = (rt_pf_entry){x & m, m, x2 & m2, m2, x3, m3, i};
  }
  memmove(pf->bucket, pf->bucket + 1, PF_BUCKETS * sizeof *pf->bucket);
  pf->bucket[PF_BUCKETS] = c->natoms;
  return CH_OK;
}

#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

/* The fold's map (rt_pfseg): the segments seg[0..ns) and, for the hits
 * of a chunk, which come in order, the segment of the last one. */
typedef struct pf_map {
  rt_pfseg *seg;
  uint32_t ns, cur;
} pf_map;

/* A segment begins at folded byte f: it replaces the last one when that
 * one is empty (a code point folded to nothing, or two in a row). */
static inline void seg_begin(pf_map *m, uint32_t f, uint32_t d, uint32_t one) {
  rt_pfseg *last = &m->seg[m->ns - 1];
  if ((last->f & ~PF_SEG_ONE) == f) *last = (rt_pfseg){f | one, d};
  else m->seg[m->ns++] = (rt_pfseg){f | one, d};
}

/* The segment of folded byte q, searching on from segment s (<= q's). */
static inline uint32_t seg_of(const pf_map *m, uint32_t s, uint32_t q) {
  while (s + 1 < m->ns && (m->seg[s + 1].f & ~PF_SEG_ONE) <= q) s++;
  return s;
}

/* The input offset of the code point folded byte q (in segment s) is of. */
static inline uint32_t seg_org(const pf_map *m, uint32_t s, uint32_t q) {
  return m->seg[s].f & PF_SEG_ONE ? m->seg[s].d : q + m->seg[s].d;
}

/* The code point at t[i] folded to l bytes at fb[len], and the input goes
 * on at i + adv: a one-byte fold stays in the running segment (its start
 * is len + d), a longer one is a segment of its own, and the input after
 * it starts the next. */
static inline void seg_after(pf_map *m, size_t len, size_t i, size_t l, size_t adv) {
  if (l > 1) seg_begin(m, (uint32_t)len, (uint32_t)i, PF_SEG_ONE);
  if (adv != l || l > 1) seg_begin(m, (uint32_t)(len + l), (uint32_t)(i + adv - (len + l)), 0);
}

/* Fold input from *pi into fb from len up to about `want` bytes, keeping
 * the map: ASCII 16 bytes at a time (8 without SSE2, upper case found by
 * two carries per byte, as in detect.c's digit_mask), any other code
 * point by norm_fold_at.  Between calls the last segment is a running
 * one in which folded byte len is input byte *pi. */
static size_t fold_chunk(const rt_pf *pf, const unsigned char *restrict t, size_t n, size_t *pi,
                         unsigned char *restrict fb, pf_map *m, size_t len, size_t want, int *clean) {
  size_t i = *pi;
  while (len < want && i < n) {
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
    if (i + 16 <= n) { /* len + 16 < want + PF_SLACK */
      __m128i x = _mm_loadu_si128((const __m128i *)(t + i));
      unsigned hb = norm_stop_mask(x); /* high bytes, and controls */
      /* signed compares: a byte from 0x80 up is below 'A' */
      __m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));
      _mm_storeu_si128((__m128i *)(fb + len), _mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20))));
      size_t k = hb ? (size_t)__builtin_ctz(hb) : 16; /* the bytes after the first high one are written again */
      len += k;
      i += k;
      if (k == 16) continue;
    }
#else
    if (i + 8 <= n) { /* len + 8 < want + PF_SLACK */
      uint64_t x;
      memcpy(&x, t + i, 8);
      uint64_t hb = norm_stop_word(x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      /* the ASCII bytes before the first non-ASCII one: the carries of
       * the case test run from a byte to the next, so a high byte spoils
       * only what follows it, which the next step writes again */
      size_t k = hb ? (size_t)__builtin_ctzll(hb) >> 3 : 8;
#else
      size_t k = hb ? 0 : 8;
#endif
      if (k) {
        uint64_t upper = (x + (0x80 - 'A') * ONES) & ~(x + (0x80 - 'Z' - 1) * ONES) & HIGH;
        x |= upper >> 2;
        memcpy(fb + len, &x, 8);
        len += k;
        i += k;
        if (k == 8) continue;
      }
    }
#endif
    if (t[i] < 0x80 && !norm_is_ctl(t[i])) {
      unsigned c = t[i++];
      fb[len++] = (unsigned char)(c + (((unsigned)(c - 'A') < 26u) << 5));
      continue;
    }
    if (t[i] == 0xc3 && i + 1 < n && (t[i + 1] & 0xc0) == 0x80) { /* à, é, ç... */
      const unsigned char *f = pf->latin1[t[i + 1] - 0x80];
      memcpy(fb + len, f + 1, 4); /* up to 4 bytes, the rest rewritten next */
      seg_after(m, len, i, f[0], 2);
      len += f[0];
      i += 2;
      continue;
    }
    /* neither ASCII (but a control) nor U+00C0..U+00FF: what norm_is_clean tests */
    if (*clean && !norm_clean_cp_len(t + i, n - i)) *clean = 0;
    char out[4];
    size_t adv, l = norm_fold_at(t, n, i, out, &adv);
    memcpy(fb + len, out, l);
    seg_after(m, len, i, l, adv);
    len += l;
    i += adv;
  }
  *pi = i;
  return len;
}

/* Byte length of the code point at t[i] as norm_fold_at steps over it. */
static size_t cp_len(const unsigned char *t, size_t n, size_t i) {
  if (t[i] < 0x80) return 1;
  uint32_t cp;
  size_t k = norm_decode(t + i, n - i, &cp);
  return k ? k : 1;
}

/* Atom at, matched at fb[p .. k), reported with its input offsets.  A
 * hit ending inside the fold of one code point ("ss" of "ß") ends where
 * that code point starts, as the map says; otherwise where the code point
 * ends. */
static ch_status report(const rt_atom *at, const unsigned char *t, size_t n, const unsigned char *fb, pf_map *m,
                        size_t len, size_t p, size_t k, pf_hit_fn fn, void *ud) {
  uint32_t sp = m->cur = seg_of(m, m->cur, (uint32_t)p);
  const rt_pfseg *g = &m->seg[sp];
  if (!(g->f & PF_SEG_ONE) && (sp + 1 == m->ns || (g[1].f & ~PF_SEG_ONE) > k) && k < len) {
    /* the hit and the byte after it in one running segment: only its
     * last byte can be of a longer code point, so k - 1 is ASCII */
    return fn(ud, at, (uint32_t)p + g->d, (uint32_t)k + g->d, p ? fb[p - 1] : 0, fb[k]);
  }
  uint32_t sl = seg_of(m, sp, (uint32_t)(k - 1));
  uint32_t o = seg_org(m, sl, (uint32_t)(k - 1));
  uint32_t end = o;
  if (k == len || seg_org(m, seg_of(m, sl, (uint32_t)k), (uint32_t)k) != o) end = o + (uint32_t)cp_len(t, n, o);
  return fn(ud, at, seg_org(m, sp, (uint32_t)p), end, p ? fb[p - 1] : 0, k < len ? fb[k] : 0);
}

/* Does entry en's atom start at fb[p] (x: the 4 bytes there)?  Then report it. */
static inline ch_status compare(const ch_charter *c, const rt_pf_entry *en, uint32_t x, const unsigned char *t,
                                size_t n, const unsigned char *fb, pf_map *m, size_t len, size_t p, pf_hit_fn fn,
                                void *ud) {
  if ((x & en->mask) != en->key) return CH_OK;
  uint32_t y;
  memcpy(&y, fb + p + 4, 4);
  if ((y & en->mask2) != en->key2) return CH_OK;
  const rt_atom *at = &c->atoms[en->atom];
  size_t k = p + at->len; /* one past the atom's last folded byte */
  if (k > len) return CH_OK;
  if (at->len > 8) { /* fb + p + 16 <= fb + len + 7: inside the zeroed slack */
    uint64_t z;
    memcpy(&z, fb + p + 8, 8);
    if ((z & en->mask3) != en->key3 || (at->len > 16 && memcmp(fb + p + 16, at->text + 16, at->len - 16)))
      return CH_OK;
  }
  return report(at, t, n, fb, m, len, p, k, fn, ud);
}

/* The atoms that start at fb[p] (the filter let p pass): the short ones,
 * then those whose first three bytes hash as p's. */
static ch_status confirm(const ch_charter *c, const unsigned char *t, size_t n, const unsigned char *fb, pf_map *m,
                         size_t len, size_t p, pf_hit_fn fn, void *ud) {
  const rt_pf *pf = &c->pf;
  uint32_t x;
  memcpy(&x, fb + p, 4);
  ch_status st;
  for (uint32_t e = 0; e < pf->nshort; e++)
    if ((st = compare(c, &pf->entry[e], x, t, n, fb, m, len, p, fn, ud))) return st;
  uint32_t bk = pf_hash(x & pf->bmask, PF_BUCKET_BITS);
  for (uint32_t e = pf->bucket[bk]; e < pf->bucket[bk + 1]; e++)
    if ((st = compare(c, &pf->entry[e], x, t, n, fb, m, len, p, fn, ud))) return st;
  return CH_OK;
}

/* Shift-or over eight positions at a time, as in Hyperscan's FDR: each
 * position's two bytes fetch from the table what they rule out for the
 * starts 0 to 7 bytes before them, and those 8 bytes are or-ed into a
 * 16-byte window of starts at their place.  After the eight positions
 * from s, the window's first 8 bytes (the starts s - 8 to s - 1) have
 * seen every byte they depend on, and a byte with a group's bit clear is
 * a start to compare.  No state is carried but the window, and the eight
 * table loads of a step are independent. */
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
typedef __m128i pf_win;
#define WIN_ZERO() _mm_setzero_si128()
#define WIN_AT(sc, fb, q, k) _mm_slli_si128(_mm_loadl_epi64((const __m128i *)&(sc)[sc_index((fb) + (q))]), (k))
#define WIN_OR(a, b) _mm_or_si128((a), (b))
#define WIN_LOW(w) ((uint64_t)_mm_cvtsi128_si64(w))
#define WIN_NEXT(w) _mm_srli_si128((w), 8)
#else
typedef struct pf_win {
  uint64_t lo, hi;
} pf_win;
static inline pf_win win_at(uint64_t v, unsigned k) {
  return k == 8 ? (pf_win){0, v} : (pf_win){v << 8 * k, v >> (64 - 8 * k)};
}
static inline pf_win win_or(pf_win a, pf_win b) { return (pf_win){a.lo | b.lo, a.hi | b.hi}; }
#define WIN_ZERO() ((pf_win){0, 0})
#define WIN_AT(sc, fb, q, k) win_at((sc)[sc_index((fb) + (q))], (k))
#define WIN_OR(a, b) win_or((a), (b))
#define WIN_LOW(w) ((w).lo)
#define WIN_NEXT(w) ((pf_win){(w).hi, 0})
#endif

ch_status pf_run(const ch_charter *c, rt_pfbuf *buf, const unsigned char *t, size_t n, pf_hit_fn fn, void *ud) {
  const rt_pf *pf = &c->pf;
  buf->clean = n ? -1 : 1;
  if (!pf->sc || !n) return CH_OK;
  int clean = 1;
  unsigned char *fb = buf->fb;
  pf_map m = {buf->seg, 1, 0};
  m.seg[0] = (rt_pfseg){0, 0};
  const uint64_t *sc = pf->sc;
  const uint32_t maxlen = pf->maxlen;
  size_t i = 0;   /* next input byte to fold */
  size_t len = 0; /* folded bytes in the buffer */
  size_t ps = 0;  /* next position to test; fb[ps - 1] is the byte before */
  for (;;) {
    len = fold_chunk(pf, t, n, &i, fb, &m, len, PF_CHUNK, &clean);
    int done = i >= n;
    /* the last steps read up to 16 bytes past the last start */
    memset(fb + len, 0, 24);
    /* a position is tested once every atom starting there, and the byte
     * after it, are in the buffer */
    size_t pe = done ? len : len - maxlen;
    pf_win w = WIN_ZERO();
    for (size_t s = ps;; s += 8) {
      /* the window's byte 0 is the start s - 8; position s + k stands for
       * the starts s + k - 7 .. s + k, so its entry goes k + 1 bytes in */
      pf_win a = WIN_OR(WIN_AT(sc, fb, s, 1), WIN_AT(sc, fb, s + 1, 2));
      pf_win b = WIN_OR(WIN_AT(sc, fb, s + 2, 3), WIN_AT(sc, fb, s + 3, 4));
      pf_win d = WIN_OR(WIN_AT(sc, fb, s + 4, 5), WIN_AT(sc, fb, s + 5, 6));
      pf_win e = WIN_OR(WIN_AT(sc, fb, s + 6, 7), WIN_AT(sc, fb, s + 7, 8));
      w = WIN_OR(w, WIN_OR(WIN_OR(a, b), WIN_OR(d, e)));
      uint64_t mk = ~WIN_LOW(w); /* a byte not 0: a start some group allows */
      w = WIN_NEXT(w);
      if (mk && s >= ps + 8) {
        size_t base = s - 8;
        do {
          unsigned bit = (unsigned)__builtin_ctzll(mk);
          size_t p = base + (bit >> 3);
          mk &= ~((uint64_t)0xff << (bit & ~7u));
          if (p >= pe) break;
          ch_status st = confirm(c, t, n, fb, &m, len, p, fn, ud);
          if (st) return st;
        } while (mk);
      }
      if (s >= pe) break;
    }
    if (done) {
      buf->clean = clean;
      return CH_OK;
    }
    /* keep the untested bytes and the one before them (pe >= 1: a chunk
     * is far longer than an atom), and their segments, moved down by
     * pe - 1 bytes */
    uint32_t cut = (uint32_t)(pe - 1), s0 = seg_of(&m, 0, cut), k = 0;
    for (uint32_t s = s0; s < m.ns; s++, k++) {
      rt_pfseg g = m.seg[s];
      uint32_t f = g.f & ~PF_SEG_ONE, one = g.f & PF_SEG_ONE;
      m.seg[k] = (rt_pfseg){(s == s0 ? 0 : f - cut) | one, one ? g.d : g.d + cut};
    }
    m.ns = k;
    m.cur = 0;
    memmove(fb, fb + cut, len - cut);
    len -= cut;
    ps = 1;
  }
}
