/*
 * test_rt_detect.c — the built-in detectors of identifiers
 * (runtime/detect.c, detect_email.c, validate.c) on real identifiers
 * taken from other projects' public test suites, and on the negatives
 * those suites and Charter's own charters care about; the rules every detector keeps
 * (ordered spans, any alignment, linear time).  The detectors anchored on
 * a keyword are tested in test_rt_detect_keyword.c.
 *
 * Sources of test data (identifier values only, no code):
 *   [stdnum]  arthurdejong/python-stdnum: tests/test_iban.doctest (SWIFT IBAN
 *             Registry samples and numbers "found online"; broken checksums,
 *             wrong lengths, bad BBAN structure), tests/test_fr_siren.doctest,
 *             tests/test_fr_siret.doctest (incl. La Poste), tests/test_luhn.doctest,
 *             stdnum/fr/nir.py and stdnum/fr/siren.py, siret.py doctests.
 *   [stripe]  Stripe's documented test card numbers, as used e.g. in
 *             stripe/stripe-ios UI tests (4000002500001001: Cartes Bancaires
 *             co-badged Visa, 5555552500001001: CB co-badged Mastercard).
 *   [lpn]     google/libphonenumber: "+41 44 668 1800" (Google Zürich, the
 *             example of PhoneNumberUtil's format documentation).
 *   [cnamts]  assurance-maladie-digital/nir-validation README ("2 84 05 88
 *             321 025 30"); NIR examples with their keys from French maths
 *             teaching pages (trabucaire.free.fr, mathweb.fr).
 *   [paris8]  "+33(0)1 49 40 72 00", a university's published phone number.
 *   [ibancom] the example IBANs IBAN.com publishes for the countries whose
 *             banks issue IBANs outside the SWIFT registry (Algeria,
 *             Morocco, Iran, Senegal...), also listed in globalcitizen/php-iban
 *             registry.txt; "SN15A123..." is php-iban's own example.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "runtime/detect.h"
#include "runtime/normalize.h"
#include "runtime/under_valgrind.h"
#include "tests/detect_helpers.h"

/* [stdnum] tests/test_iban.doctest, test_fr_siren.doctest, test_fr_siret.doctest */
static const char *const iban_valid[] = {
    "AD12 0001 2030 2003 5910 0100", "AD1200012030200359100100", "AE070331234567890123456",
    "AL47 2121 1009 0000 0002 3569 8741", "AL47212110090000000235698741", "AT61 1904 3002 3457 3201",
    "AT611904300234573201", "AZ21NABZ00000000137010001944", "BA39 1290 0794 0102 8494",
    "BA391290079401028494", "BG80 BNBG 9661 1020 3456 78", "BG80BNBG96611020345678", "BH67BMAG00001299123456",
    "BR1800000000141455123924100C2", "BR9700360305000010009795493P1", "CH93 0076 2011 6238 5295 7",
    "CH9300762011623852957", "CY17 0020 0128 0000 0012 0052 7600", "CY17002001280000001200527600",
    "CZ65 0800 0000 1920 0014 5399", "CZ6508000000192000145399", "CZ94 5500 0000 0010 1103 8930",
    "CZ9455000000001011038930", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000",
    "DK50 0040 0440 1162 43", "DK5000400440116243", "DO28BAGR00000001212453611324",
    "EE38 2200 2210 2014 5685", "EE382200221020145685", "ES 58 0049 0290 3424 1352 8341",
    "ES04 0075 0078 0605 0005 0355", "ES0521053014113400002160", "ES10 0075 0080 11 0600658108",
    "ES15-0049-1806-9121-1186-9374", "ES2030810089311100269222", "ES24 2090 3191 1400 4012 1040",
    "ES27 3183 1500 9600 0121 0562", "ES28 2104 0485 5390 6968 2983", "ES29 2100 2815 9822 0059 9427",
    "ES37 2038 8700 7861 0000 9781", "ES39 0081 0294 66 0001238624", "ES58 1465 0100 9719 0014 4593",
    "ES59 0049 5030 1129 1601 1246", "ES62 2100 4288 5922 0010 4465", "ES72 2013-0692-81-0201150993",
    "ES72 2048 1075 8334 0000 2171", "ES81 0081 5515 2900 0157 5763", "ES8521005731710200031769",
    "ES86 2013 0095 1102 0142 6812", "ES86 30580157682720001384", "ES88 2095 0497 9191 0708 8631",
    "ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332", "ES98 0049 5442 2227 1606 6973",
    "FI21 1234 5600 0007 85", "FI2112345600000785", "FI5542345670000081", "FO62 6460 0001 6316 34",
    "FO6264600001631634", "FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606",
    "GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819", "GE29 NB00 0000 0101 9049 17",
    "GE29NB0000000101904917", "GI75 NWBK 0000 0000 7099 453", "GI75NWBK000000007099453",
    "GL89 6471 0001 0002 06", "GL8964710001000206", "GR16 0110 1250 0000 0001 2300 695",
    "GR1601101250000000012300695", "GT82TRAJ01020000001210029690", "HR12 1001 0051 8630 0016 0",
    "HR1210010051863000160", "HU42 1177 3016 1111 1018 0000 0000", "HU42117730161111101800000000",
    "IE29 AIBK 9311 5212 3456 78", "IE29AIBK93115212345678", "IL62 0108 0000 0009 9999 999",
    "IL620108000000099999999", "IS14 0159 2600 7654 5510 7303 39", "IS140159260076545510730339",
    "IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123456", "JO94CBJO0010000000000131000302",
    "KZ86125KZT5004100100", "LB62 0999 0000 0001 0019 0122 9114", "LB62099900000001001901229114",
    "LI21 0881 0000 2324 013A A", "LI21088100002324013AA", "LT12 1000 0111 0100 1000", "LT121000011101001000",
    "LU28 0019 4006 4475 0000", "LU280019400644750000", "LV80 BANK 0000 4351 9500 1", "LV80BANK0000435195001",
    "MC11 1273 9000 7000 1111 1000 h79", "MC1112739000700011111000h79", "MD24AG000225100013104168",
    "ME 25 5403 0000 2379 9201 09", "ME 2551 0000 0000 0623 4133", "ME 25510260797324001246",
    "ME 25525007010044076639", "ME 25535005130000020047", "ME 25540000007300246820",
    "ME 25550005080000004970", "ME25 5050 0001 2345 6789 51", "ME25505000012345678951",
    "MK072 5012 0000 0589 84", "MK07250120000058984", "MR13 0002 0001 0100 0012 3456 753",
    "MR1300020001010000123456753", "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
    "MT84MALT011000012345MTLCAST001S", "MU17 BOMM 0101 1010 3030 0200 000M UR",
    "MU17 BOMM0101101030300200000MUR", "NL91 ABNA 0417 1643 00", "NL91ABNA0417164300", "NO 02 15037577003",
    "NO 05 15030383041", "NO 0560110516994", "NO 0571 3905 25162", "NO 0828014322061", "NO 1232600465693",
    "NO 19 4920 06 96270", "NO 21 650 405 251 19", "NO 2342009668904", "NO 26 7032 0516 038",
    "NO 3036245391786", "NO 31 6018 04 47124", "NO 33 4270 06 08551", "NO 35 9650 05 73667",
    "NO 39 4750 07 95936", "NO 39 6318 05 01489", "NO 39 7874 0597 506", "NO 40 1503 7355 353",
    "NO 402333 06 01019", "NO 43 651 204 471 94", "NO 44 1850.05.14562", "NO 4575600702548",
    "NO 5314300642641", "NO 57 78740655867", "NO 5997501101463", "NO 62 650 204 441 20", "NO 6865040505746",
    "NO 6940872430085", "NO 6947780786090", "NO 71 7694 05 00903", "NO 7615030839797", "NO 89 42004151326",
    "NO 91 16024246306", "NO05 7058 0555 568", "NO07.8380.08.06006", "NO1782000193468", "NO2476940517075",
    "NO38 8200 06 10190", "NO4697500641723", "NO5876940518888", "NO71.4202.47.14777", "NO77 7694 0511 077",
    "NO89 4760 5692 776", "NO8976940512510", "NO93 8601 1117 947", "NO9386011117947", "NO9832271000153",
    "PK36SCBL0000001123456702", "PL61 1090 1014 0000 0712 1981 2874", "PL61109010140000071219812874",
    "PS92PALS000000000400123456702", "PT50 0002 0123 1234 5678 9015 4", "PT50000201231234567890154",
    "QA58DOHB00001234567890ABCDEFG", "RO49 AAAA 1B31 0075 9384 0000", "RO49AAAA1B31007593840000",
    "RS35 2600 0560 1001 6113 79", "RS35260005601001611379", "SA03 8000 0000 6080 1016 7519",
    "SA0380000000608010167519", "SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466",
    "SI56 1910 0000 0123 438", "SI56191000000123438", "SK31 1200 0000 1987 4263 7541",
    "SK3112000000198742637541", "SM86 U032 2509 8000 0000 0270 100", "SM86U0322509800000000270100",
    "TL 38 008 00123456789101 57", "TN59 1000 6035 1835 9847 8831", "TN5910006035183598478831",
    "TR33 0006 1005 1978 6457 8413 26", "TR330006100519786457841326", "VG96VPVG0000012345678901",
    "XK051212012345678906",
};
/* [ibancom] outside the SWIFT registry, as written by their banks */
static const char *const iban_valid_outside_registry[] = {
    "DZ58 0002 1000 0111 3000 0005 70", "AO06 0044 0000 6729 5030 1010 2", "BJ66 BJ06 1010 0100 1443 9000 0769",
    "BF42 BF08 4010 1300 4635 7400 0390", "CM21 1000 3001 0005 0000 0605 306", "CV64 0003 0000 4547 0691 1017 6",
    "CF42 2000 1000 0101 2006 9700 160", "TD89 6000 3000 2037 1025 3860 174", "KM46 0000 5000 0100 1090 4400 137",
    "CG39 3001 3020 0037 1072 1836 132", "CI93 CI00 8011 1301 1342 9120 0589", "GQ70 5000 2001 0037 1522 8190 196",
    "GA21 4200 1007 3415 2000 0106 963", "GW04 GW14 3001 0181 8006 3760 1", "IR71 0570 0299 7160 1460 6410 01",
    "MG46 0000 5030 0712 8942 1016 045", "ML13 ML01 6012 0102 6001 0066 8497", "MA64 0115 1900 0001 2050 0053 4921",
    "MZ59 0003 0108 0016 3671 0237 1", "NE58 NE03 8010 0100 1303 0500 0268", "SN08 SN01 0015 2000 0485 0000 3035",
    "TG53 TG00 9060 4310 3465 0040 0070", "SN15A12312341234123412341234",
};
static const char *const iban_bad_checksum[] = {
    "AL48212110090000000235698741", "AD1210012030200359100100", "AT611804300234573201", "BE68530907547034",
    "BA391290709401028494", "BG80BNBG99611020345678", "HR1210010052863000160", "CY17002001281000001200527600",
    "CZ6508000000129000145399", "CZ9455000000000101038930", "DK5000400440116342",
};
static const char *const iban_bad_length[] = {
    "AD48 0001 2030 2003 5910 01", "AT93 1904 3002 3457 3201 99", "BE36 5390 0754 7034 1234",
    "BA30 1290 0794 0102 84",
};
static const char *const iban_bad_structure[] = {
    "BG93 BNBG 9661 1A20 3456 78", "GI22 NW3K 0000 0000 7099 453", "NL56 3003 0A17 1643 00", "QQ93 1234 5678",
};
static const char *const iban_bad_country_rules[] = {
    "ES2121000418450200051331", "ES89 3183 1500 9500 0121 0562",
};
static const char *const siren_valid[] = {
    "217601 145", "3 1 0 1 8 8 4 2 0", "350792008", "480318245", "500 674 056", "529290488", "738 205 269",
    "752136200", "752490334", "775 699 309", "775672272", "776 944 944", "820043784",
};
static const char *const siret_valid[] = {
    "0 5 7 8 1 3 1 3 1 0 0 0 2 6", "1 800 700 39 00 110", "2 00 03 00 13 000 11", "2 101 005 33 000 12",
    "2 777 000 43 000 15", "3 1 0 1 8 8 4 2 0 00 0 8 0", "3 12 494 529 000 34", "3 24 34 54 20 000 40",
    "30206838200050", "314 901 323 00043", "31719324100013", "32228438100017", "32650798500058",
    "32738082000032", "329.338.88300153", "32929695800039", "33770320100034", "34530016400018",
    "380 321 430 00023", "38446899700034", "38536958200023", "389 011 529 00036", "38981890700203",
    "39039475700020", "39102766100050", "4 0 0 9 0 8 5 0 5 0 0 0 11", "4 0 3 3 1 4 6 6 9 0 0 0 4 1",
    "4 0 9 0 8 5 2 1 4 0 0 0 2 4", "4 2 0 3 0 9 6 2 7 0 0 0 3 2", "4 4 3 4 8 9 2 7 3 0 0 0 1 3",
    "4 4 3 5 4 9 8 7 8 0 0 0 4 1", "4 8 2 7 8 1 9 11 0 0 0 11", "40300300700032", "44126652500019",
    "44142526100019", "44796433900017", "479 461 675 00049", "5 12 326 653 000 15", "5 17 758 173 000 10",
    "50397442000021", "513 133 637 000 35", "52524288900042", "542 097 324 0006 6", "652 059 213 00023",
    "7 7821 0526 00019", "775.563.232.00104", "778 239 798 000 11", "79068156300017",
    "8 1 0 2 4 7 3 8 7 0 0 0 1 4", "8 1002665800015", "8 21 114 55000014",
};

