/*
 * test_compiler.c — unit tests of the compiler stages: lexer (escapes,
 * interpolation), parser recovery, resolver (extends, params, override),
 * prefilter atoms, emitter (header, determinism), fmt idempotence on every
 * bundled charter, and out-of-memory behaviour of the whole compiler.
 * Language diagnostics themselves are golden files (test_golden.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charter_compile.h"
#include "compiler/atoms.h"
#include "compiler/cc.h"
#include "compiler/compile_internal.h"
#include "compiler/model.h"
#include "runtime/charter_internal.h"
#include "runtime/chb.h"

static const char *const bundled[] = {"charters/demoes.charter", "charters/orleans.charter",
                                      "charters/avignon.charter"};

/* Compile source text; returns status, fills counts. */
static ch_status compile_src(const char *src, unsigned *errors, unsigned char **img, size_t *n) {
  ch_compiler *c;
  assert_int_equal(ch_compiler_create(NULL, &c), CH_OK);
  unsigned char *tmp = NULL;
  size_t tn = 0;
  ch_status st = ch_compiler_compile_source(c, "test.charter", src, strlen(src), img ? img : &tmp, n ? n : &tn);
  if (errors) *errors = ch_compiler_errors(c);
  if (!img) ch_compiler_free(c, tmp);
  ch_compiler_destroy(c);
  return st;
}

/* Resolve + check a source into a model held by cc (caller frees cc). */
static int front(ch_cc *cc, const char *src, model *m) {
  cc_init(cc, NULL);
  return cc_front(cc, "test.charter", src, strlen(src), m);
}

static void test_string_escapes_and_params(void **state) {
  (void)state;
  const char *src =
      "template t \"T\" {\n"
      "  version \"1\"\n  license \"CC-BY-4.0\"\n"
      "  param who : text = \"l'université\"\n"
      "  principle p \"Titre \\u{00e9}\" \"Ligne\\tun\\n${who} \\$5 \\\"q\\\"\"\n"
      "}\n";
  ch_cc cc;
  model m;
  assert_int_equal(front(&cc, src, &m), 0);
  assert_int_equal(m.principles.n, 1);
  assert_string_equal(m.principles.v[0].title, "Titre \xc3\xa9");
  assert_string_equal(m.principles.v[0].text, "Ligne\tun\nl'université $5 \"q\"");
  cc_free(&cc);
}

static void test_parser_recovers_and_counts_all_errors(void **state) {
  (void)state;
  unsigned errors = 0;
  const char *src =
      "template t \"T\" {\n"
      "  data d \"D\" { words \"a\" \"b\" }\n"      /* missing comma */
      "  rule r error \"s\" { when d and deny }\n" /* missing operand */
      "  level x 1 \"x\" disclosure maybe\n"       /* bad keyword */
      "}\n";
  assert_int_equal(compile_src(src, &errors, NULL, NULL), CH_E_COMPILE);
  assert_int_equal(errors, 3);
}

static void test_extends_chain_params_and_override(void **state) {
  (void)state;
  const char *src =
      "template a \"A\" {\n  license \"CC-BY-SA-4.0\"\n  attribution \"A team\"\n"
      "  param who : text = \"default\"\n  param n : number = 1\n"
      "  data d \"D for ${who}\" { words \"x\" }\n"
      "  rule r error \"statement\" { when d }\n}\n"
      "template b \"B\" extends a(who: \"middle\") {\n  license \"CC-BY-SA-4.0\"\n  attribution \"B team\"\n"
      "  override rule r warning \"changed\" { when d }\n}\n"
      "charter c \"C\" extends b(who: \"leaf\", n: 3) {\n  license \"CC-BY-SA-4.0\"\n"
      "  remove rule r\n  rule s info \"n=${n}\" { when d }\n}\n";
  ch_cc cc;
  model m;
  assert_int_equal(front(&cc, src, &m), 0);
  assert_int_equal(m.nlineage, 3);
  assert_string_equal(m.lineage[0].id, "c");
  assert_string_equal(m.lineage[2].attribution, "A team");
  assert_string_equal(m.facts.v[0].title, "D for leaf");
  assert_int_equal(m.rules.n, 1);
  assert_string_equal(m.rules.v[0].id, "s");
  assert_string_equal(m.rules.v[0].statement, "n=3");
  cc_free(&cc);
}

static void test_share_alike_violation_is_an_error(void **state) {
  (void)state;
  unsigned errors = 0;
  const char *src = "template a \"A\" {\n  license \"CC-BY-SA-4.0\"\n  attribution \"x\"\n}\n"
                    "charter c \"C\" extends a {\n  license \"CC-BY-SA-3.0\"\n}\n";
  assert_int_equal(compile_src(src, &errors, NULL, NULL), CH_E_COMPILE);
  assert_int_equal(errors, 1);
  const char *later = "template a \"A\" {\n  license \"CC-BY-SA-3.0\"\n  attribution \"x\"\n}\n"
                      "charter c \"C\" extends a {\n  license \"CC-BY-SA-4.0\"\n}\n";
  assert_int_equal(compile_src(later, &errors, NULL, NULL), CH_OK);
}

