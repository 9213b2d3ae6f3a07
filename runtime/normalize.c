/*
 * normalize.c — the clean and folded views of a text (normalize.h).
 *
 * Stage: first step of every scan, before the prefilter, PCRE2 and the
 * built-in detectors; also used at compile time (norm_fold_str) so that
 * words and atoms are folded exactly like the text they will meet.
 *
 * clean: one pass decodes UTF-8.  Each byte that does not start a valid
 *   sequence (stray continuation, overlong, surrogate, > U+10FFFF,
 *   truncated) becomes U+FFFD mapped to that byte; invisible characters
 *   are dropped; Unicode spaces, apostrophes, quotes and dashes become
 *   their ASCII form; a Latin letter followed by a combining accent is
 *   composed (NFC for Latin: "e" U+0301 -> "é").  Example:
 *       in     "E\xcc\x81t\xc3\xa9\xc2\xa0l\xe2\x80\x99IA"   (É as E+U+0301)
 *       clean  "Été l'IA"       origin of "l" = 8, of "'" = 9 (its ’)
 * fold: a second pass maps each code point of the clean view on its own
 *   (no context) to lower case without accents: "Été l'IA" -> "ete l'ia".
 *
 * Invariants (tests/test_rt_normalize.c checks each):
 *   - clean length <= 3 * input length: only an invalid byte grows (1 -> 3);
 *     every replacement is at most as long as what it replaces, and a
 *     composed letter is never longer than base + mark;
 *   - folded length <= clean length: every fold of a code point is at most
 *     as long as its UTF-8 form (fold_table.h is generated under that
 *     rule; the tables below keep it too), so folding can run in place;
 *   - origins are non-decreasing, the origin of len is the input length;
 *     in the clean view a copied byte has its own byte as origin and every
 *     byte of a rewritten code point the first byte of what it replaces (a
 *     composed letter: its base); in the folded view every byte of a code
 *     point has the origin of the clean code point it folds;
 *   - segment maps (normalize.h) have seg[0].c == 0, strictly increasing
 *     c, a last entry {len, input length}, and only the entries the
 *     origins need beyond that: a copied run of any length is one entry;
 *   - fold is per code point, so fold(substring) is a substring of fold —
 *     the prefilter depends on it.  For that, a combining mark that the
 *     clean view could not compose is dropped by fold (its accent would
 *     have been stripped anyway).
 * The passes allocate only to grow a segment map (seg_grow).
 */
#include "runtime/normalize.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
#include <emmintrin.h>
#endif

#include "runtime/alloc.h"
#include "runtime/fold_table.h"

ch_status norm_reserve(norm_view *v, size_t cap, const ch_allocator *a) {
  /* clean offsets and origins are 32-bit (CH_MAX_INPUT keeps 3n below) */
  if (cap >= UINT32_MAX) return CH_E_NOMEM;
  if (v->text && v->cap >= cap + 1) return CH_OK;
  char *t = ch_malloc(a, cap + 1);
  if (!t) return CH_E_NOMEM;
  ch_hint_large(a, t, cap + 1);
  ch_free(a, v->text);
  v->text = t;
  v->cap = cap + 1;
  v->len = 0;
  t[0] = 0;
  return CH_OK;
}

void norm_view_free(norm_view *v, const ch_allocator *a) {
  ch_free(a, v->text);
  ch_free(a, v->seg);
  memset(v, 0, sizeof *v);
}

/* ------------------------------------------------------- segment maps */

/* The segment map a pass writes, or none (a NULL seg_out: norm_fold_str). */
typedef struct seg_out {
  norm_view *v;
  const ch_allocator *a;
  int oom;
} seg_out;

static int seg_grow(seg_out *g) {
  norm_view *v = g->v;
  size_t nc = v->segcap ? v->segcap * 2 : 256;
  norm_seg *ns = ch_realloc(g->a, v->seg, nc * sizeof *ns);
  if (!ns) {
    g->oom = 1;
    return 1;
  }
  v->seg = ns;
  v->segcap = nc;
  return 0;
}

/* Start a map: one entry {0, 0}. */
static int seg_start(seg_out *g) {
  if (!g->v->segcap && seg_grow(g)) return 1;
  g->v->seg[0] = (norm_seg){0, 0};
  g->v->nseg = 1;
  return 0;
}

/* View byte w (at or after every entry) has origin i, whatever the last
 * segment says: an entry at w itself (the seed, or a composed letter
 * written again) is redefined, else one is added. */
static void seg_set(seg_out *g, size_t w, size_t i) {
  norm_view *v = g->v;
  norm_seg *l = &v->seg[v->nseg - 1];
  if (l->c == w) l->i = (uint32_t)i;
  else if (v->nseg < v->segcap || !seg_grow(g)) v->seg[v->nseg++] = (norm_seg){(uint32_t)w, (uint32_t)i};
}

/* The same, costing an entry only when the last segment does not already
 * say so: a copied run of any length is one entry. */
static inline void seg_put(seg_out *g, size_t w, size_t i) {
  const norm_seg *l = &g->v->seg[g->v->nseg - 1];
  if ((size_t)l->i + (w - l->c) != i) seg_set(g, w, i);
}

/* Forget the entries after view offset w (a letter about to be rewritten). */
static void seg_cut(seg_out *g, size_t w) {
  norm_view *v = g->v;
  while (v->nseg > 1 && v->seg[v->nseg - 1].c > w) v->nseg--;
}

/* The last entry {len, n}, always present, so that lookups need no edge case. */
static ch_status seg_end(seg_out *g, size_t len, size_t n) {
  seg_set(g, len, n);
  return g->oom ? CH_E_NOMEM : CH_OK;
}

/* An entry's key: its view offset, or its origin.  Both never decrease. */
static inline size_t seg_key(const norm_seg *e, int by_origin) { return by_origin ? e->i : e->c; }

/* The first of the ns entries whose key is >= t (ns when none is),
 * galloping from hint h: O(log distance) for lookups that move little. */