/* ------------------------------------------------------------------ IBAN */

static void test_iban_registry_and_online_examples(void **state) {
  (void)state;
  char c[64], t[128];
  for (size_t i = 0; i < N_OF(iban_valid); i++) {
    compact(iban_valid[i], c);
    if (!det_iban_valid(c, strlen(c))) fail_msg("det_iban_valid rejects %s", iban_valid[i]);
    snprintf(t, sizeof t, "IBAN : %s.", iban_valid[i]);
    if (detect(DET_IBAN, t, iban_valid[i]) != 1) fail_msg("IBAN not found in \"%s\"", t);
  }
  /* the countries outside the registry: found, and not with a check
   * digit changed or a character more or less */
  for (size_t i = 0; i < N_OF(iban_valid_outside_registry); i++) {
    const char *v = iban_valid_outside_registry[i];
    compact(v, c);
    if (!det_iban_valid(c, strlen(c))) fail_msg("det_iban_valid rejects %s", v);
    snprintf(t, sizeof t, "Mon RIB : %s, merci.", v);
    if (detect(DET_IBAN, t, v) != 1) fail_msg("IBAN not found in \"%s\"", t);
    size_t n = strlen(c);
    c[3] = c[3] == '9' ? '0' : (char)(c[3] + 1);
    if (det_iban_valid(c, n)) fail_msg("det_iban_valid accepts %s with a check digit changed", v);
    compact(v, c);
    c[n - 1] = 0;
    if (det_iban_valid(c, n - 1)) fail_msg("det_iban_valid accepts %s one character short", v);
  }
}

static void test_iban_negatives(void **state) {
  (void)state;
  char c[64];
  for (size_t i = 0; i < N_OF(iban_bad_checksum); i++) {
    assert_false(det_iban_valid(iban_bad_checksum[i], strlen(iban_bad_checksum[i])));
    expect_none(DET_IBAN, iban_bad_checksum[i]);
  }
  for (size_t i = 0; i < N_OF(iban_bad_length); i++) {
    compact(iban_bad_length[i], c);
    assert_false(det_iban_valid(c, strlen(c)));
    expect_none(DET_IBAN, iban_bad_length[i]);
  }
  /* mod 97 holds, but a letter where the registry wants a digit (or the
   * reverse), or an unknown country */
  for (size_t i = 0; i < N_OF(iban_bad_structure); i++) {
    compact(iban_bad_structure[i], c);
    assert_false(det_iban_valid(c, strlen(c)));
    expect_none(DET_IBAN, iban_bad_structure[i]);
  }
  /* Known limit: the Spanish national check digits are not verified, so
   * these pass the ISO 13616 check (python-stdnum rejects them only with
   * its country-specific module). */
  for (size_t i = 0; i < N_OF(iban_bad_country_rules); i++) {
    compact(iban_bad_country_rules[i], c);
    assert_true(det_iban_valid(c, strlen(c)));
  }
  /* lower case is accepted, a word glued on either side is not */
  expect_found(DET_IBAN, "fr1420041010050500013m02606");
  expect_none(DET_IBAN, "XFR1420041010050500013M02606");
  expect_none(DET_IBAN, "FR1420041010050500013M026061");
  expect_none(DET_IBAN, "FR1420041010050500013M02606x");
  /* check digits 00, 01, 99 are never issued (ISO 13616) */
  assert_false(det_iban_valid("GB00NWBK60161331926819", 22));
  /* the following word is not swallowed, the span ends with the IBAN */
  assert_int_equal(detect(DET_IBAN, "IBAN FR76 3000 6000 0112 3456 7890 189 merci", "FR76 3000 6000 0112 3456 7890 189"), 1);
  /* prose that starts like an IBAN */
  expect_none(DET_IBAN, "de 12 a 15 heures, it 45 minutes, be 12 points");
  assert_int_equal(detect(DET_IBAN, "Quelle est la structure d'un IBAN fran\xc3\xa7" "ais ?", NULL), 0);
}

