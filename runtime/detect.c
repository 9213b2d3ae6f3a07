/*
 * detect.c — built-in detectors of identifiers and secrets (detect.h).
 *
 * Stage: runs on the clean view (normalize.h) during the pattern phase of a
 * scan, next to PCRE2; each span it emits becomes a match of the charter's
 * `detect NAME` pattern.  docs/detectors.md describes every detector for
 * charter authors: accepted forms, validation and sources, known limits.
 *
 * The common idea is a candidate "chain": digits (or letters for IBAN)
 * joined by at most one separator between two significant characters, as
 * people write identifiers ("2 84 05 2A 004 017 64", "06.12.34.56.78").
 * A chain starts at a number boundary and is read whole:
 *     "Tél 06 12 34 56 78 90"  -> one chain of 12 digits: not a phone
 *     "NIR 2 84 05 2A 004 017 64 fin" -> 15 characters, then " fin": a NIR
 *     "9295109912611193"       -> 16 digits: no NIR hides inside
 * so an identifier is never found inside a longer number, and a validator
 * (checksum, issuer ranges, structure) runs once per chain.
 *
 * Invariants:
 *   - linear time: a candidate starts only where a chain (or token) starts,
 *     and reading a candidate stops after a bounded number of characters or
 *     at the end of its chain, so every byte is read O(1) times even on a
 *     100 MB run of digits or of "1 1 1 1";
 *   - no allocation, no global state: candidates are gathered into small
 *     buffers on the stack;
 *   - spans are emitted in increasing start order and never overlap (the
 *     emitter enforces it), and always lie within [0, len);
 *   - any bytes are safe: the clean view is valid UTF-8, but a caller (tests,
 *     fuzzers) may pass anything, so nothing here assumes it.
 */
#include "runtime/detect.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
#include <emmintrin.h>
#endif

#include "runtime/normalize.h"

static const char *const det_names[] = {
#define X(e, name, label) name,
    CH_DETECTORS(X)
#undef X
};
static const char *const det_labels[] = {
#define X(e, name, label) label,
    CH_DETECTORS(X)
#undef X
};

/* Linear search over a dozen names: called by the loader and the compiler,
 * never while scanning. */
int det_lookup(const char *name) {
  if (!name) return -1;
  for (int i = 0; i < DET_COUNT_; i++)
    if (!strcmp(det_names[i], name)) return i;
  return -1;
}
const char *det_name(int id) { return id >= 0 && id < DET_COUNT_ ? det_names[id] : "?"; }
const char *det_label(int id) { return id >= 0 && id < DET_COUNT_ ? det_labels[id] : "DATA"; }

/* ------------------------------------------------------- character classes */

static int is_digit(unsigned c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_alnum(unsigned c) { return is_digit(c) || is_alpha(c); }
static int is_upper(unsigned c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(unsigned c) { return c >= 'a' && c <= 'z'; }
static unsigned char up(unsigned c) { return (unsigned char)(is_lower(c) ? c - 32 : c); }

/* Letters of the scripts French documents mix in: a digit run glued to one
 * of them is part of a word ("é123" is not a number), while any other
 * non-ASCII character (°, €, ×, CJK punctuation) is a boundary, so that
 * "n°1840575123456" or "N°SIRET:..." still yield their numbers. */
static int is_letter_cp(uint32_t cp) {
  return (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) || cp == 0xaa || cp == 0xb5 || cp == 0xba ||
         (cp >= 0x370 && cp <= 0x52f && cp != 0x37e && cp != 0x387) || (cp >= 0x1e00 && cp <= 0x1fff);
}

/* The code point that ends just before t[i] (i > 0), or U+FFFD. */
static uint32_t cp_before(const unsigned char *t, size_t i) {
  size_t s = i - 1;
  while (s > 0 && i - s < 4 && (t[s] & 0xc0) == 0x80) s--;
  uint32_t cp;
  return norm_decode(t + s, i - s, &cp) == i - s ? cp : 0xfffd;
}

static uint32_t cp_at(const unsigned char *t, size_t n, size_t i) {
  uint32_t cp;
  return norm_decode(t + i, n - i, &cp) ? cp : 0xfffd;
}

/* A word character: ASCII letter, digit, '_' or a letter (see above). */
static int word_before(const unsigned char *t, size_t i) {
  if (i == 0) return 0;
  unsigned c = t[i - 1];
  if (c < 0x80) return is_alnum(c) || c == '_';
  return is_letter_cp(cp_before(t, i));
}
static int word_at(const unsigned char *t, size_t n, size_t i) {
  if (i >= n) return 0;
  unsigned c = t[i];
  if (c < 0x80) return is_alnum(c) || c == '_';
  return is_letter_cp(cp_at(t, n, i));
}

static int in_set(unsigned c, const char *set) { return c && strchr(set, (int)c) != NULL; }

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGH 0x8080808080808080ull

/* Bit 7 of each byte of x set iff that byte is an ASCII digit: per byte b,
 * b + 0x50 carries into bit 7 iff b >= 0x30 and b + 0x46 iff b >= 0x3a
 * (bytes >= 0x80 are masked out first and excluded after; no carry
 * crosses a byte as every sum stays below 0x100). */
static uint64_t digit_mask(uint64_t x) {
  uint64_t y = x & ~SWAR_HIGH;
  return (y + 0x50 * SWAR_ONES) & ~(y + 0x46 * SWAR_ONES) & ~x & SWAR_HIGH;
}

/* The first i' >= i with an ASCII digit at t[i'], or n.  Identifiers are
 * made of digits and prose has few, so the digit detectors jump between
 * them eight bytes at a time (digit_mask). */
static size_t next_digit(const unsigned char *t, size_t n, size_t i) {
  while (i + 8 <= n) {
    uint64_t x;
    memcpy(&x, t + i, 8);
    uint64_t m = digit_mask(x);
    if (m) return i + (size_t)(__builtin_ctzll(m) >> 3);
    i += 8;
  }
  while (i < n && !is_digit(t[i])) i++;
  return i;
}

size_t det_next_digit(const char *text, size_t n, size_t i) { return next_digit((const unsigned char *)text, n, i); }

/* Eight bits for the 64 bytes at t (all readable): bit k set iff bytes
 * 8k..8k+7 hold an ASCII digit.  With SSE2 (every x86-64), a byte compare
 * and movemask per 16 bytes; else digit_mask per 8. */
static unsigned digit_byte(const unsigned char *t) {
  unsigned r = 0;
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
  const __m128i lo = _mm_set1_epi8('0' - 1 - 128), hi = _mm_set1_epi8('9' + 1 - 128), flip = _mm_set1_epi8(-128);
  __m128i d[4];
  for (unsigned k = 0; k < 4; k++) {
    __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + 16 * k)), flip);
    d[k] = _mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi));
  }
  /* Each signed saturating pack turns two bytes into one that is zero
   * only when both were, keeping their order: three packs leave in byte
   * k whether bytes 8k..8k+7 held a digit. */
  __m128i q = _mm_packs_epi16(_mm_packs_epi16(d[0], d[1]), _mm_packs_epi16(d[2], d[3]));
  q = _mm_packs_epi16(q, q);
  r = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(q, _mm_setzero_si128())) & 0xffu;
#else
  for (unsigned k = 0; k < 8; k++) {
    uint64_t x;
    memcpy(&x, t + 8 * k, 8);
    r |= (digit_mask(x) != 0) << k;
  }
#endif
  return r;
}

/* The digit map (detect.h), 512 bytes per map word; the last 64 bytes are
 * read from a copy padded with zero bytes, which are no digits. */
int det_digit_bits(const char *text, size_t n, uint64_t *bits) {
  const unsigned char *t = (const unsigned char *)text;
  size_t nw = (n + 511) / 512, b = 0;
  memset(bits, 0, nw * sizeof *bits);
  for (; 64 * (b + 1) <= n; b++) bits[b / 8] |= (uint64_t)digit_byte(t + 64 * b) << (8 * (b % 8));
  if (64 * b < n) {
    unsigned char last[64] = {0};
    memcpy(last, t + 64 * b, n - 64 * b);
    bits[b / 8] |= (uint64_t)digit_byte(last) << (8 * (b % 8));
  }
  for (size_t w = 0; w < nw; w++)
    if (bits[w]) return 1;
  return 0;
}

/* ------------------------------------------------------------ validators */

/* Luhn (ISO/IEC 7812-1 annex B): from the right, double every second digit,
 * subtract 9 when over 9; the sum must end in 0. */
