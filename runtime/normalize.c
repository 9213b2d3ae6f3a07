/*
 * normalize.c — the clean and folded views of a text (see normalize.h).
 *
 * One pass decodes UTF-8 and writes the clean view with, for every output
 * byte, the offset of the original byte it came from; a second pass folds
 * the clean view per code point through fold_table.h (generated from
 * Unicode data).  Neither pass allocates.
 *
 * Invariants: clean length <= 3 * input length (an invalid byte becomes the
 * three bytes of U+FFFD); folded length <= clean length (every fold entry
 * is at most as long as its code point); map is non-decreasing and
 * map[len] is the input length.
 */
#include "runtime/normalize.h"

#include <string.h>

#include "runtime/alloc.h"
#include "runtime/fold_table.h"

ch_status norm_reserve(norm_view *v, size_t cap, const ch_allocator *a) {
  if (v->cap >= cap + 1 && v->text) return CH_OK;
  char *t = ch_malloc(a, cap + 1);
  uint32_t *m = ch_malloc(a, (cap + 1) * sizeof *m);
  if (!t || !m) {
    ch_free(a, t);
    ch_free(a, m);
    return CH_E_NOMEM;
  }
  ch_free(a, v->text);
  ch_free(a, v->map);
  v->text = t;
  v->map = m;
  v->cap = cap + 1;
  v->len = 0;
  t[0] = 0;
  return CH_OK;
}

void norm_view_free(norm_view *v, const ch_allocator *a) {
  ch_free(a, v->text);
  ch_free(a, v->map);
  memset(v, 0, sizeof *v);
}

/* Decode one code point at p[0..n); returns its length, or 0 when the
 * byte at p is not the start of a valid UTF-8 sequence (overlong,
 * surrogate, > U+10FFFF, truncated). */
static size_t decode(const unsigned char *p, size_t n, unsigned *cp) {
  unsigned c = p[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t k;
  unsigned v, min;
  if (c >= 0xc2 && c <= 0xdf) k = 2, v = c & 0x1f, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef) k = 3, v = c & 0x0f, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4) k = 4, v = c & 0x07, min = 0x10000;
  else return 0;
  if (k > n) return 0;
  for (size_t i = 1; i < k; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    v = v << 6 | (p[i] & 0x3f);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
  *cp = v;
  return k;
}