/* ------------------------------------------------------------------ cards */

static void test_card_issuer_test_numbers(void **state) {
  (void)state;
  /* [stripe] */
  static const char *const ok[] = {
      "4242424242424242", "4111111111111111", "4000056655665556", "5555555555554444", "5200828282828210",
      "378282246310005",  "6011111111111117", "3056930009020004", "3566002020360505", "4000002500001001",
      "5555552500001001", "4242 4242 4242 4242", "5555-5555-5555-4444", "3782 822463 10005",
      "2223003122003222", "36227206271667",
      /* test numbers of other processors' documentation: Visa 13 digits,
       * Diners, JCB, UnionPay 16 and 19 digits, Maestro, Dankort (5019) */
      "4222222222222", "30569309025904", "38520000023237", "3530111333300000", "6200000000000005",
      "6205500000000000004", "6759649826438453", "5019717010103742", "5019 7170 1010 3742",
      /* validator.js's UnionPay number in 67 */
      "6765780016990268",
      /* Maestro of 12 digits (Faker's maestro format 5038 + 8) */
      "503826280128",
      /* braintree/credit-card-type's test numbers of the debit networks:
       * Elo, Hipercard, Hiper, Maestro of 19 digits, UnionPay */
      "5066991111111118", "6277809990229178", "6062820524845321",
      "6370950000000005", "6799990100000000019", "6269992058134322",
      "8168524506870054",
      /* processors' documented Elo, Hipercard and Maestro test cards */
      "6362970000457013", "6363680000457017", "6062828888666688", "5000550000000029",
      /* Troy (9792), RuPay (60, 82), Maestro 56: Luhn-valid, 16 digits */
      "9792000000000003", "6000 0000 0000 0007", "8200000000000001", "5600000000000003",
      /* dots between groups of four */
      "4970.1012.3456.7893", "4242.4242.4242.4242", "5555.5555.5555.4444", "6205.5000.0000.0000.004",
  };
  for (size_t i = 0; i < N_OF(ok); i++) {
    char d[32];
    compact(ok[i], d);
    assert_true(det_luhn_valid(d, strlen(d)));
    expect_found(DET_CARD, ok[i]);
  }
  /* [stdnum] Luhn doctests */
  assert_true(det_luhn_valid("49927398716", 11));
  assert_false(det_luhn_valid("4992739871", 10));
  assert_true(det_luhn_valid("490154203237518", 15));
  assert_true(det_luhn_valid("1428572", 7));
  assert_true(det_luhn_valid("3984382462386423786482364872364827347", 37));
  assert_false(det_luhn_valid("", 0));
  assert_false(det_luhn_valid("12a4", 4));
}

static void test_card_negatives(void **state) {
  (void)state;
  expect_none(DET_CARD, "4242424242424241");       /* [stripe]-style invalid Luhn */
  expect_none(DET_CARD, "4111111111111112");
  expect_none(DET_CARD, "42424242424242424242");   /* 20 digits */
  expect_none(DET_CARD, "1234 5678 9012 3452");    /* Luhn-valid, no issuer */
  /* the broad debit ranges count from 16 digits: a SIRET is Luhn-valid */
  expect_none(DET_CARD, "56000000000003");
  expect_none(DET_CARD, "50000000000009");
  expect_none(DET_CARD, "600000000000004");
  expect_none(DET_CARD, "34343434343434");          /* American Express has 15 */
  expect_none(DET_CARD, "62123456789002");          /* UnionPay of 14: a SIRET as likely */
  expect_none(DET_CARD, "Commande 123456789012345 exp\xc3\xa9" "di\xc3\xa9" "e."); /* 15-digit order number */
  expect_none(DET_CARD, "Commande 100000000000008"); /* Luhn-valid 15-digit order number */
  expect_none(DET_CARD, "14242424242424242");      /* inside a longer run */
  expect_none(DET_CARD, "42424242424242421");
  expect_none(DET_CARD, "4242424242424242x");
  expect_none(DET_CARD, "ref4242424242424242");
  expect_none(DET_CARD, "3.4242424242424242");     /* a decimal */
  expect_none(DET_CARD, "4242 4242 4242 4242 42"); /* the group goes on */
  expect_none(DET_CARD, "378282246310005 0");
  expect_none(DET_CARD, "4242424242424");          /* 13 digits: Luhn fails */
  /* dots group thousands too: only groups of four make a card */
  expect_none(DET_CARD, "4.242.424.242.424.242");
  expect_none(DET_CARD, "3782.822463.10005");
  expect_none(DET_CARD, "4242.4242 4242.424.2");
}

/* ------------------------------------------------------------------- NIR */

static void test_nir_examples(void **state) {
  (void)state;
  static const char *const ok[] = {
      "2 95 10 99 126 111 93",   /* [stdnum] */
      "253072B07300470",         /* [stdnum] Corsica 2B */
      "253072A07300443",         /* [stdnum] Corsica 2A */
      "2 84 05 2A 004 017 64",   /* DESIGN.md's example */
      "1 63 12 78 477 042 94",   /* [trabucaire]: 1 631 278 477 042, key 94 */
      "2 62 08 75 032 039 77",   /* [trabucaire] */
      "1 89 12 75 125 012 82",   /* [mathweb]: 1891275125012, key 82 */
      "2.84.05.2A.004.017.64", "1-69-05-49-588-157-33", "253072b07300470",
  };
  for (size_t i = 0; i < N_OF(ok); i++) {
    char c[32];
    compact(ok[i], c);
    if (!det_nir_valid(c, strlen(c))) fail_msg("det_nir_valid rejects %s", ok[i]);
    expect_found(DET_NIR, ok[i]);
  }
  assert_int_equal(detect(DET_NIR, "Mon NIR : 2 84 05 2A 004 017 64 fin", "2 84 05 2A 004 017 64"), 1);
  assert_int_equal(detect(DET_NIR, "n\xc2\xb0" "295109912611193", "295109912611193"), 1); /* after n° */
}

static void test_nir_negatives(void **state) {
  (void)state;
  assert_false(det_nir_valid("295109912611199", 15)); /* [stdnum] bad key */
  assert_false(det_nir_valid("253072C07300443", 15)); /* [stdnum] bad format */
  assert_false(det_nir_valid("6546546546546703", 16));
  assert_false(det_nir_valid("595109912611193", 15)); /* sex digit 5 */
  expect_none(DET_NIR, "2 95 10 99 126 111 94");
  /* [cnamts] README example: its key does not verify (97 - 2840588321025
   * mod 97 = 32, not 30) */
  assert_false(det_nir_valid("284058832102530", 15));
  expect_none(DET_NIR, "2 84 05 88 321 025 30");
  /* a year or a postcode one space before it: the NIR after it */
  assert_int_equal(detect(DET_NIR, "n\xc3\xa9" "e en 1984 2 95 10 99 126 111 93 \xc3\xa0 Paris", "2 95 10 99 126 111 93"), 1);
  assert_int_equal(detect(DET_NIR, "75011 295109912611193", "295109912611193"), 1);
  assert_int_equal(detect(DET_NIR, "1984 2 84 05 2A 004 017 64", "2 84 05 2A 004 017 64"), 1);
  assert_int_equal(detect(DET_NIR, "1984 2 95 10 99 126 111 93 12 ans", "2 95 10 99 126 111 93"), 1);
  /* 13 digits, then the key apart: found */
  expect_found(DET_NIR, "2951099126111 93");
  expect_none(DET_NIR, "Commande 123456789012345");
  expect_none(DET_NIR, "9295109912611193");         /* inside a longer digit run */
  expect_none(DET_NIR, "2951099126111930");
  expect_none(DET_NIR, "ref295109912611193");
  expect_none(DET_NIR, "295109912611193x");
  expect_none(DET_NIR, "1 2 95 10 99 126 111 93");  /* a longer grouped number */
  expect_none(DET_NIR, "12 2 95 10 99 126 111 93");
  expect_none(DET_NIR, "123456 2 95 10 99 126 111 93");
  expect_none(DET_NIR, "1984 2 95 10 99 126 111 94"); /* a year before it: the key still decides */
  expect_none(DET_NIR, "1984 295 10 99 126 111 93");  /* the sex digit not a group of its own */
  expect_none(DET_NIR, "2 95 10 99 126 111 93 12");
  expect_none(DET_NIR, "3.295109912611193");
  /* month 13: a key computed for it does not make a NIR */
  assert_false(det_nir_valid("195137510100147", 15));
  /* department 00 */
  assert_false(det_nir_valid("195050010100175", 15));
}

