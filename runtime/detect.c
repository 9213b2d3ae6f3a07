/*
 * detect.c — built-in detectors of identifiers and secrets (detect.h).
 *
 * Each detector looks for candidates at token boundaries, gathers the
 * significant characters (digits, letters) across single separators
 * (space, '.', '-', '/'), and emits the span only when the identifier's
 * own validation passes.  Detection is linear: a candidate starts only at a
 * boundary and gathers a bounded number of characters, so a 100 MB run of
 * digits is scanned once.  Validation sources are cited at each function.
 */
#include "runtime/detect.h"

#include <stdint.h>
#include <string.h>

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

int det_lookup(const char *name) {
  for (int i = 0; i < DET_COUNT_; i++)
    if (!strcmp(det_names[i], name)) return i;
  return -1;
}
const char *det_name(int id) { return id >= 0 && id < DET_COUNT_ ? det_names[id] : "?"; }
const char *det_label(int id) { return id >= 0 && id < DET_COUNT_ ? det_labels[id] : "DATA"; }

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
static unsigned char upper(unsigned char c) { return c >= 'a' && c <= 'z' ? (unsigned char)(c - 32) : c; }
/* A boundary: not preceded by a letter, digit or a non-ASCII byte (which
 * may be a letter). */
static int starts_token(const unsigned char *t, size_t i) {
  return i == 0 || !(is_alnum(t[i - 1]) || t[i - 1] >= 0x80 || t[i - 1] == '_');
}
static int ends_token(const unsigned char *t, size_t n, size_t e) {
  return e >= n || !(is_alnum(t[e]) || t[e] >= 0x80 || t[e] == '_');
}

/* Gather up to `max` significant characters from t[i], allowing one
 * separator from `seps` between them.  sig[] gets the characters (letters
 * upper-cased), *end the offset just past the last one.  Stops at any
 * other character.  alpha: letters count as significant. */
static size_t gather(const unsigned char *t, size_t n, size_t i, const char *seps, int alpha, size_t max,
                     char *sig, size_t *end) {
  size_t k = 0;
  *end = i;
  while (i < n && k < max) {
    unsigned char c = t[i];
    if (is_digit(c) || (alpha && is_alpha(c))) {
      sig[k++] = (char)upper(c);
      i++;
      *end = i;
      continue;
    }
    if (k && strchr(seps, c) && c && i + 1 < n && (is_digit(t[i + 1]) || (alpha && is_alpha(t[i + 1])))) {
      i++;
      continue;
    }
    break;
  }
  return k;
}

/* ------------------------------------------------------------ validators */

