/*
 * test_runtime.c — the runtime against hostile .chb files, out-of-memory,
 * allocation-free scanning, threads, fail-closed limits, and the bundled
 * DemoES charter on prompts (issue 4's table, several formats of each
 * identifier).
 *
 * Hostile files are built from a valid compiled charter: one field is
 * changed (and the CRC recomputed, so the check under test is the one that
 * fires), and the load must fail with the error naming that check.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charter.h"
#include "charter_compile.h"
#include "runtime/charter_internal.h"
#include "runtime/chb.h"
#include "runtime/limits.h"
#include "runtime/opcodes.h"

static unsigned char *img;
static size_t img_len;

static int setup(void **state) {
  (void)state;
  ch_compiler *c;
  if (ch_compiler_create(NULL, &c)) return -1;
  ch_status st = ch_compiler_compile_file(c, "charters/demoes.charter", &img, &img_len);
  ch_compiler_destroy(c);
  return st == CH_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  free(img);
  return 0;
}

static unsigned char *copy(void) {
  unsigned char *p = malloc(img_len);
  assert_non_null(p);
  memcpy(p, img, img_len);
  return p;
}

static void fix_crc(unsigned char *p, size_t n) { chb_wr32(p + 24, chb_crc32(p + CHB_HEADER_SIZE, n - CHB_HEADER_SIZE)); }

static unsigned char *section(unsigned char *p, unsigned kind, uint32_t *len) {
  uint32_t ns = chb_rd32(p + 20);
  for (uint32_t i = 0; i < ns; i++) {
    unsigned char *t = p + CHB_HEADER_SIZE + 12 * i;
    if (chb_rd32(t) == kind) {
      if (len) *len = chb_rd32(t + 8);
      return p + chb_rd32(t + 4);
    }
  }
  return NULL;
}

static void expect_load(const unsigned char *p, size_t n, ch_status want, const char *msg) {
  ch_charter *c = NULL;
  char err[256];
  ch_status st = ch_charter_load_memory(p, n, NULL, &c, err, sizeof err);
  if (st != want) fail_msg("load gave %s (%s), expected %s", ch_strerror(st), err, ch_strerror(want));
  if (msg && !strstr(err, msg)) fail_msg("error \"%s\" does not name \"%s\"", err, msg);
  assert_null(c);
}

/* Code of rule `r`: pointer and length. */
static unsigned char *rule_code(unsigned char *p, uint32_t r, uint32_t *len, unsigned char **rec) {
  unsigned char *rules = section(p, CHB_SEC_RULE, NULL), *code = section(p, CHB_SEC_CODE, NULL);
  unsigned char *rr = rules + (size_t)r * 4 * CHB_RULE_N;
  if (rec) *rec = rr;
  *len = chb_rd32(rr + 4 * CHB_RULE_CODE_LEN);
  return code + chb_rd32(rr + 4 * CHB_RULE_CODE_OFF);
}

/* First instruction with opcode `op` in any rule; its offset in code. */
static unsigned char *find_op(unsigned char *p, int op) {
  for (uint32_t r = 0; r < 20; r++) {
    uint32_t n;
    unsigned char *c = rule_code(p, r, &n, NULL);
    for (uint32_t pc = 0; pc < n; pc += 1 + op_table[c[pc]].operand_bytes)
      if (c[pc] == op) return c + pc;
  }
  return NULL;
}

static void test_valid_image_loads(void **state) {
  (void)state;
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err), CH_OK);
  assert_string_equal(ch_charter_id(c), "demoes");
  assert_string_equal(ch_charter_license(c), "CC-BY-SA-4.0");
  assert_int_equal(ch_charter_count(c, CH_ITEM_TOOL), 12);
  ch_charter_destroy(c);
}

static void test_header_checks(void **state) {
  (void)state;
  unsigned char *p = copy();
  p[0] = 'X';
  expect_load(p, img_len, CH_E_NOT_CHB, "wrong magic");
  memcpy(p, img, img_len);
  p[4] = '\n'; /* text-mode mangling of \r\n */
  expect_load(p, img_len, CH_E_NOT_CHB, "magic");
  memcpy(p, img, img_len);
  chb_wr32(p + 8, CHB_FORMAT_VERSION + 1);
  expect_load(p, img_len, CH_E_VERSION, "format version");
  memcpy(p, img, img_len);
  chb_wr32(p + 12, 0x04030201);
  expect_load(p, img_len, CH_E_CORRUPT, "probe");
  memcpy(p, img, img_len);
  p[img_len - 5] ^= 0x40;
  expect_load(p, img_len, CH_E_CORRUPT, "checksum");
  free(p);
}

static void test_truncated_at_every_length(void **state) {
  (void)state;
  for (size_t n = 0; n < img_len; n += (n < 256 ? 1 : 97)) {
    ch_charter *c = NULL;
    char err[256];
    ch_status st = ch_charter_load_memory(img, n, NULL, &c, err, sizeof err);
    if (st != CH_E_CORRUPT && st != CH_E_NOT_CHB) fail_msg("truncated at %zu: %s", n, ch_strerror(st));
    assert_null(c);
  }
}

typedef struct mutation {
  const char *name, *msg;
} mutation;