static inline size_t seg_first_ge(const norm_seg *s, size_t ns, int by_origin, size_t t, size_t h) {
  size_t lo, hi; /* every entry before lo has key < t; hi == ns or key(hi) >= t */
  if (h >= ns) h = ns - 1;
  if (seg_key(&s[h], by_origin) >= t) {
    hi = h, lo = 0;
    for (size_t step = 1; hi > 0; step *= 2) {
      size_t p = hi > step ? hi - step : 0;
      if (seg_key(&s[p], by_origin) < t) {
        lo = p + 1;
        break;
      }
      hi = p;
    }
  } else {
    lo = h + 1, hi = ns;
    for (size_t step = 1;; step *= 2) {
      size_t p = h + step;
      if (p >= ns) break;
      if (seg_key(&s[p], by_origin) >= t) {
        hi = p;
        break;
      }
      lo = p + 1;
    }
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (seg_key(&s[mid], by_origin) >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

uint32_t norm_origin(const norm_view *v, size_t c, size_t *hint) {
  if (c > v->len) c = v->len;
  /* the last entry at or before c: seg[0].c == 0, so there is one */
  size_t k = seg_first_ge(v->seg, v->nseg, 0, c + 1, hint ? *hint : 0) - 1;
  if (hint) *hint = k;
  return v->seg[k].i + (uint32_t)(c - v->seg[k].c);
}

size_t norm_inverse(const norm_view *v, uint32_t at, size_t *hint) {
  const norm_seg *s = v->seg;
  size_t ns = v->nseg;
  if (at > s[ns - 1].i) return v->len;
  size_t k = seg_first_ge(s, ns, 1, at, hint ? *hint : 0);
  if (hint) *hint = k;
  if (k == 0) return 0;
  /* the segment before k may reach at: its origins run from s[k-1].i
   * (< at) up to s[k-1].i + its length - 1 */
  size_t len = s[k].c - s[k - 1].c;
  if (at - s[k - 1].i < len) return s[k - 1].c + (at - s[k - 1].i);
  return s[k].c;
}

void norm_origins(const norm_view *v, uint32_t *map) {
  for (size_t k = 0; k + 1 < v->nseg; k++)
    for (size_t c = v->seg[k].c; c < v->seg[k + 1].c; c++) map[c] = v->seg[k].i + (uint32_t)(c - v->seg[k].c);
  map[v->len] = v->seg[v->nseg - 1].i;
}

/* norm_decode (normalize.h).  Validity follows Unicode's "well
 * formed UTF-8" table (Unicode 15, table 3-7): the second byte's range
 * depends on the lead byte, which rejects overlongs (E0 80..9F, F0 80..8F),
 * surrogates (ED A0..BF) and code points past U+10FFFF (F4 90..BF) without
 * decoding them first. */
size_t norm_decode(const unsigned char *p, size_t n, uint32_t *cp) {
  if (n == 0) return 0;
  unsigned c = p[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t k;
  unsigned lo = 0x80, hi = 0xbf;
  uint32_t v;
  if (c >= 0xc2 && c <= 0xdf) {
    k = 2, v = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    k = 3, v = c & 0x0f;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    k = 4, v = c & 0x07;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0; /* 80..C1 and F5..FF never start a sequence */
  }
  if (n < k || p[1] < lo || p[1] > hi) return 0;
  v = v << 6 | (p[1] & 0x3fu);
  for (size_t i = 2; i < k; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    v = v << 6 | (p[i] & 0x3fu);
  }
  *cp = v;
  return k;
}

size_t norm_encode(uint32_t cp, char *o) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xc0 | cp >> 6);
    o[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | cp >> 18);
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* Windows-1252's bytes 0x80-0x9f (0: undefined there); 0xa0-0xff are
 * U+00A0-U+00FF, as in Latin-1.  Source: the Unicode Consortium's
 * mapping table MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT. */
static const unsigned short cp1252_c1[32] = {
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

uint32_t norm_cp1252(unsigned char c) { return c < 0x80 || c >= 0xa0 ? c : cp1252_c1[c - 0x80]; }

/* What the clean view does with a non-ASCII code point: CLEAN_DROP, 0 to
 * keep it, or the ASCII byte that replaces it.  Every replacement is one
 * byte for a code point of two or more, so the view never grows here. */
#define CLEAN_DROP (-1)
static int clean_class(uint32_t cp) {
  if (cp < 0x80) return norm_is_ctl(cp) ? CLEAN_DROP : 0;
  switch (cp) {
  /* Invisible: zero-width space/non-joiner/joiner, word joiner, BOM/ZWNBSP,
   * soft hyphen, Mongolian vowel separator, LRM/RLM, combining grapheme
   * joiner.  Each can sit between the digits of an identifier or the
   * letters of a word without showing. */
  case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff:
  case 0x00ad: case 0x180e: case 0x200e: case 0x200f: case 0x034f:
    return CLEAN_DROP;
  /* No-break, narrow no-break (French typography before ; : ! ?), medium
   * mathematical, ideographic and Ogham spaces. */
  case 0x00a0: case 0x202f: case 0x205f: case 0x3000: case 0x1680:
    return ' ';
  /* Line and paragraph separators and NEL end a line like '\n'. */
  case 0x0085: case 0x2028: case 0x2029:
    return '\n';
  /* Apostrophes: ’ ‘ ‛ ʼ (modifier letter, used by some keyboards for
   * French elision), ′ (prime), ´ (acute accent typed as apostrophe),
   * fullwidth '.  U+0060 ` is ASCII and left alone: it delimits code in
   * Markdown, and regexes written for code must still see it. */
  case 0x2019: case 0x2018: case 0x201b: case 0x02bc: case 0x2032:
  case 0x00b4: case 0xff07:
    return '\'';
  /* Quotes: “ ” „ ‟ « » ‹ › ″ and fullwidth ". */
  case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x00ab:
  case 0x00bb: case 0x2039: case 0x203a: case 0x2033: case 0xff02:
    return '"';
  /* Minus sign, small and fullwidth hyphen-minus, small em dash. */
  case 0x2212: case 0xfe63: case 0xff0d: case 0xfe58:
    return '-';
  }
  if (cp >= 0x2000 && cp <= 0x200a) return ' ';  /* en quad .. hair space */
  if (cp >= 0x2010 && cp <= 0x2015) return '-';  /* hyphen .. horizontal bar */
  /* Bidi embeddings/overrides and isolates reorder what is displayed
   * ("Trojan Source"); they carry no text. */
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return CLEAN_DROP;
  if (cp >= 0x2061 && cp <= 0x2064) return CLEAN_DROP; /* invisible operators */
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef))
    return CLEAN_DROP; /* variation selectors */
  return 0;
}

/* Canonical compositions (base, combining mark - U+0300, composed) whose
 * composed letter lies in Latin-1 Supplement, Latin Extended-A/B or Latin
 * Extended Additional.  Generated with Python 3 unicodedata (Unicode 14)
 * from the one-step canonical decomposition of each code point in
 * U+00C0..U+024F and U+1E00..U+1EFF that is <base, mark 0300..036F>,
 * keeping pairs that NFC recomposes (no composition exclusions); sorted by
 * base then mark for the binary search.  Bases may themselves be composed
 * (ê + U+0301 -> ế), which is how a letter with two accents composes
 * mark by mark in canonical order. */
static const struct {
  uint16_t base;
  uint8_t mark;
  uint16_t composed;
} compose_tab_[] = {
    {0x0041, 0x00, 0x00c0}, {0x0041, 0x01, 0x00c1}, {0x0041, 0x02, 0x00c2}, {0x0041, 0x03, 0x00c3}, {0x0041, 0x04, 0x0100},
    {0x0041, 0x06, 0x0102}, {0x0041, 0x07, 0x0226}, {0x0041, 0x08, 0x00c4}, {0x0041, 0x09, 0x1ea2}, {0x0041, 0x0a, 0x00c5},
    {0x0041, 0x0c, 0x01cd}, {0x0041, 0x0f, 0x0200}, {0x0041, 0x11, 0x0202}, {0x0041, 0x23, 0x1ea0}, {0x0041, 0x25, 0x1e00},
    {0x0041, 0x28, 0x0104}, {0x0042, 0x07, 0x1e02}, {0x0042, 0x23, 0x1e04}, {0x0042, 0x31, 0x1e06}, {0x0043, 0x01, 0x0106},
    {0x0043, 0x02, 0x0108}, {0x0043, 0x07, 0x010a}, {0x0043, 0x0c, 0x010c}, {0x0043, 0x27, 0x00c7}, {0x0044, 0x07, 0x1e0a},
    {0x0044, 0x0c, 0x010e}, {0x0044, 0x23, 0x1e0c}, {0x0044, 0x27, 0x1e10}, {0x0044, 0x2d, 0x1e12}, {0x0044, 0x31, 0x1e0e},
    {0x0045, 0x00, 0x00c8}, {0x0045, 0x01, 0x00c9}, {0x0045, 0x02, 0x00ca}, {0x0045, 0x03, 0x1ebc}, {0x0045, 0x04, 0x0112},
    {0x0045, 0x06, 0x0114}, {0x0045, 0x07, 0x0116}, {0x0045, 0x08, 0x00cb}, {0x0045, 0x09, 0x1eba}, {0x0045, 0x0c, 0x011a},
    {0x0045, 0x0f, 0x0204}, {0x0045, 0x11, 0x0206}, {0x0045, 0x23, 0x1eb8}, {0x0045, 0x27, 0x0228}, {0x0045, 0x28, 0x0118},
    {0x0045, 0x2d, 0x1e18}, {0x0045, 0x30, 0x1e1a}, {0x0046, 0x07, 0x1e1e}, {0x0047, 0x01, 0x01f4}, {0x0047, 0x02, 0x011c},
    {0x0047, 0x04, 0x1e20}, {0x0047, 0x06, 0x011e}, {0x0047, 0x07, 0x0120}, {0x0047, 0x0c, 0x01e6}, {0x0047, 0x27, 0x0122},
    {0x0048, 0x02, 0x0124}, {0x0048, 0x07, 0x1e22}, {0x0048, 0x08, 0x1e26}, {0x0048, 0x0c, 0x021e}, {0x0048, 0x23, 0x1e24},
    {0x0048, 0x27, 0x1e28}, {0x0048, 0x2e, 0x1e2a}, {0x0049, 0x00, 0x00cc}, {0x0049, 0x01, 0x00cd}, {0x0049, 0x02, 0x00ce},
    {0x0049, 0x03, 0x0128}, {0x0049, 0x04, 0x012a}, {0x0049, 0x06, 0x012c}, {0x0049, 0x07, 0x0130}, {0x0049, 0x08, 0x00cf},
    {0x0049, 0x09, 0x1ec8}, {0x0049, 0x0c, 0x01cf}, {0x0049, 0x0f, 0x0208}, {0x0049, 0x11, 0x020a}, {0x0049, 0x23, 0x1eca},
    {0x0049, 0x28, 0x012e}, {0x0049, 0x30, 0x1e2c}, {0x004a, 0x02, 0x0134}, {0x004b, 0x01, 0x1e30}, {0x004b, 0x0c, 0x01e8},
    {0x004b, 0x23, 0x1e32}, {0x004b, 0x27, 0x0136}, {0x004b, 0x31, 0x1e34}, {0x004c, 0x01, 0x0139}, {0x004c, 0x0c, 0x013d},
    {0x004c, 0x23, 0x1e36}, {0x004c, 0x27, 0x013b}, {0x004c, 0x2d, 0x1e3c}, {0x004c, 0x31, 0x1e3a}, {0x004d, 0x01, 0x1e3e},
    {0x004d, 0x07, 0x1e40}, {0x004d, 0x23, 0x1e42}, {0x004e, 0x00, 0x01f8}, {0x004e, 0x01, 0x0143}, {0x004e, 0x03, 0x00d1},
    {0x004e, 0x07, 0x1e44}, {0x004e, 0x0c, 0x0147}, {0x004e, 0x23, 0x1e46}, {0x004e, 0x27, 0x0145}, {0x004e, 0x2d, 0x1e4a},
    {0x004e, 0x31, 0x1e48}, {0x004f, 0x00, 0x00d2}, {0x004f, 0x01, 0x00d3}, {0x004f, 0x02, 0x00d4}, {0x004f, 0x03, 0x00d5},
    {0x004f, 0x04, 0x014c}, {0x004f, 0x06, 0x014e}, {0x004f, 0x07, 0x022e}, {0x004f, 0x08, 0x00d6}, {0x004f, 0x09, 0x1ece},
    {0x004f, 0x0b, 0x0150}, {0x004f, 0x0c, 0x01d1}, {0x004f, 0x0f, 0x020c}, {0x004f, 0x11, 0x020e}, {0x004f, 0x1b, 0x01a0},
    {0x004f, 0x23, 0x1ecc}, {0x004f, 0x28, 0x01ea}, {0x0050, 0x01, 0x1e54}, {0x0050, 0x07, 0x1e56}, {0x0052, 0x01, 0x0154},
    {0x0052, 0x07, 0x1e58}, {0x0052, 0x0c, 0x0158}, {0x0052, 0x0f, 0x0210}, {0x0052, 0x11, 0x0212}, {0x0052, 0x23, 0x1e5a},
    {0x0052, 0x27, 0x0156}, {0x0052, 0x31, 0x1e5e}, {0x0053, 0x01, 0x015a}, {0x0053, 0x02, 0x015c}, {0x0053, 0x07, 0x1e60},
    {0x0053, 0x0c, 0x0160}, {0x0053, 0x23, 0x1e62}, {0x0053, 0x26, 0x0218}, {0x0053, 0x27, 0x015e}, {0x0054, 0x07, 0x1e6a},
    {0x0054, 0x0c, 0x0164}, {0x0054, 0x23, 0x1e6c}, {0x0054, 0x26, 0x021a}, {0x0054, 0x27, 0x0162}, {0x0054, 0x2d, 0x1e70},
    {0x0054, 0x31, 0x1e6e}, {0x0055, 0x00, 0x00d9}, {0x0055, 0x01, 0x00da}, {0x0055, 0x02, 0x00db}, {0x0055, 0x03, 0x0168},
    {0x0055, 0x04, 0x016a}, {0x0055, 0x06, 0x016c}, {0x0055, 0x08, 0x00dc}, {0x0055, 0x09, 0x1ee6}, {0x0055, 0x0a, 0x016e},
    {0x0055, 0x0b, 0x0170}, {0x0055, 0x0c, 0x01d3}, {0x0055, 0x0f, 0x0214}, {0x0055, 0x11, 0x0216}, {0x0055, 0x1b, 0x01af},
    {0x0055, 0x23, 0x1ee4}, {0x0055, 0x24, 0x1e72}, {0x0055, 0x28, 0x0172}, {0x0055, 0x2d, 0x1e76}, {0x0055, 0x30, 0x1e74},
    {0x0056, 0x03, 0x1e7c}, {0x0056, 0x23, 0x1e7e}, {0x0057, 0x00, 0x1e80}, {0x0057, 0x01, 0x1e82}, {0x0057, 0x02, 0x0174},
    {0x0057, 0x07, 0x1e86}, {0x0057, 0x08, 0x1e84}, {0x0057, 0x23, 0x1e88}, {0x0058, 0x07, 0x1e8a}, {0x0058, 0x08, 0x1e8c},
    {0x0059, 0x00, 0x1ef2}, {0x0059, 0x01, 0x00dd}, {0x0059, 0x02, 0x0176}, {0x0059, 0x03, 0x1ef8}, {0x0059, 0x04, 0x0232},
    {0x0059, 0x07, 0x1e8e}, {0x0059, 0x08, 0x0178}, {0x0059, 0x09, 0x1ef6}, {0x0059, 0x23, 0x1ef4}, {0x005a, 0x01, 0x0179},
    {0x005a, 0x02, 0x1e90}, {0x005a, 0x07, 0x017b}, {0x005a, 0x0c, 0x017d}, {0x005a, 0x23, 0x1e92}, {0x005a, 0x31, 0x1e94},
    {0x0061, 0x00, 0x00e0}, {0x0061, 0x01, 0x00e1}, {0x0061, 0x02, 0x00e2}, {0x0061, 0x03, 0x00e3}, {0x0061, 0x04, 0x0101},
    {0x0061, 0x06, 0x0103}, {0x0061, 0x07, 0x0227}, {0x0061, 0x08, 0x00e4}, {0x0061, 0x09, 0x1ea3}, {0x0061, 0x0a, 0x00e5},
    {0x0061, 0x0c, 0x01ce}, {0x0061, 0x0f, 0x0201}, {0x0061, 0x11, 0x0203}, {0x0061, 0x23, 0x1ea1}, {0x0061, 0x25, 0x1e01},
    {0x0061, 0x28, 0x0105}, {0x0062, 0x07, 0x1e03}, {0x0062, 0x23, 0x1e05}, {0x0062, 0x31, 0x1e07}, {0x0063, 0x01, 0x0107},
    {0x0063, 0x02, 0x0109}, {0x0063, 0x07, 0x010b}, {0x0063, 0x0c, 0x010d}, {0x0063, 0x27, 0x00e7}, {0x0064, 0x07, 0x1e0b},
    {0x0064, 0x0c, 0x010f}, {0x0064, 0x23, 0x1e0d}, {0x0064, 0x27, 0x1e11}, {0x0064, 0x2d, 0x1e13}, {0x0064, 0x31, 0x1e0f},
    {0x0065, 0x00, 0x00e8}, {0x0065, 0x01, 0x00e9}, {0x0065, 0x02, 0x00ea}, {0x0065, 0x03, 0x1ebd}, {0x0065, 0x04, 0x0113},
    {0x0065, 0x06, 0x0115}, {0x0065, 0x07, 0x0117}, {0x0065, 0x08, 0x00eb}, {0x0065, 0x09, 0x1ebb}, {0x0065, 0x0c, 0x011b},
    {0x0065, 0x0f, 0x0205}, {0x0065, 0x11, 0x0207}, {0x0065, 0x23, 0x1eb9}, {0x0065, 0x27, 0x0229}, {0x0065, 0x28, 0x0119},
    {0x0065, 0x2d, 0x1e19}, {0x0065, 0x30, 0x1e1b}, {0x0066, 0x07, 0x1e1f}, {0x0067, 0x01, 0x01f5}, {0x0067, 0x02, 0x011d},
    {0x0067, 0x04, 0x1e21}, {0x0067, 0x06, 0x011f}, {0x0067, 0x07, 0x0121}, {0x0067, 0x0c, 0x01e7}, {0x0067, 0x27, 0x0123},
    {0x0068, 0x02, 0x0125}, {0x0068, 0x07, 0x1e23}, {0x0068, 0x08, 0x1e27}, {0x0068, 0x0c, 0x021f}, {0x0068, 0x23, 0x1e25},
    {0x0068, 0x27, 0x1e29}, {0x0068, 0x2e, 0x1e2b}, {0x0068, 0x31, 0x1e96}, {0x0069, 0x00, 0x00ec}, {0x0069, 0x01, 0x00ed},
    {0x0069, 0x02, 0x00ee}, {0x0069, 0x03, 0x0129}, {0x0069, 0x04, 0x012b}, {0x0069, 0x06, 0x012d}, {0x0069, 0x08, 0x00ef},
    {0x0069, 0x09, 0x1ec9}, {0x0069, 0x0c, 0x01d0}, {0x0069, 0x0f, 0x0209}, {0x0069, 0x11, 0x020b}, {0x0069, 0x23, 0x1ecb},
    {0x0069, 0x28, 0x012f}, {0x0069, 0x30, 0x1e2d}, {0x006a, 0x02, 0x0135}, {0x006a, 0x0c, 0x01f0}, {0x006b, 0x01, 0x1e31},
    {0x006b, 0x0c, 0x01e9}, {0x006b, 0x23, 0x1e33}, {0x006b, 0x27, 0x0137}, {0x006b, 0x31, 0x1e35}, {0x006c, 0x01, 0x013a},
    {0x006c, 0x0c, 0x013e}, {0x006c, 0x23, 0x1e37}, {0x006c, 0x27, 0x013c}, {0x006c, 0x2d, 0x1e3d}, {0x006c, 0x31, 0x1e3b},
    {0x006d, 0x01, 0x1e3f}, {0x006d, 0x07, 0x1e41}, {0x006d, 0x23, 0x1e43}, {0x006e, 0x00, 0x01f9}, {0x006e, 0x01, 0x0144},
    {0x006e, 0x03, 0x00f1}, {0x006e, 0x07, 0x1e45}, {0x006e, 0x0c, 0x0148}, {0x006e, 0x23, 0x1e47}, {0x006e, 0x27, 0x0146},
    {0x006e, 0x2d, 0x1e4b}, {0x006e, 0x31, 0x1e49}, {0x006f, 0x00, 0x00f2}, {0x006f, 0x01, 0x00f3}, {0x006f, 0x02, 0x00f4},
    {0x006f, 0x03, 0x00f5}, {0x006f, 0x04, 0x014d}, {0x006f, 0x06, 0x014f}, {0x006f, 0x07, 0x022f}, {0x006f, 0x08, 0x00f6},
    {0x006f, 0x09, 0x1ecf}, {0x006f, 0x0b, 0x0151}, {0x006f, 0x0c, 0x01d2}, {0x006f, 0x0f, 0x020d}, {0x006f, 0x11, 0x020f},
    {0x006f, 0x1b, 0x01a1}, {0x006f, 0x23, 0x1ecd}, {0x006f, 0x28, 0x01eb}, {0x0070, 0x01, 0x1e55}, {0x0070, 0x07, 0x1e57},
    {0x0072, 0x01, 0x0155}, {0x0072, 0x07, 0x1e59}, {0x0072, 0x0c, 0x0159}, {0x0072, 0x0f, 0x0211}, {0x0072, 0x11, 0x0213},
    {0x0072, 0x23, 0x1e5b}, {0x0072, 0x27, 0x0157}, {0x0072, 0x31, 0x1e5f}, {0x0073, 0x01, 0x015b}, {0x0073, 0x02, 0x015d},
    {0x0073, 0x07, 0x1e61}, {0x0073, 0x0c, 0x0161}, {0x0073, 0x23, 0x1e63}, {0x0073, 0x26, 0x0219}, {0x0073, 0x27, 0x015f},
    {0x0074, 0x07, 0x1e6b}, {0x0074, 0x08, 0x1e97}, {0x0074, 0x0c, 0x0165}, {0x0074, 0x23, 0x1e6d}, {0x0074, 0x26, 0x021b},
    {0x0074, 0x27, 0x0163}, {0x0074, 0x2d, 0x1e71}, {0x0074, 0x31, 0x1e6f}, {0x0075, 0x00, 0x00f9}, {0x0075, 0x01, 0x00fa},
    {0x0075, 0x02, 0x00fb}, {0x0075, 0x03, 0x0169}, {0x0075, 0x04, 0x016b}, {0x0075, 0x06, 0x016d}, {0x0075, 0x08, 0x00fc},
    {0x0075, 0x09, 0x1ee7}, {0x0075, 0x0a, 0x016f}, {0x0075, 0x0b, 0x0171}, {0x0075, 0x0c, 0x01d4}, {0x0075, 0x0f, 0x0215},
    {0x0075, 0x11, 0x0217}, {0x0075, 0x1b, 0x01b0}, {0x0075, 0x23, 0x1ee5}, {0x0075, 0x24, 0x1e73}, {0x0075, 0x28, 0x0173},
    {0x0075, 0x2d, 0x1e77}, {0x0075, 0x30, 0x1e75}, {0x0076, 0x03, 0x1e7d}, {0x0076, 0x23, 0x1e7f}, {0x0077, 0x00, 0x1e81},
    {0x0077, 0x01, 0x1e83}, {0x0077, 0x02, 0x0175}, {0x0077, 0x07, 0x1e87}, {0x0077, 0x08, 0x1e85}, {0x0077, 0x0a, 0x1e98},
    {0x0077, 0x23, 0x1e89}, {0x0078, 0x07, 0x1e8b}, {0x0078, 0x08, 0x1e8d}, {0x0079, 0x00, 0x1ef3}, {0x0079, 0x01, 0x00fd},
    {0x0079, 0x02, 0x0177}, {0x0079, 0x03, 0x1ef9}, {0x0079, 0x04, 0x0233}, {0x0079, 0x07, 0x1e8f}, {0x0079, 0x08, 0x00ff},
    {0x0079, 0x09, 0x1ef7}, {0x0079, 0x0a, 0x1e99}, {0x0079, 0x23, 0x1ef5}, {0x007a, 0x01, 0x017a}, {0x007a, 0x02, 0x1e91},
    {0x007a, 0x07, 0x017c}, {0x007a, 0x0c, 0x017e}, {0x007a, 0x23, 0x1e93}, {0x007a, 0x31, 0x1e95}, {0x00c2, 0x00, 0x1ea6},
    {0x00c2, 0x01, 0x1ea4}, {0x00c2, 0x03, 0x1eaa}, {0x00c2, 0x09, 0x1ea8}, {0x00c4, 0x04, 0x01de}, {0x00c5, 0x01, 0x01fa},
    {0x00c6, 0x01, 0x01fc}, {0x00c6, 0x04, 0x01e2}, {0x00c7, 0x01, 0x1e08}, {0x00ca, 0x00, 0x1ec0}, {0x00ca, 0x01, 0x1ebe},
    {0x00ca, 0x03, 0x1ec4}, {0x00ca, 0x09, 0x1ec2}, {0x00cf, 0x01, 0x1e2e}, {0x00d4, 0x00, 0x1ed2}, {0x00d4, 0x01, 0x1ed0},
    {0x00d4, 0x03, 0x1ed6}, {0x00d4, 0x09, 0x1ed4}, {0x00d5, 0x01, 0x1e4c}, {0x00d5, 0x04, 0x022c}, {0x00d5, 0x08, 0x1e4e},
    {0x00d6, 0x04, 0x022a}, {0x00d8, 0x01, 0x01fe}, {0x00dc, 0x00, 0x01db}, {0x00dc, 0x01, 0x01d7}, {0x00dc, 0x04, 0x01d5},
    {0x00dc, 0x0c, 0x01d9}, {0x00e2, 0x00, 0x1ea7}, {0x00e2, 0x01, 0x1ea5}, {0x00e2, 0x03, 0x1eab}, {0x00e2, 0x09, 0x1ea9},
    {0x00e4, 0x04, 0x01df}, {0x00e5, 0x01, 0x01fb}, {0x00e6, 0x01, 0x01fd}, {0x00e6, 0x04, 0x01e3}, {0x00e7, 0x01, 0x1e09},
    {0x00ea, 0x00, 0x1ec1}, {0x00ea, 0x01, 0x1ebf}, {0x00ea, 0x03, 0x1ec5}, {0x00ea, 0x09, 0x1ec3}, {0x00ef, 0x01, 0x1e2f},
    {0x00f4, 0x00, 0x1ed3}, {0x00f4, 0x01, 0x1ed1}, {0x00f4, 0x03, 0x1ed7}, {0x00f4, 0x09, 0x1ed5}, {0x00f5, 0x01, 0x1e4d},
    {0x00f5, 0x04, 0x022d}, {0x00f5, 0x08, 0x1e4f}, {0x00f6, 0x04, 0x022b}, {0x00f8, 0x01, 0x01ff}, {0x00fc, 0x00, 0x01dc},
    {0x00fc, 0x01, 0x01d8}, {0x00fc, 0x04, 0x01d6}, {0x00fc, 0x0c, 0x01da}, {0x0102, 0x00, 0x1eb0}, {0x0102, 0x01, 0x1eae},
    {0x0102, 0x03, 0x1eb4}, {0x0102, 0x09, 0x1eb2}, {0x0103, 0x00, 0x1eb1}, {0x0103, 0x01, 0x1eaf}, {0x0103, 0x03, 0x1eb5},
    {0x0103, 0x09, 0x1eb3}, {0x0112, 0x00, 0x1e14}, {0x0112, 0x01, 0x1e16}, {0x0113, 0x00, 0x1e15}, {0x0113, 0x01, 0x1e17},
    {0x014c, 0x00, 0x1e50}, {0x014c, 0x01, 0x1e52}, {0x014d, 0x00, 0x1e51}, {0x014d, 0x01, 0x1e53}, {0x015a, 0x07, 0x1e64},
    {0x015b, 0x07, 0x1e65}, {0x0160, 0x07, 0x1e66}, {0x0161, 0x07, 0x1e67}, {0x0168, 0x01, 0x1e78}, {0x0169, 0x01, 0x1e79},
    {0x016a, 0x08, 0x1e7a}, {0x016b, 0x08, 0x1e7b}, {0x017f, 0x07, 0x1e9b}, {0x01a0, 0x00, 0x1edc}, {0x01a0, 0x01, 0x1eda},
    {0x01a0, 0x03, 0x1ee0}, {0x01a0, 0x09, 0x1ede}, {0x01a0, 0x23, 0x1ee2}, {0x01a1, 0x00, 0x1edd}, {0x01a1, 0x01, 0x1edb},
    {0x01a1, 0x03, 0x1ee1}, {0x01a1, 0x09, 0x1edf}, {0x01a1, 0x23, 0x1ee3}, {0x01af, 0x00, 0x1eea}, {0x01af, 0x01, 0x1ee8},
    {0x01af, 0x03, 0x1eee}, {0x01af, 0x09, 0x1eec}, {0x01af, 0x23, 0x1ef0}, {0x01b0, 0x00, 0x1eeb}, {0x01b0, 0x01, 0x1ee9},
    {0x01b0, 0x03, 0x1eef}, {0x01b0, 0x09, 0x1eed}, {0x01b0, 0x23, 0x1ef1}, {0x01b7, 0x0c, 0x01ee}, {0x01ea, 0x04, 0x01ec},
    {0x01eb, 0x04, 0x01ed}, {0x0226, 0x04, 0x01e0}, {0x0227, 0x04, 0x01e1}, {0x0228, 0x06, 0x1e1c}, {0x0229, 0x06, 0x1e1d},
    {0x022e, 0x04, 0x0230}, {0x022f, 0x04, 0x0231}, {0x0292, 0x0c, 0x01ef}, {0x1e36, 0x04, 0x1e38}, {0x1e37, 0x04, 0x1e39},
    {0x1e5a, 0x04, 0x1e5c}, {0x1e5b, 0x04, 0x1e5d}, {0x1e62, 0x07, 0x1e68}, {0x1e63, 0x07, 0x1e69}, {0x1ea0, 0x02, 0x1eac},
    {0x1ea0, 0x06, 0x1eb6}, {0x1ea1, 0x02, 0x1ead}, {0x1ea1, 0x06, 0x1eb7}, {0x1eb8, 0x02, 0x1ec6}, {0x1eb9, 0x02, 0x1ec7},
    {0x1ecc, 0x02, 0x1ed8}, {0x1ecd, 0x02, 0x1ed9},
};

static uint32_t compose(uint32_t base, uint32_t mark) {
  size_t lo = 0, hi = sizeof compose_tab_ / sizeof *compose_tab_;
  if (base > 0xffff) return 0;
  unsigned m = (unsigned)(mark - 0x300);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    unsigned b = compose_tab_[mid].base, mm = compose_tab_[mid].mark;
    if (b == base && mm == m) return compose_tab_[mid].composed;
    if (b < base || (b == base && mm < m)) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

/* The clean pass.  g may be NULL (norm_fold_str needs no origins). */
static size_t clean_into(const unsigned char *p, size_t n, char *o, seg_out *g) {
  size_t w = 0;
  /* The last code point written, if it may take an accent: its output
   * offset and value.  Anything else (a replacement, U+FFFD, a mark that
   * did not compose) resets it, so marks compose only onto letters. */
  size_t base_at = 0, base_origin = 0;
  uint32_t base_cp = 0;
  for (size_t i = 0; i < n;) {
    unsigned char b = p[i];
    if (b < 0x80 && !norm_is_ctl(b)) {
      /* A run of ASCII, most of any text: copied as is, the same as the
       * general path below but without decoding, sixteen bytes at a time
       * (eight without SSE2) up to its first non-ASCII byte or control
       * (the bytes copied past it are written again next; w <= 3i, so
       * sixteen bytes from w fit while i + 16 <= n), one map entry at
       * most.  5x faster than byte by
       * byte on French prose with a typographic apostrophe every hundred
       * bytes, which sends the whole text here. */
      if (g) seg_put(g, w, i);
      for (;;) {
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
        if (i + 16 <= n) { /* w + 16 <= 3i + 16 < 3n: inside the view */
          __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
          _mm_storeu_si128((__m128i *)(void *)(o + w), x);
          unsigned h = norm_stop_mask(x);
          size_t k = h ? (size_t)__builtin_ctz(h) : 16;
          i += k, w += k;
          if (k == 16) continue;
        } else
#endif
        if (i + 8 <= n) {
          uint64_t x;
          memcpy(&x, p + i, 8);
          memcpy(o + w, &x, 8);
          uint64_t h = norm_stop_word(x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
          size_t k = h ? (size_t)__builtin_ctzll(h) >> 3 : 8;
#else
          size_t k = h ? 0 : 8;
#endif
          i += k, w += k;
          if (k == 8) continue;
        }
        /* a blank (tab, newline...) stopped the step: copy it, step again */
        if (i < n && p[i] < 0x80 && !norm_is_ctl(p[i])) {
          o[w++] = (char)p[i++];
          continue;
        }
        break;
      }
      b = p[i - 1];
      base_at = w - 1;
      base_origin = i - 1;
      base_cp = (b | 0x20) >= 'a' && (b | 0x20) <= 'z' ? b : 0;
      continue;
    }
    if (b == 0xc3 && i + 1 < n && (p[i + 1] & 0xc0) == 0x80) {
      /* U+00C0..U+00FF, the accented letters of French: kept, and each
       * may take a combining mark, as in the general path */
      o[w] = (char)b, o[w + 1] = (char)p[i + 1];
      if (g) seg_put(g, w, i);
      base_at = w;
      base_origin = i;
      base_cp = 0xc0u + (p[i + 1] & 0x3fu);
      w += 2;
      i += 2;
      continue;
    }
    uint32_t cp;
    size_t k = norm_decode(p + i, n - i, &cp);
    if (k == 0) {
      o[w] = (char)0xef, o[w + 1] = (char)0xbf, o[w + 2] = (char)0xbd;
      if (g) seg_put(g, w, i), seg_put(g, w + 1, i), seg_put(g, w + 2, i);
      w += 3;
      i++;
      base_cp = 0;
      continue;
    }
    if (cp >= 0x80 || norm_is_ctl(cp)) {
      int cls = clean_class(cp);
      if (cls == CLEAN_DROP) {
        /* Dropping keeps base_cp: "e" ZWSP U+0301 still composes to "é". */
        i += k;
        continue;
      }
      if (cls > 0) {
        o[w] = (char)cls;
        if (g) seg_put(g, w, i);
        w++;
        i += k;
        base_cp = 0;
        continue;
      }
      if (cp >= 0x300 && cp <= 0x36f && base_cp) {
        uint32_t c = compose(base_cp, cp);
        if (c) {
          /* Rewrite the base as the composed letter.  Its bytes keep the
           * base's origin; the mark's bytes vanish from the map, which
           * stays non-decreasing.  Never longer: base >= 1 byte + mark 2
           * bytes >= composed (<= 3 bytes). */
          w = base_at;
          size_t len = norm_encode(c, o + w);
          if (g) {
            seg_cut(g, w);
            for (size_t j = 0; j < len; j++) seg_put(g, w + j, base_origin);
          }
          w += len;
          base_cp = c;
          i += k;
          continue;
        }
      }
    }
    memmove(o + w, p + i, k);
    if (g) seg_put(g, w, i);
    base_at = w;
    base_origin = i;
    /* Only letters take accents; U+0300.. on a digit or a space stays. */
    base_cp = ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || (cp >= 0xc0 && cp <= 0x24f) ||
                      (cp >= 0x1e00 && cp <= 0x1eff)
                  ? cp
                  : 0;
    w += k;
    i += k;
  }
  o[w] = 0;
  return w;
}

int norm_is_clean(const char *in, size_t n) {
  const unsigned char *p = (const unsigned char *)in;
  size_t i = 0;
  while (i < n) {
    /* skip 16 bytes at a time while they hold only ASCII and whole
     * two-byte U+00C0..U+00FF letters (0xC3 then a continuation byte):
     * most of any French or English text; stop at the first other
     * non-ASCII byte (an 0xC3 ending the block is checked below) */
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
    while (i + 16 <= n) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
      unsigned hi = norm_stop_mask(v); /* high bytes, and controls */
      if (!hi) {
        i += 16;
        continue;
      }
      unsigned c3 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xc3)));
      unsigned ct = (unsigned)_mm_movemask_epi8(
          _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xc0)), _mm_set1_epi8((char)0x80)));
      unsigned lead = c3 & (ct >> 1), bad = hi & ~(lead | lead << 1);
      if (bad) {
        i += (size_t)__builtin_ctz(bad);
        break;
      }
      i += 16;
    }
