/*
 * fuzz_scan.c — libFuzzer target: arbitrary bytes as a prompt and as a
 * document, scanned with the bundled DemoES charter (normalisation,
 * prefilter, regexes under their limits, detectors, disclosure sections,
 * redaction).  Checks the report's invariants: evidence spans inside the
 * input; the text changed by redaction only when the decision is redact or
 * deny (a deny may come with the spans of a redact rule that also fired);
 * and the same facts, decision and redacted text as a scanner that runs
 * every candidate regex and detector over the whole text instead of at
 * its places (unless a PCRE2 limit was hit, which the two may meet
 * differently); and, for inputs up to 2 KB, the prefilter's hits equal a
 * naive search of every atom in a fold of the whole input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charter.h"
#include "charter_compile.h"
#include "runtime/charter_internal.h"
#include "tests/pf_reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ch_charter *charter;
static ch_scanner *scanner, *whole;

static void init(void) {
  char err[256];
  if (ch_charter_open("charters/demoes.charter", NULL, NULL, NULL, &charter, err, sizeof err) ||
      ch_scanner_create(charter, &scanner) || ch_scanner_create(charter, &whole)) {
    fprintf(stderr, "fuzz_scan: run from the repository root (%s)\n", err);
    abort();
  }
  whole->no_places = 1;
}

static void check(const ch_report *r, size_t size) {
  for (size_t i = 0; i < ch_report_finding_count(r); i++) {
    const ch_finding *f = ch_report_finding(r, i);
    ch_span sp;
    for (size_t k = 0; ch_finding_evidence(f, k, &sp) == CH_OK; k++)
      if (sp.start > sp.end || sp.end > size || sp.line == 0) abort();
  }
  size_t n;
  ch_report_redacted(r, &n);
  if (ch_report_decision(r) < CH_REDACT && n != size) abort();
}

/* The scan at places against the whole-text scan of the same input. */
static void same_as_whole(const uint8_t *data, size_t size, const ch_report *r) {
  const ch_report *w;
  if (ch_scanner_scan(whole, (const char *)data, size, &w) != CH_OK) return;
  if (r->limit_hit || w->limit_hit) return;
  const ch_charter *c = scanner->c;
  for (uint32_t f = 0; f < c->nfacts; f++) {
    const rt_factres *x = &scanner->fres[f], *y = &whole->fres[f];
    if (x->count != y->count || x->n != y->n) abort();
    for (uint32_t k = 0; k < x->n; k++) {
      const rt_match *m = &scanner->kept[x->first + k], *o = &whole->kept[y->first + k];
      if (m->start != o->start || m->end != o->end || m->pattern != o->pattern) abort();
    }
  }
  if (r->decision != w->decision || r->nfindings != w->nfindings || r->redacted_len != w->redacted_len ||
      memcmp(r->redacted, w->redacted, r->redacted_len))
    abort();
}

/* Both scanners in the same context (tool or level left as it was when
 * NULL), then the checked scan and its comparison. */
static void scan_both(const uint8_t *data, size_t size, ch_scope scope, const char *tool, const char *level) {
  for (int k = 0; k < 2; k++) {
    ch_scanner *s = k ? whole : scanner;
    ch_scanner_set_scope(s, scope);
    if (tool) ch_scanner_set_tool(s, tool);
    if (level) ch_scanner_set_level(s, level);
  }
  const ch_report *r;
  if (ch_scanner_scan(scanner, (const char *)data, size, &r) == CH_OK) {
    check(r, size);
    same_as_whole(data, size, r);
  }
}

/* ------------------------------------------------- prefilter, naively */

typedef struct hitlist {
  pf_rec *v;
  size_t n, cap;
} hitlist;

static void push(void *ud, pf_rec r) {
  hitlist *l = ud;
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 64;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    if (!l->v) abort();
  }
  l->v[l->n++] = r;
}

static ch_status record(void *ud, const rt_atom *at, uint32_t start, uint32_t end, unsigned prev, unsigned next) {
  push(ud, (pf_rec){(uint32_t)(at - charter->atoms), start, end, prev, next});
  return CH_OK;
}

static void prefilter_as_naive(const uint8_t *t, size_t n) {
  static unsigned char f[3 * 2048 + 1];
  static uint32_t org[3 * 2048 + 1], end[3 * 2048 + 1];
  static unsigned char fb[PF_CHUNK + PF_SLACK];
  static rt_pfseg fseg[PF_SEGS];
  static hitlist got, want;
  if (n > 2048) return;
  got.n = want.n = 0;
  rt_pfbuf b = {fb, fseg, 0};
  if (pf_run(charter, &b, t, n, record, &got) != CH_OK) abort();
  /* the scanner skips norm_is_clean on what the pass learnt */
  if (b.clean != norm_is_clean((const char *)t, n)) abort();
  pf_reference(charter, t, n, f, org, end, push, &want);
  if (got.n != want.n) abort();
  if (!got.n) return;
  qsort(got.v, got.n, sizeof *got.v, pf_rec_cmp);
  qsort(want.v, want.n, sizeof *want.v, pf_rec_cmp);
  if (memcmp(got.v, want.v, got.n * sizeof *got.v)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!charter) init();
  prefilter_as_naive(data, size);
  scan_both(data, size, CH_SCOPE_PROMPT, size && data[0] & 1 ? "lechat" : "chatgpt", NULL);
  scan_both(data, size, CH_SCOPE_DOCUMENT, NULL, size && data[0] & 2 ? "1" : "3");
  return 0;
}
