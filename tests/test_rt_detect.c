/*
 * test_rt_detect.c — normalisation and the built-in detectors, on real
 * identifiers: IBAN examples of the SWIFT IBAN Registry, payment card test
 * numbers published by Stripe and PayPal, SIREN/SIRET of real companies
 * (INSEE's public register: L'Oréal 732 829 320, Google France 443 061 841,
 * La Poste's exception 356 000 000 00048), NIR examples with their INSEE
 * keys (python-stdnum's fr.nir test values), and negatives: checksum
 * failures, order numbers, numbers inside longer digit runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/detect.h"
#include "runtime/normalize.h"

typedef struct hits {
  size_t s[16], e[16];
  int n;
} hits;

static int collect(void *ud, size_t s, size_t e) {
  hits *h = ud;
  if (h->n < 16) {
    h->s[h->n] = s;
    h->e[h->n] = e;
  }
  h->n++;
  return 0;
}

/* Run detector `id` on the clean view of `text`; return hit count and
 * check the first hit's original text equals `want` (if non-NULL). */
static int detect(int id, const char *text, const char *want) {
  norm_view v = {0};
  assert_int_equal(norm_reserve(&v, NORM_CLEAN_CAP(strlen(text)), NULL), CH_OK);
  norm_clean(text, strlen(text), &v);
  hits h = {{0}, {0}, 0};
  det_scan(id, v.text, v.len, collect, &h);
  if (want && h.n) {
    size_t s = v.map[h.s[0]], e = v.map[h.e[0]];
    if (strlen(want) != e - s || memcmp(text + s, want, e - s))
      fail_msg("%s on \"%s\": span \"%.*s\", want \"%s\"", det_name(id), text, (int)(e - s), text + s, want);
  }
  norm_view_free(&v, NULL);
  return h.n;
}

static void test_iban_registry_examples(void **state) {
  (void)state;
  static const char *const ok[] = {
      "GB29 NWBK 6016 1331 9268 19", "FR14 2004 1010 0505 0001 3M02 606", "BE68 5390 0754 7034",
      "NL91 ABNA 0417 1643 00", "CH93 0076 2011 6238 5295 7", "ES91 2100 0418 4502 0005 1332",
      "IT60 X054 2811 1010 0000 0123 456", "NO93 8601 1117 947", "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
      "DE89370400440532013000", "PL61 1090 1014 0000 0712 1981 2874", "fr76 3000 6000 0112 3456 7890 189"};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    char t[128];
    snprintf(t, sizeof t, "IBAN : %s.", ok[i]);
    if (detect(DET_IBAN, t, ok[i]) != 1) fail_msg("IBAN not found: %s", ok[i]);
  }
  /* a wrong key, a wrong length, an unknown country */
  assert_int_equal(detect(DET_IBAN, "FR76 3000 6000 0112 3456 7890 188", NULL), 0);
  assert_int_equal(detect(DET_IBAN, "GB29 NWBK 6016 1331 9268 1", NULL), 0);
  assert_int_equal(detect(DET_IBAN, "ZZ29 NWBK 6016 1331 9268 19", NULL), 0);
}

static void test_cards(void **state) {
  (void)state;
  static const char *const ok[] = {"4242 4242 4242 4242", "5555-5555-5555-4444", "378282246310005",
                                   "6011 1111 1111 1117", "5200828282828210", "3714 496353 98431"};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (detect(DET_CARD, ok[i], ok[i]) != 1) fail_msg("card not found: %s", ok[i]);
  assert_int_equal(detect(DET_CARD, "4242 4242 4242 4241", NULL), 0);  /* Luhn fails */
  assert_int_equal(detect(DET_CARD, "1234 5678 9012 3452", NULL), 0);  /* no issuer */
  assert_int_equal(detect(DET_CARD, "42424242424242424242", NULL), 0); /* 20 digits */
}