bool det_luhn_valid(const char *d, size_t n) {
  if (!d || n == 0) return false;
  unsigned sum = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned c = (unsigned char)d[n - 1 - i];
    if (!is_digit(c)) return false;
    unsigned v = c - '0';
    if (i & 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return sum % 10 == 0;
}

/* NIR (numéro d'inscription au répertoire, INSEE), 15 characters:
 *   sex 1 | year 2 | month 2 | département 2 | commune 3 | order 3 | key 2
 * key = 97 - (first 13 digits mod 97), with Corsica's "2A" read as 19 and
 * "2B" as 18 (python-stdnum stdnum/fr/nir.py, which cites INSEE and
 * xml.insee.fr/schema/nir.html).  Sex: 1/2, 3/4 and 7/8 (foreign-born
 * registrations and temporary numbers, NIA).  Month: 01-12, or the
 * conventional 20-42 and 50-99 INSEE assigns when the month is unknown;
 * 00, 13-19 and 43-49 are never issued, which rejects many random
 * 15-digit numbers whose key happens to match. */
bool det_nir_valid(const char *s, size_t n) {
  if (!s || n != 15) return false;
  if (!in_set((unsigned char)s[0], "123478")) return false;
  for (size_t i = 1; i < 15; i++) {
    if (i == 5 || i == 6) continue;
    if (!is_digit((unsigned char)s[i])) return false;
  }
  unsigned d5 = (unsigned char)s[5], d6 = up((unsigned char)s[6]);
  int corsica = d5 == '2' && (d6 == 'A' || d6 == 'B');
  if (!corsica && !(is_digit(d5) && is_digit(d6))) return false;
  if (!corsica && d5 == '0' && d6 == '0') return false;
  unsigned month = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50)) return false;
  uint64_t num = 0;
  for (size_t i = 0; i < 13; i++) {
    unsigned v;
    if (corsica && i == 5) v = 1;
    else if (corsica && i == 6) v = d6 == 'A' ? 9 : 8;
    else v = (unsigned)(s[i] - '0');
    num = num * 10 + v;
  }
  unsigned key = (unsigned)(s[13] - '0') * 10 + (unsigned)(s[14] - '0');
  return key == 97 - (unsigned)(num % 97);
}

/* INE (identifiant national élève/étudiant), 11 characters.  The Ministry
 * publishes the shapes, not the check algorithms; the five shapes below are
 * the ones government services validate (e.g. the "Santé Psy Étudiant"
 * service of beta.gouv.fr, and SIECLE/BEE exports):
 *   INE-RNIE      9 digits + 2 key letters in A-H, J, K (10 letters: a
 *                 two-digit key written as letters, I skipped)
 *   INE-BEA       10 digits + 1 key letter, A-Z without I, O, Q
 *   INE-base 36   10 characters [0-9A-Z] + 1 key digit (Apogée)
 *   INE-SIFA      4 digits + 'A' + 5 digits + 1 key letter (apprentices)
 *   provisional   4 digits + 'D' + 5 digits + 1 key letter
 * The keys cannot be verified, so this checks the shape only (see
 * docs/detectors.md); the detector compensates by requiring an "INE" label
 * next to the candidate. */
static int ine_key_letter(unsigned c) { return is_upper(c) && c != 'I' && c != 'O' && c != 'Q'; }
bool det_ine_valid(const char *s, size_t n) {
  if (!s || n != 11) return false;
  unsigned char c[11];
  size_t digits = 0;
  for (size_t i = 0; i < 11; i++) {
    c[i] = up((unsigned char)s[i]);
    if (!is_alnum(c[i])) return false;
    digits += is_digit(c[i]) != 0;
  }
  size_t lead = 0;
  while (lead < 11 && is_digit(c[lead])) lead++;
  if (lead == 9 && c[9] >= 'A' && c[9] <= 'K' && c[9] != 'I' && c[10] >= 'A' && c[10] <= 'K' && c[10] != 'I')
    return true; /* RNIE */
  if (lead == 10 && ine_key_letter(c[10])) return true; /* BEA */
  if (lead == 4 && (c[4] == 'A' || c[4] == 'D') && ine_key_letter(c[10])) {
    size_t k = 5;
    while (k < 10 && is_digit(c[k])) k++;
    if (k == 10) return true; /* SIFA, provisional */
  }
  /* base 36: a key digit after 10 alphanumerics, at least one a letter
   * (a plain 11-digit number is not an INE) */
  return is_digit(c[10]) && digits < 11;
}

/* BBAN structure per country, from the SWIFT IBAN Registry (release 101,
 * as transcribed in python-stdnum's stdnum/iban.dat): runs of <count><kind>
 * with n = digits, a = upper-case letters, c = letters or digits.  The IBAN
 * length is 4 + the sum of the counts.  Sorted by country code. */
static const struct {
  char cc[3];
  const char *bban;
} iban_tab[] = {
    {"AD", "4n4n12c"},       {"AE", "3n16n"},        {"AL", "8n16c"},         {"AT", "5n11n"},
    {"AZ", "4a20c"},         {"BA", "3n3n8n2n"},     {"BE", "3n7n2n"},        {"BG", "4a4n2n8c"},
    {"BH", "4a14c"},         {"BI", "5n5n11n2n"},    {"BR", "8n5n10n1a1c"},   {"BY", "4c4n16c"},
    {"CH", "5n12c"},         {"CR", "4n14n"},        {"CY", "3n5n16c"},       {"CZ", "4n16n"},
    {"DE", "8n10n"},         {"DJ", "5n5n11n2n"},    {"DK", "4n9n1n"},        {"DO", "4c20n"},
    {"EE", "2n14n"},         {"EG", "4n4n17n"},      {"ES", "4n4n1n1n10n"},   {"FI", "3n11n"},
    {"FK", "2a12n"},         {"FO", "4n9n1n"},       {"FR", "5n5n11c2n"},     {"GB", "4a6n8n"},
    {"GE", "2a16n"},         {"GI", "4a15c"},        {"GL", "4n9n1n"},        {"GR", "3n4n16c"},
    {"GT", "4c20c"},         {"HN", "4a20n"},        {"HR", "7n10n"},         {"HU", "3n4n1n15n1n"},
    {"IE", "4a6n8n"},        {"IL", "3n3n13n"},      {"IQ", "4a3n12n"},       {"IS", "4n2n6n10n"},
    {"IT", "1a5n5n12c"},     {"JO", "4a4n18c"},      {"KW", "4a22c"},         {"KZ", "3n13c"},
    {"LB", "4n20c"},         {"LC", "4a24c"},        {"LI", "5n12c"},         {"LT", "5n11n"},
    {"LU", "3n13c"},         {"LV", "4a13c"},        {"LY", "3n3n15n"},       {"MC", "5n5n11c2n"},
    {"MD", "2c18c"},         {"ME", "3n13n2n"},      {"MK", "3n10c2n"},       {"MN", "4n12n"},
    {"MR", "5n5n11n2n"},     {"MT", "4a5n18c"},      {"MU", "4a2n2n12n3n3a"}, {"NI", "4a20n"},
    {"NL", "4a10n"},         {"NO", "4n6n1n"},       {"OM", "3n16c"},         {"PK", "4a16c"},
    {"PL", "8n16n"},         {"PS", "4a21c"},        {"PT", "4n4n11n2n"},     {"QA", "4a21c"},
    {"RO", "4a16c"},         {"RS", "3n13n2n"},      {"RU", "9n5n15c"},       {"SA", "2n18c"},
    {"SC", "4a2n2n16n3a"},   {"SD", "2n12n"},        {"SE", "3n16n1n"},       {"SI", "5n8n2n"},
    {"SK", "4n6n10n"},       {"SM", "1a5n5n12c"},    {"SO", "4n3n12n"},       {"ST", "4n4n11n2n"},
    {"SV", "4a20n"},         {"TL", "3n14n2n"},      {"TN", "2n3n13n2n"},     {"TR", "5n1n16c"},
    {"UA", "6n19c"},         {"VA", "3n15n"},        {"VG", "4a16n"},         {"XK", "4n10n2n"},
    {"YE", "4a4n18c"},
};

