/*
 * fuzz_detect.c — libFuzzer target: scanned text -> normalisation (clean and
 * fold views) -> every built-in detector, on the clean view and on the raw
 * bytes.  Its input is untrusted: any prompt or extracted document text.
 * Seeds: any text files (FUZZ_SEEDS_fuzz_detect); it also starts empty.
 *
 * Invariants checked (abort on violation, so libFuzzer keeps the input):
 *   - clean view: valid UTF-8, len <= 3 * input, origins non-decreasing, the
 *     origin of every byte < input length, that of len == input length, a
 *     well-formed segment map whose lookups (norm_origin, norm_inverse)
 *     agree with the per-byte origins;
 *   - folded view: len <= clean len, the same for its origins and map, and norm_fold_str(input) gives the same text (the compiler
 *     folds words with it, the scanner folds text with the views);
 *   - folding is idempotent on its own output; the on-the-fly fold
 *     (norm_fold_at) equals the folded view; a text norm_is_clean accepts
 *     is its own clean view;
 *   - every detector: spans inside [0, len), non-empty, increasing and
 *     non-overlapping, on both the clean view and the raw input;
 *   - every detector finds the same spans with the digit map
 *     (det_digit_bits), which marks exactly the ASCII digits (and its '+'
 *     map the blocks with a '+'), and the digit detectors run together
 *     (det_scan_digits) find, each, the spans it finds alone;
 *   - a detector with triggers, run only where a trigger starts in the
 *     folded view (mapped to the clean view as the scanner maps prefilter
 *     hits), finds exactly the spans of a whole-text scan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/detect.h"
#include "runtime/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct span_check {
  size_t len, last_end;
} span_check;

static int check_span(void *ud, size_t s, size_t e) {
  span_check *c = ud;
  if (!(s < e && e <= c->len && s >= c->last_end)) abort();
  c->last_end = e;
  return 0;
}

/* The per-byte origins m of view v are non-decreasing and inside the input,
 * its segment map keeps its contract, and norm_origin agrees with m from
 * a hint that moves as a scan's would (forward, then back to the start). */
static void check_map(const norm_view *v, const uint32_t *m, size_t n) {
  if (m[v->len] != n) abort();
  for (size_t i = 0; i < v->len; i++)
    if (m[i] > m[i + 1] || m[i] >= n) abort();
  if (!v->nseg || v->seg[0].c != 0 || v->seg[v->nseg - 1].c != v->len || v->seg[v->nseg - 1].i != n) abort();
  for (size_t k = 1; k < v->nseg; k++)
    if (v->seg[k - 1].c >= v->seg[k].c) abort();
  size_t h = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t c = 0; c <= v->len; c += 1 + c % 7)
      if (norm_origin(v, c, &h) != m[c]) abort();
}

static void run_detectors(const char *t, size_t len) {
  for (int id = 0; id < DET_COUNT_; id++) {
    span_check c = {len, 0};
    det_scan(id, t, len, check_span, &c);
  }
}


typedef struct spans {
  size_t n, s[256], e[256];
} spans;

static int keep_span(void *ud, size_t s, size_t e) {
  spans *k = ud;
  if (k->n < 256) k->s[k->n] = s, k->e[k->n] = e;
  k->n++;
  return 0;
}

static int same_spans(const spans *a, const spans *b) {
  if (a->n != b->n) return 0;
  for (size_t i = 0; i < a->n && i < 256; i++)
    if (a->s[i] != b->s[i] || a->e[i] != b->e[i]) return 0;
  return 1;
}

/* The scanner's path for detectors with triggers: trigger starts found in
 * the folded view, mapped to the clean view by its map (first clean byte
 * at or after the input offset), and det_scan_at there. */
static int ascii_alnum(unsigned c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'); }

/* Input offset the scanner gives as the end of a hit whose last folded
 * byte is f->text[e]: after its code point, or at the code point's start
 * when the hit ends inside its fold ("ss" of a sharp s). */
static size_t hit_end(const uint8_t *in, size_t size, const uint32_t *fm, size_t e) {
  size_t o = fm[e], first = e, adv;
  while (first > 0 && fm[first - 1] == o) first--;
  char b[4];
  size_t l = norm_fold_at(in, size, o, b, &adv);
  return e - first + 1 < l ? o : o + adv;
}

static void check_triggers(const uint8_t *in, size_t size, const norm_view *c, const uint32_t *cm,
                           const norm_view *f, const uint32_t *fm) {
  static uint32_t pos[1 << 16];
  static char trig[256][256]; /* more than any detector has (the loader takes them all) */
  static size_t tl[256];
  static unsigned tf[256];
  for (int id = 0; id < DET_COUNT_; id++) {
    size_t nt = 0, np = 0, hint = 0;
    while (nt < 256 && (tl[nt] = det_trigger(id, nt, trig[nt], &tf[nt])) > 0) nt++;
    if (nt == 256) abort(); /* the check would miss triggers */
    if (!nt) continue;
    for (size_t fo = 0; fo < f->len && np < sizeof pos / sizeof *pos; fo++) {
      size_t k = 0;
      for (; k < nt; k++) {
        if (fo + tl[k] > f->len || memcmp(f->text + fo, trig[k], tl[k])) continue;
        size_t o = fm[fo], end = hit_end(in, size, fm, fo + tl[k] - 1);
        if ((tf[k] & DET_TRIG_START) && o > 0 && ascii_alnum(in[o - 1])) continue;
        if ((tf[k] & DET_TRIG_END) && end < size && ascii_alnum(in[end])) continue;
        break;
      }
      if (k == nt) continue;
      size_t lo = 0, hi = c->len;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cm[mid] < fm[fo]) lo = mid + 1;
        else hi = mid;
      }
      /* the scanner's lookup, on the segment map, finds the same byte */
      if (norm_inverse(c, fm[fo], &hint) != lo) abort();
      pos[np++] = (uint32_t)lo;
    }
    if (np == sizeof pos / sizeof *pos) continue;
    for (size_t i = 1; i < np; i++) /* in order of start, as the scanner sorts them */
      for (size_t j = i; j > 0 && pos[j - 1] > pos[j]; j--) {
        uint32_t x = pos[j];
        pos[j] = pos[j - 1];
        pos[j - 1] = x;
      }
    static spans a, b;
    a.n = b.n = 0;
    det_scan(id, c->text, c->len, keep_span, &a);
    det_scan_at(id, c->text, c->len, pos, np, keep_span, &b);
    if (!same_spans(&a, &b)) abort();
  }
}