/* A NIR whose 13 characters stand alone: its key written apart decides
 * (1 85 05 78 006 084 calls for 91: 97 - 1850578006084 mod 97); with no
 * key, a label before it must say what it is. */
static void test_nir_without_its_key(void **state) {
  (void)state;
  assert_int_equal(det_nir_key("1850578006084"), 91);
  assert_int_equal(det_nir_key("284052A004017"), 64);
  assert_int_equal(det_nir_key("1851378006084"), -1); /* month 13 */
  assert_int_equal(det_nir_key("5850578006084"), -1); /* sex digit 5 */
  /* the key apart */
  expect_found(DET_NIR, "1 85 05 78 006 084 - 91");
  expect_found(DET_NIR, "1 85 05 78 006 084 / 91");
  expect_found(DET_NIR, "1 85 05 78 006 084 (cl\xc3\xa9 91)");
  expect_found(DET_NIR, "1850578006084 (91)");
  expect_found(DET_NIR, "2 84 05 2A 004 017 cl\xc3\xa9 : 64");
  expect_found(DET_NIR, "1 85 05 78 006 084 CL\xc3\x89 91");
  expect_found(DET_NIR, "1 85 05 78 006 084, key 91");
  assert_int_equal(detect(DET_NIR, "le 1 85 05 78 006 084 (cl\xc3\xa9 91), puis", "1 85 05 78 006 084 (cl\xc3\xa9 91)"), 1);
  /* a key apart that does not match: no NIR, label or not */
  expect_none(DET_NIR, "1 85 05 78 006 084 - 12");
  expect_none(DET_NIR, "n\xc2\xb0 s\xc3\xa9" "cu 1 85 05 78 006 084 (cl\xc3\xa9 12)");
  expect_none(DET_NIR, "1 85 05 78 006 084 - 91.5");
  expect_none(DET_NIR, "1 85 05 78 006 084 - 912");
  /* no key: a label within 48 bytes before */
  static const char *const labelled[] = {
      "n\xc2\xb0 de s\303\251cu : 1 85 05 78 006 084",
      "N\xc2\xb0 de S\303\251curit\xc3\xa9 Sociale : 1850578006084",
      "num\xc3\xa9ro de securite sociale 1 85 05 78 006 084",
      "NIR 1 85 05 78 006 084", "n\xc2\xb0 SS 1 85 05 78 006 084", "carte Vitale : 2 84 05 2A 004 017",
      "INSEE 1 85 05 78 006 084", "social security number 1 85 05 78 006 084",
  };
  for (size_t i = 0; i < N_OF(labelled); i++) assert_int_equal(detect(DET_NIR, labelled[i], NULL), 1);
  assert_int_equal(detect(DET_NIR, "NIR : 1 85 05 78 006 084.", "1 85 05 78 006 084"), 1);
  /* no key and no label, a label too far, a word that only starts alike,
   * or not a NIR's structure */
  expect_none(DET_NIR, "commande 1850578006084");
  expect_none(DET_NIR, "1 85 05 78 006 084");
  expect_none(DET_NIR, "NIR : voir le dossier complet, page 12 du formulaire 1 85 05 78 006 084");
  expect_none(DET_NIR, "donn\xc3\xa9" "es s\xc3\xa9" "curis\xc3\xa9" "es 1 85 05 78 006 084");
  expect_none(DET_NIR, "avenir 1 85 05 78 006 084");
  expect_none(DET_NIR, "NIR 1 85 13 78 006 084");
  expect_none(DET_NIR, "NIR 1 85 05 78 006 0845");
}

static void test_nir_split_by_invisible_characters(void **state) {
  (void)state;
  /* zero-width spaces, a word joiner, a soft hyphen, no-break and narrow
   * no-break spaces between the groups: norm_clean removes or unifies them */
  const char *t = "NIR 2\xe2\x80\x8b" "84\xc2\xa0" "05\xe2\x80\xaf" "2A\xe2\x81\xa0" "004\xc2\xad" "017\xe2\x80\x8b" "64.";
  assert_int_equal(detect(DET_NIR, t, "2\xe2\x80\x8b" "84\xc2\xa0" "05\xe2\x80\xaf" "2A\xe2\x81\xa0" "004\xc2\xad" "017\xe2\x80\x8b" "64"), 1);
  /* without the clean view, the zero-width spaces would hide it */
  hits h = {{0}, {0}, 0};
  det_scan(DET_NIR, t, strlen(t), collect, &h);
  assert_int_equal(h.n, 0);
}

/* --------------------------------------------------------- SIREN, SIRET */

static void test_siren_siret(void **state) {
  (void)state;
  char c[32];
  for (size_t i = 0; i < N_OF(siren_valid); i++) {
    compact(siren_valid[i], c);
    assert_true(det_siren_valid(c, strlen(c)));
    expect_found(DET_SIREN, siren_valid[i]);
  }
  for (size_t i = 0; i < N_OF(siret_valid); i++) {
    compact(siret_valid[i], c);
    assert_true(det_siret_valid(c, strlen(c)));
    expect_found(DET_SIRET, siret_valid[i]);
  }
  /* [stdnum] doctests */
  expect_found(DET_SIREN, "404833048");
  expect_none(DET_SIREN, "404833047");
  expect_found(DET_SIRET, "73282932000074");
  expect_none(DET_SIRET, "73282932000079");
  /* La Poste: digit sum divisible by 5, the head office by Luhn [stdnum] */
  expect_found(DET_SIRET, "356 000 000 09075");
  expect_found(DET_SIRET, "35600000000048");
  expect_found(DET_SIRET, "35600000049837");
  expect_none(DET_SIRET, "35600000049838");
  assert_false(det_siret_valid("35600000000049", 14));
  /* Luhn over the 14 digits but not over the SIREN's 9 (the probe's
   * 12002700000005, 29105993380769, 78778932879214; python-stdnum refuses
   * them), and the all-zero placeholder */
  assert_true(det_luhn_valid("12002700000005", 14));
  assert_false(det_siret_valid("12002700000005", 14));
  assert_false(det_siret_valid("29105993380769", 14));
  assert_false(det_siret_valid("78778932879214", 14));
  expect_none(DET_SIRET, "SIRET 120 027 000 00005");
  assert_false(det_siren_valid("000000000", 9));
  assert_false(det_siret_valid("00000000000000", 14));
  expect_none(DET_SIREN, "SIREN : 000 000 000");
  /* a SIREN is not reported inside its SIRET, nor a SIRET inside more */
  expect_none(DET_SIREN, "732 829 320 00074");
  expect_none(DET_SIREN, "1404833048");
  expect_none(DET_SIRET, "73282932000074 5");
  assert_false(det_siren_valid("40483304", 8));
}

/* ---------------------------------------------------------------- phones */