static void test_verifier_rules(void **state) {
  (void)state;
  unsigned char *p = copy();
  uint32_t n;
  unsigned char *rec;
  unsigned char *c;

  /* unknown opcode */
  c = rule_code(p, 0, &n, &rec);
  c[0] = 0xee;
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "unknown opcode at pc 0");

  /* jump out of range */
  memcpy(p, img, img_len);
  unsigned char *j = find_op(p, OP_JZ);
  assert_non_null(j);
  j[1] = 0xff, j[2] = 0x7f;
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "jump out of range");

  /* jump into the middle of an instruction (a PUSH_INT operand) */
  memcpy(p, img, img_len);
  j = find_op(p, OP_JMP); /* JMP over PUSH_INT: land one byte later */
  assert_non_null(j);
  j[1] = (unsigned char)(j[1] - 4);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, NULL);

  /* fact index out of range */
  memcpy(p, img, img_len);
  unsigned char *f = find_op(p, OP_FACT);
  f[1] = 0xff, f[2] = 0xff;
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "fact index out of range");

  /* class index out of range */
  memcpy(p, img, img_len);
  f = find_op(p, OP_CLASS_IS);
  f[1] = 0x1f;
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "class index out of range");

  /* declared stack depth too small */
  memcpy(p, img, img_len);
  rule_code(p, 0, &n, &rec);
  chb_wr32(rec + 4 * CHB_RULE_MAXSTACK, 0);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "stack depth over the declared maximum");

  /* declared stack depth over the limit */
  memcpy(p, img, img_len);
  chb_wr32(rec + 4 * CHB_RULE_MAXSTACK, CH_MAX_STACK + 1);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "over the limit");

  /* no RET at the end */
  memcpy(p, img, img_len);
  c = rule_code(p, 0, &n, &rec);
  assert_int_equal(c[n - 1], OP_RET);
  c[n - 1] = OP_NOT;
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "without RET");

  /* RET with an empty stack */
  memcpy(p, img, img_len);
  c = rule_code(p, 0, &n, &rec);
  c[0] = OP_RET;
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, NULL);

  /* code range out of the CODE section */
  memcpy(p, img, img_len);
  rule_code(p, 0, &n, &rec);
  chb_wr32(rec + 4 * CHB_RULE_CODE_OFF, 0x7fffffff);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "code out of range");

  /* string out of range */
  memcpy(p, img, img_len);
  chb_wr32(rec + 4 * CHB_RULE_ID, 0xfffffff0);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "string out of range");

  /* a `near` pointing forward (would allow cycles) */
  memcpy(p, img, img_len);
  uint32_t plen;
  unsigned char *pat = section(p, CHB_SEC_PATTERN, &plen);
  int done = 0;
  for (uint32_t i = 0; i < plen / (4 * CHB_PAT_N) && !done; i++) {
    unsigned char *r = pat + (size_t)i * 4 * CHB_PAT_N;
    if (chb_rd32(r + 4 * CHB_PAT_NEAR_FACT) != CHB_NONE) {
      chb_wr32(r + 4 * CHB_PAT_NEAR_FACT, chb_rd32(r + 4 * CHB_PAT_FACT));
      done = 1;
    }
  }
  assert_true(done);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "near fact must precede");

  /* tool with a class index out of range */
  memcpy(p, img, img_len);
  unsigned char *tool = section(p, CHB_SEC_TOOL, NULL);
  chb_wr32(tool + 4 * CHB_TOOL_CLASS, 99);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "class index out of range in tool 0");

  /* levels out of order */
  memcpy(p, img, img_len);
  unsigned char *lv = section(p, CHB_SEC_LEVEL, NULL);
  chb_wr32(lv + 4 * CHB_LEVEL_RANK, 99);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "level ranks not increasing");

  /* overlapping sections */
  memcpy(p, img, img_len);
  unsigned char *t1 = p + CHB_HEADER_SIZE + 12, *t0 = p + CHB_HEADER_SIZE;
  chb_wr32(t1 + 4, chb_rd32(t0 + 4));
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, NULL);

  /* duplicate section */
  memcpy(p, img, img_len);
  chb_wr32(t1, chb_rd32(t0));
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "duplicate section");
  free(p);
}

static void test_random_mutations_never_crash(void **state) {
  (void)state;
  unsigned seed = 7;
  unsigned char *p = copy();
  for (int round = 0; round < 3000; round++) {
    memcpy(p, img, img_len);
    int flips = 1 + round % 4;
    for (int k = 0; k < flips; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t at = CHB_HEADER_SIZE + (seed >> 8) % (img_len - CHB_HEADER_SIZE);
      p[at] ^= (unsigned char)(1u << (seed % 8));
    }
    fix_crc(p, img_len);
    ch_charter *c = NULL;
    char err[256];
    if (ch_charter_load_memory(p, img_len, NULL, &c, err, sizeof err) == CH_OK) {
      /* accepted: it must then scan without faults */
      ch_scanner *s;
      assert_int_equal(ch_scanner_create(c, &s), CH_OK);
      const ch_report *r;
      ch_scanner_set_tool(s, "chatgpt");
      const char *t1 = "Mon NIR : 2 84 05 2A 004 017 64 jeanne@x.fr";
      assert_int_equal(ch_scanner_scan(s, t1, strlen(t1), &r), CH_OK);
      ch_scanner_set_scope(s, CH_SCOPE_DOCUMENT);
      const char *t2 = "# T\n\n## Déclaration d'usage de l'IA\n\nLe Chat, traduction.\n";
      assert_int_equal(ch_scanner_scan(s, t2, strlen(t2), &r), CH_OK);
      ch_scanner_destroy(s);
      ch_charter_destroy(c);
    }
  }
  free(p);
}

/* ------------------------------------------------------------ allocation */

typedef struct counting {
  long n, fail_at, live;
} counting;

static void *c_alloc(void *ud, size_t n) {
  counting *c = ud;
  if (++c->n == c->fail_at) return NULL;
  void *p = malloc(n);
  if (p) c->live++;
  return p;
}
static void *c_realloc(void *ud, void *p, size_t n) {
  counting *c = ud;
  if (++c->n == c->fail_at) return NULL;
  void *q = realloc(p, n);
  if (q && !p) c->live++;
  return q;
}
static void c_free(void *ud, void *p) {
  counting *c = ud;
  if (p) c->live--;
  free(p);
}

static void test_out_of_memory_load_and_scan(void **state) {
  (void)state;
  int ok = 0;
  for (long k = 1; k < 20000 && !ok; k++) {
    counting cnt = {0, k, 0};
    ch_allocator a = {c_alloc, c_realloc, c_free, &cnt};
    ch_charter *c = NULL;
    char err[256];
    ch_status st = ch_charter_load_memory(img, img_len, &a, &c, err, sizeof err);
    if (st == CH_OK) {
      ch_scanner *s = NULL;
      st = ch_scanner_create(c, &s);
      if (st == CH_OK) {
        const ch_report *r;
        ch_scanner_set_tool(s, "lechat");
        const char *t = "Écris à jeanne.martin@etu.univ-exemple.fr";
        st = ch_scanner_scan(s, t, strlen(t), &r);
        if (st == CH_OK) {
          assert_int_equal(ch_report_decision(r), CH_REDACT);
          ok = 1;
        }
      }
      ch_scanner_destroy(s);
      ch_charter_destroy(c);
    }
    if (!ok && st != CH_E_NOMEM) fail_msg("allocation %ld failing gave %s", k, ch_strerror(st));
    if (cnt.live) fail_msg("allocation %ld failing leaked %ld blocks", k, cnt.live);
  }
  assert_true(ok);
}