static size_t encode(char *o, unsigned cp) {
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

/* What the clean view does with a code point: -1 drop, 0 keep, else an
 * ASCII replacement. */
static int clean_class(unsigned cp) {
  switch (cp) {
  case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff: case 0x00ad: case 0x180e:
    return -1; /* zero-width characters and soft hyphens */
  case 0x00a0: case 0x202f: case 0x205f: case 0x3000:
    return ' ';
  case 0x2018: case 0x2019: case 0x02bc: case 0x2032: case 0x00b4: case 0x201b:
    return '\'';
  case 0x201c: case 0x201d: case 0x201e: case 0x00ab: case 0x00bb: case 0x2033:
    return '"';
  case 0x2212: case 0xfe63: case 0xff0d:
    return '-';
  }
  if (cp >= 0x2000 && cp <= 0x200a) return ' ';
  if (cp >= 0x2010 && cp <= 0x2015) return '-';
  return 0;
}

static unsigned compose(unsigned base, unsigned mark) {
  size_t lo = 0, hi = sizeof compose_tab / sizeof *compose_tab;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    unsigned b = compose_tab[mid][0], m = compose_tab[mid][1];
    if (b == base && m == mark) return compose_tab[mid][2];
    if (b < base || (b == base && m < mark)) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

void norm_clean(const char *in, size_t n, norm_view *out) {
  const unsigned char *p = (const unsigned char *)in;
  char *o = out->text;
  uint32_t *map = out->map;
  size_t w = 0;
  size_t last_start = (size_t)-1; /* output offset of the last code point */
  unsigned last_cp = 0;
  for (size_t i = 0; i < n;) {
    unsigned cp;
    size_t k = decode(p + i, n - i, &cp);
    if (k == 0) {
      o[w] = (char)0xef, o[w + 1] = (char)0xbf, o[w + 2] = (char)0xbd;
      map[w] = map[w + 1] = map[w + 2] = (uint32_t)i;
      last_start = w;
      last_cp = 0xfffd;
      w += 3;
      i++;
      continue;
    }
    int cls = cp >= 0x80 ? clean_class(cp) : 0;
    if (cls < 0) {
      i += k;
      continue;
    }
    if (cls > 0) {
      o[w] = (char)cls;
      map[w] = (uint32_t)i;
      last_start = w;
      last_cp = (unsigned)cls;
      w++;
      i += k;
      continue;
    }
    if (cp >= 0x300 && cp <= 0x36f && last_start != (size_t)-1) {
      unsigned c = compose(last_cp, cp);
      if (c) {
        /* Rewrite the previous letter as the composed one; its bytes keep
         * mapping to the base letter's origin. */
        uint32_t origin = map[last_start];
        w = last_start;
        size_t len = encode(o + w, c);
        for (size_t j = 0; j < len; j++) map[w + j] = origin;
        w += len;
        last_cp = c;
        i += k;
        continue;
      }
    }
    memcpy(o + w, p + i, k);
    for (size_t j = 0; j < k; j++) map[w + j] = (uint32_t)i;
    last_start = w;
    last_cp = cp;
    w += k;
    i += k;
  }
  o[w] = 0;
  map[w] = (uint32_t)n;
  out->len = w;
}

/* Fold one code point into o; returns bytes written (<= its UTF-8 length). */
static size_t fold_cp(unsigned cp, const unsigned char *src, size_t k, char *o) {
  if (cp < 0x80) {
    o[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    return 1;
  }
  if (cp >= FOLD_FIRST && cp <= FOLD_LAST) {
    const char *f = fold_tab[cp - FOLD_FIRST];
    size_t l = strlen(f);
    memmove(o, f, l);
    return l;
  }
  memmove(o, src, k); /* may overlap when folding in place */
  return k;
}

void norm_fold(const norm_view *clean, norm_view *out) {
  const unsigned char *p = (const unsigned char *)clean->text;
  size_t n = clean->len, w = 0;
  for (size_t i = 0; i < n;) {
    unsigned cp;
    size_t k = decode(p + i, n - i, &cp);
    if (k == 0) { /* cannot happen: the clean view is valid UTF-8 */
      k = 1;
      cp = '?';
    }
    size_t l = fold_cp(cp, p + i, k, out->text + w);
    for (size_t j = 0; j < l; j++) out->map[w + j] = clean->map[i];
    w += l;
    i += k;
  }
  out->text[w] = 0;
  out->map[w] = clean->map[n];
  out->len = w;
}

size_t norm_fold_str(const char *in, size_t n, char *out) {
  /* Two views over caller memory: the clean text goes into `out` first,
   * then folds in place (folding never grows and reads ahead of where it
   * writes).  Maps are not needed here, so a small on-stack map window is
   * used per chunk. */
  uint32_t mapbuf[1024];
  size_t total = 0;
  size_t i = 0;
  while (i < n) {
    /* Chunks end on a code point boundary at most 256 input bytes long,
     * so their clean form fits mapbuf (3 x 256 + 1). */
    size_t end = i + 256 < n ? i + 256 : n;
    while (end < n && end > i && (((unsigned char)in[end]) & 0xc0) == 0x80) end--;
    /* A combining mark at the chunk start would not compose across
     * chunks; compile-time strings are short, so this is only a bound. */
    norm_view c = {out + total, 0, mapbuf, sizeof mapbuf / sizeof *mapbuf};
    norm_clean(in + i, end - i, &c);
    norm_view f = {out + total, 0, mapbuf, sizeof mapbuf / sizeof *mapbuf};
    norm_fold(&c, &f);
    total += f.len;
    i = end;
  }
  out[total] = 0;
  return total;
}