static void test_phone_fr(void **state) {
  (void)state;
  static const char *const ok[] = {
      "06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "0612345678",  "01 49 40 72 00",
      "+33 6 12 34 56 78", "+33612345678", "+33 (0)6 12 34 56 78", "+33(0)1 49 40 72 00", /* [paris8] */
      "0033 6 12 34 56 78", "0033612345678", "+33 06 12 34 56 78", "06 1234 5678",
      "0033 (0)1 49 40 72 00", "0033(0)6 12 34 56 78", "0033-(0)6.12.34.56.78",
      /* [lpn] PhoneNumberUtil's national format of French special-rate
       * numbers (example numbers of its FR metadata) */
      "0 801 23 45 67", "0 891 12 34 56", "0 884 01 23 45", "0 806 12 34 56",
  };
  for (size_t i = 0; i < N_OF(ok); i++) expect_found(DET_PHONE_FR, ok[i]);
  expect_none(DET_PHONE_FR, "0 612 34 56 78");        /* that grouping is for 08 numbers only */
  assert_int_equal(detect(DET_PHONE_FR, "(+33) 6 12 34 56 78", "+33) 6 12 34 56 78"), 1);
  expect_none(DET_PHONE_FR, "06 123 456 78");         /* not paired */
  expect_none(DET_PHONE_FR, "0417 1643 01");           /* no two-digit prefix first */
  expect_none(DET_PHONE_FR, "NL91 ABNA 0417 1643 01"); /* a broken IBAN (presidio), not a phone */
  expect_found(DET_PHONE_FR, "0800 12 34 56");
  /* the overseas departments' four-digit prefixes, whole */
  expect_found(DET_PHONE_FR, "0692 12 34 56");
  expect_found(DET_PHONE_FR, "0262 12 34 56");
  expect_found(DET_PHONE_FR, "0590.12.34.56");
  expect_found(DET_PHONE_FR, "0696 12 34 56");
  expect_none(DET_PHONE_FR, "0612 12 34 56");  /* no such prefix in metropolitan France */
  expect_none(DET_PHONE_FR, "0692 123 456");
  /* pairs split by slashes, as on forms; not a date, nor a longer chain */
  expect_found(DET_PHONE_FR, "06/12/34/56/78");
  assert_int_equal(detect(DET_PHONE_FR, "tel. : 01/49/40/72/00.", "01/49/40/72/00"), 1);
  expect_none(DET_PHONE_FR, "06/123/456/78");
  expect_none(DET_PHONE_FR, "12/06/12/34/56/78");
  expect_none(DET_PHONE_FR, "du 01/09/2024 au 30/06/2025");
  expect_none(DET_NIR, "1/84/12/76/451/089/46"); /* only phones take slashes */
  expect_none(DET_PHONE_FR, "0012345678");            /* 00 is no French number */
  expect_none(DET_PHONE_FR, "06 12 34 56 78 90");     /* a longer grouped number */
  expect_none(DET_PHONE_FR, "0612345678901");
  expect_none(DET_PHONE_FR, "10033 (0)6 12 34 56 78"); /* no number starts there */
  expect_none(DET_PHONE_FR, "3.14 0033 (0)6 12 34 56 78");
  expect_none(DET_PHONE_FR, "0033 (0)6 12 34 56 7");
  expect_none(DET_PHONE_FR, "0033 (1)6 12 34 56 78");
  expect_none(DET_PHONE_FR, "10612345678");
  expect_none(DET_PHONE_FR, "+33 6 12 34 56 7");
  expect_none(DET_PHONE_FR, "+336123456789");
  expect_none(DET_PHONE_FR, "x0612345678");
  expect_none(DET_PHONE_FR, "3.0612345678");
  /* a list of numbers, not one long number */
  assert_int_equal(detect(DET_PHONE_FR, "0612345678 0698765432", "0612345678"), 2);
  /* another country's '+' is passed over, with and without the digit map */
  assert_int_equal(detect(DET_PHONE_FR, "call +44 20 7946 0958 or 06 12 34 56 78", "06 12 34 56 78"), 1);
  same_with_bits(DET_PHONE_FR, "+1 +44 +3 +33 +", 15);
}

static void test_phone_e164(void **state) {
  (void)state;
  static const char *const ok[] = {
      "+41 44 668 1800", "+41446681800", "+41-44-668-1800", /* [lpn] */
      "+421 2/212 345 67", /* [lpn] Slovakia's fixed-line example, international format */
      "+44 20 7946 0958", "+1 650-253-0000", "+1 (650) 253-0000", "+44 (0)20 7946 0958",
      "+33 6 12 34 56 78", "+49 30 123456",
  };
  for (size_t i = 0; i < N_OF(ok); i++) expect_found(DET_PHONE, ok[i]);
  /* the country code in parentheses, as presidio's and forms write it */
  assert_int_equal(detect(DET_PHONE, "(+44) 7911 123456", "+44) 7911 123456"), 1);
  assert_int_equal(detect(DET_PHONE, "Tel (+49) 30 1234567", "+49) 30 1234567"), 1);
  expect_none(DET_PHONE, "(+44) x");
  expect_none(DET_PHONE, "(+12) 345");
  expect_none(DET_PHONE, "+1 2");
  expect_none(DET_PHONE, "+123456");                  /* 6 digits */
  expect_none(DET_PHONE, "+0 123 456 789");           /* no country code 0 */
  expect_none(DET_PHONE, "+1234567890123456");        /* 16 digits */
  expect_none(DET_PHONE, "+15 000 000 habitants");    /* an amount */
  expect_none(DET_PHONE, "+2 500 000");
  expect_none(DET_PHONE, "+351 12/05/2024"); /* one slash ends an area code; two are a date */
  expect_none(DET_PHONE, "+421 2/212/345 67");
  assert_int_equal(detect(DET_PHONE, "+44 20 7946 0958/59", "+44 20 7946 0958"), 1);
  expect_none(DET_PHONE, "x+41446681800");
  expect_none(DET_PHONE, "3+41446681800");
  expect_none(DET_PHONE, "+41446681800a");
  /* "00" for '+', as European numbers are often written: the country code
   * must be an assigned one, 8 digits at least, NANP's 10 after a 1 */
  static const char *const ok00[] = {
      "0044 20 7946 0958", "00 44 20 7946 0958", "0032 475 12 34 56", "00 32 2 555 12 34", "001 415 555 2671",
      "00 7 495 123 45 67", "0041446681800", "0041-44-668-18-00", "00351 912 345 678", "00212 6 61 23 45 67",
  };
  for (size_t i = 0; i < N_OF(ok00); i++) expect_found(DET_PHONE, ok00[i]);
  assert_int_equal(detect(DET_PHONE, "Appelez le 0044 20 7946 0958 ou le 0033 6 12 34 56 78.", "0044 20 7946 0958"), 2);
  expect_none(DET_PHONE, "le 00 12 34 56 78");           /* +1 and 7 digits: no NANP number */
  expect_none(DET_PHONE, "0028 1234 5678");              /* 28x is not assigned */
  expect_none(DET_PHONE, "0080 1234 5678");
  expect_none(DET_PHONE, "montant 2 001 234 567 euros"); /* the 00 goes on a grouped number */
  expect_none(DET_PHONE, "2.001.234.567");
  expect_none(DET_PHONE, "10044 20 7946 0958");           /* inside a run */
  expect_none(DET_PHONE, "ref0044207946");
  expect_none(DET_PHONE, "0044 20");                      /* too short */
  expect_none(DET_PHONE, "000 44 20 7946 0958");
  expect_none(DET_PHONE, "004412345678901234");           /* more than 15 digits */
}

/* ------------------------------------------------------------------- RIB */

/* The BBANs of the SWIFT IBAN registry's examples for France and Monaco
 * (the first holds a letter in its account, as La Banque Postale's do)
 * and of the French IBAN used across these tests, written as RIBs: bank,
 * branch, account, key. */