/* BBAN format of a country (c0, c1 upper case), or NULL. */
static const char *iban_bban(unsigned c0, unsigned c1) {
  size_t lo = 0, hi = sizeof iban_tab / sizeof *iban_tab;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int d = (int)(unsigned char)iban_tab[mid].cc[0] - (int)c0;
    if (!d) d = (int)(unsigned char)iban_tab[mid].cc[1] - (int)c1;
    if (!d) return iban_tab[mid].bban;
    if (d < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static size_t bban_length(const char *f) {
  size_t len = 0, k = 0;
  for (; *f; f++) {
    if (is_digit((unsigned char)*f)) k = k * 10 + (size_t)(*f - '0');
    else len += k, k = 0;
  }
  return len;
}

/* IBAN length of the country that starts s (2 letters), or 0. */
static size_t iban_length(unsigned c0, unsigned c1) {
  const char *f = iban_bban(up(c0), up(c1));
  return f ? 4 + bban_length(f) : 0;
}

/* ISO 13616-1: a known country, the registry's length and BBAN structure,
 * check digits 02-98, and the whole number read with the first four
 * characters moved to the end and letters as 10..35 must be 1 mod 97.
 * Letters are accepted in either case (people type "fr76"). */
bool det_iban_valid(const char *s, size_t n) {
  if (!s || n < 5) return false;
  unsigned c0 = up((unsigned char)s[0]), c1 = up((unsigned char)s[1]);
  if (!is_upper(c0) || !is_upper(c1) || !is_digit((unsigned char)s[2]) || !is_digit((unsigned char)s[3]))
    return false;
  const char *f = iban_bban(c0, c1);
  if (!f || 4 + bban_length(f) != n) return false;
  unsigned check = (unsigned)(s[2] - '0') * 10 + (unsigned)(s[3] - '0');
  if (check < 2 || check > 98) return false;
  size_t pos = 4, k = 0;
  for (; *f; f++) {
    if (is_digit((unsigned char)*f)) {
      k = k * 10 + (size_t)(*f - '0');
      continue;
    }
    for (size_t j = 0; j < k; j++, pos++) {
      unsigned c = up((unsigned char)s[pos]);
      int ok = *f == 'n' ? is_digit(c) : *f == 'a' ? is_upper(c) : is_digit(c) || is_upper(c);
      if (!ok) return false;
    }
    k = 0;
  }
  unsigned rem = 0;
  for (size_t j = 0; j < n; j++) {
    unsigned c = up((unsigned char)s[(j + 4) % n]);
    rem = is_digit(c) ? (rem * 10 + (c - '0')) % 97 : (rem * 100 + (c - 'A' + 10)) % 97;
  }
  return rem == 1;
}

/* SIREN: 9 digits, Luhn (INSEE; python-stdnum stdnum/fr/siren.py). */
bool det_siren_valid(const char *d, size_t n) { return d && n == 9 && det_luhn_valid(d, n); }

/* SIRET: SIREN + 5-digit NIC, Luhn over the 14 digits.  La Poste's
 * establishments (SIREN 356 000 000) are numbered with "sum of the digits
 * divisible by 5" instead, except its head office 356 000 000 00048 which
 * follows Luhn (python-stdnum stdnum/fr/siret.py and its test file). */
bool det_siret_valid(const char *d, size_t n) {
  if (!d || n != 14) return false;
  for (size_t i = 0; i < n; i++)
    if (!is_digit((unsigned char)d[i])) return false;
  if (!memcmp(d, "356000000", 9) && memcmp(d, "35600000000048", 14)) {
    unsigned s = 0;
    for (size_t i = 0; i < n; i++) s += (unsigned)(d[i] - '0');
    return s % 5 == 0;
  }
  return det_luhn_valid(d, n);
}

/* ------------------------------------------------------------- emitting */

typedef struct emitter {
  det_emit_fn fn;
  void *ud;
  size_t last_end; /* spans never overlap: a start before it is dropped */
  int stop;
  const uint64_t *digits; /* det_digit_bits of the text, or NULL */
  size_t ahead;           /* digits before this were prefetched */
} emitter;

/* The first 8-byte word >= w whose bit is set in the digit map, or nw. */
static size_t map_next(const uint64_t *bits, size_t nw, size_t w) {
  if (w >= nw) return nw;
  size_t k = w / 64, nk = (nw + 63) / 64;
  uint64_t m = bits[k] & (~0ull << (w % 64));
  while (!m) {
    if (++k >= nk) return nw;
    m = bits[k];
  }
  size_t at = k * 64 + (size_t)__builtin_ctzll(m);
  return at < nw ? at : nw;
}

/* How far ahead of the scan the digits' bytes are prefetched.  In a long
 * text the detectors run one after the other, each long after the
 * prefilter's pass, and every digit run they visit was evicted from the
 * cache: a miss per run that the hardware cannot foresee and the digit map
 * can (measured on 100 MB: 5x the cycles of the same text scanned in 2 KB
 * pieces, before prefetching). */
#define PREFETCH_AHEAD 256 /* map bits: 2 KB */

/* next_digit(t, n, i), over the digit map when there is one. */
static size_t digit_from(emitter *e, const unsigned char *t, size_t n, size_t i) {
  if (!e->digits) return next_digit(t, n, i);
  size_t nw = (n + 7) / 8;
  while (i < n) {
    size_t w = map_next(e->digits, nw, i / 8);
    if (w >= nw) return n;
    while (e->ahead < nw && e->ahead < w + PREFETCH_AHEAD) {
      size_t q = map_next(e->digits, nw, e->ahead > w ? e->ahead : w);
      if (q < nw) __builtin_prefetch(t + (q ? 8 * q - 8 : 0)); /* num_start reads the bytes before */
      e->ahead = q + 8;
    }
    uint64_t x = 0;
    if (8 * w + 8 <= n) memcpy(&x, t + 8 * w, 8);
    else memcpy(&x, t + 8 * w, n - 8 * w); /* the last word, zero-padded */
    uint64_t m = digit_mask(x);
    if (8 * w < i) m &= ~0ull << (8 * (i - 8 * w));
    if (m) {
      size_t at = 8 * w + (size_t)(__builtin_ctzll(m) >> 3);
      return at < n ? at : n;
    }
    i = 8 * w + 8;
  }
  return n;
}

/* One past the digit run that holds t[i] (a digit).  No chain starts
 * inside a run (num_start wants no digit before it), and one that cannot
 * start at a run's first digit cannot at its others: the detectors skip
 * whole runs. */
static size_t run_end(const unsigned char *t, size_t n, size_t i) {
  while (i < n && is_digit(t[i])) i++;
  return i;
}

static void emit(emitter *e, size_t s, size_t end) {
  if (e->stop || s < e->last_end || end <= s) return;
  e->last_end = end;
  if (e->fn(e->ud, s, end)) e->stop = 1;
}

/* ---------------------------------------------------------- digit chains */

#define CHAIN_MAX 20
typedef struct chain {
  char sig[CHAIN_MAX + 1]; /* significant characters, letters upper-cased */
  size_t k;                /* how many */
  uint32_t seps;           /* bit j: a separator came right before sig[j] */
  size_t end;              /* offset just past sig[k-1] */
  int more;                /* the chain goes on past `max` characters */
} chain;

/* Does the separator at t[p] (between two digits) join them into one
 * number?  Not when long runs stand on both sides: people group an
 * identifier in short runs ("4242 4242 ...", "2951099126111 93"), while
 * "4242424242424242 5555555555554444" is a list of two numbers. */
static int joins(const unsigned char *t, size_t n, size_t p) {
  size_t before = 0, after = 0;
  while (before < p && before < 7 && is_digit(t[p - 1 - before])) before++;
  while (p + 1 + after < n && after < 7 && is_digit(t[p + 1 + after])) after++;
  return before < 7 || after < 7;
}

/* Read the chain of digits starting at t[i]: digits, each pair possibly
 * split by one character of `seps`.  nir: a Corsican "2A"/"2B" may stand
 * at positions 5-6.  Reads at most 2 * (max + 1) bytes. */
static void gather(const unsigned char *t, size_t n, size_t i, const char *seps, size_t max, int nir, chain *c) {
  c->k = 0, c->seps = 0, c->more = 0, c->end = i;
  while (i < n) {
    unsigned ch = t[i];
    int sig = is_digit(ch) || (nir && c->k == 6 && c->sig[5] == '2' && (up(ch) == 'A' || up(ch) == 'B'));
    if (sig) {
      if (c->k == max) {
        c->more = 1;
        break;
      }
      c->sig[c->k++] = (char)up(ch);
      c->end = ++i;
      continue;
    }
    if (c->k && in_set(ch, seps) && i + 1 < n && is_digit(t[i + 1]) && joins(t, n, i)) {
      if (c->k == max) {
        c->more = 1;
        break;
      }
      c->seps |= (uint32_t)1 << c->k;
      i++;
      continue;
    }
    break;
  }
  c->sig[c->k] = 0;
}

/* A chain may start at t[i] (a digit): not glued to a word, and not the
 * continuation of a number ("12 34", "3.14", "1,5"). */
static int num_start(const unsigned char *t, size_t n, size_t i, const char *seps) {
  if (i == 0) return 1;
  if (is_digit(t[i - 1]) || word_before(t, i)) return 0;
  if (i >= 2 && is_digit(t[i - 2]) && (in_set(t[i - 1], seps) || t[i - 1] == '.' || t[i - 1] == ',') &&
      joins(t, n, i - 1))
    return 0;
  return 1;
}

/* A chain that ended at e really ends there: no word character and no
 * decimal part follows. */
static int num_end(const unsigned char *t, size_t n, size_t e) {
  if (word_at(t, n, e)) return 0;
  if (e + 1 < n && (t[e] == '.' || t[e] == ',') && is_digit(t[e + 1])) return 0;
  return 1;
}

typedef int (*chain_check)(const chain *c);

/* The scan shared by NIR, SIREN, SIRET and cards: each chain once. */
static void scan_chains(const unsigned char *t, size_t n, emitter *e, const char *seps, size_t max, int nir,
                        chain_check ok) {
  chain c;
  for (size_t i = 0; i < n && !e->stop; i++) {
    if ((i = digit_from(e, t, n, i)) >= n) break;
    if (!num_start(t, n, i, seps)) {
      i = run_end(t, n, i) - 1;
      continue;
    }
    gather(t, n, i, seps, max, nir, &c);
    if (!c.more && num_end(t, n, c.end) && ok(&c)) emit(e, i, c.end);
    /* Positions inside the chain cannot start one: skip them. */
    if (c.end > i + 1) i = c.end - 1;
  }
}

static int nir_ok(const chain *c) { return c->k == 15 && det_nir_valid(c->sig, 15); }
static int siren_ok(const chain *c) { return det_siren_valid(c->sig, c->k); }
static int siret_ok(const chain *c) { return det_siret_valid(c->sig, c->k); }

/* Issuer ranges (IIN prefixes) and lengths of the major networks, from the
 * networks' published ranges as summarised by ISO/IEC 7812 registries and
 * e.g. Stripe's test card list: a Luhn-valid number outside them is more
 * likely an order or tracking number than a card.  Cartes Bancaires (CB)
 * cards are co-branded Visa or Mastercard and fall in those ranges. */
static int card_brand_ok(const char *d, size_t n) {
  unsigned p1 = (unsigned)(d[0] - '0');
  unsigned p2 = p1 * 10 + (unsigned)(d[1] - '0');
  unsigned p3 = p2 * 10 + (unsigned)(d[2] - '0');
  unsigned p4 = p3 * 10 + (unsigned)(d[3] - '0');
  unsigned p6 = p4 * 100 + (unsigned)(d[4] - '0') * 10 + (unsigned)(d[5] - '0');
  if (p1 == 4) return n == 13 || n == 16 || n == 19;                                   /* Visa */
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;           /* Mastercard */
  if (p2 == 34 || p2 == 37) return n == 15;                                             /* American Express */
  if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925))
    return n >= 16;                                                                     /* Discover */
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;                                         /* JCB */
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14;     /* Diners */
  if (p2 == 62 || p2 == 81) return n >= 16;                                             /* UnionPay */
  if (p4 >= 2200 && p4 <= 2204) return n >= 16;                                         /* Mir */
  if (p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 || p4 == 6759 ||
      (p4 >= 6761 && p4 <= 6763))
    return n >= 13;                                                                     /* Maestro */
  return 0;
}

