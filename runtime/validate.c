/*
 * validate.c — the checksums and structures that decide whether a
 * candidate identifier is one (detect.h): Luhn and issuer ranges for cards, SIREN and SIRET,
 * the NIR key, the INE formats, the IBAN registry and mod 97.  Each cites
 * its source; a detector emits nothing its validator refuses.
 */
#include <stdbool.h>

#include "runtime/detect_util.h"

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
/* The key the first 13 characters of a NIR call for, or -1 when they are
 * not a NIR's: sex, month, département as above. */
int det_nir_key(const char *s) {
  if (!s || !in_set((unsigned char)s[0], "123478")) return -1;
  for (size_t i = 1; i < 13; i++) {
    if (i == 5 || i == 6) continue;
    if (!is_digit((unsigned char)s[i])) return -1;
  }
  unsigned d5 = (unsigned char)s[5], d6 = up((unsigned char)s[6]);
  int corsica = d5 == '2' && (d6 == 'A' || d6 == 'B');
  if (!corsica && !(is_digit(d5) && is_digit(d6))) return -1;
  if (!corsica && d5 == '0' && d6 == '0') return -1;
  unsigned month = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50)) return -1;
  uint64_t num = 0;
  for (size_t i = 0; i < 13; i++) {
    unsigned v;
    if (corsica && i == 5) v = 1;
    else if (corsica && i == 6) v = d6 == 'A' ? 9 : 8;
    else v = (unsigned)(s[i] - '0');
    num = num * 10 + v;
  }
  return (int)(97 - (unsigned)(num % 97));
}

