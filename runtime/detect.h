/*
 * detect.h — built-in, checksum-validated detectors of identifiers and
 * secrets.  A charter names them in `detect email, nir, ...`.
 *
 * Each detector scans the clean view (normalize.h) and emits [start, end)
 * spans of candidates that pass validation: a 15-digit number whose NIR key
 * fails is not a NIR, an IBAN whose mod-97 fails is not an IBAN.  Detectors
 * never allocate and run in time linear in the text.
 *
 * X(ENUM, name in charters, placeholder for redaction)
 * The order is part of nothing on disk (charters store names), so entries
 * may be added anywhere.
 */
#ifndef CH_DETECT_H
#define CH_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CH_DETECTORS(X)                                                    \
  X(EMAIL, "email", "EMAIL")             /* RFC 5321-ish address */        \
  X(PHONE_FR, "phone_fr", "PHONE")       /* 0X XX XX XX XX, +33 ...      */ \
  X(PHONE, "phone", "PHONE")             /* E.164: +CC then 6-14 digits   */ \
  X(NIR, "nir", "NIR")                   /* n° de sécurité sociale, 2A/2B */ \
  X(INE, "ine", "INE")                   /* identifiant national étudiant */ \
  X(IBAN, "iban", "IBAN")                /* all countries, mod 97         */ \
  X(CARD, "card", "CARD")                /* payment card, Luhn            */ \
  X(SIREN, "siren", "SIREN")             /* 9 digits, Luhn                */ \
  X(SIRET, "siret", "SIRET")             /* 14 digits, Luhn (+La Poste)   */ \
  X(API_KEY, "api_key", "SECRET")        /* provider API keys and tokens  */ \
  X(PRIVATE_KEY, "private_key", "PRIVATE_KEY") /* PEM/OpenSSH key blocks */ \
  X(PASSWORD, "password", "PASSWORD")    /* password = ..., mot de passe : */ \
  X(RIB, "rib", "RIB")                   /* French bank details, key mod 97 */ \
  X(GRADE_TABLE, "grade_table", "GRADE") /* grades in a pasted table     */

enum det_id {
#define X(e, name, label) DET_##e,
  CH_DETECTORS(X)
#undef X
  DET_COUNT_
};

/* Return nonzero to stop the scan early. */
typedef int (*det_emit_fn)(void *user_data, size_t start, size_t end);

/* Run detector `id` over text[0..len).  Spans are emitted in increasing
 * start order and do not overlap. */
void det_scan(int id, const char *text, size_t len, det_emit_fn emit,
              void *user_data);
/* The k-th trigger of detector `id`, folded (normalize.h) into buf (at
 * least 4 * 32 bytes): its length, or 0 past the last one.  A detector
 * with triggers fires only where one of them starts in the folded text, so
 * the scanner finds them with the prefilter and calls det_scan_at there;
 * one without (0 at k = 0) scans the whole text.  *flags: DET_TRIG_START
 * when the detector never fires if the byte before the trigger is an ASCII
 * letter or digit, DET_TRIG_END the same for the byte after it (such a
 * byte is the same in the input and in the clean view, so the scanner
 * may test the input). */
enum { DET_TRIG_START = 1, DET_TRIG_END = 2 };
size_t det_trigger(int id, size_t k, char *buf, unsigned *flags);
/* Detector `id` run only at the clean-view offsets pos[0..npos), where a
 * trigger starts (ascending; repeats allowed): the same spans as det_scan
 * when pos holds every place a trigger starts. */
void det_scan_at(int id, const char *text, size_t len, const uint32_t *pos,
                 size_t npos, det_emit_fn emit, void *user_data);
/* det_scan with the text's digit map (det_digit_bits), which the digit
 * detectors then search 8 bytes per bit; digits may be NULL. */
void det_scan_bits(int id, const char *text, size_t len, const uint64_t *digits,
                   det_emit_fn emit, void *user_data);
/* Is detector `id` one of those that walk the digits (NIR, card, SIREN,
 * SIRET, phone_fr, phone, IBAN, RIB), which det_scan_digits runs together? */
int det_walks_digits(int id);
/* The digit detectors ids[0..k) (k <= 8) over the whole text in one walk
 * over its digits (digits: its digit map, or NULL), detector j emitting to
 * user_data[j]: for each, the same spans as det_scan_bits. */
void det_scan_digits(size_t k, const int *ids, const char *text, size_t len, const uint64_t *digits,
                     det_emit_fn emit, void *const *user_data);
/* The digit map of a text: bit w of bits[w / 64] set iff the 8 bytes
 * text[8 w .. 8 w + 7] hold an ASCII digit; then, from
 * bits + DET_DIGIT_WORDS(n), the '+' map: bit b set iff text[64 b ..
 * 64 b + 63] holds a '+'.  bits holds DET_MAP_WORDS(n) words (about n / 64
 * bytes: few page faults and little cache on a long text).  Returns
 * nonzero when there is any digit.  Built once per scan and shared by the
 * digit detectors, which cross digit-free stretches 512 bytes per map
 * word, and by the phone detectors, which look for '+' 4 KB per word. */
#define DET_DIGIT_WORDS(n) (((n) + 511) / 512 + 1)
#define DET_PLUS_WORDS(n) (((n) + 4095) / 4096 + 1)
#define DET_MAP_WORDS(n) (DET_DIGIT_WORDS(n) + DET_PLUS_WORDS(n))
int det_digit_bits(const char *text, size_t n, uint64_t *bits);
/* The first offset >= i holding an ASCII digit, or n (eight bytes per
 * step); the scanner uses it to skip the digit detectors on digit-free
 * text. */
size_t det_next_digit(const char *text, size_t n, size_t i);
/* Detector id of a name ("nir"), or -1. */
int det_lookup(const char *name);
const char *det_name(int id);
const char *det_label(int id);

/* Validators, exposed for tests and for the compiler's examples.  Each
 * takes the identifier's significant characters only (separators removed). */
bool det_luhn_valid(const char *digits, size_t n);
/* A card number (n digits) in a known issuer range with a length that
 * network uses (validate.c). */
bool det_card_brand_ok(const char *digits, size_t n);
bool det_nir_valid(const char *s, size_t n);   /* 15 chars, 2A/2B allowed */
int det_nir_key(const char *s13);               /* the key 13 chars call for, or -1 */
bool det_ine_valid(const char *s, size_t n);   /* 11 chars */
bool det_iban_valid(const char *s, size_t n);  /* country, key, BBAN */
bool det_rib_valid(const char *s, size_t n);   /* 23 chars: bank, branch, account, key */
bool det_siren_valid(const char *digits, size_t n);
bool det_siret_valid(const char *digits, size_t n);

#endif