static void test_no_allocation_per_scan(void **state) {
  (void)state;
  counting cnt = {0, 0, 0};
  ch_allocator a = {c_alloc, c_realloc, c_free, &cnt};
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, &a, &c, err, sizeof err), CH_OK);
  ch_scanner *s;
  assert_int_equal(ch_scanner_create(c, &s), CH_OK);
  ch_scanner_set_tool(s, "lechat");
  size_t n = (size_t)1 << 20;
  char *text = malloc(n);
  assert_non_null(text);
  const char *para = "Bonjour, voici le relevé de notes de jeanne.martin@etu.univ-exemple.fr (NIR 2 84 05 2A 004 017 64). ";
  size_t pl = strlen(para);
  for (size_t i = 0; i < n; i++) text[i] = para[i % pl];
  const ch_report *r;
  assert_int_equal(ch_scanner_scan(s, text, n, &r), CH_OK); /* warm-up */
  long before = cnt.n;
  for (int k = 0; k < 3; k++) assert_int_equal(ch_scanner_scan(s, text, n, &r), CH_OK);
  assert_int_equal(cnt.n - before, 0);
  assert_int_equal(ch_report_decision(r), CH_REDACT);
  free(text);
  ch_scanner_destroy(s);
  ch_charter_destroy(c);
  assert_int_equal(cnt.live, 0);
}

/* ----------------------------------------------------------------- threads */

typedef struct tharg {
  const ch_charter *c;
  int bad;
} tharg;

static void *thread_main(void *p) {
  tharg *a = p;
  ch_scanner *s;
  if (ch_scanner_create(a->c, &s)) {
    a->bad = 1;
    return NULL;
  }
  for (int i = 0; i < 300; i++) {
    const ch_report *r;
    ch_scanner_set_tool(s, i % 2 ? "chatgpt" : "lechat");
    const char *t = "Mon NIR : 2 84 05 2A 004 017 64";
    if (ch_scanner_scan(s, t, strlen(t), &r) || ch_report_decision(r) != (i % 2 ? CH_DENY : CH_REDACT)) a->bad = 1;
  }
  ch_scanner_destroy(s);
  return NULL;
}

static void test_threads_share_one_charter(void **state) {
  (void)state;
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err), CH_OK);
  pthread_t th[4];
  tharg args[4];
  for (int i = 0; i < 4; i++) {
    args[i] = (tharg){c, 0};
    assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    assert_false(args[i].bad);
  }
  ch_charter_destroy(c);
}

/* --------------------------------------------------------- demoes prompts */

typedef struct pcase {
  const char *prompt;
  const char *tool;
  ch_decision decision;
  const char *rule;  /* must fire (or NULL) */
  const char *cls;   /* evidence class of that rule (or NULL) */
} pcase;

static void run_cases(const pcase *cs, size_t n) {
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err), CH_OK);
  ch_scanner *s;
  assert_int_equal(ch_scanner_create(c, &s), CH_OK);
  for (size_t i = 0; i < n; i++) {
    const pcase *k = &cs[i];
    assert_int_equal(ch_scanner_set_tool(s, k->tool), CH_OK);
    const ch_report *r;
    assert_int_equal(ch_scanner_scan(s, k->prompt, strlen(k->prompt), &r), CH_OK);
    if (ch_report_decision(r) != k->decision)
      fail_msg("\"%s\" to %s: %s, expected %s", k->prompt, k->tool, ch_decision_name(ch_report_decision(r)),
               ch_decision_name(k->decision));
    if (!k->rule) continue;
    int found = 0;
    for (size_t f = 0; f < ch_report_finding_count(r); f++) {
      const ch_finding *fd = ch_report_finding(r, f);
      if (strcmp(ch_finding_rule(fd), k->rule)) continue;
      found = 1;
      if (!k->cls) continue;
      int has = 0;
      for (size_t e = 0; e < ch_finding_evidence_count(fd); e++) {
        ch_span sp;
        ch_finding_evidence(fd, e, &sp);
        if (!strcmp(sp.fact, k->cls)) has = 1;
      }
      if (!has) fail_msg("\"%s\": %s has no %s evidence", k->prompt, k->rule, k->cls);
    }
    if (!found) fail_msg("\"%s\" to %s: rule %s did not fire", k->prompt, k->tool, k->rule);
  }
  ch_scanner_destroy(s);
  ch_charter_destroy(c);
}

