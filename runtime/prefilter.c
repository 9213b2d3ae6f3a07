/*
 * prefilter.c — one pass over the (folded) text finds every atom of every
 * pattern at once (atoms: compiler/atoms.c).
 *
 * The text is folded a chunk at a time into a small buffer (ASCII runs are
 * copied lower-cased, other code points go through norm_fold_at), each
 * folded byte remembering the input offset of its code point.  Over that
 * buffer a filter looks at every position's next four bytes: a bit in a
 * hashed set says whether some atom may start there.  Atoms are at least
 * 3 bytes in most charters, and in prose only a few percent of the
 * positions pass; those are checked against the atoms whose first bytes
 * hash alike.  The loop carries no state from one byte to the next, so the
 * processor overlaps many positions, where an automaton's transitions
 * (the Aho-Corasick design this replaced) wait on each other.
 *
 * Example with atoms {"mdph", "tiers-temps", "ine"}: the set holds the
 * hashes of "mdph", "tier" and of "ine" followed by each of the 256 byte
 * values.  At "machine." the position of "ine." passes, its bucket (by the
 * hash of "ine") lists "ine", whose bytes compare equal: a hit.
 *
 * The filter is built once at load time and is read-only afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"

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

void pf_free(ch_charter *c) {
  ch_free(c->alloc, c->pf.bits);
  ch_free(c->alloc, c->pf.bucket);
  ch_free(c->alloc, c->pf.entry);
  memset(&c->pf, 0, sizeof c->pf);
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
  /* Four bytes per position, unless an atom is shorter than 3: then its
   * length (an atom of 3 sets its 256 four-byte extensions instead). */
  uint32_t kw = minlen >= 3 ? 4 : minlen, bw = minlen < 3 ? minlen : 3;
  pf->kmask = first_bytes_mask(kw);
  pf->bmask = first_bytes_mask(bw);
  pf->bits = ch_calloc(a, (size_t)1 << (PF_HASH_BITS - 6), sizeof *pf->bits);
  pf->bucket = ch_calloc(a, PF_BUCKETS + 1, sizeof *pf->bucket);
  pf->entry = ch_malloc(a, c->natoms * sizeof *pf->entry);
  if (!pf->bits || !pf->bucket || !pf->entry) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->natoms; i++) {
    const rt_atom *at = &c->atoms[i];
    uint32_t x = load4(at->text, at->len);
    if (at->len >= kw) {
      uint32_t h = pf_hash(x & pf->kmask, PF_HASH_BITS);
      pf->bits[h >> 6] |= 1ull << (h & 63);
    } else { /* kw is 4 and the atom 3 bytes: whatever byte follows */
      for (uint32_t b = 0; b < 256; b++) {
        unsigned char w[4] = {at->text[0], at->text[1], at->text[2], (unsigned char)b};
        uint32_t h = pf_hash(load4(w, 4), PF_HASH_BITS);
        pf->bits[h >> 6] |= 1ull << (h & 63);
      }
    }
    pf->bucket[pf_hash(x & pf->bmask, PF_BUCKET_BITS) + 1]++;
  }
  /* entries grouped by bucket (a counting sort): after the sums,
   * bucket[h + 1] is where bucket h ends; filling each bucket downwards
   * leaves bucket[h + 1] at its start, and one shift puts every start at
   * bucket[h] */
  for (uint32_t b = 0; b < PF_BUCKETS; b++) pf->bucket[b + 1] += pf->bucket[b];
  for (uint32_t i = 0; i < c->natoms; i++) {
    const rt_atom *at = &c->atoms[i];
    uint32_t x = load4(at->text, at->len);
    uint32_t h = pf_hash(x & pf->bmask, PF_BUCKET_BITS);
    uint32_t m = first_bytes_mask(at->len), m2 = at->len > 4 ? first_bytes_mask(at->len - 4) : 0;
    uint32_t x2 = at->len > 4 ? load4(at->text + 4, at->len - 4) : 0;
    pf->entry[--pf->bucket[h + 1]] = (rt_pf_entry){x & m, m, x2 & m2, m2, i};
  }
  memmove(pf->bucket, pf->bucket + 1, PF_BUCKETS * sizeof *pf->bucket);
  pf->bucket[PF_BUCKETS] = c->natoms;
  return CH_OK;
}

/* Byte length of the code point at t[i] as norm_fold_at steps over it. */
static size_t cp_len(const unsigned char *t, size_t n, size_t i) {
  if (t[i] < 0x80) return 1;
  uint32_t cp;
  size_t k = norm_decode(t + i, n - i, &cp);
  return k ? k : 1;
}

#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