/* Luhn (ISO/IEC 7812-1, annex B): double every second digit from the right. */
bool det_luhn_valid(const char *d, size_t n) {
  unsigned sum = 0;
  for (size_t i = 0; i < n; i++) {
    if (!is_digit((unsigned char)d[n - 1 - i])) return false;
    unsigned v = (unsigned)(d[n - 1 - i] - '0');
    if (i & 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return n > 0 && sum % 10 == 0;
}

/* NIR (numéro d'inscription au répertoire, INSEE): 13 characters then a
 * 2-digit key = 97 - (number mod 97); for Corsica the department "2A" is
 * read as 19 and "2B" as 18 for the computation (INSEE, "Le numéro
 * d'inscription au répertoire", and décret 2019-341). */
bool det_nir_valid(const char *s, size_t n) {
  if (n != 15) return false;
  if (!strchr("12345678", s[0])) return false;
  uint64_t num = 0;
  for (size_t i = 0; i < 13; i++) {
    char c = s[i];
    if (i == 6 && s[5] == '2' && (c == 'A' || c == 'B')) {
      /* 2A -> 19, 2B -> 18: replace the two characters "2A"/"2B" */
      num = num / 10 * 100 + (c == 'A' ? 19 : 18);
      continue;
    }
    if (!is_digit((unsigned char)c)) return false;
    num = num * 10 + (uint64_t)(c - '0');
  }
  if (!is_digit((unsigned char)s[13]) || !is_digit((unsigned char)s[14])) return false;
  unsigned key = (unsigned)((s[13] - '0') * 10 + (s[14] - '0'));
  unsigned month = (unsigned)((s[3] - '0') * 10 + (s[4] - '0'));
  if (!(month >= 1 && month <= 12) && !(month >= 20 && month <= 42) && !(month >= 50 && month <= 99)) return false;
  return key == 97 - num % 97;
}

/* INE (identifiant national étudiant, 11 characters).  The published
 * formats end with a check letter or digit; the check algorithms differ by
 * issuing base (BEA, RNIE, Apogée) and are not all public, so this detector
 * accepts the common shapes (10 digits + 1 letter, 9 digits + 2 letters,
 * 10 alphanumerics + 1 letter with at least 8 digits) and, to stay precise
 * without a universal checksum, only after an "INE" label (see
 * docs/detectors.md). */
bool det_ine_valid(const char *s, size_t n) {
  if (n != 11) return false;
  size_t digits = 0;
  for (size_t i = 0; i < 11; i++) {
    if (!is_alnum((unsigned char)s[i])) return false;
    digits += is_digit((unsigned char)s[i]) != 0;
  }
  return is_alpha((unsigned char)s[10]) && digits >= 8;
}

/* IBAN lengths per country (SWIFT IBAN Registry, release 2024). */
static const struct {
  char cc[3];
  unsigned char len;
} iban_len[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
    {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
    {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

static unsigned iban_length(const char *cc) {
  for (size_t i = 0; i < sizeof iban_len / sizeof *iban_len; i++)
    if (iban_len[i].cc[0] == cc[0] && iban_len[i].cc[1] == cc[1]) return iban_len[i].len;
  return 0;
}

/* ISO 13616: move the first four characters to the end, letters to
 * numbers (A=10 ... Z=35), the result mod 97 must be 1. */
bool det_iban_valid(const char *s, size_t n) {
  if (n < 15 || n > 34 || !is_alpha((unsigned char)s[0]) || !is_alpha((unsigned char)s[1]) ||
      !is_digit((unsigned char)s[2]) || !is_digit((unsigned char)s[3]))
    return false;
  char cc[2] = {(char)upper((unsigned char)s[0]), (char)upper((unsigned char)s[1])};
  if (iban_length(cc) != n) return false;
  unsigned rem = 0;
  for (size_t k = 0; k < n; k++) {
    unsigned char c = upper((unsigned char)s[(k + 4) % n]);
    if (is_digit(c)) rem = (rem * 10 + (c - '0')) % 97;
    else if (c >= 'A' && c <= 'Z') rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
    else return false;
  }
  return rem == 1;
}

/* SIREN: 9 digits, Luhn (INSEE). */
bool det_siren_valid(const char *d, size_t n) { return n == 9 && det_luhn_valid(d, n); }

/* SIRET: SIREN + 5-digit NIC, Luhn over the 14 digits; La Poste's
 * establishments (SIREN 356000000) use "sum of digits divisible by 5"
 * instead (INSEE). */
bool det_siret_valid(const char *d, size_t n) {
  if (n != 14) return false;
  for (size_t i = 0; i < n; i++)
    if (!is_digit((unsigned char)d[i])) return false;
  if (!memcmp(d, "356000000", 9) && memcmp(d, "35600000000048", 14)) {
    unsigned s = 0;
    for (size_t i = 0; i < n; i++) s += (unsigned)(d[i] - '0');
    return s % 5 == 0;
  }
  return det_luhn_valid(d, n);
}

/* ------------------------------------------------------------- detectors */

typedef struct emitter {
  det_emit_fn fn;
  void *ud;
  size_t last_end;
  int stop;
} emitter;

static int emit(emitter *e, size_t s, size_t end) {
  if (s < e->last_end) return 0; /* spans never overlap */
  e->last_end = end;
  if (e->fn(e->ud, s, end)) e->stop = 1;
  return e->stop;
}

static int email_local(unsigned char c) { return is_alnum(c) || (c && strchr("._%+-'", c)); }
static int email_domain(unsigned char c) { return is_alnum(c) || c == '-' || c == '.' || c >= 0x80; }

static void scan_email(const unsigned char *t, size_t n, emitter *e) {
  size_t floor = 0; /* never look left of the previous '@' */
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (t[i] != '@') continue;
    size_t s = i;
    while (s > floor && email_local(t[s - 1])) s--;
    floor = i + 1;
    while (s < i && (t[s] == '.' || t[s] == '\'')) s++;
    if (s == i || i - s > 64) continue;
    size_t d = i + 1, end = d, lastdot = 0;
    while (end < n && email_domain(t[end]) && end - d < 255) {
      if (t[end] == '.') lastdot = end;
      end++;
    }
    while (end > d && (t[end - 1] == '.' || t[end - 1] == '-')) end--;
    lastdot = 0;
    for (size_t k = d; k < end; k++)
      if (t[k] == '.') lastdot = k;
    if (!lastdot || lastdot == d) continue;
    size_t tld = 0;
    for (size_t k = lastdot + 1; k < end; k++) tld += is_alpha(t[k]) || t[k] >= 0x80;
    if (tld < 2 || tld != end - lastdot - 1) continue;
    emit(e, s, end);
    floor = end;
    i = end - 1;
  }
}

static void scan_phone_fr(const unsigned char *t, size_t n, emitter *e) {
  char sig[16];
  for (size_t i = 0; i < n && !e->stop; i++) {
    size_t s = i, j = i;
    if (t[i] == '+' && i + 3 < n && t[i + 1] == '3' && t[i + 2] == '3' && starts_token(t, i)) {
      j = i + 3;
      while (j < n && t[j] == ' ') j++;
      if (j + 2 < n && t[j] == '(' && t[j + 1] == '0' && t[j + 2] == ')') {
        j += 3;
        while (j < n && t[j] == ' ') j++;
      }
      size_t end;
      size_t k = gather(t, n, j, " .-", 0, 10, sig, &end);
      if (k == 9 && sig[0] >= '1' && sig[0] <= '9' && ends_token(t, n, end)) {
        emit(e, s, end);
        i = end;
      }
      continue;
    }
    if (t[i] != '0' || !starts_token(t, i)) continue;
    if (i + 2 < n && t[i + 1] == '0' && t[i + 2] == '3' && i + 3 < n && t[i + 3] == '3') {
      size_t end;
      size_t k = gather(t, n, i + 4, " .-", 0, 10, sig, &end);
      if (k == 9 && sig[0] >= '1' && ends_token(t, n, end)) {
        emit(e, s, end);
        i = end;
        continue;
      }
    }
    size_t end;
    size_t k = gather(t, n, i, " .-", 0, 11, sig, &end);
    if (k == 10 && sig[1] >= '1' && sig[1] <= '9' && ends_token(t, n, end)) {
      emit(e, s, end);
      i = end;
    } else if (k > 1) {
      i = end - 1;
    }
  }
}

static void scan_phone(const unsigned char *t, size_t n, emitter *e) {
  char sig[20];
  for (size_t i = 0; i + 1 < n && !e->stop; i++) {
    if (t[i] != '+' || !is_digit(t[i + 1]) || t[i + 1] == '0' || !starts_token(t, i)) continue;
    size_t end;
    size_t k = gather(t, n, i + 1, " .-", 0, 16, sig, &end);
    /* E.164: at most 15 digits including the country code; 8 at least in
     * practice (smaller national numbers are not personal phones). */
    if (k >= 8 && k <= 15 && ends_token(t, n, end)) {
      emit(e, i, end);
      i = end;
    }
  }
}

static void scan_nir(const unsigned char *t, size_t n, emitter *e) {
  char sig[20];
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (!strchr("12345678", t[i]) || !t[i] || !starts_token(t, i)) continue;
    size_t end;
    /* 15 significant characters at most: a following word after a space
     * ("... 017 64 fin") must not be swallowed */
    size_t k = gather(t, n, i, " .-", 1, 15, sig, &end);
    if (k == 15 && ends_token(t, n, end) && det_nir_valid(sig, 15)) {
      emit(e, i, end);
      i = end;
    } else if (k > 1) {
      i = end - 1; /* the rest of this run cannot start a NIR */
    }
  }
}

static int label_before(const unsigned char *t, size_t i, const char *label, size_t reach) {
  size_t ll = strlen(label);
  size_t from = i > reach ? i - reach : 0;
  for (size_t p = from; p + ll <= i; p++) {
    size_t k = 0;
    while (k < ll && upper(t[p + k]) == (unsigned char)label[k]) k++;
    if (k == ll && (p == 0 || !is_alpha(t[p - 1])) && (p + ll >= i || !is_alpha(t[p + ll]))) return 1;
  }
  return 0;
}

static void scan_ine(const unsigned char *t, size_t n, emitter *e) {
  char sig[16];
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (!is_alnum(t[i]) || !starts_token(t, i)) continue;
    size_t end = i;
    size_t k = 0;
    while (end < n && is_alnum(t[end]) && k < 12) sig[k++] = (char)upper(t[end++]);
    if (k == 11 && ends_token(t, n, end) && det_ine_valid(sig, 11) && label_before(t, i, "INE", 24)) {
      emit(e, i, end);
      i = end;
    } else {
      i = end > i ? end - 1 : i;
    }
  }
}

static void scan_iban(const unsigned char *t, size_t n, emitter *e) {
  char sig[40];
  for (size_t i = 0; i + 4 < n && !e->stop; i++) {
    if (!is_alpha(t[i]) || !is_alpha(t[i + 1]) || !starts_token(t, i)) continue;
    char cc[2] = {(char)upper(t[i]), (char)upper(t[i + 1])};
    unsigned want = iban_length(cc);
    if (!want) continue;
    size_t end;
    size_t k = gather(t, n, i, " ", 1, want, sig, &end);
    if (k == want && ends_token(t, n, end) && det_iban_valid(sig, k)) {
      emit(e, i, end);
      i = end;
    }
  }
}

static int card_brand(const char *d, size_t n) {
  int p2 = (d[0] - '0') * 10 + (d[1] - '0');
  int p4 = p2 * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  if (d[0] == '4') return n == 13 || n == 16 || n == 19;                  /* Visa */
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16; /* Mastercard */
  if (p2 == 34 || p2 == 37) return n == 15;                               /* American Express */
  if (p4 == 6011 || p2 == 65 || (p4 >= 6440 && p4 <= 6499)) return n >= 16; /* Discover */
  if (p2 == 35) return n >= 16;                                           /* JCB */
  if (p2 == 36 || p2 == 38 || (p4 >= 3000 && p4 <= 3059)) return n >= 14;   /* Diners */
  if (p2 == 50 || (p2 >= 56 && p2 <= 69)) return n >= 12;                 /* Maestro */
  if (p2 == 62) return n >= 16;                                           /* UnionPay */
  return 0;
}

static void scan_card(const unsigned char *t, size_t n, emitter *e) {
  char sig[24];
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (!is_digit(t[i]) || !starts_token(t, i)) continue;
    size_t end;
    size_t k = gather(t, n, i, " -", 0, 20, sig, &end);
    if (k >= 12 && k <= 19 && ends_token(t, n, end) && card_brand(sig, k) && det_luhn_valid(sig, k)) {
      emit(e, i, end);
      i = end;
    } else if (k > 1) {
      i = end - 1;
    }
  }
}

static void scan_fixed_digits(const unsigned char *t, size_t n, emitter *e, size_t want,
                              bool (*valid)(const char *, size_t)) {
  char sig[24];
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (!is_digit(t[i]) || !starts_token(t, i)) continue;
    size_t end;
    size_t k = gather(t, n, i, " .", 0, want + 1, sig, &end);
    if (k == want && ends_token(t, n, end) && valid(sig, k)) {
      emit(e, i, end);
      i = end;
    } else if (k > 1) {
      i = end - 1;
    }
  }
}