static void test_demoes_prompt_table(void **state) {
  (void)state;
  static const pcase cases[] = {
      /* nothing sensitive, including questions about GDPR, NIR keys, IBAN structure */
      {"Quelle est la structure d'un IBAN français et comment calcule-t-on la clé d'un NIR ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Résume l'article 9 du RGPD sur les données de santé.", "gemini", CH_ALLOW, NULL, NULL},
      {"Explain GDPR article 9 in simple terms.", "lechat", CH_ALLOW, NULL, NULL},
      /* personal data to a public tool: several formats */
      {"contact: jeanne.martin@etu.univ-exemple.fr", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"Tél. 06.12.34.56.78", "claude", CH_DENY, "sensitive-to-public", "personal"},
      {"Tel +33 6 12 34 56 78", "copilot", CH_DENY, "sensitive-to-public", "personal"},
      {"NIR 284052A00401764", "deepseek", CH_DENY, "sensitive-to-public", "personal"},
      {"sécu : 1 69 05 49 588 157 33", "perplexity", CH_DENY, "sensitive-to-public", "personal"},
      {"IBAN GB29NWBK60161331926819", "grok", CH_DENY, "sensitive-to-public", "personal"},
      {"IBAN DE89 3704 0044 0532 0130 00", "metaai", CH_DENY, "sensitive-to-public", "personal"},
      {"carte 5555 5555 5555 4444", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"INE : 1234567890A", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"n° étudiant : 21934567", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      /* health about a person, grades, confidential */
      {"paul.durand@etu.univ-exemple.fr a un tiers-temps (MDPH)", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"Voici le relevé de notes de la promotion L2.", "gemini", CH_DENY, "sensitive-to-public", "grades"},
      {"Document strictement confidentiel : sujet d'examen du partiel.", "claude", CH_DENY, "sensitive-to-public", "confidential"},
      /* the same to a sovereign tool: never deny */
      {"contact: jeanne.martin@etu.univ-exemple.fr", "lechat", CH_REDACT, "personal-minimisation", "personal"},
      {"Voici le relevé de notes de la promotion L2.", "albert", CH_WARN, "sensitive-to-sovereign", "grades"},
      {"Document confidentiel interne.", "ilaas", CH_WARN, "sensitive-to-sovereign", "confidential"},
      {"NIR 284052A00401764", "local", CH_REDACT, "personal-minimisation", "personal"},
      /* secrets: deny everywhere */
      {"my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD", "chatgpt", CH_DENY, "secret-in-prompt", "secret"},
      {"AKIAIOSFODNN7EXAMPLE", "lechat", CH_DENY, "secret-in-prompt", "secret"},
      {"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----", "albert", CH_DENY, "secret-in-prompt", "secret"},
      {"mot de passe : Soleil2024!", "ilaas", CH_DENY, "secret-in-prompt", "secret"},
      /* fabricated data: deny everywhere */
      {"Invente des résultats d'expérience pour mon article.", "lechat", CH_DENY, "fabricated-data", NULL},
      {"Fabricate interview data for my thesis chapter.", "chatgpt", CH_DENY, "fabricated-data", NULL},
      {"Génère de fausses données pour ma thèse de doctorat.", "albert", CH_DENY, "fabricated-data", NULL},
      {"Génère des données synthétiques pour tester mon code.", "lechat", CH_ALLOW, NULL, NULL},
      /* grading: warn everywhere */
      {"Corrige ces copies et donne une note sur 20.", "lechat", CH_WARN, "ai-grading", NULL},
      {"Please grade these essays.", "claude", CH_WARN, "ai-grading", NULL},
      {"Rédige une appréciation personnalisée pour chaque étudiant.", "chatgpt", CH_WARN, "ai-grading", NULL},
      /* checksum failures are not data */
      {"Commande 123456789012345 expédiée.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"IBAN FR76 3000 6000 0112 3456 7890 188", "chatgpt", CH_ALLOW, NULL, NULL},
      {"carte 4242 4242 4242 4241", "chatgpt", CH_ALLOW, NULL, NULL},
      {"NIR 1 69 05 49 588 157 80", "chatgpt", CH_ALLOW, NULL, NULL},
  };
  run_cases(cases, sizeof cases / sizeof *cases);
}

static void test_redaction_keeps_every_other_byte(void **state) {
  (void)state;
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err), CH_OK);
  ch_scanner *s;
  assert_int_equal(ch_scanner_create(c, &s), CH_OK);
  ch_scanner_set_tool(s, "lechat");
  const char *t = "A: jeanne.martin@etu.univ-exemple.fr, B: 06 12 34 56 78, NIR 2 84 05 2A 004 017 64 fin\xff.";
  const ch_report *r;
  assert_int_equal(ch_scanner_scan(s, t, strlen(t), &r), CH_OK);
  size_t n;
  const char *red = ch_report_redacted(r, &n);
  assert_string_equal(red, "A: [EMAIL], B: [PHONE], NIR [NIR] fin\xff.");
  assert_int_equal(n, strlen(red));
  ch_scanner_destroy(s);
  ch_charter_destroy(c);
}

static void test_fail_closed_on_pattern_limit(void **state) {
  (void)state;
  const char *src = "template t \"T\" {\n  license \"CC-BY-4.0\"\n  tool class public \"P\"\n"
                    "  tool x \"X\" class public aliases \"X\"\n"
                    "  data d \"D\" { pattern /zz(a|aa)+$/ }\n"
                    "  rule r error \"s\" {\n    scope prompt\n    when d\n    deny\n  }\n}\n";
  ch_compiler *cc;
  assert_int_equal(ch_compiler_create(NULL, &cc), CH_OK);
  unsigned char *im;
  size_t n;
  assert_int_equal(ch_compiler_compile_source(cc, "t.charter", src, strlen(src), &im, &n), CH_OK);
  ch_compiler_destroy(cc);
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(im, n, NULL, &c, err, sizeof err), CH_OK);
  free(im);
  ch_scanner *s;
  assert_int_equal(ch_scanner_create(c, &s), CH_OK);
  char text[4096];
  memcpy(text, "zz", 2);
  memset(text + 2, 'a', sizeof text - 3);
  text[sizeof text - 2] = 'b';
  text[sizeof text - 1] = 0;
  const ch_report *r;
  assert_int_equal(ch_scanner_scan(s, text, strlen(text), &r), CH_OK);
  assert_true(ch_report_limit_hit(r));
  assert_int_equal(ch_report_decision(r), CH_DENY);
  ch_scanner_destroy(s);
  ch_charter_destroy(c);
}

static void test_context_errors(void **state) {
  (void)state;
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err), CH_OK);
  ch_scanner *s;
  assert_int_equal(ch_scanner_create(c, &s), CH_OK);
  assert_int_equal(ch_scanner_set_tool(s, "chatgtp"), CH_E_NOTFOUND);
  assert_int_equal(ch_scanner_set_tool(s, "public"), CH_OK);
  assert_int_equal(ch_scanner_set_level(s, "7"), CH_E_NOTFOUND);
  assert_int_equal(ch_scanner_set_level(s, "collab"), CH_OK);
  assert_int_equal(ch_scanner_set_level(s, "3"), CH_OK);
  assert_int_equal(ch_scanner_set_scope(s, (ch_scope)9), CH_E_ARG);
  const ch_report *r;
  assert_int_equal(ch_scanner_scan(s, NULL, 3, &r), CH_E_ARG);
  assert_int_equal(ch_scanner_scan(s, "", 0, &r), CH_OK);
  assert_int_equal(ch_report_decision(r), CH_ALLOW);
  ch_scanner_destroy(s);
  ch_charter_destroy(c);
  ch_charter_destroy(NULL);
  ch_scanner_destroy(NULL);
}

/* The places (regexes tried only near their atoms' hits, detectors only at
 * their triggers) change nothing: every fact's matches, the decision, the
 * evidence and the redacted text equal a run of every candidate over the
 * whole text, on texts up to 8 KB built at random from the DemoES
 * patterns' words, identifiers, secrets, separators and accents. */