static void test_rib(void **state) {
  (void)state;
  static const char *const ok[] = {
      "20041 01005 0500013M026 06", /* FR14 2004 1010 0505 0001 3M02 606 */
      "30006 00001 12345678901 89", /* FR76 3000 6000 0112 3456 7890 189 */
      "11222 00001 01234567890 30", /* MC58 1122 2000 0101 2345 6789 030 (Monaco) */
      "20041010050500013M02606", "30006-00001-12345678901-89", "30006.00001.12345678901.89",
      "30006 / 00001 / 12345678901 / 89", "30006 | 00001 | 12345678901 | 89", "20041 01005 0500013m026 06",
  };
  for (size_t i = 0; i < N_OF(ok); i++) {
    char c[32];
    size_t k = 0;
    for (const char *p = ok[i]; *p && k < 31; p++)
      if (*p != ' ' && *p != '-' && *p != '.' && *p != '/' && *p != '|') c[k++] = *p;
    c[k] = 0;
    if (!det_rib_valid(c, k)) fail_msg("det_rib_valid rejects %s", ok[i]);
    expect_found(DET_RIB, ok[i]);
  }
  assert_int_equal(detect(DET_RIB, "mon RIB : 30006 00001 12345678901 89.", "30006 00001 12345678901 89"), 1);
  /* each field after its label, as a bank's RIB page or a form lists
   * them; the span runs from the bank code to the key */
  static const char *const labelled[] = {
      "Code banque : 30006 Code guichet : 00001 N\302\260 de compte : 12345678901 Cl\303\251 RIB : 89",
      "Code banque : 30006\nCode guichet : 00001\nNum\303\251ro de compte : 12345678901\nCl\303\251 : 89",
      "Banque 20041 / Guichet 01005 / Compte 0500013M026 / Cl\303\251 06",
      "30006 00001 12345678901 cl\303\251 89",
      "bank code 30006, branch code 00001, account number 12345678901, key 89",
  };
  for (size_t i = 0; i < N_OF(labelled); i++) {
    const char *s = strpbrk(labelled[i], "0123456789");
    char span[160];
    size_t k = strlen(s);
    memcpy(span, s, k + 1);
    if (detect(DET_RIB, labelled[i], span) != 1) fail_msg("labelled RIB not found whole: %s", labelled[i]);
  }
  /* labels that do not make a RIB: a wrong key, a field glued to its
   * label or too long, an account of letters, a label longer than 48
   * bytes (each with the key of its fields) */
  expect_none(DET_RIB, "Code banque : 30006 Code guichet : 00001 Compte : 12345678901 Cl\303\251 : 88");
  expect_none(DET_RIB, "Code banque : 30006 Code guichet : 00001x Compte : 12345678901 Cl\303\251 : 89");
  expect_none(DET_RIB, "Code banque : 30006 Code guichet : 000012 Compte : 12345678901 Cl\303\251 : 89");
  expect_none(DET_RIB, "Banque 30006 guichet 00001 mot inscription cl\303\251 45"); /* the key of those letters */
  expect_none(DET_RIB, "Code banque : 30006 puis, bien plus loin dans la phrase qui continue : 00001 12345678901 89");
  /* a wrong key, a letter where digits go, a wrong group size, a longer
   * number, glued to a word, a postcode and a town */
  assert_false(det_rib_valid("30006000011234567890188", 23));
  assert_false(det_rib_valid("3000600001123456789018", 22));
  assert_false(det_rib_valid("300060000112345678901A9", 23));
  assert_false(det_rib_valid("3A006000011234567890189", 23));
  expect_none(DET_RIB, "30006 00001 12345678901 88");
  expect_none(DET_RIB, "3000 600001 12345678901 89");
  expect_none(DET_RIB, "1 30006 00001 12345678901 89");
  expect_none(DET_RIB, "30006 00001 12345678901 89 12");
  expect_none(DET_RIB, "30006 00001 12345678901 89,5");
  expect_none(DET_RIB, "x30006 00001 12345678901 89");
  expect_none(DET_RIB, "30006 00001 12345678901 89x");
  expect_none(DET_RIB, "75005 Paris 12345678901 89");
  expect_none(DET_RIB, "30006    00001 12345678901 89"); /* four blanks: not one group's separator */
  /* inside an IBAN, the RIB is the IBAN's: not a RIB of its own */
  expect_none(DET_RIB, "FR7630006000011234567890189");
  expect_none(DET_RIB, "FR76 3000 6000 0112 3456 7890 189");
}

/* An identifier then, one space apart, a short number of its own (an
 * expiry date, a CVV, a postcode, an age): the identifier is found. */
static void test_short_number_after(void **state) {
  (void)state;
  static const struct {
    int id;
    const char *text, *want;
  } ok[] = {
      {DET_CARD, "Carte 4242 4242 4242 4242 12/27", "4242 4242 4242 4242"},
      {DET_CARD, "Carte 4242 4242 4242 4242 123", "4242 4242 4242 4242"},
      {DET_CARD, "4242424242424242 12/27 123", "4242424242424242"},
      {DET_CARD, "378282246310005 1225", "378282246310005"},
      {DET_PHONE_FR, "06 12 34 56 78 12 rue de la Paix", "06 12 34 56 78"},
      {DET_PHONE_FR, "T\xc3\xa9l. 0612345678 75011 Paris", "0612345678"},
      {DET_PHONE_FR, "+33 6 12 34 56 78 75011 Paris", "+33 6 12 34 56 78"},
      {DET_NIR, "NIR 185057800608491 75 ans", "185057800608491"},
      {DET_SIREN, "SIREN 552 008 443 75008 Paris", "552 008 443"},
      {DET_SIREN, "SIREN 120 027 016 92120 Montrouge", "120 027 016"},
  };
  for (size_t i = 0; i < N_OF(ok); i++) assert_int_equal(detect(ok[i].id, ok[i].text, ok[i].want), 1);
  /* a longer number grouped alike, or a number that goes on */
  expect_none(DET_PHONE_FR, "06 12 34 56 78 90");
  expect_none(DET_CARD, "4242 4242 4242 4242 1234");
  expect_none(DET_CARD, "4242 4242 4242 4242 12 34");
  expect_none(DET_CARD, "4242 4242 4242 4242 12,5");
  expect_none(DET_CARD, "4242 4242 4242 4242 123456");
  expect_none(DET_CARD, "4242-4242-4242-4242-12");     /* not a space: one number */
  expect_none(DET_PHONE_FR, "0012345678 75011 Paris"); /* still needs a valid identifier */
  expect_none(DET_NIR, "185057800608492 75 ans");      /* its key is wrong */
}

/* ---------------------------------------------------------------- e-mail */

