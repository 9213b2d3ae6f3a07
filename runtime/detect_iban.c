/*
 * detect_iban.c — IBANs (detect.h, DET_IBAN): a country code, two check
 * digits, the country's BBAN, validated by det_iban_valid (validate.c).
 * A step of the digit walk (detect.c), from the check digits' first digit:
 * letters and digits, not a digit chain, hence a file of its own.
 */
#include "runtime/detect_util.h"

/* An IBAN is written whole ("FR7630006000011234567890189") or in groups,
 * usually of four ("FR76 3000 6000 0112 3456 7890 189"), sometimes split
 * elsewhere (registry samples: "MK072 5012 ...", "ES15-0049-1806-...").
 * Any single ' ', '-' or '.' between two characters is accepted: the
 * registry structure and mod 97 make a false match in prose unlikely.
 * Reading stops after exactly the country's length, so a following word
 * is never swallowed. */
/* What may stand between two characters of an IBAN. */
static const char iban_seps[] = " -.";

/* The IBAN that may start at t[i], or 0: its end. */
static size_t iban_at(const unsigned char *t, size_t n, size_t i, char *sig) {
  if (!is_alpha(t[i]) || !is_alpha(t[i + 1]) || word_before(t, i)) return 0;
  size_t want = det_iban_length(t[i], t[i + 1]);
  if (!want) return 0;
  size_t j = i, k = 0, end = i;
  while (j < n && k < want) {
    unsigned c = t[j];
    if (is_alnum(c)) {
      sig[k++] = (char)up(c);
      end = ++j;
      continue;
    }
    if (k >= 2 && in_set(c, iban_seps) && j + 1 < n && is_alnum(t[j + 1])) {
      j++;
      continue;
    }
    break;
  }
  return k == want && !word_at(t, n, end) && det_iban_valid(sig, k) ? end : 0;
}

/* The two check digits follow the country code, perhaps after one
 * separator, so every candidate start lies 2 or 3 bytes before a pair of
 * digits: the scan jumps from digit pair to digit pair (prose has few)
 * instead of testing every letter, and keeps every two-letter word ("LE",
 * "DE", "IT") away from the country table.  Starts are tried in
 * increasing order, each once, never inside a span already emitted. */
/* IBAN's step at t[p], a digit with a byte after it: an IBAN whose check
 * digits start at p, its country code 2 or 3 bytes before (*tried: every
 * start below it was tried or is covered).  Returns where its scan looks
 * next. */
size_t det_iban_step(const unsigned char *t, size_t n, size_t p, det_emitter *e, size_t *tried) {
  char sig[40];
  if (!is_digit(t[p + 1])) return p + 1;
  for (size_t back = 3; back >= 2; back--) {
    if (p < back) continue;
    size_t i = p - back;
    if (i < *tried || i + 4 >= n) continue;
    if (back == 3 && !in_set(t[p - 1], iban_seps)) continue;
    *tried = i + 1;
    size_t end = iban_at(t, n, i, sig);
    if (end) {
      emit(e, i, end);
      *tried = end;
      p = end - 1 > p ? end - 1 : p;
      break;
    }
  }
  /* the check digits start a run: from the run's other digits, both
   * starts fail (t[p - 1] is a digit, no separator, no letter) */
  while (is_digit(t[p]) && p + 1 < n && is_digit(t[p + 1])) p++;
  return p + 1;
}

