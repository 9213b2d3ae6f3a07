/*
 * test_runtime.c — the runtime against hostile .chb files, out-of-memory,
 * allocation-free scanning, threads, fail-closed limits, and the bundled
 * DemoES charter on prompts (issue 4's table, several formats of each
 * identifier).  The scan's inner parts (prefilter, regex windows, match
 * sorting, `near`) are tested in test_scan.c.
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
#include "tests/demoes_fixture.h"


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
  ch_charter *c = load_demoes();
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

  /* the exact flag (format 3): on a word only, and not in a version 2
   * file; the bundled charter's "M." is exact */
  memcpy(p, img, img_len);
  assert_int_equal(chb_rd32(p + 8), CHB_FORMAT_VERSION);
  chb_wr32(p + 8, CHB_FORMAT_VERSION_MIN);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "exact flag on a version 2 file");
  chb_wr32(p + 8, CHB_FORMAT_VERSION_MIN - 1);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_VERSION, "format version");
  memcpy(p, img, img_len);
  pat = section(p, CHB_SEC_PATTERN, &plen);
  done = 0;
  for (uint32_t i = 0; i < plen / (4 * CHB_PAT_N) && !done; i++) {
    unsigned char *r = pat + (size_t)i * 4 * CHB_PAT_N;
    if (chb_rd32(r + 4 * CHB_PAT_KIND) == CHB_PAT_REGEX) {
      chb_wr32(r + 4 * CHB_PAT_FLAGS, chb_rd32(r + 4 * CHB_PAT_FLAGS) | CHB_PATF_EXACT);
      done = 1;
    }
  }
  assert_true(done);
  fix_crc(p, img_len);
  expect_load(p, img_len, CH_E_CORRUPT, "exact flag on a non-word");

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
  ch_charter *c = load_demoes();
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
  ch_charter *c = load_demoes();
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
      /* ... and about API keys, tokens and HTTP authentication */
      {"Comment g\xc3\xa9n\xc3\xa9rer une cl\xc3\xa9 API pour Moodle et o\xc3\xb9 la stocker ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"What does the header Authorization: Bearer <token> mean, and what is token_type: bearer?", "claude", CH_ALLOW,
       NULL, NULL},
      {"Dans curl -u user:password, que fait l'option -u ? Et api_key = os.environ[\"API_KEY\"] ?", "chatgpt",
       CH_ALLOW, NULL, NULL},
      /* personal data to a public tool: several formats */
      {"contact: jeanne.martin@etu.univ-exemple.fr", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"Tél. 06.12.34.56.78", "claude", CH_DENY, "sensitive-to-public", "personal"},
      {"Tel +33 6 12 34 56 78", "copilot", CH_DENY, "sensitive-to-public", "personal"},
      {"Appelez mon tuteur au 0044 20 7946 0958", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"NIR 284052A00401764", "deepseek", CH_DENY, "sensitive-to-public", "personal"},
      {"sécu : 1 69 05 49 588 157 33", "perplexity", CH_DENY, "sensitive-to-public", "personal"},
      /* a NIR without its key after a label, and one with its key apart */
      {"N° de sécurité sociale : 1 85 05 78 006 084", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"1 85 05 78 006 084 (clé 91)", "gemini", CH_DENY, "sensitive-to-public", "personal"},
      {"ma référence 1850578006084", "chatgpt", CH_ALLOW, NULL, NULL},
      {"1 85 05 78 006 084 (clé 12)", "chatgpt", CH_ALLOW, NULL, NULL},
      {"IBAN GB29NWBK60161331926819", "grok", CH_DENY, "sensitive-to-public", "personal"},
      {"IBAN DE89 3704 0044 0532 0130 00", "metaai", CH_DENY, "sensitive-to-public", "personal"},
      {"RIB 30006 00001 12345678901 89", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"RIB 30006 00001 12345678901 88", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Code banque : 30006\nCode guichet : 00001\nN\302\260 de compte : 12345678901\nCl\303\251 RIB : 89", "gemini", CH_DENY,
       "sensitive-to-public", "personal"},
      {"Code banque : 30006\nCode guichet : 00001\nN\302\260 de compte : 12345678901\nCl\303\251 RIB : 98", "gemini", CH_ALLOW,
       NULL, NULL},
      {"carte 5555 5555 5555 4444", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      /* an identifier with a short number of its own after it */
      {"Ma carte : 4242 4242 4242 4242 12/27 cryptogramme 123", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"Appelez le 06 12 34 56 78 12 rue de la Paix", "gemini", CH_DENY, "sensitive-to-public", "personal"},
      {"(+44) 7911 123456", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      /* a broken IBAN is neither an IBAN nor, by its tail, a phone number */
      {"NL91 ABNA 0417 1643 01", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Écris à \u0930\u093e\u092e@\u092e\u094b\u0939\u0928.\u0908\u0928\u094d\u092b\u094b", "chatgpt", CH_DENY,
       "sensitive-to-public", "personal"},
      {"Rappelle-moi au 06/12/34/56/78.", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"Cours du 01/09/2024 au 30/06/2025.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"INE : 1234567890A", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"n° étudiant : 21934567", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"Voici mon num\303\251ro d'\303\251tudiant : 21901234", "chatgpt", CH_DENY, "sensitive-to-public", "personal"},
      {"Mon num\303\251ro d\342\200\231\303\251tudiant est le 21901234", "gemini", CH_DENY, "sensitive-to-public",
       "personal"},
      {"Le num\303\251ro d'\303\251tudiant a 8 chiffres ?", "chatgpt", CH_ALLOW, NULL, NULL},
      /* health about a person, grades, confidential */
      {"paul.durand@etu.univ-exemple.fr a un tiers-temps (MDPH)", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"Mme Dupont a un cancer du sein, rédige une lettre.", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"Mon étudiant Paul est diabétique : adapte son emploi du temps.", "gemini", CH_DENY, "sensitive-to-public", "health"},
      {"M. Durand est en arrêt maladie depuis lundi.", "copilot", CH_DENY, "sensitive-to-public", "health"},
      /* "M." is an exact word: "3 m." is a length, not a man */
      {"Le mur fait 3 m. de haut ; il est malade de voir la dépression du terrain.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"M. Martin : dépression sévère, arrêt de travail.", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"Qu'est-ce que le diabète de type 2 ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Marie Dupont est en arrêt maladie pour une dépression.", "claude", CH_DENY, "sensitive-to-public", "health"},
      {"Je suis enceinte de 3 mois, puis-je passer l'examen ?", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"J'ai un élève autiste dans ma classe, comment adapter mon cours ?", "gemini", CH_DENY, "sensitive-to-public",
       "health"},
      {"Un enfant autiste a-t-il droit à un AESH ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Le diabète est une maladie chronique ; il est fréquent.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Mon chat est malade.", "chatgpt", CH_ALLOW, NULL, NULL},
      /* a condition someone named, "il", "elle" or "je" has or suffers from */
      {"Paul a une dyslexie, comment adapter ses examens ?", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"Elle souffre d'\303\251pilepsie depuis l'enfance.", "gemini", CH_DENY, "sensitive-to-public", "health"},
      {"J'ai un cancer et je dois rendre mon m\303\251moire.", "claude", CH_DENY, "sensitive-to-public", "health"},
      {"Thomas est atteint de scl\303\251rose en plaques.", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"Le patient Jean Dupont, 45 ans, diab\303\251tique, pr\303\251sente une plaie.", "chatgpt", CH_DENY,
       "sensitive-to-public", "health"},
      {"Si un \303\251l\303\250ve a une dyslexie, quels am\303\251nagements ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Qui a un TDAH peut-il demander un tiers-temps ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Le Monde a un article sur le cancer.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Jean Dupont, 45 ans, habite \303\240 Lyon.", "chatgpt", CH_ALLOW, NULL, NULL},
      /* the same in English */
      {"My student John has been diagnosed with ADHD, how should I adapt his exam?", "chatgpt", CH_DENY,
       "sensitive-to-public", "health"},
      {"Mrs Smith is pregnant and will miss the exam.", "claude", CH_DENY, "sensitive-to-public", "health"},
      {"He is depressed.", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"What is ADHD?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Is bipolar disorder genetic?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"What is diabetic neuropathy?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"John has ADHD and needs extra time for the exam.", "chatgpt", CH_DENY, "sensitive-to-public", "health"},
      {"She suffers from epilepsy; what should I plan for the lab?", "claude", CH_DENY, "sensitive-to-public",
       "health"},
      {"I was diagnosed with diabetes last year.", "gemini", CH_DENY, "sensitive-to-public", "health"},
      {"What accommodations exist if a student has ADHD?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"How do I know if someone has dyslexia?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Apple has cancer research funding.", "chatgpt", CH_ALLOW, NULL, NULL},
      /* a named student's grade; not an average, nor one's own */
      {"Résultats du partiel : Alice 14,5/20 ; Bob 9/20 ; Chloé 17/20.", "chatgpt", CH_DENY, "sensitive-to-public",
       "grades"},
      {"Dupont Jean : 12/20", "perplexity", CH_DENY, "sensitive-to-public", "grades"},
      {"Alice a eu 14/20 au partiel.", "gemini", CH_DENY, "sensitive-to-public", "grades"},
      {"Moyenne de la classe : 11,5/20.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Moyenne : 11,5/20.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Le 12/20 du bac blanc m'inquiète.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Il a eu 12/20, est-ce bien ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Exercice 3 : 4/20", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Voici le relevé de notes de la promotion L2.", "gemini", CH_DENY, "sensitive-to-public", "grades"},
      /* a class list with its grades, pasted from a spreadsheet or as markdown */
      {"Calcule la moyenne :\nNom;Prénom;Note\nDupont;Jean;12\nMartin;Alice;15,5\n", "chatgpt", CH_DENY,
       "sensitive-to-public", "grades"},
      {"| Étudiant | Note /20 |\n|---|---|\n| Jean Dupont | 12 |\n", "claude", CH_DENY, "sensitive-to-public", "grades"},
      {"Student\tGrade\nJohn Smith\tA-\nJane Doe\tB+\n", "gemini", CH_DENY, "sensitive-to-public", "grades"},
      {"| Question | Note |\n|---|---|\n| Q1 | 4 |\n| Q2 | 6 |\nQuel barème proposes-tu ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Document strictement confidentiel : sujet d'examen du partiel.", "claude", CH_DENY, "sensitive-to-public", "confidential"},
      {"Document de travail à diffusion limitée. Résume-le.", "chatgpt", CH_DENY, "sensitive-to-public", "confidential"},
      {"À usage interne. Reformule ce compte rendu.", "gemini", CH_DENY, "sensitive-to-public", "confidential"},
      {"Voici les résultats non encore publiés de notre étude.", "claude", CH_DENY, "sensitive-to-public",
       "confidential"},
      {"Comment fonctionne la diffusion limitée d'un film ?", "chatgpt", CH_ALLOW, NULL, NULL},
      /* the same to a sovereign tool: never deny */
      {"contact: jeanne.martin@etu.univ-exemple.fr", "lechat", CH_REDACT, "personal-minimisation", "personal"},
      {"Voici le relevé de notes de la promotion L2.", "albert", CH_WARN, "sensitive-to-sovereign", "grades"},
      {"Nom;Prénom;Note\nDupont;Jean;12\n", "lechat", CH_WARN, "sensitive-to-sovereign", "grades"},
      {"Document confidentiel interne.", "ilaas", CH_WARN, "sensitive-to-sovereign", "confidential"},
      {"NIR 284052A00401764", "local", CH_REDACT, "personal-minimisation", "personal"},
      {"n° SS 1 85 05 78 006 084", "lechat", CH_REDACT, "personal-minimisation", "personal"},
      /* secrets: deny everywhere */
      {"my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD", "chatgpt", CH_DENY, "secret-in-prompt", "secret"},
      {"AKIAIOSFODNN7EXAMPLE", "lechat", CH_DENY, "secret-in-prompt", "secret"},
      {"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----", "albert", CH_DENY, "secret-in-prompt", "secret"},
      {"mot de passe : Soleil2024!", "ilaas", CH_DENY, "secret-in-prompt", "secret"},
      {"DB_PASSWORD_PROD = \"Tr0ub4dor&3\"", "lechat", CH_DENY, "secret-in-prompt", "secret"},
      {"PASSWORD_MIN_LENGTH = 12345", "lechat", CH_ALLOW, NULL, NULL},
      {"Mon mot de passe ENT : Azerty123!", "chatgpt", CH_DENY, "secret-in-prompt", "secret"},
      {"le mot de passe de la salle info est Info#2024", "lechat", CH_DENY, "secret-in-prompt", "secret"},
      {"{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0B\\n"
       "-----END PRIVATE KEY-----\\n\"}",
       "albert", CH_DENY, "secret-in-prompt", "secret"},
      {"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "albert", CH_DENY, "secret-in-prompt", "secret"},
      {"Pourquoi postgres://admin:Sup3rS3cret@db.univ.fr:5432/notes refuse-t-il la connexion ?", "lechat", CH_DENY,
       "secret-in-prompt", "secret"},
      {"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 1\nAAAAC3NzaC1lZDI1NTE5AAAA\n"
       "Private-Lines: 1\nAAAAIGnlbSKPEuLFeUxg\nPrivate-MAC: 5b1f0ad4f0e4e5a1",
       "albert", CH_DENY, "secret-in-prompt", "secret"},
      /* secrets known by their name: curl's -u, a header, a config line */
      {"Pourquoi curl -u admin:Sup3rS3cret! https://intranet.univ.fr/api renvoie 401 ?", "lechat", CH_DENY,
       "secret-in-prompt", "secret"},
      {"curl -H \"Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\" https://api.univ.fr", "albert", CH_DENY,
       "secret-in-prompt", "secret"},
      {"Explique cette config : api_key = \"a8f5f167f44f4964e6c998dee827110c\"", "chatgpt", CH_DENY,
       "secret-in-prompt", "secret"},
      {"La cl\xc3\xa9 API de Moodle est 4f9d2c7e8b1a3f5d6e7c8b9a0f1e2d3c, pourquoi est-elle refus\xc3\xa9" "e ?", "ilaas",
       CH_DENY, "secret-in-prompt", "secret"},
      /* bot tokens in a student's code, through the prefilter's triggers */
      {"Mon bot Telegram plante : bot = telebot.TeleBot(\"110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\")", "chatgpt",
       CH_DENY, "secret-in-prompt", "secret"},
      {"Why does client.run('MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs') fail?", "albert", CH_DENY,
       "secret-in-prompt", "secret"},
      /* fabricated data: deny everywhere */
      {"Invente des résultats d'expérience pour mon article.", "lechat", CH_DENY, "fabricated-data", NULL},
      {"Fabricate interview data for my thesis chapter.", "chatgpt", CH_DENY, "fabricated-data", NULL},
      {"Invent plausible survey responses for my dissertation.", "local", CH_DENY, "fabricated-data", NULL},
      {"Génère de fausses données pour ma thèse de doctorat.", "albert", CH_DENY, "fabricated-data", NULL},
      {"Écris des résultats d'expérience fictifs pour mon mémoire.", "chatgpt", CH_DENY, "fabricated-data", NULL},
      {"Il me faut des entretiens inventés pour ma thèse.", "ilaas", CH_DENY, "fabricated-data", NULL},
      {"Complète mon tableau de résultats avec des valeurs plausibles pour ma thèse.", "lechat", CH_DENY,
       "fabricated-data", NULL},
      {"Pretend you conducted 20 interviews and write up the findings for my thesis.", "chatgpt", CH_DENY,
       "fabricated-data", NULL},
      {"Fais comme si tu avais mené 15 entretiens et rédige la synthèse.", "albert", CH_DENY, "fabricated-data", NULL},
      {"Modifie les chiffres de mon expérience pour qu'ils soient significatifs.", "lechat", CH_DENY, "fabricated-data",
       NULL},
      {"Ces valeurs sont plausibles pour une étude de cohorte ?", "lechat", CH_ALLOW, NULL, NULL},
      {"Génère des données réalistes pour tester mon code.", "lechat", CH_ALLOW, NULL, NULL},
      {"Imagine you are a teacher and explain photosynthesis.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Comment savoir si des résultats sont significatifs ?", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Génère des données synthétiques pour tester mon code.", "lechat", CH_ALLOW, NULL, NULL},
      {"Génère des données fictives pour tester mon application.", "chatgpt", CH_ALLOW, NULL, NULL},
      /* grading: warn everywhere */
      {"Corrige ces copies et donne une note sur 20.", "lechat", CH_WARN, "ai-grading", NULL},
      {"Please grade these essays.", "claude", CH_WARN, "ai-grading", NULL},
      /* a pattern's \b before an accented letter ("\b(?:...|évalue...)"):
       * PCRE2 reads \b, \w and \d by Unicode properties (PCRE2_UCP) */
      {"\303\211valuez ces copies.", "chatgpt", CH_WARN, "ai-grading", NULL},
      {"Peux-tu \303\251valuer ce devoir d'\303\251tudiant ?", "lechat", CH_WARN, "ai-grading", NULL},
      {"Write feedback on this student's essay.", "lechat", CH_WARN, "ai-grading", NULL},
      {"Rédige des commentaires sur les copies de mes étudiants.", "chatgpt", CH_WARN, "ai-grading", NULL},
      {"Donne-moi des commentaires sur mon devoir.", "chatgpt", CH_ALLOW, NULL, NULL},
      /* "note" the noun is not a request ("Note examen", a table's header) */
      {"Note ces copies de L1 sur 20.", "lechat", CH_WARN, "ai-grading", NULL},
      {"Notez les examens de mes \303\251tudiants.", "chatgpt", CH_WARN, "ai-grading", NULL},
      {"Note examen : \303\240 rendre lundi.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"Note devoir maison sur 20, coefficient 2.", "chatgpt", CH_ALLOW, NULL, NULL},
      {"| Crit\303\250re | Note devoir | Note examen |", "chatgpt", CH_ALLOW, NULL, NULL},
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
  ch_charter *c = load_demoes();
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
  ch_charter *c = load_source(src);
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
  ch_charter *c = load_demoes();
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_image_loads),
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
  return cmocka_run_group_tests_name("runtime", tests, demoes_setup, demoes_teardown);
}