bool det_nir_valid(const char *s, size_t n) {
  if (!s || n != 15 || !is_digit((unsigned char)s[13]) || !is_digit((unsigned char)s[14])) return false;
  int key = det_nir_key(s);
  return key >= 0 && (unsigned)key == (unsigned)(s[13] - '0') * 10 + (unsigned)(s[14] - '0');
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
  for (size_t i = 0; i < 11; i++) {
    c[i] = up((unsigned char)s[i]);
    if (!is_alnum(c[i])) return false;
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
  /* base 36: a key digit after 10 alphanumerics, digits only included (as
   * the service's own test suite has it: "12345678901" is valid); the
   * detector asks for an "INE" label before it */
  return is_digit(c[10]);
}

/* BBAN structure per country, from the SWIFT IBAN Registry (release 101,
 * as transcribed in python-stdnum's stdnum/iban.dat): runs of <count><kind>
 * with n = digits, a = upper-case letters, c = letters or digits.  The IBAN
 * length is 4 + the sum of the counts.  Sorted by country code.
 *
 * Also the countries whose banks issue IBANs outside the SWIFT registry
 * (IBAN.com's "experimental" list; php-iban's registry.txt has them too),
 * many of them where a French university's students come from: Algeria,
 * Morocco, Iran, Madagascar, Angola, Cape Verde, Mozambique, the WAEMU
 * (BJ, BF, CI, GW, ML, NE, SN, TG: a bank code of two letters, or of a
 * letter and a digit, then digits) and CEMAC (CM, CF, TD, CG, GQ, GA) and
 * Comoros (23 digits).  Lengths from the published example of each
 * ("SN08 SN01 0015 2000 0485 0000 3035", tests/test_rt_detect.c), all of
 * which pass the mod-97 check. */
static const struct {
  char cc[3];
  const char *bban;
} iban_tab[] = {
    {"AD", "4n4n12c"},       {"AE", "3n16n"},         {"AL", "8n16c"},         {"AO", "21n"},
    {"AT", "5n11n"},         {"AZ", "4a20c"},         {"BA", "3n3n8n2n"},      {"BE", "3n7n2n"},
    {"BF", "2c22n"},         {"BG", "4a4n2n8c"},      {"BH", "4a14c"},         {"BI", "5n5n11n2n"},
    {"BJ", "2c22n"},         {"BR", "8n5n10n1a1c"},   {"BY", "4c4n16c"},       {"CF", "23n"},
    {"CG", "23n"},           {"CH", "5n12c"},         {"CI", "2c22n"},         {"CM", "23n"},
    {"CR", "4n14n"},         {"CV", "21n"},           {"CY", "3n5n16c"},       {"CZ", "4n16n"},
    {"DE", "8n10n"},         {"DJ", "5n5n11n2n"},     {"DK", "4n9n1n"},        {"DO", "4c20n"},
    {"DZ", "22n"},           {"EE", "2n14n"},         {"EG", "4n4n17n"},       {"ES", "4n4n1n1n10n"},
    {"FI", "3n11n"},         {"FK", "2a12n"},         {"FO", "4n9n1n"},        {"FR", "5n5n11c2n"},
    {"GA", "23n"},           {"GB", "4a6n8n"},        {"GE", "2a16n"},         {"GI", "4a15c"},
    {"GL", "4n9n1n"},        {"GQ", "23n"},           {"GR", "3n4n16c"},       {"GT", "4c20c"},
    {"GW", "2c19n"},         {"HN", "4a20n"},         {"HR", "7n10n"},         {"HU", "3n4n1n15n1n"},
    {"IE", "4a6n8n"},        {"IL", "3n3n13n"},       {"IQ", "4a3n12n"},       {"IR", "22n"},
    {"IS", "4n2n6n10n"},     {"IT", "1a5n5n12c"},     {"JO", "4a4n18c"},       {"KM", "23n"},
    {"KW", "4a22c"},         {"KZ", "3n13c"},         {"LB", "4n20c"},         {"LC", "4a24c"},
    {"LI", "5n12c"},         {"LT", "5n11n"},         {"LU", "3n13c"},         {"LV", "4a13c"},
    {"LY", "3n3n15n"},       {"MA", "24n"},           {"MC", "5n5n11c2n"},     {"MD", "2c18c"},
    {"ME", "3n13n2n"},       {"MG", "23n"},           {"MK", "3n10c2n"},       {"ML", "2c22n"},
    {"MN", "4n12n"},         {"MR", "5n5n11n2n"},     {"MT", "4a5n18c"},       {"MU", "4a2n2n12n3n3a"},
    {"MZ", "21n"},           {"NE", "2c22n"},         {"NI", "4a20n"},         {"NL", "4a10n"},
    {"NO", "4n6n1n"},        {"OM", "3n16c"},         {"PK", "4a16c"},         {"PL", "8n16n"},
    {"PS", "4a21c"},         {"PT", "4n4n11n2n"},     {"QA", "4a21c"},         {"RO", "4a16c"},
    {"RS", "3n13n2n"},       {"RU", "9n5n15c"},       {"SA", "2n18c"},         {"SC", "4a2n2n16n3a"},
    {"SD", "2n12n"},         {"SE", "3n16n1n"},       {"SI", "5n8n2n"},        {"SK", "4n6n10n"},
    {"SM", "1a5n5n12c"},     {"SN", "2c22n"},         {"SO", "4n3n12n"},       {"ST", "4n4n11n2n"},
    {"SV", "4a20n"},         {"TD", "23n"},           {"TG", "2c22n"},         {"TL", "3n14n2n"},
    {"TN", "2n3n13n2n"},     {"TR", "5n1n16c"},       {"UA", "6n19c"},         {"VA", "3n15n"},
    {"VG", "4a16n"},         {"XK", "4n10n2n"},       {"YE", "4a4n18c"},
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

size_t det_iban_length(unsigned c0, unsigned c1) {
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

/* SIREN: 9 digits, Luhn (INSEE; python-stdnum stdnum/fr/siren.py); not
 * all zeros, which passes Luhn and is a form's placeholder. */
bool det_siren_valid(const char *d, size_t n) {
  return d && n == 9 && memcmp(d, "000000000", 9) && det_luhn_valid(d, n);
}

/* SIRET: a valid SIREN + 5-digit NIC, Luhn over the 14 digits (as
 * python-stdnum checks the SIREN part too: a random 14-digit figure
 * passes one Luhn test in ten, both in a hundred).  La Poste's
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
  return det_siren_valid(d, 9) && det_luhn_valid(d, n);
}

/* RIB (relevé d'identité bancaire), 23 characters: code banque 5 digits |
 * code guichet 5 | numéro de compte 11 digits or letters | clé 2 digits.
 * key = 97 - ((89 banque + 15 guichet + 3 compte) mod 97), a letter of the
 * account read as a digit: A J -> 1, B K S -> 2, C L T -> 3, D M U -> 4,
 * E N V -> 5, F O W -> 6, G P X -> 7, H Q Y -> 8, I R Z -> 9 (the Banque de
 * France key, as globalcitizen/php-iban's
 * _iban_nationalchecksum_implementation_fr computes it for the BBANs of
 * FR, MC and the CFA-franc countries). */
bool det_rib_valid(const char *s, size_t n) {
  static const char letter[26] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5, 6, 7, 8, 9};
  if (!s || n != 23) return false;
  uint64_t bank = 0, branch = 0, account = 0;
  for (size_t i = 0; i < 23; i++) {
    unsigned c = (unsigned char)s[i];
    unsigned v;
    if (is_digit(c)) v = c - '0';
    else if (i >= 10 && i < 21 && is_alpha(c)) v = (unsigned)letter[(c | 32) - 'a'];
    else return false;
    if (i < 5) bank = bank * 10 + v;
    else if (i < 10) branch = branch * 10 + v;
    else if (i < 21) account = account * 10 + v;
  }
  unsigned key = (unsigned)(s[21] - '0') * 10 + (unsigned)(s[22] - '0');
  return key == 97 - (unsigned)((89 * bank + 15 * branch + 3 * account) % 97);
}

/* Issuer ranges (IIN prefixes) and lengths of the major networks, from the
 * networks' published ranges as summarised by ISO/IEC 7812 registries,
 * e.g. Stripe's test card list and braintree/credit-card-type's table: a
 * Luhn-valid number outside them is more likely an order or tracking
 * number than a card.  Cartes Bancaires (CB) cards are co-branded Visa or
 * Mastercard and fall in those ranges.  The broad debit ranges (Maestro's
 * 50 and 56-59, Elo, RuPay, Hipercard, Troy) count at 16 to 19 digits
 * only: at 12 to 15 they would take one Luhn-valid SIRET in ten. */
bool det_card_brand_ok(const char *d, size_t n) {
  if (!d || n < 6) return false;
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
  if (p4 == 5019) return n == 16;                                                       /* Dankort */
  if (p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 || p4 == 6759 ||
      (p4 >= 6761 && p4 <= 6763))
    return n >= 12;                                                                     /* Maestro: 12 to 19 */
  /* Maestro 50, 56-59, 63 and 67 (UnionPay's 67 too); Elo 50, 627780,
   * 636297, 636368; Hiper 637; Verve 506; RuPay 60, 508 and 82; Hipercard
   * 606282; Troy 9792 */
  if (p2 == 50 || (p2 >= 56 && p2 <= 60) || p2 == 63 || p2 == 67 || p2 == 82 || p4 == 9792) return n >= 16;
  return 0;
}
