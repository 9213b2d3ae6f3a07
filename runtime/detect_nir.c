/*
 * detect_nir.c — a NIR whose chain holds 13 characters, not 15: its key
 * written apart ("1 85 05 78 006 084 (clé 91)", "... 084 - 91"), or left
 * out after a label ("n° de sécu : 1 85 05 78 006 084").  The digit walk
 * (detect.c) gathers the chain; this decides.  A key that is there decides
 * alone: one that does not match is no finding, as for any checksum.
 * Without a key there is nothing to check but the structure
 * (det_nir_key), so a label must say what the number is, as for the INE.
 */
#include "runtime/detect_util.h"

/* Does t[p..) start with the lower-case w (ASCII, any case)? */
static int starts(const unsigned char *t, size_t n, size_t p, const char *w) { return ieq(t, n, p, w, strlen(w)); }

/* An e, é or É at t[p]: its length, or 0. */
static size_t e_acute(const unsigned char *t, size_t n, size_t p) {
  if (p < n && (t[p] | 32) == 'e') return 1;
  if (p + 1 < n && t[p] == 0xc3 && (t[p + 1] == 0xa9 || t[p + 1] == 0x89)) return 2;
  return 0;
}

static size_t spaces(const unsigned char *t, size_t n, size_t p, size_t most) {
  for (size_t k = 0; k < most && p < n && (t[p] == ' ' || t[p] == '\t'); k++) p++;
  return p;
}

/* A whole word w (lower-case ASCII) at t[p]. */
static int word(const unsigned char *t, size_t n, size_t p, const char *w) {
  size_t l = strlen(w);
  return starts(t, n, p, w) && !word_at(t, n, p + l);
}

/* "sécu" or "sécurité sociale" at t[p] (accents or not, any case). */
static int secu(const unsigned char *t, size_t n, size_t p) {
  if (p >= n || (t[p] | 32) != 's') return 0;
  size_t k = e_acute(t, n, p + 1);
  if (!k || !starts(t, n, p + 1 + k, "cu")) return 0;
  size_t q = p + 3 + k;
  if (!word_at(t, n, q)) return 1;
  if (!starts(t, n, q, "rit")) return 0;
  size_t k2 = e_acute(t, n, q + 3);
  return k2 && starts(t, n, q + 3 + k2, " sociale");
}

/* What names a NIR in the 48 bytes before a number at t[i]: "NIR", "n° SS",
 * "sécu", "sécurité sociale", "carte Vitale", "INSEE", "social security". */
static int nir_label_before(const unsigned char *t, size_t n, size_t i) {
  for (size_t p = i > 48 ? i - 48 : 0; p < i; p++) {
    if (word_before(t, p) || !is_alpha(t[p])) continue;
    if (word(t, n, p, "nir") || word(t, n, p, "ss") || word(t, n, p, "insee") || word(t, n, p, "vitale") ||
        starts(t, n, p, "social security") || secu(t, n, p))
      return 1;
  }
  return 0;
}

size_t det_nir13_end(const unsigned char *t, size_t n, size_t start, size_t end, const char *sig) {
  int want = det_nir_key(sig);
  if (want < 0) return 0;
  /* the key apart: a sign or the word "clé"/"key", then two digits */
  size_t p = spaces(t, n, end, 3);
  int paren = 0, sep = 0, named = 0;
  if (p < n && in_set(t[p], "(-/,:")) paren = t[p] == '(', sep = 1, p = spaces(t, n, p + 1, 3);
  if (starts(t, n, p, "cl")) {
    size_t k = e_acute(t, n, p + 2);
    if (k && !word_at(t, n, p + 2 + k)) named = 1, p += 2 + k;
  } else if (word(t, n, p, "key")) {
    named = 1, p += 3;
  }
  if (named) {
    p = spaces(t, n, p, 3);
    if (p < n && t[p] == ':') p = spaces(t, n, p + 1, 3);
  }
  if ((sep || named) && p + 1 < n && is_digit(t[p]) && is_digit(t[p + 1]) && !word_at(t, n, p + 2) &&
      !(p + 3 < n && (t[p + 2] == '.' || t[p + 2] == ',') && is_digit(t[p + 3]))) {
    int key = (t[p] - '0') * 10 + (t[p + 1] - '0');
    if (key == want) {
      p += 2;
      if (paren) {
        size_t q = spaces(t, n, p, 3);
        if (q < n && t[q] == ')') p = q + 1;
      }
      return p;
    }
    if (named) return 0; /* "clé 12" that is not the key: a wrong number */
  }
  return nir_label_before(t, n, start) ? end : 0;
}
