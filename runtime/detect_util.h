/*
 * detect_util.h — what the detectors' files share (detect.c: digit chains,
 * French phones; detect_iban.c, detect_rib.c, detect_phone.c: steps of the
 * digit walk; detect_email.c: e-mail; detect_keyword.c: detectors anchored
 * on a keyword; detect_named.c: secrets named before them; detect_table.c:
 * grades in a pasted table; validate.c:
 * checksums): character classes on raw bytes, word boundaries, and the
 * emitter that keeps spans ordered and disjoint.  Internal to the runtime.
 */
#ifndef CH_DETECT_UTIL_H
#define CH_DETECT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/detect.h"
#include "runtime/normalize.h"

/* ------------------------------------------------------- character classes */

static inline int is_digit(unsigned c) { return c >= '0' && c <= '9'; }
static inline int is_alpha(unsigned c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline int is_alnum(unsigned c) { return is_digit(c) || is_alpha(c); }
static inline int is_upper(unsigned c) { return c >= 'A' && c <= 'Z'; }
static inline int is_lower(unsigned c) { return c >= 'a' && c <= 'z'; }
static inline int is_hex(unsigned c) { return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }
static inline unsigned char up(unsigned c) { return (unsigned char)(is_lower(c) ? c - 32 : c); }

/* Letters of the scripts French documents mix in: a digit run glued to one
 * of them is part of a word ("é123" is not a number), while any other
 * non-ASCII character (°, €, ×, CJK punctuation) is a boundary, so that
 * "n°1840575123456" or "N°SIRET:..." still yield their numbers. */
static inline int is_letter_cp(uint32_t cp) {
  return (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) || cp == 0xaa || cp == 0xb5 || cp == 0xba ||
         (cp >= 0x370 && cp <= 0x52f && cp != 0x37e && cp != 0x387) || (cp >= 0x1e00 && cp <= 0x1fff);
}

/* The code point that ends just before t[i] (i > 0), or U+FFFD. */
static inline uint32_t cp_before(const unsigned char *t, size_t i) {
  size_t s = i - 1;
  while (s > 0 && i - s < 4 && (t[s] & 0xc0) == 0x80) s--;
  uint32_t cp;
  return norm_decode(t + s, i - s, &cp) == i - s ? cp : 0xfffd;
}

static inline uint32_t cp_at(const unsigned char *t, size_t n, size_t i) {
  uint32_t cp;
  return norm_decode(t + i, n - i, &cp) ? cp : 0xfffd;
}

/* A word character: ASCII letter, digit, '_' or a letter (see above). */
static inline int word_before(const unsigned char *t, size_t i) {
  if (i == 0) return 0;
  unsigned c = t[i - 1];
  if (c < 0x80) return is_alnum(c) || c == '_';
  return is_letter_cp(cp_before(t, i));
}
static inline int word_at(const unsigned char *t, size_t n, size_t i) {
  if (i >= n) return 0;
  unsigned c = t[i];
  if (c < 0x80) return is_alnum(c) || c == '_';
  return is_letter_cp(cp_at(t, n, i));
}

/* ASCII case-insensitive: does t[p..p+len) equal the lower-case w?
 * (the labels of INE, passwords and NIR) */
static inline int ieq(const unsigned char *t, size_t n, size_t p, const char *w, size_t len) {
  if (p + len > n) return 0;
  for (size_t k = 0; k < len; k++) {
    unsigned c = t[p + k];
    if ((is_upper(c) ? c + 32 : c) != (unsigned char)w[k]) return 0;
  }
  return 1;
}

/* The sets are a few bytes long: a loop the compiler unrolls, not a call
 * to strchr (3% of a scan of prose with many numbers). */
static inline int in_set(unsigned c, const char *set) {
  for (; *set; set++)
    if ((unsigned char)*set == c) return 1;
  return 0;
}

/* A filter of the two-byte beginnings a detector looks for at a word
 * start: 4,096 bits indexed by a hash of the pair.  Most words begin with
 * a pair not in it and are skipped whole (a collision only costs the full
 * test). */
#define PAIR_BIT(a, b) ((((unsigned)(a) * 131u) ^ (unsigned)(b)) & 4095u)
static inline void pair_add(uint8_t *set, unsigned a, unsigned b) {
  set[PAIR_BIT(a, b) >> 3] |= (uint8_t)(1u << (PAIR_BIT(a, b) & 7));
}
static inline int pair_has(const uint8_t *set, unsigned a, unsigned b) {
  return set[PAIR_BIT(a, b) >> 3] >> (PAIR_BIT(a, b) & 7) & 1;
}

/* One past the digit run that holds t[i] (a digit).  No chain starts
 * inside a run (num_start wants no digit before it), and one that cannot
 * start at a run's first digit cannot at its others: the detectors skip
 * whole runs. */
static inline size_t run_end(const unsigned char *t, size_t n, size_t i) {
  while (i < n && is_digit(t[i])) i++;
  return i;
}

/* A number that ended at e really ends there: no word character and no
 * decimal part follows. */
static inline int num_end(const unsigned char *t, size_t n, size_t e) {
  if (word_at(t, n, e)) return 0;
  if (e + 1 < n && (t[e] == '.' || t[e] == ',') && is_digit(t[e + 1])) return 0;
  return 1;
}

/* ----------------------------------------------------- pasted tables */

/* A table pasted as text (CSV or TSV from a spreadsheet, a markdown
 * table) is rows of cells split by ';', ',', a tab or '|'; a cell may be
 * padded with spaces, quotes and markdown's bold stars.  A header cell
 * labels its column down to the table's first blank line (TABLE_MAX
 * bytes at the most): INE and grade columns (detect_keyword.c,
 * detect_table.c). */
#define TABLE_MAX 65536
static inline int cell_sep(unsigned c) { return c == ';' || c == ',' || c == '\t' || c == '|'; }
static inline int cell_pad(unsigned c) { return c == ' ' || c == '"' || c == '*'; }
static inline size_t cell_pad_before(const unsigned char *t, size_t p) {
  while (p > 0 && cell_pad(t[p - 1])) p--;
  return p;
}
static inline size_t cell_pad_after(const unsigned char *t, size_t n, size_t p) {
  while (p < n && cell_pad(t[p])) p++;
  return p;
}
static inline int cell_starts(const unsigned char *t, size_t i) {
  size_t b = cell_pad_before(t, i);
  return b == 0 || t[b - 1] == '\n' || t[b - 1] == '\r' || cell_sep(t[b - 1]);
}
static inline int cell_ends(const unsigned char *t, size_t n, size_t end) {
  size_t a = cell_pad_after(t, n, end);
  return a >= n || t[a] == '\n' || t[a] == '\r' || cell_sep(t[a]);
}
/* The cell t[s..e) has a separator beside it: it is in a row of a table,
 * not a line of its own. */
static inline int cell_in_row(const unsigned char *t, size_t n, size_t s, size_t e) {
  size_t b = cell_pad_before(t, s), a = cell_pad_after(t, n, e);
  return (b > 0 && cell_sep(t[b - 1])) || (a < n && cell_sep(t[a]));
}
/* Where the table whose header holds p ends: its first blank line. */
static inline size_t table_end(const unsigned char *t, size_t n, size_t p) {
  size_t to = p + TABLE_MAX < n ? p + TABLE_MAX : n;
  for (size_t k = p; k < to; k++) {
    if (t[k] != '\n') continue;
    size_t q = k + 1;
    while (q < to && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r')) q++;
    if (q >= n || t[q] == '\n') return k;
  }
  return to;
}

/* ------------------------------------------------------------- emitting */

typedef struct det_emitter {
  det_emit_fn fn;
  void *ud;
  size_t last_end; /* spans never overlap: a start before it is dropped */
  int stop;
  const uint64_t *digits; /* det_digit_bits of the text, or NULL */
  size_t len;             /* the text's length, where the maps are sized */
  size_t ahead;           /* digits before this were prefetched */
} det_emitter;

static inline void emit(det_emitter *e, size_t s, size_t end) {
  if (e->stop || s < e->last_end || end <= s) return;
  e->last_end = end;
  if (e->fn(e->ud, s, end)) e->stop = 1;
}

/* IBAN length of the country whose code is c0 c1 (either case), or 0
 * (validate.c). */
size_t det_iban_length(unsigned c0, unsigned c1);
/* The keyword-anchored detectors (INE, API keys, private keys, passwords)
 * over the whole text (detect_keyword.c, detect_named.c). */
void det_kw_scan(int id, const unsigned char *t, size_t n, det_emitter *e);
/* detect_named.c: the password detector's trigger k (DET_TRIG_* in
 * *flags) or NULL past the last, its whole-text scan, and its test at a
 * trigger's place t[i] (the span in *vs..return value, or 0); the same for
 * the tokens named before them, which the api_key detector reports (their
 * triggers test their own start). */
const char *det_pw_trigger(size_t k, unsigned *flags);
void det_pw_scan(const unsigned char *t, size_t n, det_emitter *e);
size_t det_pw_at(const unsigned char *t, size_t n, size_t i, size_t *vs);
const char *det_named_key_trigger(size_t k, unsigned *flags);
size_t det_named_key_at(const unsigned char *t, size_t n, size_t i, size_t *vs);
/* detect_table.c: the grade_table detector's trigger k (DET_TRIG_* in
 * *flags) or NULL past the last, its whole-text scan, and its test at a
 * trigger's place t[p]: 0, or where the table it heads ends (the triggers
 * before that were part of it). */
const char *det_grade_trigger(size_t k, unsigned *flags);
void det_grade_scan(const unsigned char *t, size_t n, det_emitter *e);
size_t det_grade_at(const unsigned char *t, size_t n, size_t p, det_emitter *e);
/* The e-mail detector (detect_email.c). */
void det_scan_email(const unsigned char *t, size_t n, det_emitter *e);
/* detect_nir.c: the end of the NIR span of a 13-character chain sig at
 * t[start..end) (its key apart, or a label before it), or 0. */
size_t det_nir13_end(const unsigned char *t, size_t n, size_t start, size_t end, const char *sig);
/* detect_iban.c: IBAN's step at t[p], a digit with a byte after it (the
 * check digits' first); *tried: every start below it was tried.  Returns
 * where the scan looks next. */
size_t det_iban_step(const unsigned char *t, size_t n, size_t p, det_emitter *e, size_t *tried);
/* detect_phone.c: the E.164 phone detector's step at t[x], a '+' or the
 * first digit of a run; returns where the scan looks next. */
size_t det_phone_step(const unsigned char *t, size_t n, size_t x, det_emitter *e);
/* detect_rib.c: the RIB that starts at t[p] (a digit), emitted; returns
 * where the scan looks next. */
size_t det_rib_step(const unsigned char *t, size_t n, size_t p, det_emitter *e);

#endif