static int card_ok(const chain *c) {
  return c->k >= 13 && c->k <= 19 && card_brand_ok(c->sig, c->k) && det_luhn_valid(c->sig, c->k);
}

/* --------------------------------------------------------------- phones */

/* French numbers (ARCEP plan): 10 digits "0" + [1-9] + 8, written in pairs
 * ("06 12 34 56 78", "06.12.34.56.78", "0612345678"); internationally
 * "+33" or "0033", an optional "(0)", then the 9 digits without the 0
 * ("+33 6 12 34 56 78").  Separators may only split pairs: "06 123 456 78"
 * is not how a French number is written, and accepting any grouping would
 * catch every 10-digit figure. */
#define PAIRS_NATIONAL ((1u << 2) | (1u << 4) | (1u << 6) | (1u << 8))
#define PAIRS_NSN ((1u << 1) | (1u << 3) | (1u << 5) | (1u << 7))

static int fr_national_ok(const chain *c, size_t off) {
  return c->k == off + 10 && c->sig[off] == '0' && c->sig[off + 1] >= '1' && (c->seps >> off & ~PAIRS_NATIONAL) == 0;
}
static int fr_nsn_ok(const chain *c, size_t off) {
  /* bit 0 after the shift: the separator after "0033" */
  return c->k == off + 9 && c->sig[off] >= '1' && (c->seps >> off & ~(PAIRS_NSN | 1u)) == 0;
}

/* The first digit or '+' at or after i: the digit map's next digit
 * (digit_from) against the next '+' (memchr, remembered in *plus until
 * passed; *plus == SIZE_MAX before the first search). */
static size_t digit_or_plus(emitter *e, const unsigned char *t, size_t n, size_t i, size_t *plus) {
  if (i >= n) return n;
  if (*plus == SIZE_MAX || *plus < i) {
    const unsigned char *q = memchr(t + i, '+', n - i);
    *plus = q ? (size_t)(q - t) : n;
  }
  size_t d = digit_from(e, t, n, i);
  return d < *plus ? d : *plus;
}

static void scan_phone_fr(const unsigned char *t, size_t n, emitter *e) {
  static const char seps[] = " .-";
  chain c;
  size_t plus = SIZE_MAX;
  for (size_t i = 0; i < n && !e->stop; i++) {
    if ((i = digit_or_plus(e, t, n, i, &plus)) >= n) break;
    if (t[i] == '+' && i + 3 < n && t[i + 1] == '3' && t[i + 2] == '3' && !word_before(t, i) &&
        !(i > 0 && is_digit(t[i - 1]))) {
      size_t j = i + 3;
      if (j < n && t[j] == ')' && i > 0 && t[i - 1] == '(') j++; /* "(+33) 6 ..." */
      if (j < n && in_set(t[j], seps)) j++;
      if (j + 2 < n && t[j] == '(' && t[j + 1] == '0' && t[j + 2] == ')') {
        j += 3;
        if (j < n && in_set(t[j], seps)) j++;
      }
      if (j < n && is_digit(t[j])) {
        gather(t, n, j, seps, 10, 0, &c);
        /* "+33 06 12 ..." keeps its trunk 0 by mistake, often enough */
        if (!c.more && num_end(t, n, c.end) && (fr_nsn_ok(&c, 0) || fr_national_ok(&c, 0))) {
          emit(e, i, c.end);
          i = c.end - 1;
        } else if (c.end > j) {
          i = c.end - 1;
        }
      }
      continue;
    }
    if (t[i] != '0' || !num_start(t, n, i, seps)) {
      if (is_digit(t[i])) i = run_end(t, n, i) - 1; /* not a '+' of another country */
      continue;
    }
    gather(t, n, i, seps, 13, 0, &c);
    int ok = 0;
    if (!c.more && num_end(t, n, c.end)) {
      if (c.k == 10) ok = fr_national_ok(&c, 0);
      else if (c.k == 13 && !memcmp(c.sig, "0033", 4)) /* 0033, maybe "00 33" */
        ok = fr_nsn_ok(&c, 4) && (c.seps & ~((1u << 2) | (1u << 4) | PAIRS_NSN << 4)) == 0;
    }
    if (ok) emit(e, i, c.end);
    if (c.end > i + 1) i = c.end - 1;
  }
}

/* E.164 (ITU-T): '+', a country code not starting with 0, at most 15
 * digits in all.  Groups may be split by one of " .-", the area code may
 * be in parentheses, and a national trunk prefix "(0)" is not a digit of
 * the number ("+44 (0)20 7946 0958").  7 digits at least: shorter
 * international numbers do not reach a person. */