static void same_report(const ch_scanner *a, const ch_scanner *b, const char *t, size_t n) {
  const ch_charter *c = a->c;
  for (uint32_t f = 0; f < c->nfacts; f++) {
    const rt_factres *x = &a->fres[f], *y = &b->fres[f];
    if (x->count != y->count || x->n != y->n)
      fail_msg("fact %s: %u/%u matches with places, %u/%u without, on \"%.*s\"", c->facts[f].id.s, x->count, x->n,
               y->count, y->n, (int)n, t);
    for (uint32_t k = 0; k < x->n; k++) {
      const rt_match *m = &a->kept[x->first + k], *o = &b->kept[y->first + k];
      if (m->start != o->start || m->end != o->end || m->pattern != o->pattern)
        fail_msg("fact %s: match %u differs on \"%.*s\"", c->facts[f].id.s, k, (int)n, t);
    }
  }
  assert_int_equal(a->report.decision, b->report.decision);
  assert_int_equal(a->report.nfindings, b->report.nfindings);
  for (size_t i = 0; i < a->report.nfindings; i++) {
    const ch_finding *x = &a->report.findings[i], *y = &b->report.findings[i];
    assert_ptr_equal(x->rule, y->rule);
    assert_int_equal(x->nev, y->nev);
    for (size_t k = 0; k < x->nev; k++) {
      assert_int_equal(x->ev[k].start, y->ev[k].start);
      assert_int_equal(x->ev[k].end, y->ev[k].end);
    }
  }
  assert_int_equal(a->report.redacted_len, b->report.redacted_len);
  assert_memory_equal(a->report.redacted, b->report.redacted, a->report.redacted_len);
}

/* Every evidence span's line and column, counted the slow way. */
static void check_lines(const ch_report *r, const char *t) {
  for (size_t i = 0; i < r->nfindings; i++)
    for (size_t k = 0; k < r->findings[i].nev; k++) {
      const ch_span *sp = &r->findings[i].ev[k];
      uint32_t line = 1;
      size_t ls = 0;
      for (size_t o = 0; o < sp->start; o++)
        if (t[o] == '\n') line++, ls = o + 1;
      if (sp->line != line || sp->column != sp->start - ls + 1)
        fail_msg("span at %zu: line %u column %u, want %u %zu", sp->start, sp->line, sp->column, line, sp->start - ls + 1);
    }
}

static void test_places_change_nothing(void **state) {
  (void)state;
  static const char *const parts[] = {
      "invente", "Inventez", "fabriquer", "des donn\xc3\xa9" "es", "r\xc3\xa9sultats", "chiffres", "make up", "fake", "data",
      "results", "faux", "fausses", "fictives", "fabricated", "interviews", "corrige", "notez", "\xc3\xa9value", "les copies",
      "devoirs", "m\xc3\xa9moires", "projet d'\xc3\xa9tudiants", "donne-moi une note", "attribuez une note",
      "r\xc3\xa9" "dige", "appr\xc3\xa9" "ciations", "retours personnalis\xc3\xa9s", "grade", "mark", "these essays",
      "student work", "write", "personalised feedback", "feedback for my students", "n\xc2\xb0 \xc3\xa9tudiant : ",
      "N\xc2\xb0 d'\xc3\xa9tudiant", "num\xc3\xa9ro \xc3\xa9tudiant", "student id: ", "Student number", "12345678",
      "1234567", "15/20", "12,5 sur 20", "8 / 20", "utm_source=chatgpt.com", "utm_source=openai", ":contentReference[oaicite:4]",
      "[oaicite:12]", "turn0search3", "turn12view0", "\n## D\xc3\xa9" "claration d'usage de l'IA\n", "\nUse of AI tools:\n",
      "\nAI-use statement\n", "\n# Utilisation de l'IA g\xc3\xa9n\xc3\xa9rative\n", "12/05/2024", "3.11.2025",
      "jean.dupont@univ-exemple.fr", "06 12 34 56 78", "+33 6 12 34 56 78", "1 84 12 76 451 089 46", "INE : 1234567890A",
      "FR76 3000 6000 0112 3456 7890 189", "4970 1012 3456 7890", "password=Tr0ub4dor&3x", "mot de passe : Soleil2024!",
      "MDPH", "sk-proj-Xi8tdMjHV6pmbBbwilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o", "AKIAIOSFODNN7EXAMPLE", "ChatGPT", "Le Chat",
      "confidentiel", "diagnostic", "d\xc3\xa9pression", ". ", ", ", " ", " ", " ", "\n", "\xe2\x80\x99", "\xc2\xa0",
      "\xe2\x80\x8b", "e\xcc\x81", "le ", "la ", "et ", "de ", "the ", "of ", "pour ", "avec ", "!", "?",
  };
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err), CH_OK);
  ch_scanner *a, *b;
  assert_int_equal(ch_scanner_create(c, &a), CH_OK);
  assert_int_equal(ch_scanner_create(c, &b), CH_OK);
  b->no_places = 1;
  static char t[8192];
  uint32_t seed = 2025;
  for (int it = 0; it < 3000; it++) {
    size_t n = 0;
    int k = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % (it % 10 ? 40 : 400);
    for (int j = 0; j < k; j++) {
      const char *p = parts[((seed = seed * 1103515245u + 12345u) >> 16) % (sizeof parts / sizeof *parts)];
      size_t l = strlen(p);
      if (n + l >= sizeof t) break;
      memcpy(t + n, p, l);
      n += l;
    }
    const char *tool = it % 2 ? "chatgpt" : "lechat";
    ch_scope scope = it % 3 ? CH_SCOPE_PROMPT : CH_SCOPE_DOCUMENT;
    const ch_report *ra, *rb;
    for (int side = 0; side < 2; side++) {
      ch_scanner *s = side ? b : a;
      assert_int_equal(ch_scanner_set_tool(s, tool), CH_OK);
      assert_int_equal(ch_scanner_set_scope(s, scope), CH_OK);
    }
    assert_int_equal(ch_scanner_scan(a, t, n, &ra), CH_OK);
    assert_int_equal(ch_scanner_scan(b, t, n, &rb), CH_OK);
    same_report(a, b, t, n);
    check_lines(ra, t);
  }
  ch_scanner_destroy(a);
  ch_scanner_destroy(b);
  ch_charter_destroy(c);
}