static int tokc(unsigned char c) { return is_alnum(c) || c == '_' || c == '-'; }

static void scan_api_key(const unsigned char *t, size_t n, emitter *e) {
  static const struct {
    const char *prefix;
    size_t min, max; /* length of the part after the prefix */
    int upper_digits_only;
  } keys[] = {
      {"sk-proj-", 20, 300, 0}, {"sk-ant-", 20, 300, 0}, {"sk-svcacct-", 20, 300, 0}, {"sk-", 32, 200, 0},
      {"AKIA", 16, 16, 1},      {"ASIA", 16, 16, 1},     {"ghp_", 36, 36, 0},         {"gho_", 36, 36, 0},
      {"ghs_", 36, 36, 0},      {"ghu_", 36, 36, 0},     {"ghr_", 36, 36, 0},         {"github_pat_", 22, 255, 0},
      {"glpat-", 20, 40, 0},    {"AIza", 35, 35, 0},     {"xoxb-", 10, 255, 0},       {"xoxp-", 10, 255, 0},
      {"xoxa-", 10, 255, 0},    {"xoxr-", 10, 255, 0},   {"xoxs-", 10, 255, 0},       {"sk_live_", 24, 255, 0},
      {"rk_live_", 24, 255, 0}, {"hf_", 30, 40, 0},      {"gsk_", 40, 60, 0},         {"pplx-", 40, 60, 0},
      {"xai-", 40, 100, 0},
  };
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (!is_alpha(t[i]) || !starts_token(t, i)) continue;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
      size_t pl = strlen(keys[k].prefix);
      if (i + pl > n || memcmp(t + i, keys[k].prefix, pl)) continue;
      size_t j = i + pl, digits = 0, letters = 0;
      while (j < n && tokc(t[j]) && j - i - pl <= keys[k].max) {
        digits += is_digit(t[j]) != 0;
        letters += is_alpha(t[j]) != 0;
        if (keys[k].upper_digits_only && !(is_digit(t[j]) || (t[j] >= 'A' && t[j] <= 'Z'))) break;
        j++;
      }
      size_t len = j - i - pl;
      /* a real key mixes letters and digits; "sk-" followed by prose is not one */
      if (len >= keys[k].min && len <= keys[k].max && (digits || keys[k].min <= 16) && letters && ends_token(t, n, j)) {
        emit(e, i, j);
        i = j;
        break;
      }
    }
  }
}