#endif
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if (norm_stop_word(w)) break;
      i += 8;
    }
    /* at most 8 bytes one by one (a newline stopped the step), then back */
    size_t stop = n - i > 8 ? i + 8 : n;
    while (i < stop && p[i] < 0x80) {
      if (norm_is_ctl(p[i])) return 0;
      i++;
    }
    if (i >= n) break;
    if (p[i] < 0x80) continue;
    /* U+00C0..U+00FF (French accented letters): nothing to clean */
    if (p[i] == 0xc3 && i + 1 < n && (p[i + 1] & 0xc0) == 0x80) {
      i += 2;
      continue;
    }
    size_t k = norm_clean_cp_len(p + i, n - i);
    if (!k) return 0;
    i += k;
  }
  return 1;
}

size_t norm_clean_cp_len(const unsigned char *p, size_t n) {
  uint32_t cp;
  size_t k = norm_decode(p, n, &cp);
  return k && clean_class(cp) == 0 && !(cp >= 0x300 && cp <= 0x36f) ? k : 0;
}

ch_status norm_clean(const char *in, size_t n, norm_view *out, const ch_allocator *a) {
  assert(out->cap >= NORM_CLEAN_CAP(n));
  seg_out g = {out, a, 0};
  if (seg_start(&g)) return CH_E_NOMEM;
  out->len = clean_into((const unsigned char *)in, n, out->text, &g);
  return seg_end(&g, out->len, n);
}