/* The prefilter finds every atom at every position, with the input
 * offsets and the folded bytes around it that a fold of the whole text
 * gives (the fold, per code point, that the prefilter applies chunk by
 * chunk): on texts up to 60 KB (several chunks, atoms across their
 * boundaries), with invalid bytes, zero-width characters, combining marks
 * and folds that grow ("ß"), for the DemoES atoms and for a charter with
 * atoms of 1 and 2 bytes (another filter width) and long ones. */
typedef struct pf_rec {
  uint32_t atom, start, end, prev, next;
} pf_rec;
typedef struct pf_list {
  pf_rec *v;
  size_t n, cap;
  const ch_charter *c;
} pf_list;

static void pf_push(pf_list *l, pf_rec r) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 256;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    assert_non_null(l->v);
  }
  l->v[l->n++] = r;
}

static ch_status pf_record(void *ud, const rt_atom *at, uint32_t start, uint32_t end, unsigned prev, unsigned next) {
  pf_list *l = ud;
  pf_push(l, (pf_rec){(uint32_t)(at - l->c->atoms), start, end, prev, next});
  return CH_OK;
}

static int pf_cmp(const void *x, const void *y) {
  const pf_rec *a = x, *b = y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return (a->atom > b->atom) - (a->atom < b->atom);
}

static void pf_reference(const ch_charter *c, const unsigned char *t, size_t n, pf_list *out) {
  unsigned char *f = malloc(4 * n + 1);
  uint32_t *org = malloc((4 * n + 1) * sizeof *org), *end = malloc((4 * n + 1) * sizeof *end);
  assert_true(f && org && end);
  size_t m = 0;
  for (size_t i = 0; i < n;) {
    char o[4];
    size_t adv, l = norm_fold_at(t, n, i, o, &adv);
    for (size_t j = 0; j < l; j++, m++) {
      f[m] = (unsigned char)o[j];
      org[m] = (uint32_t)i;
      end[m] = (uint32_t)(j + 1 < l ? i : i + adv);
    }
    i += adv;
  }
  for (size_t p = 0; p < m; p++)
    for (uint32_t a = 0; a < c->natoms; a++) {
      const rt_atom *at = &c->atoms[a];
      if (p + at->len <= m && !memcmp(f + p, at->text, at->len))
        pf_push(out, (pf_rec){a, org[p], end[p + at->len - 1], p ? f[p - 1] : 0, p + at->len < m ? f[p + at->len] : 0});
    }
  free(f), free(org), free(end);
}

static void pf_compare(const ch_charter *c, const char *const *parts, size_t nparts, int rounds) {
  rt_pfbuf b = {malloc(PF_CHUNK + PF_SLACK), malloc((PF_CHUNK + PF_SLACK) * sizeof(uint32_t))};
  assert_true(b.fb && b.org);
  static char t[60000];
  uint32_t seed = 7;
  for (int it = 0; it < rounds; it++) {
    size_t n = 0, want = it % 20 == 0 ? sizeof t - 64 : 1 + ((seed = seed * 1103515245u + 12345u) >> 16) % 3000;
    while (n < want) {
      const char *p = parts[((seed = seed * 1103515245u + 12345u) >> 16) % nparts];
      size_t l = strlen(p);
      if (n + l >= sizeof t) break;
      memcpy(t + n, p, l);
      n += l;
    }
    pf_list got = {NULL, 0, 0, c}, want_l = {NULL, 0, 0, c};
    assert_int_equal(pf_run(c, &b, (const unsigned char *)t, n, pf_record, &got), CH_OK);
    pf_reference(c, (const unsigned char *)t, n, &want_l);
    if (got.n) qsort(got.v, got.n, sizeof *got.v, pf_cmp);
    if (want_l.n) qsort(want_l.v, want_l.n, sizeof *want_l.v, pf_cmp);
    if (got.n != want_l.n) fail_msg("text %d (%zu bytes): %zu hits, want %zu", it, n, got.n, want_l.n);
    for (size_t k = 0; k < got.n; k++)
      if (memcmp(&got.v[k], &want_l.v[k], sizeof got.v[k]))
        fail_msg("text %d hit %zu: atom %u [%u, %u) prev %u next %u, want atom %u [%u, %u) prev %u next %u", it, k,
                 got.v[k].atom, got.v[k].start, got.v[k].end, got.v[k].prev, got.v[k].next, want_l.v[k].atom,
                 want_l.v[k].start, want_l.v[k].end, want_l.v[k].prev, want_l.v[k].next);
    free(got.v), free(want_l.v);
  }
  free(b.fb), free(b.org);
}

static void test_prefilter_finds_every_atom(void **state) {
  (void)state;
  static const char *const parts[] = {
      "D\xc3\xa9" "claration", "DECLARATION", "d\xc3\xa9" "cla", "ration", "tiers-temps", "TIERS-TEMPS", "MDPH", "mdp",
      "M\xe2\x80\x8b" "DPH", "INE", "ine", "machine", "Le Chat", "le chat", "reformulation", "student", "STUDENT",
      "experiment", "study", "sk-", "sk-proj-", "eyJ", "password", "mot de passe", "invente", "donn\xc3\xa9" "es",
      "travaux", "copie", "note", "utm_source=", "[oaicite:", ":contentReference[oaicite:", "n\xc2\xb0", "num\xc3\xa9ro",
      "Stra\xc3\x9f" "e", "STRASSE", "ia", "IA", "x", "X", "\xef\xbc\xa9\xef\xbc\xa1", "\xff", "\xc3", "\xe2\x82",
      "e\xcc\x81", "\xcc\x81", "\xe2\x80\x99", "\xc2\xa0", "\xe2\x80\x8b", " ", " ", "\n", ". ", "l'", "l\xe2\x80\x99",
      "intelligence artificielle g\xc3\xa9n\xc3\xa9rative", "abcdefgh", "abcdefghi", "\xc3\x89TUDIANT",
  };
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err), CH_OK);
  pf_compare(c, parts, sizeof parts / sizeof *parts, 300);
  ch_charter_destroy(c);
  /* atoms of 1 and 2 bytes, one that folds from "ß", long ones */
  const char *src = "template t \"T\" {\n  license \"CC-BY-4.0\"\n  tool class public \"P\"\n"
                    "  tool x \"X\" class public aliases \"X\"\n"
                    "  data d \"D\" { words \"x\", \"IA\", \"stras\", \"stra\xc3\x9f" "e\", \"abcdefgh\", \"abcdefghi\","
                    " \"intelligence artificielle g\xc3\xa9n\xc3\xa9rative\", \"l'\" }\n"
                    "  rule r error \"s\" {\n    scope prompt\n    when d\n    deny\n  }\n}\n";
  ch_compiler *cc;
  assert_int_equal(ch_compiler_create(NULL, &cc), CH_OK);
  unsigned char *im;
  size_t n;
  assert_int_equal(ch_compiler_compile_source(cc, "t.charter", src, strlen(src), &im, &n), CH_OK);
  ch_compiler_destroy(cc);
  assert_int_equal(ch_charter_load_memory(im, n, NULL, &c, err, sizeof err), CH_OK);
  free(im);
  assert_int_equal(c->pf.bmask, 0xff); /* buckets by as many bytes as the shortest atom has */
  pf_compare(c, parts, sizeof parts / sizeof *parts, 300);
  ch_charter_destroy(c);
}