static void scan_private_key(const unsigned char *t, size_t n, emitter *e) {
  static const char begin[] = "-----BEGIN ";
  for (size_t i = 0; i + sizeof begin < n && !e->stop; i++) {
    if (t[i] != '-' || memcmp(t + i, begin, sizeof begin - 1)) continue;
    size_t j = i + sizeof begin - 1, lim = j + 40;
    while (j < n && j < lim && t[j] != '-' && t[j] != '\n') j++;
    if (j - (i + sizeof begin - 1) < 11 || memcmp(t + j - 11, "PRIVATE KEY", 11) || j + 5 > n || memcmp(t + j, "-----", 5))
      continue;
    /* the block runs to its END line, or (if cut) to the end of the base64 */
    size_t k = j + 5, end = k;
    static const char endm[] = "-----END ";
    size_t cap = k + 65536 < n ? k + 65536 : n;
    for (; k < cap; k++) {
      if (t[k] == '-' && k + sizeof endm - 1 <= n && !memcmp(t + k, endm, sizeof endm - 1)) {
        size_t m = k + sizeof endm - 1;
        while (m < n && m < k + 60 && t[m] != '\n') m++;
        end = m;
        break;
      }
      unsigned char c = t[k];
      if (!(is_alnum(c) || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r' || c == ' ' || c == ':' || c == ','))
        break;
      end = k + 1;
    }
    while (end > i && (t[end - 1] == '\n' || t[end - 1] == '\r' || t[end - 1] == ' ')) end--;
    emit(e, i, end);
    i = end;
  }
}

static int ieq(const unsigned char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (((a[i] | 32) != (unsigned char)(b[i] | 32)) && !(a[i] == b[i])) return 0;
  return 1;
}

static void scan_password(const unsigned char *t, size_t n, emitter *e) {
  static const char *const kw[] = {"password", "passwd", "pwd", "passphrase", "mot de passe", "mdp", "mot-de-passe",
                                   "pass", "secret", "token"};
  for (size_t i = 0; i < n && !e->stop; i++) {
    if (!is_alpha(t[i]) || !starts_token(t, i)) continue;
    for (size_t k = 0; k < sizeof kw / sizeof *kw; k++) {
      size_t l = strlen(kw[k]);
      if (i + l > n || !ieq(t + i, kw[k], l)) continue;
      size_t j = i + l;
      if (j < n && (is_alnum(t[j]) || t[j] == '_')) continue;
      while (j < n && (t[j] == ' ' || t[j] == '\t')) j++;
      /* an assignment: '=', ':' or " is " / " est " */
      if (j < n && (t[j] == '=' || t[j] == ':')) j++;
      else if (j + 3 <= n && ieq(t + j, "is ", 3)) j += 3;
      else if (j + 4 <= n && ieq(t + j, "est ", 4)) j += 4;
      else continue;
      while (j < n && (t[j] == ' ' || t[j] == '\t')) j++;
      unsigned char q = j < n && (t[j] == '"' || t[j] == '\'') ? t[j] : 0;
      if (q) j++;
      size_t s = j;
      while (j < n && t[j] > ' ' && t[j] != q && j - s < 128) j++;
      size_t end = j;
      while (end > s && !q && strchr(".,;)", t[end - 1])) end--;
      size_t len = end - s;
      int digit = 0, low = 0, up = 0, sym = 0;
      for (size_t m = s; m < end; m++) {
        unsigned char c = t[m];
        if (is_digit(c)) digit = 1;
        else if (c >= 'a' && c <= 'z') low = 1;
        else if (c >= 'A' && c <= 'Z') up = 1;
        else if (c < 0x80) sym = 1;
      }
      /* non-trivial value: 6+ characters mixing at least two kinds, so
       * "password: oublié" or "mot de passe : voir plus bas" is not one */
      if (len >= 6 && digit + low + up + sym >= 2 && !(k >= 7 && digit + up + sym < 2)) {
        emit(e, s, end);
        i = end;
        break;
      }
    }
  }
}

void det_scan(int id, const char *text, size_t len, det_emit_fn fn, void *ud) {
  const unsigned char *t = (const unsigned char *)text;
  emitter e = {fn, ud, 0, 0};
  switch (id) {
  case DET_EMAIL: scan_email(t, len, &e); break;
  case DET_PHONE_FR: scan_phone_fr(t, len, &e); break;
  case DET_PHONE: scan_phone(t, len, &e); break;
  case DET_NIR: scan_nir(t, len, &e); break;
  case DET_INE: scan_ine(t, len, &e); break;
  case DET_IBAN: scan_iban(t, len, &e); break;
  case DET_CARD: scan_card(t, len, &e); break;
  case DET_SIREN: scan_fixed_digits(t, len, &e, 9, det_siren_valid); break;
  case DET_SIRET: scan_fixed_digits(t, len, &e, 14, det_siret_valid); break;
  case DET_API_KEY: scan_api_key(t, len, &e); break;
  case DET_PRIVATE_KEY: scan_private_key(t, len, &e); break;
  case DET_PASSWORD: scan_password(t, len, &e); break;
  default: break;
  }
}
