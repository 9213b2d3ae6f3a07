/*
 * fuzz_scan.c — libFuzzer target: arbitrary bytes as a prompt and as a
 * document, scanned with the bundled DemoES charter (normalisation,
 * prefilter, regexes under their limits, detectors, disclosure sections,
 * redaction).  Checks the report's invariants: evidence spans inside the
 * input; the text changed by redaction only when the decision is redact or
 * deny (a deny may come with the spans of a redact rule that also fired).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charter.h"
#include "charter_compile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ch_charter *charter;
static ch_scanner *scanner;

static void init(void) {
  char err[256];
  if (ch_charter_open("charters/demoes.charter", NULL, NULL, NULL, &charter, err, sizeof err) ||
      ch_scanner_create(charter, &scanner)) {
    fprintf(stderr, "fuzz_scan: run from the repository root (%s)\n", err);
    abort();
  }
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!charter) init();
  const ch_report *r;
  ch_scanner_set_scope(scanner, CH_SCOPE_PROMPT);
  ch_scanner_set_tool(scanner, size && data[0] & 1 ? "lechat" : "chatgpt");
  if (ch_scanner_scan(scanner, (const char *)data, size, &r) == CH_OK) check(r, size);
  ch_scanner_set_scope(scanner, CH_SCOPE_DOCUMENT);
  ch_scanner_set_level(scanner, size && data[0] & 2 ? "1" : "3");
  if (ch_scanner_scan(scanner, (const char *)data, size, &r) == CH_OK) check(r, size);
  return 0;
}