static int raw_cmp(const void *a, const void *b) {
  const rt_match *x = a, *y = b;
  if (x->pattern != y->pattern) return x->pattern < y->pattern ? -1 : 1;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return (x->end > y->end) - (x->end < y->end);
}

/* rt_sort_raw (a counting sort by pattern that sorts only the slices out
 * of order) against qsort: raw as a scan leaves it (runs of one pattern in
 * start order, words interleaved), then with slices shuffled, ties on
 * start, and a single match; short ones as well as long. */
static void test_sort_raw_matches_qsort(void **state) {
  (void)state;
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err), CH_OK);
  ch_scanner *s;
  assert_int_equal(ch_scanner_create(c, &s), CH_OK);
  uint32_t seed = 11, np = c->npatterns;
  for (int it = 0; it < 400; it++) {
    seed = seed * 1103515245u + 12345u; /* short (insertion sort) and long (counting sort) */
    size_t n = it % 50 == 0 ? 1 : 1 + (seed >> 16) % (it % 4 == 1 ? 40 : 3000);
    assert_int_equal(rt_grow(s, (void **)&s->raw, &s->raw_cap, n, sizeof *s->raw), CH_OK);
    memset(s->raw_n, 0, np * sizeof *s->raw_n);
    uint32_t pos = 0;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      uint32_t p = (seed >> 8) % (it % 3 == 0 ? 4 : np);
      if (it % 2 == 0 || (seed >> 28) > 1) pos += (seed >> 20) % 40; /* else a step back or a tie */
      else pos = pos > 50 ? pos - (seed >> 24) % 50 : pos;
      s->raw[i] = (rt_match){pos, pos + 1 + (seed >> 16) % 9, p};
      s->raw_n[p]++;
    }
    s->raw_len = n;
    rt_match *want = malloc(n * sizeof *want);
    assert_non_null(want);
    memcpy(want, s->raw, n * sizeof *want);
    qsort(want, n, sizeof *want, raw_cmp);
    assert_int_equal(rt_sort_raw(s), CH_OK);
    for (size_t i = 0; i < n; i++)
      if (memcmp(&s->raw[i], &want[i], sizeof want[i]))
        fail_msg("round %d, match %zu of %zu: pattern %u [%u, %u), want pattern %u [%u, %u)", it, i, n,
                 s->raw[i].pattern, s->raw[i].start, s->raw[i].end, want[i].pattern, want[i].start, want[i].end);
    free(want);
  }
  s->raw_len = 0;
  ch_scanner_destroy(s);
  ch_charter_destroy(c);
}

/* `near A within D` keeps a match when some match of A lies within D
 * bytes: checked against a pairwise count on random texts of whole-word
 * tokens, with matches before, after, inside and far from each other. */
static void test_near_matches_pairwise(void **state) {
  (void)state;
  const char *src = "template t \"T\" {\n  license \"CC-BY-4.0\"\n  tool class public \"P\"\n"
                    "  tool x \"X\" class public aliases \"X\"\n"
                    "  data a \"A\" { words \"alpha\", \"alpha beta\" }\n"
                    "  data b \"B\" { words \"beta\" near a within 12 }\n"
                    "  rule r error \"s\" {\n    scope prompt\n    when b\n    deny\n  }\n}\n";
  ch_compiler *cc;
  assert_int_equal(ch_compiler_create(NULL, &cc), CH_OK);
  unsigned char *im;
  size_t n;
  assert_int_equal(ch_compiler_compile_source(cc, "t.charter", src, strlen(src), &im, &n), CH_OK);
  ch_compiler_destroy(cc);
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(im, n, NULL, &c, err, sizeof err), CH_OK);
  free(im);
  uint32_t fb = CHB_NONE;
  for (uint32_t f = 0; f < c->nfacts; f++)
    if (!strcmp(c->facts[f].id.s, "b")) fb = f;
  assert_int_not_equal(fb, CHB_NONE);
  ch_scanner *s;
  assert_int_equal(ch_scanner_create(c, &s), CH_OK);
  static const char *const tok[] = {"alpha", "beta", "x", "yyyyyyy", "zz"};
  static char t[4096];
  uint32_t seed = 99;
  for (int it = 0; it < 2000; it++) {
    size_t len = 0, na = 0, nb = 0;
    uint32_t as[800], ae[800], bs[800];
    int k = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 300;
    for (int j = 0; j < k; j++) {
      unsigned w = ((seed = seed * 1103515245u + 12345u) >> 16) % 5;
      size_t l = strlen(tok[w]);
      if (w == 0) as[na] = (uint32_t)len, ae[na++] = (uint32_t)(len + l);
      if (w == 1) {
        bs[nb++] = (uint32_t)len;
        if (j > 0 && len >= 6 && !memcmp(t + len - 6, "alpha ", 6)) /* "alpha beta" is an A too */
          as[na] = (uint32_t)(len - 6), ae[na++] = (uint32_t)(len + 4);
      }
      memcpy(t + len, tok[w], l);
      len += l;
      t[len++] = ' ';
    }
    size_t want = 0;
    for (size_t i = 0; i < nb; i++) {
      int64_t b0 = bs[i], b1 = bs[i] + 4;
      for (size_t j = 0; j < na; j++) {
        int64_t gap = ae[j] <= b0 ? b0 - ae[j] : b1 <= as[j] ? as[j] - b1 : 0;
        if (gap <= 12) {
          want++;
          break;
        }
      }
    }
    const ch_report *r;
    assert_int_equal(ch_scanner_scan(s, t, len, &r), CH_OK);
    if (s->fres[fb].n != want) fail_msg("text %d: %u beta kept, want %zu: \"%.*s\"", it, s->fres[fb].n, want, (int)len, t);
  }
  ch_scanner_destroy(s);
  ch_charter_destroy(c);
}