typedef struct atom_case {
  const char *re;
  int n;
  const char *first; /* expected first atom, or NULL */
  uint32_t reach;    /* expected reach of the first atom */
} atom_case;

#define UNB ATOM_UNBOUNDED
static void test_atoms(void **state) {
  (void)state;
  static const atom_case cases[] = {
      {"utm_source=chatgpt\\.com", 1, "utm_source=chatgpt.com", 0},
      /* "n°" (reach 0) beats "étudiant", which follows \s* */
      {"\\bn°\\s*étudiant\\s*:?\\s*\\d{8}\\b", 1, "n°", 0},
      {"\\bn\\s*étudiant\\s*:?\\s*\\d{8}\\b", 1, "étudiant", UNB}, /* "n" is too weak */
      {"\\d{15}", 0, NULL, 0},
      {"abc|\\d+", 0, NULL, 0},
      {"abc|defg", 2, "abc", 0},
      {"\\b(?:invente[rsz]?|fabrique)\\b", 2, "invente", 0},
      {"ai[- ]use (?:statement|disclosure)", 2, "statement", 4 * 7},
      {"(?:abc)?xyz", 1, "xyz", 4 * 3},
      {"ab*cde", 1, "cde", UNB},
      {"colou?r", 1, "colo", 0},
      {"(?=lookahead)x", 1, "x", 0}, /* the lookahead gives nothing, "x" is still required */
      {"x{0,3}yyyy", 1, "yyyy", 4 * 3},
      {"[a/b]cdef", 1, "cdef", 4},
      /* widths: bounded repeats multiply, classes and dots are one code point */
      {"\\d{2}[.,]\\d{1,2}\\s?(?:euros|dollars)", 2, "euros", 4 * (2 + 1 + 2 + 1)},
      {"(?:a|bc){2,5}.{0,10}marker", 1, "marker", 4 * (2 * 5 + 10)},
      {"\\w+ marker", 1, " marker", UNB},
      {"(?i)x{3,}abcdef", 1, "abcdef", UNB},
      {"(?>ab|c)?defgh", 1, "defgh", 4 * 2},
      {"\\Gabcdef", 1, "abcdef", UNB}, /* \G moves with the start offset */
      {"\\p{L}abcdef", 1, "abcdef", UNB},
      {"(?<=x)abcdef", 1, "abcdef", 0},
      {"(?<n>ab)cdef", 1, "cdef", UNB}, /* named groups are not analysed */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char atoms[ATOM_MAX_BRANCHES][ATOM_MAX];
    uint32_t reach[ATOM_MAX_BRANCHES];
    int n = atoms_extract(cases[i].re, 0, atoms, reach, ATOM_MAX_BRANCHES);
    if (n != cases[i].n) fail_msg("atoms of /%s/: %d, expected %d", cases[i].re, n, cases[i].n);
    if (cases[i].first && strcmp(atoms[0], cases[i].first))
      fail_msg("first atom of /%s/: '%s', expected '%s'", cases[i].re, atoms[0], cases[i].first);
    if (cases[i].first && reach[0] != cases[i].reach)
      fail_msg("reach of '%s' in /%s/: %u, expected %u", atoms[0], cases[i].re, reach[0], cases[i].reach);
  }
  assert_true(atoms_nested_quantifier("(a+)+b"));
  assert_true(atoms_nested_quantifier("(?:\\w*x)*"));
  assert_false(atoms_nested_quantifier("(ab)+c*"));
  assert_false(atoms_nested_quantifier("a+b+"));
}

/* A charter without exact words is written in format 2, which older
 * libraries read; an exact word needs format 3 and marks its pattern. */
static void test_exact_words_format(void **state) {
  (void)state;
  static const char *const fmt = "template t \"T\" {\n  license \"CC-BY-4.0\"\n  tool class public \"P\"\n"
                                 "  data d \"D\" {\n    words %s\"M. \", \"INE\"\n  }\n}\n";
  for (int exact = 0; exact < 2; exact++) {
    char src[512];
    snprintf(src, sizeof src, fmt, exact ? "exact " : "");
    ch_compiler *c;
    assert_int_equal(ch_compiler_create(NULL, &c), CH_OK);
    unsigned char *img = NULL;
    size_t n = 0;
    assert_int_equal(ch_compiler_compile_source(c, "t.charter", src, strlen(src), &img, &n), CH_OK);
    assert_int_equal(chb_rd32(img + 8), exact ? CHB_FORMAT_VERSION : CHB_FORMAT_VERSION_MIN);
    ch_charter *ch;
    char err[256];
    assert_int_equal(ch_charter_load_memory(img, n, NULL, &ch, err, sizeof err), CH_OK);
    assert_int_equal(ch->npatterns, 2);
    for (uint32_t i = 0; i < 2; i++) {
      assert_int_equal(!!(ch->patterns[i].flags & CHB_PATF_EXACT), exact);
      /* the pattern keeps the word as written when exact, its atom is folded */
      assert_string_equal(ch->patterns[i].text.s, i ? (exact ? "INE" : "ine") : (exact ? "M." : "m."));
    }
    ch_charter_destroy(ch);
    ch_compiler_free(c, img);
    ch_compiler_destroy(c);
  }
}