/* Base letters of Latin Extended Additional U+1E00..U+1EFF, lower case, one
 * ASCII letter each ('?' = see fold_latin_ext).  Generated with Python 3
 * unicodedata: the NFD of each code point without its combining marks,
 * lower-cased. */
static const char latin_ext_add[257] =
    "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm"
    "mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv"
    "wwwwwwwwwwxxxxyyzzzzzzhtwy??????aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"
    "eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy??????";

/* Fold of U+1E00..U+1EFF into o (3-byte code points, so up to 3 bytes). */
static size_t fold_latin_ext(uint32_t cp, const unsigned char *src, char *o) {
  char c = latin_ext_add[cp - 0x1e00];
  if (c != '?') {
    o[0] = c;
    return 1;
  }
  switch (cp) {
  case 0x1e9a: o[0] = 'a'; return 1;                       /* ẚ */
  case 0x1e9b: case 0x1e9c: case 0x1e9d: o[0] = 's'; return 1; /* long s */
  case 0x1e9e: o[0] = 's', o[1] = 's'; return 2;           /* ẞ capital sharp s */
  case 0x1efa: case 0x1efb: o[0] = 'l', o[1] = 'l'; return 2; /* Welsh ll */
  case 0x1efc: case 0x1efd: o[0] = 'v'; return 1;          /* Welsh v */
  case 0x1efe: case 0x1eff: o[0] = 'y'; return 1;          /* y with loop */
  default: memmove(o, src, 3); return 3;                   /* ẟ delta */
  }
}