/* A rule's condition read back from bytecode (condition.c, what diff
 * shows) is charter text that compiles to the same bytecode: random
 * conditions of and, or, not, comparisons of tools, classes, levels,
 * roles and scopes, facts and disclosure properties, put in place of a
 * DemoES rule's condition. */
static unsigned char *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static unsigned char buf[1 << 17];
  *n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[*n] = 0;
  return buf;
}

static void gen_cond(char *o, size_t cap, uint32_t *seed, int depth) {
  static const char *const leaf[] = {"personal", "health", "secret", "ai_artefact", "tool.class == public",
                                     "tool.class != sovereign", "tool == chatgpt", "tool != lechat", "level == none",
                                     "level > planning", "level <= explore", "role == student", "scope == document",
                                     "disclosure", "disclosure.used", "disclosure.complete", "disclosure.negative",
                                     "ue.disclosure", "tool.approved", "personal > 2"};
  unsigned r = (*seed = *seed * 1103515245u + 12345u) >> 16;
  if (depth > 3 || r % 3 == 0) {
    snprintf(o, cap, "%s", leaf[(r >> 2) % (sizeof leaf / sizeof *leaf)]);
    return;
  }
  char a[1024], b[1024];
  gen_cond(a, sizeof a, seed, depth + 1);
  gen_cond(b, sizeof b, seed, depth + 1);
  switch (r % 4) {
  case 1: snprintf(o, cap, "(%s and %s)", a, b); break;
  case 2: snprintf(o, cap, "(%s or %s)", a, b); break;
  default: snprintf(o, cap, "not (%s)", a); break;
  }
}

static ch_charter *with_condition(const char *src, size_t n, const char *cond) {
  static const char old[] = "when ai_artefact and not disclosure.used";
  const char *at = strstr(src, old);
  assert_non_null(at);
  size_t pre = (size_t)(at - src), cl = strlen(cond), tail = n - pre - strlen(old);
  char *text = malloc(n + cl + 16);
  assert_non_null(text);
  memcpy(text, src, pre);
  memcpy(text + pre, "when ", 5);
  memcpy(text + pre + 5, cond, cl);
  memcpy(text + pre + 5 + cl, at + strlen(old), tail);
  size_t tl = pre + 5 + cl + tail;
  ch_compiler *cc;
  assert_int_equal(ch_compiler_create(NULL, &cc), CH_OK);
  unsigned char *im;
  size_t iml;
  if (ch_compiler_compile_source(cc, "charters/demoes.charter", text, tl, &im, &iml) != CH_OK)
    fail_msg("condition does not compile: %s", cond);
  ch_compiler_destroy(cc);
  free(text);
  ch_charter *c;
  char err[256];
  assert_int_equal(ch_charter_load_memory(im, iml, NULL, &c, err, sizeof err), CH_OK);
  free(im);
  return c;
}

static const rt_rule *rule_named(const ch_charter *c, const char *id) {
  for (uint32_t i = 0; i < c->nrules; i++)
    if (!strcmp(c->rules[i].id.s, id)) return &c->rules[i];
  fail_msg("no rule %s", id);
  return NULL;
}

static void test_condition_text_round_trips(void **state) {
  (void)state;
  size_t n;
  const char *src = (const char *)read_all("charters/demoes.charter", &n);
  uint32_t seed = 4242;
  for (int it = 0; it < 150; it++) {
    char cond[4096];
    gen_cond(cond, sizeof cond, &seed, 0);
    ch_charter *a = with_condition(src, n, cond);
    const rt_rule *ra = rule_named(a, "undisclosed-ai");
    char *text = rt_condition_text(a, ra);
    if (!text) fail_msg("no text for %s", cond);
    ch_charter *b = with_condition(src, n, text);
    const rt_rule *rb = rule_named(b, "undisclosed-ai");
    if (ra->code_len != rb->code_len || memcmp(ra->code, rb->code, ra->code_len))
      fail_msg("\"%s\" read back as \"%s\", which compiles differently", cond, text);
    assert_string_equal(ch_charter_item(b, CH_ITEM_RULE, (size_t)(rb - b->rules), "condition"), text);
    free(text);
    ch_charter_destroy(a);
    ch_charter_destroy(b);
  }
  /* the bundled rules read as written */
  ch_charter *c = with_condition(src, n, "ai_artefact and not disclosure.used");
  assert_string_equal(ch_charter_item(c, CH_ITEM_RULE, (size_t)(rule_named(c, "sensitive-to-public") - c->rules), "condition"),
                      "tool.class == public and (personal or health or grades or confidential)");
  assert_string_equal(ch_charter_item(c, CH_ITEM_RULE, (size_t)(rule_named(c, "tool-not-approved") - c->rules), "condition"),
                      "level > none and disclosure.used and not tool.approved");
  ch_charter_destroy(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_image_loads),
      cmocka_unit_test(test_places_change_nothing),
      cmocka_unit_test(test_prefilter_finds_every_atom),
      cmocka_unit_test(test_sort_raw_matches_qsort),
      cmocka_unit_test(test_near_matches_pairwise),
      cmocka_unit_test(test_condition_text_round_trips),
      cmocka_unit_test(test_header_checks),
      cmocka_unit_test(test_truncated_at_every_length),
      cmocka_unit_test(test_verifier_rules),
      cmocka_unit_test(test_random_mutations_never_crash),
      cmocka_unit_test(test_out_of_memory_load_and_scan),
      cmocka_unit_test(test_no_allocation_per_scan),
      cmocka_unit_test(test_threads_share_one_charter),
      cmocka_unit_test(test_demoes_prompt_table),
      cmocka_unit_test(test_redaction_keeps_every_other_byte),
      cmocka_unit_test(test_fail_closed_on_pattern_limit),
      cmocka_unit_test(test_context_errors),
  };
  return cmocka_run_group_tests_name("runtime", tests, setup, teardown);
}