static void scan_phone(const unsigned char *t, size_t n, emitter *e) {
  static const char seps[] = " .-";
  for (size_t i = 0; i + 1 < n && !e->stop; i++) {
    const unsigned char *plus = memchr(t + i, '+', n - 1 - i);
    if (!plus) break;
    i = (size_t)(plus - t);
    if (!is_digit(t[i + 1]) || t[i + 1] == '0') continue;
    if (i > 0 && (word_before(t, i) || is_digit(t[i - 1]))) continue;
    size_t j = i + 1, end = j, digits = 0, groups = 0, glen = 0, all3 = 1;
    int too_long = 0;
    char last3[3] = {0, 0, 0};
    while (j < n) {
      unsigned ch = t[j];
      if (is_digit(ch)) {
        if (++digits > 15) {
          too_long = 1;
          break;
        }
        if (glen == 0) groups++;
        glen++;
        last3[0] = last3[1], last3[1] = last3[2], last3[2] = (char)ch;
        end = ++j;
        continue;
      }
      if (glen > 0 || (j > 0 && t[j - 1] == ')')) {
        /* a group ends: remember whether all groups after the first have
         * exactly 3 digits (a thousands grouping, see below) */
        if (glen > 0 && groups > 1 && glen != 3) all3 = 0;
        if (in_set(ch, seps) && j + 1 < n && (is_digit(t[j + 1]) || t[j + 1] == '(')) {
          glen = 0;
          j++;
          continue;
        }
      }
      if (ch == '(' && digits > 0) {
        size_t m = j + 1, d = 0;
        while (m < n && is_digit(t[m]) && d < 5) m++, d++;
        if (d == 0 || d > 4 || m >= n || t[m] != ')') break;
        if (!(d == 1 && t[j + 1] == '0')) { /* "(0)" is the trunk prefix */
          if (digits + d > 15) {
            too_long = 1;
            break;
          }
          digits += d;
          groups++;
        }
        glen = 0;
        end = j = m + 1;
        if (j < n && in_set(t[j], seps) && j + 1 < n && is_digit(t[j + 1])) j++;
        continue;
      }
      break;
    }
    if (glen > 0 && groups > 1 && glen != 3) all3 = 0;
    /* "+15 000 000" and "+2 500 000" are amounts, not phones: every group
     * after the first has 3 digits and the last one is 000. */
    int amount = groups >= 3 && all3 && !memcmp(last3, "000", 3);
    if (!too_long && digits >= 7 && !amount && num_end(t, n, end)) {
      emit(e, i, end);
      i = end - 1;
    } else if (end > i + 1) {
      i = end - 1;
    }
  }
}

/* --------------------------------------------------------------- e-mail */

/* Local part: RFC 5322 dot-atoms restricted to what people type and
 * what does not run into surrounding punctuation. */
static int email_local(unsigned c) { return is_alnum(c) || in_set(c, "._%+-'"); }

/* Letters allowed in an internationalised domain label (RFC 5890): the
 * Latin, Greek and Cyrillic letters above plus the main other scripts. */
static int idn_letter(uint32_t cp) {
  return is_letter_cp(cp) || (cp >= 0x590 && cp <= 0x6ff) || (cp >= 0x3040 && cp <= 0x30ff) ||
         (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af);
}

static void scan_email(const unsigned char *t, size_t n, emitter *e) {
  size_t floor = 0; /* never read left of the previous '@': linear */
  for (size_t i = 0; i < n && !e->stop; i++) {
    const unsigned char *at = memchr(t + i, '@', n - i);
    if (!at) break;
    i = (size_t)(at - t);
    size_t s = i;
    while (s > floor && i - s < 64 && email_local(t[s - 1])) {
      if (t[s - 1] == '.' && s >= 2 && s - 1 > floor && t[s - 2] == '.') break; /* "voir...jean@" */
      s--;
    }
    floor = i + 1;
    while (s < i && (t[s] == '.' || t[s] == '\'' || t[s] == '-')) s++;
    if (s == i || t[i - 1] == '.' || word_before(t, s)) continue;
    /* Domain: labels of letters, digits and '-', separated by dots. */
    size_t d = i + 1, end = d, label = 0, labels = 0, tld_start = d;
    int ok = 1, tld_alpha = 1;
    while (end < n && end - d < 253) {
      unsigned c = t[end];
      uint32_t cp = c;
      size_t k = 1;
      if (c >= 0x80) {
        k = norm_decode(t + end, n - end, &cp);
        if (!k || !idn_letter(cp)) break;
      } else if (c == '.') {
        if (label == 0 || t[end - 1] == '-') {
          ok = end + 1 < n && word_at(t, n, end + 1) ? 0 : ok; /* "a..b" */
          break;
        }
        if (!(end + 1 < n && (is_alnum(t[end + 1]) || t[end + 1] >= 0x80))) break; /* sentence end */
        labels++;
        label = 0;
        tld_start = end + 1;
        tld_alpha = 1;
        end++;
        continue;
      } else if (!(is_alnum(c) || c == '-')) {
        break;
      }
      if (label == 0 && c == '-') {
        ok = 0;
        break;
      }
      if (!(c >= 0x80 || is_alpha(c))) tld_alpha = 0;
      label += k;
      end += k;
    }
    while (end > tld_start && t[end - 1] == '-') end--, tld_alpha = 0;
    size_t tld_len = end - tld_start;
    int punycode = tld_len > 4 && !memcmp(t + tld_start, "xn--", 4);
    if (!ok || labels == 0 || tld_len < 2 || (!tld_alpha && !punycode) || label > 63) continue;
    if (word_at(t, n, end)) continue;
    emit(e, s, end);
    floor = end;
    i = end - 1;
  }
}

/* --------------------------------------------------------------- IBAN */

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
  size_t want = iban_length(t[i], t[i + 1]);
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
static void scan_iban(const unsigned char *t, size_t n, emitter *e) {
  char sig[40];
  size_t tried = 0; /* every start below this was tried or is covered */
  for (size_t p = 2; p + 1 < n && !e->stop; p++) {
    if ((p = digit_from(e, t, n, p)) + 1 >= n) break;
    if (!is_digit(t[p + 1])) continue;
    for (size_t back = 3; back >= 2; back--) {
      if (p < back) continue;
      size_t i = p - back;
      if (i < tried || i + 4 >= n) continue;
      if (back == 3 && !in_set(t[p - 1], iban_seps)) continue;
      tried = i + 1;
      size_t end = iban_at(t, n, i, sig);
      if (end) {
        emit(e, i, end);
        tried = end;
        p = end - 1 > p ? end - 1 : p;
        break;
      }
    }
    /* the check digits start a run: from the run's other digits, both
     * starts fail (t[p - 1] is a digit, no separator, no letter) */
    if (is_digit(t[p]) && p + 1 < n && is_digit(t[p + 1])) p = run_end(t, n, p) - 1;
  }
}

/* ---------------------------------------------------------------- INE */

/* ASCII case-insensitive: does t[p..p+len) equal the lower-case w? */
static int ieq(const unsigned char *t, size_t n, size_t p, const char *w, size_t len) {
  if (p + len > n) return 0;
  for (size_t k = 0; k < len; k++) {
    unsigned c = t[p + k];
    if ((is_upper(c) ? c + 32 : c) != (unsigned char)w[k]) return 0;
  }
  return 1;
}

/* An "INE" label (a whole word, any case) or "identifiant national" in the
 * 48 bytes before a candidate: "INE : ...", "n° INE ...", "INE-BEA ...". */
static int ine_label_before(const unsigned char *t, size_t n, size_t i) {
  size_t from = i > 48 ? i - 48 : 0;
  for (size_t p = from; p + 3 <= i; p++) {
    if (ieq(t, n, p, "ine", 3) && !word_before(t, p) && !word_at(t, n, p + 3)) return 1;
    if (p + 20 <= i && ieq(t, n, p, "identifiant national", 20)) return 1;
  }
  return 0;
}

/* The 11-character token at t[i] (a token start) if it is a valid INE, or
 * 0; *next receives the end of the token. */
static size_t ine_at(const unsigned char *t, size_t n, size_t i, size_t *next) {
  size_t end = i;
  while (end < n && is_alnum(t[end]) && end - i < 12) end++;
  size_t ok = end - i == 11 && !word_at(t, n, end) && det_ine_valid((const char *)t + i, 11) ? end : 0;
  while (end < n && is_alnum(t[end])) end++;
  *next = end;
  return ok;
}

/* An INE counts only after its label (ine_label_before), so the scan looks
 * for labels and tries only the tokens that start within 48 bytes after
 * one, each once, in order; ine_label_before still decides. */
static int ine_label_at(const unsigned char *t, size_t n, size_t p) {
  return (ieq(t, n, p, "ine", 3) && !word_before(t, p) && !word_at(t, n, p + 3)) ||
         ieq(t, n, p, "identifiant national", 20);
}

/* The tokens after a label at p, each once (*tried moves past them). */
static void ine_after_label(const unsigned char *t, size_t n, size_t p, size_t *tried, emitter *e) {
  size_t from = p + 3 > *tried ? p + 3 : *tried, to = p + 48 < n ? p + 48 : n;
  for (size_t i = from; i <= to && i < n && !e->stop; i++) {
    if (!is_alnum(t[i]) || word_before(t, i)) continue;
    size_t next, end = ine_at(t, n, i, &next);
    if (end && ine_label_before(t, n, i)) emit(e, i, end);
    i = next - 1;
    *tried = next;
  }
  if (*tried < to + 1) *tried = to + 1;
}

static void scan_ine(const unsigned char *t, size_t n, emitter *e) {
  size_t tried = 0; /* tokens starting below this were tried */
  for (size_t p = 0; p + 3 <= n && !e->stop; p++)
    if ((t[p] | 32) == 'i' && ine_label_at(t, n, p)) ine_after_label(t, n, p, &tried, e);
}