/* Combining marks of every block: fold strips accents, and one that clean
 * left alone (no precomposed letter, or no base) has nothing to attach to. */
static int is_combining(uint32_t cp) {
  return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
         (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 && cp <= 0xfe2f);
}

/* Fold one code point (k bytes at src) into o; returns the bytes written,
 * always <= k.  o may overlap src (in-place folding): src is read before
 * o is written, and o never runs ahead of src. */
static size_t fold_cp(uint32_t cp, const unsigned char *src, size_t k, char *o) {
  if (cp < 0x80) {
    o[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    return 1;
  }
  if (is_combining(cp)) return 0;
  if (cp >= FOLD_FIRST && cp <= FOLD_LAST) {
    const char *f = fold_tab[cp - FOLD_FIRST];
    /* An entry that is itself one foldable code point is folded again:
     * gen_fold.py strips the accent before it applies its ligature list,
     * so "ǿ" gives "ø" and "ǽ" gives "æ", not "o" and "ae" (found by
     * fuzz_detect: fold was not idempotent).  Two rounds reach the fixed
     * point of every entry; each round keeps the length <= k. */
    for (int round = 0; round < 2; round++) {
      uint32_t c2;
      size_t l2 = strlen(f);
      if (l2 < 2 || norm_decode((const unsigned char *)f, l2, &c2) != l2 || c2 == cp || c2 < FOLD_FIRST ||
          c2 > FOLD_LAST)
        break;
      cp = c2;
      f = fold_tab[c2 - FOLD_FIRST];
    }
    size_t l = strlen(f);
    if (l > k) l = 0; /* cannot happen: gen_fold.py never grows a code point */
    memmove(o, f, l);
    return l;
  }
  if (cp >= 0x1e00 && cp <= 0x1eff) return fold_latin_ext(cp, src, o);
  if (cp >= 0xff01 && cp <= 0xff5e) { /* fullwidth ASCII (3 bytes -> 1) */
    uint32_t c = cp - 0xff01 + 0x21;
    o[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return 1;
  }
  memmove(o, src, k);
  return k;
}

/* The origin of clean offset i, for a pass that moves forward: *k is the
 * entry of the previous offset. */
static inline size_t clean_origin(const norm_seg *cs, size_t ncs, size_t *k, size_t i) {
  if (!cs) return 0; /* no map (norm_fold_str), and then no origins are asked */
  while (*k + 1 < ncs && cs[*k + 1].c <= i) ++*k;
  return cs[*k].i + (i - cs[*k].c);
}

/* The fold pass over a clean text p[0..n) whose segment map is cs[0..ncs)
 * (NULL: no origins, and g is NULL too).  The clean origins are read with
 * a cursor, as the pass moves forward. */
static size_t fold_into(const unsigned char *p, size_t n, const norm_seg *cs, size_t ncs, char *o, seg_out *g) {
  size_t w = 0, k = 0;
  for (size_t i = 0; i < n;) {
    unsigned char b = p[i];
    if (b < 0x80) { /* ASCII fast path: lower-case only */
      o[w] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
      if (g) seg_put(g, w, clean_origin(cs, ncs, &k, i));
      w++;
      i++;
      continue;
    }
    uint32_t cp;
    size_t l, adv = norm_decode(p + i, n - i, &cp);
    if (adv == 0) { /* cannot happen: a clean view is valid UTF-8 */
      o[w] = (char)p[i];
      l = adv = 1;
    } else {
      l = fold_cp(cp, p + i, adv, o + w);
    }
    if (g) {
      size_t origin = clean_origin(cs, ncs, &k, i);
      for (size_t j = 0; j < l; j++) seg_put(g, w + j, origin);
    }
    w += l;
    i += adv;
  }
  o[w] = 0;
  return w;
}

ch_status norm_fold(const norm_view *clean, norm_view *out, const ch_allocator *a) {
  assert(out->cap >= clean->len + 1);
  seg_out g = {out, a, 0};
  if (seg_start(&g)) return CH_E_NOMEM;
  out->len = fold_into((const unsigned char *)clean->text, clean->len, clean->seg, clean->nseg, out->text, &g);
  return seg_end(&g, out->len, clean->seg[clean->nseg - 1].i);
}

size_t norm_fold_at(const unsigned char *p, size_t n, size_t i, char out[4], size_t *adv) {
  unsigned char b = p[i];
  if (b < 0x80) {
    *adv = 1;
    if (norm_is_ctl(b)) return 0;
    out[0] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
    return 1;
  }
  uint32_t cp;
  size_t k = norm_decode(p + i, n - i, &cp);
  if (k == 0) { /* clean's U+FFFD, which fold keeps */
    out[0] = (char)0xef, out[1] = (char)0xbf, out[2] = (char)0xbd;
    *adv = 1;
    return 3;
  }
  *adv = k;
  int cls = clean_class(cp);
  if (cls == CLEAN_DROP) return 0;
  if (cls > 0) {
    out[0] = (char)cls;
    return 1;
  }
  return fold_cp(cp, p + i, k, out);
}

size_t norm_fold_str(const char *in, size_t n, char *out) {
  /* Clean into out, then fold in place: folding never grows and each code
   * point is decoded before its fold is written (see fold_cp). */
  size_t cl = clean_into((const unsigned char *)in, n, out, NULL);
  return fold_into((const unsigned char *)out, cl, NULL, 0, out, NULL);
}