static void test_emitter_header_and_determinism(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bundled / sizeof *bundled; i++) {
    ch_compiler *c;
    assert_int_equal(ch_compiler_create(NULL, &c), CH_OK);
    unsigned char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    assert_int_equal(ch_compiler_compile_file(c, bundled[i], &a, &na), CH_OK);
    assert_int_equal(ch_compiler_compile_file(c, bundled[i], &b, &nb), CH_OK);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_memory_equal(a, CHB_MAGIC, CHB_MAGIC_LEN);
    uint32_t ver = chb_rd32(a + 8);
    assert_true(ver >= CHB_FORMAT_VERSION_MIN && ver <= CHB_FORMAT_VERSION);
    assert_int_equal(chb_rd32(a + 12), CHB_PROBE);
    assert_int_equal(chb_rd32(a + 16), na);
    assert_int_equal(chb_rd32(a + 24), chb_crc32(a + CHB_HEADER_SIZE, na - CHB_HEADER_SIZE));
    ch_compiler_free(c, a);
    ch_compiler_free(c, b);
    ch_compiler_destroy(c);
  }
}

static void test_fmt_idempotent_on_bundled(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bundled / sizeof *bundled; i++) {
    char *b1 = NULL, *b2 = NULL;
    size_t n1 = 0, n2 = 0;
    FILE *m1 = open_memstream(&b1, &n1);
    ch_cc cc;
    cc_init(&cc, NULL);
    assert_int_equal(fmt_file(&cc, bundled[i], m1), 0);
    cc_free(&cc);
    fclose(m1);
    /* next to the original, so its includes resolve */
    char tmp[] = "charters/.fmt-test-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    FILE *t = fdopen(fd, "w");
    fwrite(b1, 1, n1, t);
    fclose(t);
    FILE *m2 = open_memstream(&b2, &n2);
    cc_init(&cc, NULL);
    assert_int_equal(fmt_file(&cc, tmp, m2), 0);
    cc_free(&cc);
    fclose(m2);
    remove(tmp);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
  }
}

/* Allocator that fails the Nth allocation and counts live blocks. */
typedef struct failing {
  long n, fail_at;
  long live;
} failing;

static void *f_alloc(void *ud, size_t n) {
  failing *f = ud;
  if (++f->n == f->fail_at) return NULL;
  void *p = malloc(n);
  if (p) f->live++;
  return p;
}
static void *f_realloc(void *ud, void *p, size_t n) {
  failing *f = ud;
  if (++f->n == f->fail_at) return NULL;
  void *q = realloc(p, n);
  if (q && !p) f->live++;
  return q;
}
static void f_free(void *ud, void *p) {
  failing *f = ud;
  if (p) f->live--;
  free(p);
}

static void test_compiler_out_of_memory(void **state) {
  (void)state;
  int succeeded = 0;
  for (long k = 1; k < 100000 && !succeeded; k++) {
    failing f = {0, k, 0};
    ch_allocator a = {f_alloc, f_realloc, f_free, &f};
    ch_compiler *c = NULL;
    ch_status st = ch_compiler_create(&a, &c);
    if (st == CH_OK) {
      unsigned char *img = NULL;
      size_t n = 0;
      st = ch_compiler_compile_file(c, "charters/demoes.charter", &img, &n);
      if (st == CH_OK) {
        succeeded = 1;
        ch_compiler_free(c, img);
      } else if (st != CH_E_NOMEM) {
        fail_msg("allocation %ld failing gave %s, not CH_E_NOMEM", k, ch_strerror(st));
      }
    } else {
      assert_int_equal(st, CH_E_NOMEM);
    }
    ch_compiler_destroy(c);
    if (f.live != 0) fail_msg("allocation %ld failing leaked %ld blocks", k, f.live);
  }
  assert_true(succeeded);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_string_escapes_and_params),
      cmocka_unit_test(test_parser_recovers_and_counts_all_errors),
      cmocka_unit_test(test_extends_chain_params_and_override),
      cmocka_unit_test(test_share_alike_violation_is_an_error),
      cmocka_unit_test(test_atoms),
      cmocka_unit_test(test_emitter_header_and_determinism),
      cmocka_unit_test(test_exact_words_format),
      cmocka_unit_test(test_fmt_idempotent_on_bundled),
      cmocka_unit_test(test_compiler_out_of_memory),
  };
  return cmocka_run_group_tests_name("compiler", tests, NULL, NULL);
}