/* ------------------------------------------------------------ API keys */

enum { CS_ALNUM, CS_TOKEN, CS_B32, CS_ALPHA, CS_WORD, CS_DOTTOKEN };

static int in_cs(int cs, unsigned c) {
  switch (cs) {
  case CS_ALNUM: return is_alnum(c);
  case CS_TOKEN: return is_alnum(c) || c == '_' || c == '-';
  case CS_B32: return is_upper(c) || (c >= '2' && c <= '7');
  case CS_ALPHA: return is_alpha(c);
  case CS_WORD: return is_alnum(c) || c == '_';
  default: return is_alnum(c) || c == '_' || c == '-' || c == '.';
  }
}

/* Providers' key formats, as the gitleaks rules (cmd/generate/config/rules
 * in gitleaks/gitleaks) and detect-secrets plugins describe them: a fixed
 * prefix, then a body in a given alphabet and length range.  Longer
 * prefixes come first where one prefix extends another (sk-ant- before
 * sk-).  Mistral AI keys have no distinctive prefix (32 random
 * characters) and are not detected: a bare 32-character token is as likely
 * a hash or an identifier. */
static const struct {
  const char *prefix;
  unsigned char cs, min, max; /* body alphabet and length (max 255) */
  unsigned char mixed;        /* body must mix letters and digits */
} api_keys[] = {
    {"sk-ant-", CS_TOKEN, 40, 255, 1},     /* Anthropic (api03, admin01) */
    {"sk-proj-", CS_TOKEN, 40, 255, 1},    /* OpenAI project key */
    {"sk-svcacct-", CS_TOKEN, 40, 255, 1}, /* OpenAI service account */
    {"sk-admin-", CS_TOKEN, 40, 255, 1},   /* OpenAI admin key */
    {"sk-", CS_ALNUM, 32, 200, 1},         /* OpenAI legacy: sk- + 48 */
    {"sk_live_", CS_ALNUM, 10, 255, 1},    /* Stripe secret / restricted */
    {"sk_test_", CS_ALNUM, 10, 255, 1},
    {"sk_prod_", CS_ALNUM, 10, 255, 1},
    {"rk_live_", CS_ALNUM, 10, 255, 1},
    {"rk_test_", CS_ALNUM, 10, 255, 1},
    {"rk_prod_", CS_ALNUM, 10, 255, 1},
    {"AKIA", CS_B32, 16, 16, 0},           /* AWS access key ids */
    {"ASIA", CS_B32, 16, 16, 0},
    {"ABIA", CS_B32, 16, 16, 0},
    {"ACCA", CS_B32, 16, 16, 0},
    {"ghp_", CS_ALNUM, 36, 36, 0},         /* GitHub */
    {"gho_", CS_ALNUM, 36, 36, 0},
    {"ghu_", CS_ALNUM, 36, 36, 0},
    {"ghs_", CS_ALNUM, 36, 36, 0},
    {"ghr_", CS_ALNUM, 36, 36, 0},
    {"github_pat_", CS_WORD, 60, 255, 0},  /* 22 + '_' + 59 today */
    {"glpat-", CS_DOTTOKEN, 20, 255, 0},   /* GitLab personal, deploy, runner */
    {"gldt-", CS_TOKEN, 20, 255, 0},
    {"glrt-", CS_TOKEN, 20, 255, 0},
    {"AIza", CS_TOKEN, 35, 35, 0},         /* Google API key */
    {"xoxb-", CS_TOKEN, 10, 255, 1},       /* Slack bot, user, app... */
    {"xoxp-", CS_TOKEN, 10, 255, 1},
    {"xoxa-", CS_TOKEN, 10, 255, 1},
    {"xoxr-", CS_TOKEN, 10, 255, 1},
    {"xoxs-", CS_TOKEN, 10, 255, 1},
    {"xoxe-", CS_TOKEN, 10, 255, 1},
    {"xoxo-", CS_TOKEN, 10, 255, 1},
    {"xapp-", CS_TOKEN, 20, 255, 1},
    {"pplx-", CS_ALNUM, 48, 48, 1},        /* Perplexity */
    {"hf_", CS_ALPHA, 34, 34, 0},          /* Hugging Face */
    {"api_org_", CS_ALPHA, 34, 34, 0},
};

static int token_char(unsigned c) { return is_alnum(c) || c == '_' || c == '-'; }

/* Too few distinct characters for a random key: "ghp_xxxx...",
 * "AIzaaaaa..." (gitleaks lists these as false positives). */
static int looks_random(const unsigned char *b, size_t len) {
  unsigned char seen[128] = {0};
  size_t distinct = 0;
  for (size_t k = 0; k < len; k++)
    if (b[k] < 128 && !seen[b[k]]++) distinct++;
  return distinct >= 6 || (len < 12 && distinct >= 4);
}

/* JWT (RFC 7519): base64url("{\"...") = "eyJ...", header '.' payload, and an
 * optional '.' signature.  The header must decode to a JSON object naming
 * "alg" or "typ" — "eyJ" alone is too weak (detect-secrets' jwt tests list
 * "eyJAAAA.eyJBBB" as not a token). */
static int b64url_val(unsigned c) {
  if (is_upper(c)) return (int)(c - 'A');
  if (is_lower(c)) return (int)(c - 'a' + 26);
  if (is_digit(c)) return (int)(c - '0' + 52);
  return c == '-' ? 62 : c == '_' ? 63 : -1;
}
static int jwt_header_ok(const unsigned char *s, size_t len) {
  char out[400] = {0}; /* zeroed: cppcheck cannot see that o >= 8 implies written bytes */
  size_t o = 0;
  unsigned acc = 0, bits = 0;
  for (size_t k = 0; k < len && o < sizeof out; k++) {
    int v = b64url_val(s[k]);
    if (v < 0) return 0;
    acc = (acc << 6 | (unsigned)v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (char)(acc >> bits & 0xff);
    }
  }
  /* a whole JSON object of printable ASCII: a cut or random header fails */
  while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\n' || out[o - 1] == '\r' || out[o - 1] == '\t')) o--;
  if (o < 8 || out[0] != '{' || out[o - 1] != '}') return 0;
  for (size_t k = 0; k < o; k++) {
    unsigned char b = (unsigned char)out[k];
    if ((b < 0x20 && b != '\n' && b != '\r' && b != '\t') || b > 0x7e) return 0;
  }
  for (size_t k = 0; k + 5 <= o; k++)
    if (!memcmp(out + k, "\"alg\"", 5) || !memcmp(out + k, "\"typ\"", 5)) return 1;
  return 0;
}
static size_t jwt_at(const unsigned char *t, size_t n, size_t i) {
  size_t j = i;
  while (j < n && b64url_val(t[j]) >= 0 && j - i < 2048) j++;
  size_t hlen = j - i;
  if (hlen < 16 || hlen > 530 || j + 4 >= n || t[j] != '.' || memcmp(t + j + 1, "eyJ", 3)) return 0;
  if (!jwt_header_ok(t + i, hlen)) return 0;
  size_t p = j + 1;
  j = p;
  while (j < n && b64url_val(t[j]) >= 0) j++;
  if (j - p < 16) return 0;
  if (j + 1 < n && t[j] == '.' && b64url_val(t[j + 1]) >= 0) {
    size_t q = ++j;
    while (j < n && b64url_val(t[j]) >= 0) j++;
    if (j - q < 10) j = q - 1; /* too short to be a signature: stop before '.' */
  }
  if (j < n && token_char(t[j])) return 0;
  return j;
}

/* A filter of the two-byte beginnings a detector looks for at a word
 * start: 4,096 bits indexed by a hash of the pair.  Most words begin with
 * a pair not in it and are skipped whole (a collision only costs the full
 * test). */
#define PAIR_BIT(a, b) ((((unsigned)(a) * 131u) ^ (unsigned)(b)) & 4095u)
static void pair_add(uint8_t *set, unsigned a, unsigned b) { set[PAIR_BIT(a, b) >> 3] |= (uint8_t)(1u << (PAIR_BIT(a, b) & 7)); }
static int pair_has(const uint8_t *set, unsigned a, unsigned b) { return set[PAIR_BIT(a, b) >> 3] >> (PAIR_BIT(a, b) & 7) & 1; }

/* The key or token starting at t[i] (a letter at a token start), or 0:
 * its end. */
