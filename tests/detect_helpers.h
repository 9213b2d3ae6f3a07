/*
 * detect_helpers.h — what the detectors' suites share (test_rt_detect.c,
 * test_rt_detect_keyword.c): run a detector on the clean view of a text
 * and map its spans back, and check on every run that the digit map and
 * the at-trigger entry point give the same spans as a whole-text scan.
 * Header-only (static inline): each suite is one translation unit.
 */
#ifndef CH_TEST_DETECT_HELPERS_H
#define CH_TEST_DETECT_HELPERS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runtime/detect.h"
#include "runtime/normalize.h"

#define N_OF(a) (sizeof(a) / sizeof *(a))

typedef struct hits {
  size_t s[32], e[32];
  int n;
} hits;

static inline int collect(void *ud, size_t s, size_t e) {
  hits *h = ud;
  if (h->n < 32) {
    h->s[h->n] = s;
    h->e[h->n] = e;
  }
  h->n++;
  return 0;
}

static inline int ascii_alnum(unsigned c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'); }

/* The byte after the code points from t[i] whose fold gives `len` bytes,
 * as the scanner places a prefilter hit's end (0 at the end of t or when
 * the hit ends inside one code point's fold). */
static inline unsigned after_fold(const char *t, size_t n, size_t i, size_t len) {
  size_t got = 0, adv;
  char o[4];
  while (i < n) {
    size_t l = norm_fold_at((const unsigned char *)t, n, i, o, &adv);
    if (got + l > len) return 0;
    got += l;
    i += adv;
    if (got == len) return i < n ? (unsigned char)t[i] : 0;
  }
  return 0;
}

/* Where a trigger of detector `id` starts in t[0..n) with nothing next to
 * it that its flags exclude, found the slow way:
 * fold what follows each code point start and compare.  Returns how many
 * (at most cap). */
static inline size_t trigger_positions(int id, const char *t, size_t n, uint32_t *pos, size_t cap) {
  /* more than any detector has; the loader takes them all */
  static size_t tl[256];
  static unsigned tf[256];
  static char trig[256][256];
  size_t np = 0, nt = 0;
  char folded[4 * 128 + 4];
  while (nt < 256 && (tl[nt] = det_trigger(id, nt, trig[nt], &tf[nt])) > 0) nt++;
  if (nt == 256) fail_msg("%s has 256 triggers or more: trigger_positions misses some", det_name(id));
  for (size_t i = 0; i < n && np < cap; i++) {
    if (((unsigned char)t[i] & 0xc0) == 0x80) continue;
    size_t w = n - i < 128 ? n - i : 128;
    size_t fl = norm_fold_str(t + i, w, folded);
    for (size_t k = 0; k < nt; k++)
      if (tl[k] <= fl && !memcmp(folded, trig[k], tl[k]) &&
          !((tf[k] & DET_TRIG_START) && i > 0 && ascii_alnum((unsigned char)t[i - 1])) &&
          !((tf[k] & DET_TRIG_END) && ascii_alnum(after_fold(t, n, i, tl[k])))) {
        pos[np++] = (uint32_t)i;
        break;
      }
  }
  return np;
}

/* det_scan_at at every trigger must give exactly det_scan's spans. */
static inline void same_at_triggers(int id, const char *t, size_t n) {
  char trig[256];
  unsigned fl;
  if (!det_trigger(id, 0, trig, &fl)) return;
  static uint32_t pos[1 << 16];
  size_t np = trigger_positions(id, t, n, pos, N_OF(pos));
  hits a = {{0}, {0}, 0}, b = {{0}, {0}, 0};
  det_scan(id, t, n, collect, &a);
  det_scan_at(id, t, n, pos, np, collect, &b);
  if (a.n != b.n) fail_msg("%s on \"%.*s\": %d spans, %d at triggers", det_name(id), (int)n, t, a.n, b.n);
  for (int k = 0; k < a.n && k < 32; k++)
    if (a.s[k] != b.s[k] || a.e[k] != b.e[k]) fail_msg("%s on \"%.*s\": span %d differs at triggers", det_name(id), (int)n, t, k);
}

/* A text of 1 to `most` parts picked at random and glued (the suites'
 * generated texts), into t[0..cap); its length.  *seed moves on. */
static inline size_t glued_text(char *t, size_t cap, const char *const *parts, size_t nparts, int most,
                                uint32_t *seed) {
  size_t n = 0;
  int k = 1 + (int)((*seed = *seed * 1103515245u + 12345u) >> 16) % most;
  for (int j = 0; j < k; j++) {
    const char *p = parts[((*seed = *seed * 1103515245u + 12345u) >> 16) % nparts];
    size_t l = strlen(p);
    if (n + l >= cap) break;
    memcpy(t + n, p, l);
    n += l;
  }
  return n;
}

/* With the digit map the spans are the same. */
static inline void same_with_bits(int id, const char *t, size_t n) {
  static uint64_t bits[DET_MAP_WORDS(1 << 16)];
  if (n > (1 << 16)) return;
  det_digit_bits(t, n, bits);
  hits a = {{0}, {0}, 0}, b = {{0}, {0}, 0};
  det_scan(id, t, n, collect, &a);
  det_scan_bits(id, t, n, bits, collect, &b);
  if (a.n != b.n) fail_msg("%s on \"%.*s\": %d spans, %d with the digit map", det_name(id), (int)n, t, a.n, b.n);
  for (int k = 0; k < a.n && k < 32; k++)
    if (a.s[k] != b.s[k] || a.e[k] != b.e[k]) fail_msg("%s on \"%.*s\": span %d differs with the digit map", det_name(id), (int)n, t, k);
}

/* Run detector `id` on the clean view of `text` and map the hits back to
 * the original text.  Returns the number of hits; when `want` is given,
 * the first hit must cover exactly `want` in the original text. */
static inline int detect_in(int id, const char *text, size_t len, const char *want) {
  norm_view v = {0};
  assert_int_equal(norm_reserve(&v, NORM_CLEAN_CAP(len), NULL), CH_OK);
  assert_int_equal(norm_clean(text, len, &v, NULL), CH_OK);
  hits h = {{0}, {0}, 0};
  det_scan(id, v.text, v.len, collect, &h);
  same_at_triggers(id, v.text, v.len);
  same_with_bits(id, v.text, v.len);
  for (int k = 0; k < h.n && k < 32; k++) {
    assert_true(h.s[k] < h.e[k] && h.e[k] <= v.len);
    if (k) assert_true(h.s[k] >= h.e[k - 1]);
  }
  if (want) {
    if (!h.n) fail_msg("%s: nothing found in \"%s\", want \"%s\"", det_name(id), text, want);
    size_t s = norm_origin(&v, h.s[0], NULL), e = norm_origin(&v, h.e[0], NULL);
    if (strlen(want) != e - s || memcmp(text + s, want, e - s))
      fail_msg("%s on \"%s\": span \"%.*s\", want \"%s\"", det_name(id), text, (int)(e - s), text + s, want);
  }
  norm_view_free(&v, NULL);
  return h.n;
}
static inline int detect(int id, const char *text, const char *want) { return detect_in(id, text, strlen(text), want); }

/* Found alone, found inside a sentence, and not found with a digit or a
 * letter glued to either end. */
static inline void expect_found(int id, const char *value) {
  char t[512];
  assert_int_equal(detect(id, value, value), 1);
  snprintf(t, sizeof t, "Voici : %s, merci.", value);
  assert_int_equal(detect(id, t, value), 1);
}
static inline void expect_none(int id, const char *text) {
  if (detect(id, text, NULL)) fail_msg("%s found something in \"%s\"", det_name(id), text);
}

static inline void compact(const char *in, char *out) {
  for (; *in; in++)
    if (*in != ' ' && *in != '-' && *in != '.') *out++ = *in;
  *out = 0;
}

#endif
