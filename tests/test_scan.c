/*
 * test_scan.c — the scan's inner parts against simple references on
 * generated texts: regexes run in windows around their atoms find what a
 * whole-text run finds, the prefilter finds every atom of a fold of the
 * whole text, the counting sort of matches agrees with qsort, `near`
 * agrees with a pairwise check, and a rule's condition reads back as the
 * text it was compiled from.
 */
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
#include "runtime/normalize.h"
#include "tests/demoes_fixture.h"
#include "tests/pf_reference.h"

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
  ch_charter *c = load_demoes();
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
 * boundaries), with invalid bytes, zero-width characters, combining marks,
 * folds that grow ("ß", "œ", "ﬁ") and folds of a code point's own length
 * (Cyrillic, Greek, CJK), for the DemoES atoms and for a charter with
 * atoms of 1 and 2 bytes (another filter width) and long ones. */
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

static void pf_push_to(void *ud, pf_rec r) { pf_push(ud, r); }

/* pf_run on t[0..n) against pf_reference, hit by hit. */
static void pf_check(const ch_charter *c, rt_pfbuf *b, const char *t, size_t n, int it) {
  static unsigned char f[4 * 60000 + 1]; /* pf_reference's scratch */
  static uint32_t org[4 * 60000 + 1], end[4 * 60000 + 1];
  assert_true(n <= 60000);
  pf_list got = {NULL, 0, 0, c}, want_l = {NULL, 0, 0, c};
  assert_int_equal(pf_run(c, b, (const unsigned char *)t, n, pf_record, &got), CH_OK);
  /* what the pass learnt of the input, as the scanner then uses it */
  if (b->clean != norm_is_clean(t, n)) fail_msg("text %d (%zu bytes): clean %d, norm_is_clean %d", it, n, b->clean, norm_is_clean(t, n));
  pf_reference(c, (const unsigned char *)t, n, f, org, end, pf_push_to, &want_l);
  if (got.n) qsort(got.v, got.n, sizeof *got.v, pf_rec_cmp);
  if (want_l.n) qsort(want_l.v, want_l.n, sizeof *want_l.v, pf_rec_cmp);
  if (got.n != want_l.n) fail_msg("text %d (%zu bytes): %zu hits, want %zu", it, n, got.n, want_l.n);
  for (size_t k = 0; k < got.n; k++)
    if (memcmp(&got.v[k], &want_l.v[k], sizeof got.v[k]))
      fail_msg("text %d hit %zu: atom %u [%u, %u) prev %u next %u, want atom %u [%u, %u) prev %u next %u", it, k,
               got.v[k].atom, got.v[k].start, got.v[k].end, got.v[k].prev, got.v[k].next, want_l.v[k].atom,
               want_l.v[k].start, want_l.v[k].end, want_l.v[k].prev, want_l.v[k].next);
  free(got.v), free(want_l.v);
}

static void pf_compare(const ch_charter *c, const char *const *parts, size_t nparts, int rounds) {
  rt_pfbuf b = {malloc(PF_CHUNK + PF_SLACK), malloc(PF_SEGS * sizeof(rt_pfseg)), 0};
  assert_true(b.fb && b.seg);
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
    pf_check(c, &b, t, n, it);
  }
  free(b.fb), free(b.seg);
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
      "abcdefghijklmnop", "ABCDEFGHIJKLMNOPQ", "abcdefghijklmnoX", "abcdefghijklmnopX",
      /* folds of a code point's own length (Cyrillic, Greek, CJK), and
       * ligatures, some of which fold to several code points */
      "\xd0\x94\xd0\x90\xd0\x9d\xd0\x9d\xd0\xab\xd0\x95", "\xce\xa3", "\xe5\xad\xa6\xe7\x94\x9f",
      "\xc5\x92UVRE", "\xc5\x93uvre", "\xef\xac\x81", "\xc3\x97", "\xc3\xa6",
      "\x01", "\x1b[0m", "\f", "\t", "\r\n", "MD\x01PH", "st\vudent", "2A\x7f""004", /* controls, dropped or spaces */
  };
  ch_charter *c = load_demoes();
  pf_compare(c, parts, sizeof parts / sizeof *parts, 300);
  /* text where almost every code point folds to other bytes or to none */
  static const char *const dense[] = {"\xc3\xa9", "\xc3\x89", "\xff", "\xc3\x9f", "\xc5\x93", "\xe2\x80\x8b", "\x01",
                                      "e\xcc\x81", "MDPH", "d\303\251claration", "ine", "sk-"};
  pf_compare(c, dense, sizeof dense / sizeof *dense, 60);
  ch_charter_destroy(c);
  /* atoms of 1 and 2 bytes, one that folds from "ß", long ones (8, 9,
   * 16 and 17 bytes: the comparison's 4-, 8- and 16-byte steps) */
  const char *src = "template t \"T\" {\n  license \"CC-BY-4.0\"\n  tool class public \"P\"\n"
                    "  tool x \"X\" class public aliases \"X\"\n"
                    "  data d \"D\" { words \"x\", \"IA\", \"stras\", \"stra\xc3\x9f" "e\", \"abcdefgh\", \"abcdefghi\","
                    " \"abcdefghijklmnop\", \"abcdefghijklmnopq\","
                    " \"intelligence artificielle g\xc3\xa9n\xc3\xa9rative\", \"l'\" }\n"
                    "  rule r error \"s\" {\n    scope prompt\n    when d\n    deny\n  }\n}\n";
  c = load_source(src);
  uint32_t nshort = 0; /* the atoms of 1 or 2 bytes, compared apart */
  for (uint32_t a = 0; a < c->natoms; a++) nshort += c->atoms[a].len < 3;
  assert_int_equal(nshort, 4); /* the tool alias "x", and "x", "ia", "l'" */
  assert_int_equal(c->pf.nshort, nshort);
  pf_compare(c, parts, sizeof parts / sizeof *parts, 300);
  /* the end of a chunk at each byte around folds that change lengths:
   * "\xc3\x9f" to "ss" ("stras" ends inside it), "\xc5\x93" to "oe", an
   * invalid byte to U+FFFD, with atoms right after each */
  rt_pfbuf b = {malloc(PF_CHUNK + PF_SLACK), malloc(PF_SEGS * sizeof(rt_pfseg)), 0};
  static char t[PF_CHUNK + 2048];
  assert_true(b.fb && b.seg);
  for (size_t pad = PF_CHUNK - c->pf.maxlen - 24; pad < PF_CHUNK - c->pf.maxlen + 24; pad++) {
    static const char probe[] = " stra\xc3\x9f" "e \xc5\x93x \xff" "ia ";
    memset(t, 'a', sizeof t);
    memcpy(t + pad, probe, sizeof probe - 1);
    pf_check(c, &b, t, sizeof t, (int)pad);
  }
  free(b.fb), free(b.seg);
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
  ch_charter *c = load_demoes();
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
  ch_charter *c = load_source(src);
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
      cmocka_unit_test(test_places_change_nothing),
      cmocka_unit_test(test_prefilter_finds_every_atom),
      cmocka_unit_test(test_sort_raw_matches_qsort),
      cmocka_unit_test(test_near_matches_pairwise),
      cmocka_unit_test(test_condition_text_round_trips),
  };
  return cmocka_run_group_tests_name("scan", tests, demoes_setup, demoes_teardown);
}