/* The digit map marks exactly the blocks with digits, and the detectors find the
 * same spans with it. */
static void check_digit_bits(const char *t, size_t len) {
  uint64_t *bits = malloc(DET_MAP_WORDS(len) * sizeof *bits);
  if (!bits) return;
  int any = 0;
  memset(bits, 0xff, DET_MAP_WORDS(len) * sizeof *bits); /* every bit must be set anew */
  int got = det_digit_bits(t, len, bits);
  for (size_t b = 0; b < (len + 7) / 8; b++) {
    int d = 0;
    for (size_t i = 8 * b; i < len && i < 8 * b + 8; i++) d |= t[i] >= '0' && t[i] <= '9';
    any |= d;
    if ((int)(bits[b / 64] >> (b % 64) & 1) != d) abort();
  }
  for (size_t b = (len + 7) / 8; b % 64; b++)
    if (bits[b / 64] >> (b % 64) & 1) abort();
  const uint64_t *plus = bits + DET_DIGIT_WORDS(len); /* the '+' map, a bit per 64 bytes */
  for (size_t b = 0; b < (len + 63) / 64 || b % 64; b++) {
    int p = 0;
    for (size_t i = 64 * b; i < len && i < 64 * b + 64; i++) p |= t[i] == '+';
    if ((int)(plus[b / 64] >> (b % 64) & 1) != p) abort();
  }
  if ((got != 0) != any) abort();
  static spans a, b;
  for (int id = 0; id < DET_COUNT_; id++) {
    a.n = b.n = 0;
    det_scan(id, t, len, keep_span, &a);
    det_scan_bits(id, t, len, bits, keep_span, &b);
    if (!same_spans(&a, &b)) abort();
  }
  /* the digit detectors run together (NIR twice, RIB too): each as alone */
  static spans alone[8], together[8];
  static const int ids[8] = {DET_SIREN, DET_NIR, DET_IBAN, DET_CARD, DET_SIRET, DET_PHONE_FR, DET_NIR, DET_RIB};
  void *ud[8];
  for (size_t j = 0; j < 8; j++) {
    alone[j].n = together[j].n = 0;
    ud[j] = &together[j];
    det_scan(ids[j], t, len, keep_span, &alone[j]);
  }
  det_scan_digits(8, ids, t, len, (len % 2) ? bits : NULL, keep_span, ud);
  for (size_t j = 0; j < 8; j++)
    if (!same_spans(&alone[j], &together[j])) abort();
  free(bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 20)) return 0;
  norm_view c = {0}, f = {0};
  char *str = malloc(NORM_CLEAN_CAP(size) + 1), *again = NULL;
  uint32_t *cm = NULL, *fm = NULL;
  if (!str || norm_reserve(&c, NORM_CLEAN_CAP(size), NULL) || norm_reserve(&f, NORM_CLEAN_CAP(size), NULL))
    goto done;
  if (norm_clean((const char *)data, size, &c, NULL)) goto done;
  if (c.len > 3 * size || c.text[c.len]) abort();
  if (!(cm = malloc((c.len + 1) * sizeof *cm))) goto done;
  norm_origins(&c, cm);
  check_map(&c, cm, size);
  for (size_t i = 0; i < c.len;) {
    uint32_t cp;
    size_t k = norm_decode((const unsigned char *)c.text + i, c.len - i, &cp);
    if (!k) abort();
    i += k;
  }
  if (norm_fold(&c, &f, NULL)) goto done;
  if (f.len > c.len || f.text[f.len]) abort();
  if (!(fm = malloc((f.len + 1) * sizeof *fm))) goto done;
  norm_origins(&f, fm);
  check_map(&f, fm, size);
  /* the scanner's on-the-fly fold equals the folded view, byte and origin */
  size_t fo = 0;
  for (size_t i = 0; i < size;) {
    char o[4];
    size_t adv, l = norm_fold_at(data, size, i, o, &adv);
    for (size_t j = 0; j < l; j++, fo++)
      if (fo >= f.len || f.text[fo] != o[j] || fm[fo] != i) abort();
    i += adv;
  }
  if (fo != f.len) abort();
  if (norm_is_clean((const char *)data, size) && (c.len != size || memcmp(c.text, data, size))) abort();
  size_t sl = norm_fold_str((const char *)data, size, str);
  if (sl != f.len || memcmp(str, f.text, sl)) abort();
  again = malloc(NORM_CLEAN_CAP(f.len) + 1);
  if (!again) goto done;
  size_t al = norm_fold_str(f.text, f.len, again);
  if (al != f.len || memcmp(again, f.text, al)) abort();
  run_detectors(c.text, c.len);
  run_detectors((const char *)data, size);
  check_triggers(data, size, &c, cm, &f, fm);
  check_digit_bits(c.text, c.len);
done:
  free(cm);
  free(fm);
  free(again);
  free(str);
  norm_view_free(&c, NULL);
  norm_view_free(&f, NULL);
  return 0;
}