static void test_email(void **state) {
  (void)state;
  static const char *const ok[] = {
      "jeanne.martin@etu.univ-exemple.fr", "a.b-c_d+tag@example.co.uk", "o'brien@example.ie",
      "prenom.nom@universit\xc3\xa9-exemple.fr", "x@xn--bcher-kva.example", "user%relay@example.org",
      /* RFC 6531 local parts, as French first names are written */
      "h\xc3\xa9l\xc3\xa8ne.durand@univ-lyon2.fr", "zo\xc3\xab@laposte.net", "\xc3\xa9l\xc3\xa8ve@\303\251cole.fr",
  };
  for (size_t i = 0; i < N_OF(ok); i++) expect_found(DET_EMAIL, ok[i]);
  /* python-email-validator's internationalised addresses: scripts whose
   * words carry combining vowel signs (Devanagari, Thai) included */
  static const char *const eai[] = {
      "राम@मोहन.ईन्फो",
      "संपर्क@डाटामेल.भारत",
      "อีเมล@ตัวอย่าง.ไทย",
      "юзер@екзампл.ком",
      "θσερ@εχαμπλε.ψομ",
      "葉士豪@臺網中心.tw", "jeff葉@臺網中心.台灣",
      "二ノ宮@黒川.日本", "사용자@도메인.한국",
      "გიო@მაგალითი.გე",
  };
  for (size_t i = 0; i < N_OF(eai); i++) expect_found(DET_EMAIL, eai[i]);
  /* a danda ends the sentence, not the domain */
  assert_int_equal(detect(DET_EMAIL, "राम@मोहन.ईन्फो।",
                          "राम@मोहन.ईन्फो"), 1);
  assert_int_equal(detect(DET_EMAIL, "\xc3\xa9" "crire \xc3\xa0 jeanne.martin@etu.univ-exemple.fr.", "jeanne.martin@etu.univ-exemple.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "voir...jean@example.fr", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "\xc3\xa9" "crire \xc3\xa0 zo\xc3\xab@laposte.net", "zo\xc3\xab@laposte.net"), 1);
  /* what is not a letter ends the local part: a sign, a stray or cut byte */
  assert_int_equal(detect(DET_EMAIL, "5\xe2\x82\xac" "jean@example.fr", "jean@example.fr"), 1);
  /* the rest of RFC 5322's atext inside a local part (faker-js writes
   * such addresses with allowSpecialCharacters); markup around one stays out */
  static const char *const atext[] = {"Yoann=Faure85@gmail.com", "Archange!Rodriguez@yahoo.fr", "Betty*Moreau@gmail.com",
                                      "Emeric{Lopez55@gmail.com", "Malo&Barbier@yahoo.fr", "a#b$c/d?e^f`g|h}i~j@example.org"};
  for (size_t i = 0; i < N_OF(atext); i++) expect_found(DET_EMAIL, atext[i]);
  assert_int_equal(detect(DET_EMAIL, "**jean@example.fr**", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "{jean@example.fr}", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "`jean@example.fr`", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "voir ?jean@example.fr", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "a==jean@example.fr", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "\xff" "jean@example.fr", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "\xc3" "jean@example.fr", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "\xa9" "jean@example.fr", "jean@example.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "<a@example.com>, b@example.org", "a@example.com"), 2);
  expect_none(DET_EMAIL, "a@b");
  /* the password of URL credentials is the password detector's */
  expect_none(DET_EMAIL, "postgres://admin:Sup3rS3cret@db.univ.fr:5432/notes");
  expect_none(DET_EMAIL, "redis://:p4ssw0rd@cache.univ.fr");
  assert_int_equal(detect(DET_EMAIL, "mailto:jean.dupont@univ.fr", "jean.dupont@univ.fr"), 1);
  assert_int_equal(detect(DET_EMAIL, "http://a.fr/ jean:x@y.fr", "x@y.fr"), 1);
  expect_none(DET_EMAIL, "user@@example.com @ x");
  expect_none(DET_EMAIL, "jean.@example.fr");
  expect_none(DET_EMAIL, "jean@example.f");
  expect_none(DET_EMAIL, "jean@example..fr");
  expect_none(DET_EMAIL, "jean@-example.fr");
  expect_none(DET_EMAIL, "jean@example.123");
  expect_none(DET_EMAIL, "@example.com");
}

/* ---------------------------------------------------------- common rules */

static void test_names_and_lookup(void **state) {
  (void)state;
  for (int id = 0; id < DET_COUNT_; id++) {
    assert_int_equal(det_lookup(det_name(id)), id);
    assert_true(strlen(det_label(id)) > 0);
  }
  assert_int_equal(det_lookup("nope"), -1);
  assert_int_equal(det_lookup(NULL), -1);
  assert_string_equal(det_name(-1), "?");
  assert_string_equal(det_label(DET_COUNT_), "DATA");
  assert_string_equal(det_label(DET_NIR), "NIR");
  /* an unknown id scans nothing */
  hits h = {{0}, {0}, 0};
  det_scan(DET_COUNT_, "4242424242424242", 16, collect, &h);
  assert_int_equal(h.n, 0);
}

static int stop_after_one(void *ud, size_t s, size_t e) {
  (void)s, (void)e;
  ++*(int *)ud;
  return 1;
}

static void test_spans_ordered_and_stop(void **state) {
  (void)state;
  const char *t = "4242424242424242 5555555555554444 378282246310005";
  assert_int_equal(detect(DET_CARD, t, "4242424242424242"), 3);
  int calls = 0;
  det_scan(DET_CARD, t, strlen(t), stop_after_one, &calls);
  assert_int_equal(calls, 1);
}

/* A 100 MB line of digits (and of other worst cases) must finish in time
 * linear in its length: no rescans from every position of a run. */
/* The digit, '+', '-' and '@' detectors jump ahead eight bytes at a time:
 * an identifier must be found at every alignment, after padding of bytes
 * that look like digits or '+' once their high bit is dropped (0xB0..0xB9,
 * 0xAB: the "°" of "n°" is C2 B0), and nothing may be found in such bytes
 * alone. */
static void test_found_at_every_alignment(void **state) {
  (void)state;
  static const struct {
    int id;
    const char *value;
  } cases[] = {
      {DET_NIR, "2 84 05 2A 004 017 64"},          {DET_CARD, "4111 1111 1111 1111"},
      {DET_SIREN, "732 829 320"},                   {DET_SIRET, "732 829 320 00074"},
      {DET_PHONE_FR, "06 12 34 56 78"},             {DET_PHONE_FR, "+33 6 12 34 56 78"},
      {DET_PHONE, "+44 20 7946 0958"},              {DET_IBAN, "FR76 3000 6000 0112 3456 7890 189"},
      {DET_EMAIL, "jean.dupont@univ-exemple.fr"},   {DET_INE, "INE : 1234567890A"},
  };
  static const char pad[] = "ab \xc2\xb0\xc2\xb9 \xc2\xab \xc2\xb5 cd ";
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    for (size_t off = 0; off <= 17; off++) {
      char t[256];
      size_t n = 0;
      for (size_t j = 0; j < off; j++) t[n++] = pad[j % (sizeof pad - 1)];
      /* never end the padding inside a code point or glued to the value */
      while (n && (((unsigned char)t[n - 1] & 0xc0) == 0xc0 || t[n - 1] != ' ')) n--;
      n += (size_t)snprintf(t + n, sizeof t - n, "%s fin", cases[k].value);
      const char *want = cases[k].id == DET_INE ? "1234567890A" : cases[k].value;
      if (detect_in(cases[k].id, t, n, want) != 1)
        fail_msg("%s not found once after %zu bytes of padding", det_name(cases[k].id), off);
    }
  }
  char junk[64];
  for (size_t j = 0; j < sizeof junk; j++) junk[j] = (char)"\xb0\xb1\xb9\xab\xad\xc2"[j % 6];
  for (int id = 0; id < DET_COUNT_; id++) assert_int_equal(detect_in(id, junk, sizeof junk, NULL), 0);
}

/* The digit map marks exactly the 8-byte words holding an ASCII digit,
 * and the '+' map the 64-byte blocks holding a '+', for every length and
 * alignment, next to bytes that look like digits without their top bit;
 * and over long digit-free stretches the detectors find the same spans
 * with the maps as without. */
static void test_digit_bitmap(void **state) {
  (void)state;
  static const unsigned char bytes[] = {'0', '5', '9', '/', ':', 'a', ' ', 0xb0, 0xb9, 0xba, 0xaf, 0xc3, 0x80, 0x00, '+'};
  static char t[9000];
  static uint64_t bits[DET_MAP_WORDS(sizeof t)];
  uint32_t seed = 7;
  for (int it = 0; it < 3000; it++) {
    size_t n = ((seed = seed * 1103515245u + 12345u) >> 8) % (it % 10 ? 300 : sizeof t);
    int any = 0, rare = it % 3; /* mostly digit-free blocks, or dense */
    for (size_t i = 0; i < n; i++) {
      unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;
      t[i] = (char)(rare && r % 97 ? 'a' : bytes[r % sizeof bytes]);
      any |= t[i] >= '0' && t[i] <= '9';
    }
    memset(bits, 0xff, sizeof bits);
    assert_int_equal(det_digit_bits(t, n, bits) != 0, any);
    for (size_t b = 0; b < (n + 7) / 8; b++) {
      int d = 0;
      for (size_t i = 8 * b; i < n && i < 8 * b + 8; i++) d |= t[i] >= '0' && t[i] <= '9';
      if ((int)(bits[b / 64] >> (b % 64) & 1) != d) fail_msg("word %zu of %zu bytes wrong", b, n);
    }
    for (size_t b = (n + 7) / 8; b % 64; b++) assert_false(bits[b / 64] >> (b % 64) & 1);
    const uint64_t *plus = bits + DET_DIGIT_WORDS(n); /* the '+' map, a bit per 64 bytes */
    for (size_t b = 0; b < (n + 63) / 64 || b % 64; b++) {
      int p = 0;
      for (size_t i = 64 * b; i < n && i < 64 * b + 64; i++) p |= t[i] == '+';
      if ((int)(plus[b / 64] >> (b % 64) & 1) != p) fail_msg("'+' block %zu of %zu bytes wrong", b, n);
    }
  }
  static char big[1 << 16];
  static const char *const ids[] = {"06 12 34 56 78", "1 84 12 76 451 089 46", "4970 1012 3456 7890",
                                    "FR76 3000 6000 0112 3456 7890 189", "12", "+33 6 12 34 56 78",
                                    "+44 (0)20 7946 0958", "a+b 06.12.34.56.78 +1 415 555 2671"};
  for (int it = 0; it < 40; it++) {
    memset(big, it % 2 ? 'a' : ' ', sizeof big);
    for (int k = 0; k < it % 7; k++) {
      size_t at = ((seed = seed * 1103515245u + 12345u) >> 8) % (sizeof big - 64);
      const char *id = ids[((seed = seed * 1103515245u + 12345u) >> 16) % N_OF(ids)];
      big[at] = ' ';
      memcpy(big + at + 1, id, strlen(id));
      big[at + 1 + strlen(id)] = ' ';
    }
    size_t n = sizeof big - ((seed = seed * 1103515245u + 12345u) >> 16) % 5000;
    for (int id = 0; id < DET_COUNT_; id++) same_with_bits(id, big, n);
  }
  /* each identifier at every offset past a digit-free stretch */
  for (size_t at = 0; at < 140; at++)
    for (size_t k = 0; k < N_OF(ids); k++) {
      memset(big, ' ', 400);
      memcpy(big + at, ids[k], strlen(ids[k]));
      for (int id = 0; id < DET_COUNT_; id++) same_with_bits(id, big, at + strlen(ids[k]) + (k % 2 ? 0 : 9));
    }
}

/* Spans of one detector, every one kept (up to 4096). */
typedef struct all_spans {
  size_t s[4096], e[4096];
  size_t n;
} all_spans;

static int keep_all(void *ud, size_t s, size_t e) {
  all_spans *a = ud;
  if (a->n < 4096) a->s[a->n] = s, a->e[a->n] = e;
  a->n++;
  return 0;
}

/* The digit detectors run together (det_scan_digits) find, each, the
 * spans it finds alone: with and without the digit map, in groups of 1 to
 * 8 of them (the same detector twice included), on texts made of the
 * pieces where their chains differ (2A/2B after six digits, chains longer
 * than one detector's maximum, dots and dashes that only some accept,
 * runs too long to be joined, a '+' before digits) and of valid
 * identifiers. */
static void test_chain_group_same_spans(void **state) {
  (void)state;
  static const char *const pieces[] = {
      "1 84 12 76 451 089 46", "2 53 07 2A 073 004 43", "253072B07300470", "2 53 07 2a", "4970 1012 3456 7893",
      "4970.1012.3456.7893", "4970-1012-3456-7893", "4111111111111111", "4242424242424242 5555555555554444",
      "732 829 320", "732.829.320.00074", "73282932000074", "356 000 000 00048", "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7",
      "2 53 07 2", "A", "B", " ", ".", "-", ",", "x", "7", "12", "0", "\xc3\xa9", "1,5", "3.14", "N\xc2\xb0",
      "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "(+33) 6", "0033 (0)6 12 34 56 78", "0033 (",
      "06/12/34/56/78", "/", "01/09/2024", "+", "+3", "+33", "0 800 12 34 56", "FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", "DE",
      "GB82 WEST 1234 5698 7654 32", "FR76", "30006 00001 12345678901 89", "20041010050500013M02606", "30006 | 00001",
      "0500013M026 06", "1 85 05 78 006 084 (cl\xc3\xa9 91)", "n\xc2\xb0 SS 1 85 05 78 006 084", "1984 ", "75011 "};
  static const int dets[] = {DET_NIR, DET_CARD, DET_SIREN, DET_SIRET, DET_PHONE_FR, DET_IBAN, DET_RIB};
  static char t[4000];
  static uint64_t bits[DET_MAP_WORDS(sizeof t)];
  static all_spans alone[8], together[8];
  uint32_t seed = 11;
  for (int it = 0; it < 1500; it++) {
    size_t n = 0, want = ((seed = seed * 1103515245u + 12345u) >> 8) % (sizeof t - 64);
    while (n < want) {
      const char *pc = pieces[((seed = seed * 1103515245u + 12345u) >> 16) % N_OF(pieces)];
      size_t l = strlen(pc);
      memcpy(t + n, pc, l);
      n += l;
      if ((seed >> 9) % 3) t[n++] = (seed >> 12) % 2 ? ' ' : '.';
    }
    size_t k = 1 + it % 8;
    int ids[8];
    void *ud[8];
    for (size_t j = 0; j < k; j++) ids[j] = dets[((seed = seed * 1103515245u + 12345u) >> 16) % N_OF(dets)];
    det_digit_bits(t, n, bits);
    for (int with_map = 0; with_map < 2; with_map++) {
      for (size_t j = 0; j < k; j++) {
        alone[j].n = together[j].n = 0;
        ud[j] = &together[j];
        det_scan_bits(ids[j], t, n, with_map ? bits : NULL, keep_all, &alone[j]);
      }
      det_scan_digits(k, ids, t, n, with_map ? bits : NULL, keep_all, ud);
      for (size_t j = 0; j < k; j++) {
        if (alone[j].n != together[j].n)
          fail_msg("%s in a group of %zu on \"%.*s\": %zu spans alone, %zu together", det_name(ids[j]), k, (int)n, t,
                   alone[j].n, together[j].n);
        for (size_t q = 0; q < alone[j].n && q < 4096; q++)
          if (alone[j].s[q] != together[j].s[q] || alone[j].e[q] != together[j].e[q])
            fail_msg("%s in a group: span %zu differs", det_name(ids[j]), q);
      }
    }
  }
  /* each finds its own identifiers in a group */
  const char *txt = "NIR 2 53 07 2A 073 004 43, carte 4970 1012 3456 7893, SIRET 732 829 320 00074, SIREN 732 829 320, "
                    "tel. +33 6 12 34 56 78, IBAN FR76 3000 6000 0112 3456 7890 189, RIB 20041 01005 0500013M026 06.";
  int ids[7] = {DET_SIREN, DET_NIR, DET_SIRET, DET_IBAN, DET_CARD, DET_PHONE_FR, DET_RIB};
  void *ud[7];
  for (size_t j = 0; j < 7; j++) together[j].n = 0, ud[j] = &together[j];
  det_scan_digits(7, ids, txt, strlen(txt), NULL, keep_all, ud);
  for (size_t j = 0; j < 7; j++) assert_int_equal(together[j].n, 1);
  assert_memory_equal(txt + together[6].s[0], "20041 01005 0500013M026 06", 26);
  assert_memory_equal(txt + together[1].s[0], "2 53 07 2A 073 004 43", 21);
  assert_memory_equal(txt + together[3].s[0], "FR76 3000 6000 0112 3456 7890 189", 33);
  assert_memory_equal(txt + together[4].s[0], "4970 1012 3456 7893", 19);
  assert_memory_equal(txt + together[5].s[0], "+33 6 12 34 56 78", 17);
}

/* Linear time on the worst runs: 100 MB each, or 4 MB under memcheck,
 * which runs every detector some 20 times slower (the bound below is a
 * hang guard, not a speed measure: make bench measures speed). */
static void test_linear_on_long_runs(void **state) {
  (void)state;
  size_t n = CH_UNDER_VALGRIND() ? (size_t)4 << 20 : (size_t)100 << 20;
  char *t = malloc(n + 1);
  assert_non_null(t);
  static const char *const fills[] = {"7", "1 ", "06 ", "FR76", "ab@", "sk-", "-----BEGIN RSA PRIVATE KEY-----", "password=", "eyJ"};
  for (size_t f = 0; f < N_OF(fills); f++) {
    size_t fl = strlen(fills[f]), len = f == 0 ? n : n / 8; /* the digit run at full size */
    for (size_t i = 0; i < len; i++) t[i] = fills[f][i % fl];
    t[len] = 0;
    for (int id = 0; id < DET_COUNT_; id++) {
      clock_t c0 = clock();
      hits h = {{0}, {0}, 0};
      det_scan(id, t, len, collect, &h);
      double sec = (double)(clock() - c0) / CLOCKS_PER_SEC;
      /* generous: ~0.1 s per detector in practice, even under ASan */
      if (sec > 20) fail_msg("%s on %zu bytes of \"%s\" took %.1f s", det_name(id), len, fills[f], sec);
    }
  }
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_found_at_every_alignment),
      cmocka_unit_test(test_iban_registry_and_online_examples),
      cmocka_unit_test(test_iban_negatives),
      cmocka_unit_test(test_card_issuer_test_numbers),
      cmocka_unit_test(test_card_negatives),
      cmocka_unit_test(test_nir_examples),
      cmocka_unit_test(test_nir_negatives),
      cmocka_unit_test(test_nir_without_its_key),
      cmocka_unit_test(test_nir_split_by_invisible_characters),
      cmocka_unit_test(test_siren_siret),
      cmocka_unit_test(test_phone_fr),
      cmocka_unit_test(test_short_number_after),
      cmocka_unit_test(test_phone_e164),
      cmocka_unit_test(test_rib),
      cmocka_unit_test(test_email),
      cmocka_unit_test(test_names_and_lookup),
      cmocka_unit_test(test_spans_ordered_and_stop),
      cmocka_unit_test(test_digit_bitmap),
      cmocka_unit_test(test_chain_group_same_spans),
      cmocka_unit_test(test_linear_on_long_runs),
  };
  return cmocka_run_group_tests_name("built-in detectors", tests, NULL, NULL);
}