/* Fold input from *pi into fb/org from len up to about `want` bytes: ASCII
 * eight bytes at a time (upper case found by two carries per byte, as in
 * detect.c's digit_mask), any other code point by norm_fold_at. */
static size_t fold_chunk(const rt_pf *pf, const unsigned char *restrict t, size_t n, size_t *pi,
                         unsigned char *restrict fb, uint32_t *restrict org, size_t len, size_t want) {
  size_t i = *pi;
  while (len < want && i < n) {
    if (i + 8 <= n) { /* len + 8 < want + PF_SLACK */
      uint64_t x;
      memcpy(&x, t + i, 8);
      uint64_t hb = x & HIGH;
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
        for (uint32_t q = 0; q < 8; q++) org[len + q] = (uint32_t)i + q;
        len += k;
        i += k;
        if (k == 8) continue;
      }
    }
    if (t[i] < 0x80) {
      unsigned c = t[i];
      fb[len] = (unsigned char)(c + (((unsigned)(c - 'A') < 26u) << 5));
      org[len++] = (uint32_t)i++;
      continue;
    }
    if (t[i] == 0xc3 && i + 1 < n && (t[i + 1] & 0xc0) == 0x80) { /* à, é, ç... */
      const unsigned char *f = pf->latin1[t[i + 1] - 0x80];
      for (unsigned q = 0; q < f[0]; q++) {
        fb[len + q] = f[1 + q];
        org[len + q] = (uint32_t)i;
      }
      len += f[0];
      i += 2;
      continue;
    }
    char out[4];
    size_t adv, l = norm_fold_at(t, n, i, out, &adv);
    for (size_t q = 0; q < l; q++) {
      fb[len + q] = (unsigned char)out[q];
      org[len + q] = (uint32_t)i;
    }
    len += l;
    i += adv;
  }
  *pi = i;
  return len;
}

ch_status pf_run(const ch_charter *c, rt_pfbuf *buf, const unsigned char *t, size_t n, pf_hit_fn fn, void *ud) {
  const rt_pf *pf = &c->pf;
  if (!pf->bits || !n) return CH_OK;
  unsigned char *fb = buf->fb;
  uint32_t *org = buf->org;
  const uint64_t *bits = pf->bits;
  const uint32_t kmask = pf->kmask, bmask = pf->bmask, maxlen = pf->maxlen;
  size_t i = 0;   /* next input byte to fold */
  size_t len = 0; /* folded bytes in the buffer */
  size_t ps = 0;  /* next position to test; fb[ps - 1] is the byte before */
  for (;;) {
    len = fold_chunk(pf, t, n, &i, fb, org, len, PF_CHUNK);
    int done = i >= n;
    memset(fb + len, 0, 8); /* the last positions' words read past len */
    /* a position is tested once every atom starting there, and the byte
     * after it, are in the buffer */
    size_t pe = done ? len : len - maxlen;
    for (size_t p = ps; p < pe; p++) {
      uint32_t x;
      memcpy(&x, fb + p, 4);
      uint32_t h = pf_hash(x & kmask, PF_HASH_BITS);
      if (!(bits[h >> 6] >> (h & 63) & 1)) continue;
      uint32_t bk = pf_hash(x & bmask, PF_BUCKET_BITS);
      for (uint32_t e = pf->bucket[bk]; e < pf->bucket[bk + 1]; e++) {
        const rt_pf_entry *en = &pf->entry[e];
        if ((x & en->mask) != en->key) continue;
        uint32_t y;
        memcpy(&y, fb + p + 4, 4);
        if ((y & en->mask2) != en->key2) continue;
        const rt_atom *at = &c->atoms[en->atom];
        size_t k = p + at->len; /* one past the atom's last folded byte */
        if (k > len || (at->len > 8 && memcmp(fb + p + 8, at->text + 8, at->len - 8))) continue;
        /* A hit ending inside the fold of one code point ("ss" of "ß")
         * ends where that code point starts, as the folded view's map
         * says; otherwise where the code point ends. */
        uint32_t o = org[k - 1];
        uint32_t end = k == len || org[k] != o ? o + (uint32_t)cp_len(t, n, o) : o;
        ch_status st = fn(ud, at, org[p], end, p ? fb[p - 1] : 0, k < len ? fb[k] : 0);
        if (st) return st;
      }
    }
    if (done) return CH_OK;
    /* keep the untested bytes and the one before them (pe >= 1: a chunk
     * is far longer than an atom) */
    memmove(fb, fb + pe - 1, len - pe + 1);
    memmove(org, org + pe - 1, (len - pe + 1) * sizeof *org);
    len -= pe - 1;
    ps = 1;
  }
}