static size_t api_key_at(const unsigned char *t, size_t n, size_t i) {
  unsigned c = t[i];
  size_t end = 0;
  if (c == 'e' && i + 3 < n && t[i + 1] == 'y' && t[i + 2] == 'J') end = jwt_at(t, n, i);
  for (size_t k = 0; !end && k < sizeof api_keys / sizeof *api_keys; k++) {
    const char *pre = api_keys[k].prefix;
    if ((unsigned char)pre[0] != c) continue; /* cheap test first: this runs at every word */
    size_t pl = strlen(pre);
    if (i + pl > n || memcmp(t + i, pre, pl)) continue;
    size_t b = i + pl, j = b, digits = 0, letters = 0;
    while (j < n && in_cs(api_keys[k].cs, t[j]) && j - b <= api_keys[k].max) {
      digits += is_digit(t[j]) != 0;
      letters += is_alpha(t[j]) != 0;
      j++;
    }
    size_t len = j - b;
    if (len < api_keys[k].min || len > api_keys[k].max) break; /* a longer prefix never follows */
    if (j < n && (token_char(t[j]) || in_cs(api_keys[k].cs, t[j]))) break;
    if (api_keys[k].mixed && (!digits || !letters)) break;
    if (!looks_random(t + b, len)) break;
    end = j;
  }
  return end;
}

static int api_key_start(const unsigned char *t, size_t i) { return is_alpha(t[i]) && !(i > 0 && token_char(t[i - 1])); }

static void scan_api_key(const unsigned char *t, size_t n, emitter *e) {
  uint8_t pairs[512] = {0};
  pair_add(pairs, 'e', 'y'); /* JWT */
  for (size_t k = 0; k < sizeof api_keys / sizeof *api_keys; k++)
    pair_add(pairs, (unsigned char)api_keys[k].prefix[0], (unsigned char)api_keys[k].prefix[1]);
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (!api_key_start(t, i)) continue;
    size_t end = i + 1 < n && pair_has(pairs, t[i], t[i + 1]) ? api_key_at(t, n, i) : 0;
    if (end) {
      emit(e, i, end);
      i = end - 1;
    } else {
      /* skip the rest of this token: no key starts inside it */
      while (i + 1 < n && token_char(t[i + 1])) i++;
    }
  }
}

/* ---------------------------------------------------------- private keys */

/* PEM (RFC 7468) and OpenSSH private keys: "-----BEGIN <label>PRIVATE
 * KEY-----" (RSA, EC, DSA, OPENSSH, ENCRYPTED or none; "PGP PRIVATE KEY
 * BLOCK" for OpenPGP), through the END line.  A pasted key often loses its
 * END line or its newlines: the span then runs over the base64 body and its
 * RFC 1421 headers (Proc-Type, DEK-Info) up to the first other character. */
static size_t pem_begin(const unsigned char *t, size_t n, size_t i) {
  static const char begin[] = "-----BEGIN ";
  size_t bl = sizeof begin - 1;
  if (i + bl > n || memcmp(t + i, begin, bl)) return 0;
  size_t j = i + bl;
  while (j < n && j - i < 80 && (is_upper(t[j]) || is_digit(t[j]) || t[j] == ' ' || t[j] == '_' || t[j] == '-') &&
         !(t[j] == '-' && j + 5 <= n && !memcmp(t + j, "-----", 5)))
    j++;
  if (j + 5 > n || memcmp(t + j, "-----", 5)) return 0;
  size_t lab = j - (i + bl);
  int ok = (lab >= 11 && !memcmp(t + j - 11, "PRIVATE KEY", 11)) ||
           (lab >= 17 && !memcmp(t + j - 17, "PRIVATE KEY BLOCK", 17));
  return ok ? j + 5 : 0;
}

/* What a line of a PEM block is, trimmed of blanks: 0 empty, 1 an RFC 1421
 * header ("Proc-Type: 4,ENCRYPTED"), 2 base64 body, -1 anything else.  A
 * key flattened onto one line (newlines became spaces) is body when its
 * first chunk is long: prose after a truncated key is not. */
static int pem_line(const unsigned char *t, size_t s, size_t e) {
  while (s < e && (t[s] == ' ' || t[s] == '\t' || t[s] == '\r')) s++;
  while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r')) e--;
  if (s == e) return 0;
  size_t k = s;
  while (k < e && (is_alpha(t[k]) || t[k] == '-')) k++;
  if (k > s && k < e && t[k] == ':') return 1;
  size_t chunk = 0, first = 0, spaces = 0;
  for (k = s; k < e; k++) {
    unsigned c = t[k];
    if (c == ' ' || c == '\t') {
      if (!spaces++) first = chunk;
      chunk = 0;
      continue;
    }
    if (!(is_alnum(c) || c == '+' || c == '/' || c == '=')) return -1;
    chunk++;
  }
  return !spaces || first >= 16 ? 2 : -1;
}

/* A key whose BEGIN line starts at i: emitted, and its end returned; 0
 * when none starts there. */
static size_t private_key_at(const unsigned char *t, size_t n, size_t i, emitter *e) {
  size_t k = pem_begin(t, n, i);
  if (!k) return 0;
  size_t end = k;
  int body = 0;
  while (k < n) {
    size_t le = k, dash = 0;
    /* stop at the first "-----": reading on would let many markers on
     * one long line be read once per marker */
    while (le < n && t[le] != '\n') {
      if (t[le] == '-' && le + 5 <= n && !memcmp(t + le, "-----", 5)) {
        dash = le + 1;
        break;
      }
      le++;
    }
    size_t stop = dash ? dash - 1 : le;
    int kind = pem_line(t, k, stop);
    if (kind < 0 || (kind == 1 && body) || (kind == 0 && body && !dash)) break;
    if (kind == 2) {
      body = 1;
      end = stop;
      while (end > k && (t[end - 1] == ' ' || t[end - 1] == '\r' || t[end - 1] == '\t')) end--;
    }
    if (dash) {
      size_t d = dash - 1;
      if (d + 9 <= n && !memcmp(t + d, "-----END ", 9)) {
        size_t m = d + 9;
        while (m < n && m - d < 100 && t[m] != '\n' && !(t[m] == '-' && m + 5 <= n && !memcmp(t + m, "-----", 5)))
          m++;
        end = m + 5 <= n && !memcmp(t + m, "-----", 5) ? m + 5 : m;
        while (end > d && (t[end - 1] == '\r' || t[end - 1] == ' ')) end--;
      }
      break; /* END line, or the next block begins */
    }
    k = le + 1;
  }
  emit(e, i, end);
  return end;
}

static void scan_private_key(const unsigned char *t, size_t n, emitter *e) {
  for (size_t i = 0; i < n && !e->stop; i++) {
    const unsigned char *hy = memchr(t + i, '-', n - i);
    if (!hy) break;
    i = (size_t)(hy - t);
    size_t end = private_key_at(t, n, i, e);
    if (end > i + 1) i = end - 1;
  }
}

/* ------------------------------------------------------------ passwords */

/* Keywords that introduce a password, lower case (compared ASCII
 * case-insensitively on the clean view).  "pass" alone only counts in the
 * config form "pass=...": in prose it is a ticket ("pass Navigo : 86€"). */
static const struct {
  const char *kw;
  unsigned char strong_only;
} pw_keywords[] = {
    {"password", 0}, {"passwd", 0},       {"passphrase", 0},  {"passcode", 0},  {"pwd", 0},
    {"mot de passe", 0}, {"mot-de-passe", 0}, {"motdepasse", 0}, {"mdp", 0}, {"passwort", 0},
    {"kennwort", 0}, {"contrase\xc3\xb1" "a", 0}, {"pass", 1},
};

/* Values that say there is no password here. */
static int pw_stopword(const unsigned char *v, size_t len) {
  static const char *const stop[] = {"none", "null", "nil", "true", "false", "undefined", "empty", "required",
                                     "optional", "hidden", "redacted", "password", "secret", "example", "n/a",
                                     "oublie", "oublié", "perdu", "incorrect", "invalid", "invalide", "changed"};
  for (size_t k = 0; k < sizeof stop / sizeof *stop; k++)
    if (strlen(stop[k]) == len && ieq(v, len, 0, stop[k], len)) return 1;
  return 0;
}

/* Is v[0..len) a plausible password?  strong: written as an assignment
 * ("password=...", "pwd := ...", a quoted value), where any non-trivial
 * value counts.  Otherwise prose ("mot de passe : ...", "password is
 * ..."), where an ordinary word ("oublié", "voir", "incorrect") is far
 * more likely than a password, so the value must contain a digit or a
 * symbol, or mix cases inside the word. */