static void test_nir(void **state) {
  (void)state;
  assert_int_equal(detect(DET_NIR, "Mon NIR : 2 84 05 2A 004 017 64.", "2 84 05 2A 004 017 64"), 1);
  assert_int_equal(detect(DET_NIR, "NIR 295109912611193", "295109912611193"), 1);
  assert_int_equal(detect(DET_NIR, "1 69 05 49 588 157 33", "1 69 05 49 588 157 33"), 1);
  assert_int_equal(detect(DET_NIR, "2 53 07 2B 073 004 70", "2 53 07 2B 073 004 70"), 1);
  /* wrong keys, order numbers, digits inside a longer run */
  assert_int_equal(detect(DET_NIR, "1 69 05 49 588 157 80", NULL), 0);
  assert_int_equal(detect(DET_NIR, "commande 123456789012345", NULL), 0);
  assert_int_equal(detect(DET_NIR, "9295109912611193", NULL), 0);
  assert_int_equal(detect(DET_NIR, "2951099126111930", NULL), 0);
  assert_true(det_nir_valid("284052A00401764", 15));
  assert_false(det_nir_valid("284052C00401764", 15));
}

static void test_nir_hidden_by_zero_width_and_nbsp(void **state) {
  (void)state;
  /* U+200B between digits, U+00A0 and U+202F as group separators */
  const char *t = "NIR 2\xe2\x80\x8b" "84\xc2\xa0" "05\xe2\x80\xaf" "2A 004 017 64";
  assert_int_equal(detect(DET_NIR, t, NULL), 1);
}

static void test_siren_siret(void **state) {
  (void)state;
  assert_int_equal(detect(DET_SIREN, "SIREN 732 829 320", "732 829 320"), 1);
  assert_int_equal(detect(DET_SIREN, "443061841", "443061841"), 1);
  assert_int_equal(detect(DET_SIREN, "732 829 321", NULL), 0);
  assert_int_equal(detect(DET_SIRET, "SIRET 732 829 320 00074", "732 829 320 00074"), 1);
  assert_int_equal(detect(DET_SIRET, "35600000000048", "35600000000048"), 1);
  assert_true(det_siret_valid("35600000049837", 14)); /* La Poste: digit sum % 5 */
  assert_false(det_siret_valid("73282932000075", 14));
}

