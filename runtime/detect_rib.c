/*
 * detect_rib.c — the French RIB written on its own, as bank details are
 * given without an IBAN: "30006 00001 12345678901 89", "20041 01005
 * 0500013M026 06" (La Banque Postale puts a letter in the account), the
 * groups split by spaces, dashes, dots, slashes or bars, or the 23
 * characters run together, or each field after its label ("Code banque :
 * 30006\nCode guichet : 00001\n...").  det_rib_valid (validate.c) checks
 * the key.
 * A step of the digit walk (detect.c), from a digit that starts a number.
 */
#include "runtime/detect_util.h"

/* What may stand between two groups: one to three of these. */
static const char rib_seps[] = " \t-./|";

static size_t group_sep(const unsigned char *t, size_t n, size_t p) {
  size_t q = p;
  while (q < n && q - p < 3 && in_set(t[q], rib_seps)) q++;
  return q;
}

/* k characters of the group at t[*p] (digits, or alnum when letters may
 * stand there) into sig; 0 when they are not there. */
static int group(const unsigned char *t, size_t n, size_t *p, size_t k, int letters, char *sig) {
  size_t q = *p;
  for (size_t j = 0; j < k; j++, q++) {
    if (q >= n || !(is_digit(t[q]) || (letters && is_alpha(t[q])))) return 0;
    sig[j] = (char)up(t[q]);
  }
  *p = q;
  return 1;
}

/* A label between two fields (" Code guichet : ", "\nclé RIB "): after
 * a field that ends there, up to 48 bytes holding a letter and no digit,
 * then the next field, not glued to the label.  Returns where that field
 * starts, or p when there is no such label. */
static size_t label_gap(const unsigned char *t, size_t n, size_t p) {
  if (p >= n || is_alnum(t[p])) return p;
  size_t q = p;
  int letter = 0;
  while (q < n && q - p < 48 && !is_digit(t[q])) letter |= is_alpha(t[q]) || t[q] >= 0xc0, q++;
  return q < n && is_digit(t[q]) && letter && !word_before(t, q) ? q : p;
}

/* Past the digit run at t[p] and the runs joined to it by one separator
 * ("06 12 34 56 78"): none of those can start a RIB, whose start wants no
 * separator and digit before it, so the walk need not stop at them. */
static size_t chain_past(const unsigned char *t, size_t n, size_t p) {
  for (;;) {
    while (p < n && is_digit(t[p])) p++;
    if (!(p + 1 < n && in_set(t[p], rib_seps) && is_digit(t[p + 1]))) return p;
    p++;
  }
}

size_t det_rib_step(const unsigned char *t, size_t n, size_t p, det_emitter *e) {
  size_t rend = chain_past(t, n, p);
  /* a number's start: not glued to a word or a digit, not the next group
   * of a longer number ("12 30006 ...") */
  int start = p == 0 || (!is_digit(t[p - 1]) && !word_before(t, p) &&
                         !(p >= 2 && in_set(t[p - 1], rib_seps) && is_digit(t[p - 2])));
  if (!start || p + 5 > n || !is_digit(t[p + 4])) return rend;
  static const size_t len[4] = {5, 5, 11, 2};
  char sig[24];
  size_t q = p, k = 0;
  for (int g = 0; g < 4; g++) {
    size_t q0 = q;
    if (g) q = group_sep(t, n, q); /* none when the groups run together */
    if (!group(t, n, &q, len[g], g == 2, sig + k)) {
      /* the field after its label: then a whole field, and an account
       * mostly of digits (a word of 11 letters is no account) */
      size_t l = g ? label_gap(t, n, q0) : q0, digits = 0;
      if (l == q0) return rend;
      q = l;
      if (!group(t, n, &q, len[g], g == 2, sig + k) || (g < 3 && q < n && is_alnum(t[q])))
        return rend;
      for (size_t j = 0; j < len[g]; j++) digits += is_digit((unsigned char)sig[k + j]);
      if (digits < len[g] / 2 + 1) return rend;
    }
    k += len[g];
  }
  /* the key ends the number: no letter, digit, or decimal part after it,
   * nor a separator and more digits */
  if (word_at(t, n, q) || (q + 1 < n && in_set(t[q], rib_seps) && is_digit(t[q + 1])) ||
      (q + 1 < n && t[q] == ',' && is_digit(t[q + 1])))
    return rend;
  if (!det_rib_valid(sig, 23)) return rend;
  emit(e, p, q);
  return q;
}