static int pw_value_ok(const unsigned char *v, size_t len, int strong, int quoted) {
  if (len < 4 || len > 128 || pw_stopword(v, len)) return 0;
  /* placeholders, variables and masks: <password>, ${PW}, %PW%, (voir...) */
  if (!quoted && (in_set(v[0], "<{$%[(*#") || v[0] == '.')) return 0;
  if (quoted && (v[0] == '<' || (v[0] == '$' && len > 1 && v[1] == '{'))) return 0;
  int digit = 0, lower = 0, upper_inside = 0, upper = 0, sym = 0, same = 1;
  for (size_t k = 0; k < len; k++) {
    unsigned c = v[k];
    if (c != v[0]) same = 0;
    if (is_digit(c)) digit = 1;
    else if (is_lower(c)) lower = 1;
    else if (is_upper(c)) upper = 1, upper_inside |= k > 0;
    else if (c < 0x80) sym = 1;
    if (!quoted && (c == '(' || c == '[')) return 0; /* code: getenv("X"), cfg["pw"] */
  }
  if (same) return 0; /* "xxxx", "****" */
  if (strong) return 1;
  return digit || sym || (upper_inside && lower) || (upper && !lower && len >= 6 && digit);
}

/* The password introduced by a keyword at t[i] (a letter at a word
 * start), or 0; its span in *vs..return value. */
static size_t password_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  unsigned lc = is_upper(t[i]) ? t[i] + 32u : t[i];
  for (size_t k = 0; k < sizeof pw_keywords / sizeof *pw_keywords; k++) {
    const char *kw = pw_keywords[k].kw;
    if ((unsigned char)kw[0] != lc) continue; /* cheap test first: this runs at every word */
    size_t l = strlen(kw);
    if (!ieq(t, n, i, kw, l)) continue;
    size_t j = i + l;
    if (j < n && is_alnum(t[j])) continue;
    if (j < n && (t[j] == '"' || t[j] == '\'')) j++; /* JSON / dict key */
    while (j < n && (t[j] == ' ' || t[j] == '\t') && j - i - l < 8) j++;
    int strong;
    if (j + 1 < n && t[j] == ':' && t[j + 1] == '=') j += 2, strong = 1;
    else if (j + 1 < n && t[j] == '=' && t[j + 1] == '>') j += 2, strong = 1;
    else if (j < n && t[j] == '=') j++, strong = 1;
    else if (j < n && t[j] == ':') j++, strong = 0;
    else if (ieq(t, n, j, "is ", 3)) j += 3, strong = 0;
    else if (ieq(t, n, j, "est ", 4)) j += 4, strong = 0;
    else if (ieq(t, n, j, "c'est ", 6)) j += 6, strong = 0;
    else continue;
    if (pw_keywords[k].strong_only && !strong) continue;
    /* "password=x" glued is config; "password = x" too */
    while (j < n && (t[j] == ' ' || t[j] == '\t')) j++;
    unsigned q = j < n && (t[j] == '"' || t[j] == '\'' || t[j] == '`') ? t[j] : 0;
    size_t s = q ? j + 1 : j, m = s;
    if (q) {
      while (m < n && t[m] != q && t[m] != '\n' && m - s <= 128) m++;
      if (m >= n || t[m] != q) continue; /* unterminated: not a value */
    } else {
      while (m < n && t[m] > ' ' && m - s <= 128) m++;
    }
    size_t end = m;
    if (!q)
      while (end > s && in_set(t[end - 1], ".,;)\"'")) end--;
    if (pw_value_ok(t + s, end - s, strong || q, q != 0)) {
      *vs = s;
      return end;
    }
    return 0;
  }
  return 0;
}

static int password_start(const unsigned char *t, size_t i) { return is_alpha(t[i]) && !(i > 0 && is_alnum(t[i - 1])); }

static void scan_password(const unsigned char *t, size_t n, emitter *e) {
  uint8_t pairs[512] = {0}; /* keywords' first two letters, lower case */
  for (size_t k = 0; k < sizeof pw_keywords / sizeof *pw_keywords; k++)
    pair_add(pairs, (unsigned char)pw_keywords[k].kw[0], (unsigned char)pw_keywords[k].kw[1]);
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (!password_start(t, i)) continue;
    unsigned c = t[i], lc = is_upper(c) ? c + 32 : c;
    if (i + 1 >= n || !pair_has(pairs, lc, is_upper(t[i + 1]) ? t[i + 1] + 32u : t[i + 1])) {
      while (i + 1 < n && is_alnum(t[i + 1])) i++; /* the rest of the word */
      continue;
    }
    size_t vs, end = password_at(t, n, i, &vs);
    if (end) {
      emit(e, vs, end);
      i = end - 1;
    }
  }
}

/* ----------------------------------------------------------- dispatch */

void det_scan(int id, const char *text, size_t len, det_emit_fn fn, void *ud) { det_scan_bits(id, text, len, NULL, fn, ud); }

void det_scan_bits(int id, const char *text, size_t len, const uint64_t *digits, det_emit_fn fn, void *ud) {
  if (!text || !fn) return;
  const unsigned char *t = (const unsigned char *)text;
  emitter e = {fn, ud, 0, 0, digits, 0};
  switch (id) {
  case DET_EMAIL: scan_email(t, len, &e); break;
  case DET_PHONE_FR: scan_phone_fr(t, len, &e); break;
  case DET_PHONE: scan_phone(t, len, &e); break;
  case DET_NIR: scan_chains(t, len, &e, " .-", 15, 1, nir_ok); break;
  case DET_INE: scan_ine(t, len, &e); break;
  case DET_IBAN: scan_iban(t, len, &e); break;
  case DET_CARD: scan_chains(t, len, &e, " -", 19, 0, card_ok); break;
  case DET_SIREN: scan_chains(t, len, &e, " .", 9, 0, siren_ok); break;
  case DET_SIRET: scan_chains(t, len, &e, " .", 14, 0, siret_ok); break;
  case DET_API_KEY: scan_api_key(t, len, &e); break;
  case DET_PRIVATE_KEY: scan_private_key(t, len, &e); break;
  case DET_PASSWORD: scan_password(t, len, &e); break;
  default: break;
  }
}

/* Triggers come from the very tables the detectors test, folded as the
 * prefilter folds text (lower case, accents dropped), so every place a
 * detector can fire holds one: a keyword, a key prefix, a label.  The
 * flags say what the detector then requires around it. */
size_t det_trigger(int id, size_t k, char *buf, unsigned *flags) {
  const char *w = NULL;
  static const char *const ine_labels[] = {"ine", "identifiant national"};
  *flags = 0;
  switch (id) {
  case DET_PASSWORD: /* password_start, and no letter or digit after the keyword */
    if (k < sizeof pw_keywords / sizeof *pw_keywords) w = pw_keywords[k].kw, *flags = DET_TRIG_START | DET_TRIG_END;
    break;
  case DET_API_KEY: /* api_key_start */
    if (k < sizeof api_keys / sizeof *api_keys) w = api_keys[k].prefix;
    else if (k == sizeof api_keys / sizeof *api_keys) w = "eyJ"; /* JWT */
    *flags = DET_TRIG_START;
    break;
  case DET_PRIVATE_KEY: /* pem_begin */
    if (k == 0) w = "-----BEGIN ";
    break;
  case DET_INE: /* "ine" is a whole word; "identifiant national" may stand anywhere */
    if (k < sizeof ine_labels / sizeof *ine_labels) w = ine_labels[k], *flags = k ? 0 : DET_TRIG_START | DET_TRIG_END;
    break;
  default: break;
  }
  return w ? norm_fold_str(w, strlen(w), buf) : 0;
}

void det_scan_at(int id, const char *text, size_t len, const uint32_t *pos, size_t npos, det_emit_fn fn, void *ud) {
  if (!text || !fn) return;
  const unsigned char *t = (const unsigned char *)text;
  emitter e = {fn, ud, 0, 0, NULL, 0};
  size_t tried = 0; /* INE: tokens starting below this were tried */
  for (size_t k = 0; k < npos && !e.stop; k++) {
    size_t i = pos[k], vs, end;
    if (i >= len || (k && pos[k - 1] == i)) continue;
    switch (id) {
    case DET_PASSWORD: /* the whole scan resumes after a value: so do we */
      if (i >= e.last_end && password_start(t, i) && (end = password_at(t, len, i, &vs))) emit(&e, vs, end);
      break;
    case DET_API_KEY:
      if (i >= e.last_end && api_key_start(t, i) && (end = api_key_at(t, len, i))) emit(&e, i, end);
      break;
    case DET_INE:
      if (i + 3 <= len && ine_label_at(t, len, i)) ine_after_label(t, len, i, &tried, &e);
      break;
    case DET_PRIVATE_KEY: /* the whole scan resumes after a key */
      if (i >= e.last_end) private_key_at(t, len, i, &e);
      break;
    default: det_scan(id, text, len, fn, ud); return;
    }
  }
}