static void test_email_phone(void **state) {
  (void)state;
  assert_int_equal(detect(DET_EMAIL, "écrire à jeanne.martin@etu.univ-exemple.fr.", "jeanne.martin@etu.univ-exemple.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "a@b", NULL), 0);
  assert_int_equal(detect(DET_EMAIL, "user@@example.com @ x", NULL), 0);
  assert_int_equal(detect(DET_PHONE_FR, "appelez le 06 12 34 56 78 !", "06 12 34 56 78"), 1);
  assert_int_equal(detect(DET_PHONE_FR, "tel: 01.23.45.67.89", "01.23.45.67.89"), 1);
  assert_int_equal(detect(DET_PHONE_FR, "+33 6 12 34 56 78", "+33 6 12 34 56 78"), 1);
  assert_int_equal(detect(DET_PHONE_FR, "+33 (0)1 23 45 67 89", "+33 (0)1 23 45 67 89"), 1);
  assert_int_equal(detect(DET_PHONE_FR, "0612345678901", NULL), 0);
  assert_int_equal(detect(DET_PHONE, "call +44 20 7946 0958", "+44 20 7946 0958"), 1);
  assert_int_equal(detect(DET_PHONE, "+1 2", NULL), 0);
}

static void test_secrets(void **state) {
  (void)state;
  assert_int_equal(detect(DET_API_KEY, "key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD ok", NULL), 1);
  assert_int_equal(detect(DET_API_KEY, "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"), 1); /* AWS docs example */
  assert_int_equal(detect(DET_API_KEY, "ghp_1234567890abcdefghijklmnopqrstuvwxyz", NULL), 1);
  assert_int_equal(detect(DET_API_KEY, "AIzaSyA1234567890abcdefghijklmnopqrstuv", NULL), 1);
  assert_int_equal(detect(DET_API_KEY, "sk-learn is a library", NULL), 0);
  assert_int_equal(detect(DET_PRIVATE_KEY, "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", NULL), 1);
  assert_int_equal(detect(DET_PRIVATE_KEY, "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", NULL), 0);
  assert_int_equal(detect(DET_PASSWORD, "password=Tr0ub4dor&3x", "Tr0ub4dor&3x"), 1);
  assert_int_equal(detect(DET_PASSWORD, "mot de passe : Soleil2024!", "Soleil2024!"), 1);
  assert_int_equal(detect(DET_PASSWORD, "mot de passe oublié", NULL), 0);
  assert_int_equal(detect(DET_PASSWORD, "password: voir", NULL), 0);
}

static void test_ine_needs_label(void **state) {
  (void)state;
  assert_int_equal(detect(DET_INE, "INE : 1234567890A", "1234567890A"), 1);
  assert_int_equal(detect(DET_INE, "ref 1234567890A", NULL), 0);
}

static void test_normalisation_maps(void **state) {
  (void)state;
  /* É (composed from E + U+0301), a no-break space, typographic apostrophe,
   * an invalid byte, a zero-width space */
  const char in[] = "E\xcc\x81t\xc3\xa9\xc2\xa0l\xe2\x80\x99IA \xff\xe2\x80\x8bok";
  norm_view c = {0}, f = {0};
  assert_int_equal(norm_reserve(&c, NORM_CLEAN_CAP(sizeof in), NULL), CH_OK);
  assert_int_equal(norm_reserve(&f, NORM_CLEAN_CAP(sizeof in), NULL), CH_OK);
  norm_clean(in, sizeof in - 1, &c);
  norm_fold(&c, &f);
  assert_string_equal(c.text, "\xc3\x89t\xc3\xa9 l'IA \xef\xbf\xbdok");
  assert_string_equal(f.text, "ete l'ia \xef\xbf\xbdok");
  assert_int_equal(c.map[c.len], sizeof in - 1);
  assert_int_equal(f.map[f.len], sizeof in - 1);
  /* "l'ia" in the folded view maps back to "l’IA" in the input */
  const char *p = strstr(f.text, "l'ia");
  size_t s = (size_t)(p - f.text);
  assert_int_equal(f.map[s], 8);
  assert_int_equal(f.map[s + 4], 14);
  for (size_t i = 1; i <= f.len; i++) assert_true(f.map[i] >= f.map[i - 1]);
  norm_view_free(&c, NULL);
  norm_view_free(&f, NULL);
}

static void test_fold_of_substring_is_substring(void **state) {
  (void)state;
  /* per-code-point folding: fold(x[i..j]) occurs in fold(x) — the
   * prefilter relies on it */
  static const char *const alphabet[] = {"a", "E", "é", "É", "œ", "ß", "ç", "'", "’", "-", "—", " ", "\xc2\xa0", "1", "Ω"};
  unsigned seed = 12345;
  for (int round = 0; round < 500; round++) {
    char x[256] = "";
    int parts = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 20;
    for (int k = 0; k < parts; k++) strcat(x, alphabet[((seed = seed * 1103515245 + 12345) >> 16) % 15]);
    char whole[1024], sub[1024];
    norm_fold_str(x, strlen(x), whole);
    size_t n = strlen(x);
    size_t i = ((seed = seed * 1103515245 + 12345) >> 16) % (n + 1), j = i + ((seed >> 8) % (n - i + 1));
    while (i < n && ((unsigned char)x[i] & 0xc0) == 0x80) i++;
    while (j < n && ((unsigned char)x[j] & 0xc0) == 0x80) j++;
    if (j < i) j = i;
    norm_fold_str(x + i, j - i, sub);
    if (!strstr(whole, sub)) fail_msg("fold(\"%.*s\") = \"%s\" not in fold(\"%s\") = \"%s\"", (int)(j - i), x + i, sub, x, whole);
  }
}

static void test_long_digit_run_is_linear(void **state) {
  (void)state;
  size_t n = (size_t)8 << 20;
  char *t = malloc(n + 1);
  assert_non_null(t);
  memset(t, '7', n);
  t[n] = 0;
  for (int id = 0; id < DET_COUNT_; id++) {
    hits h = {{0}, {0}, 0};
    det_scan(id, t, n, collect, &h); /* must finish quickly: no quadratic rescans */
    assert_int_equal(h.n, 0);
  }
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_iban_registry_examples), cmocka_unit_test(test_cards),
      cmocka_unit_test(test_nir),                    cmocka_unit_test(test_nir_hidden_by_zero_width_and_nbsp),
      cmocka_unit_test(test_siren_siret),            cmocka_unit_test(test_email_phone),
      cmocka_unit_test(test_secrets),                cmocka_unit_test(test_ine_needs_label),
      cmocka_unit_test(test_normalisation_maps),     cmocka_unit_test(test_fold_of_substring_is_substring),
      cmocka_unit_test(test_long_digit_run_is_linear),
  };
  return cmocka_run_group_tests_name("detectors and normalisation", tests, NULL, NULL);
}
