/*
 * examples.c — `charterc test`: run a charter's own `example` blocks
 * through the runtime, exactly as a gateway or the checker would, and
 * compare the decision, the set of rules that fired (exactly: an extra rule
 * is a failure too) and, when given, the redacted text.
 */
#include <stdio.h>
#include <string.h>

#include "compiler/compile_internal.h"

static int fired(const ch_report *r, const char *id) {
  for (size_t i = 0; i < ch_report_finding_count(r); i++)
    if (!strcmp(ch_finding_rule(ch_report_finding(r, i)), id)) return 1;
  return 0;
}

static int expected(const m_example *e, const char *id) {
  for (size_t i = 0; i < e->nrules; i++)
    if (!strcmp(e->rules[i], id)) return 1;
  return 0;
}

static void where(const m_example *e, FILE *out, const char *msg) {
  fprintf(out, "  FAIL %s (line %u): %s\n", e->name, e->loc.first_line, msg);
}

int examples_run(const model *m, const ch_charter *c, FILE *out, int verbose) {
  int pass = 0, fail = 0;
  ch_scanner *s = NULL;
  if (ch_scanner_create(c, &s)) {
    fprintf(out, "  cannot create a scanner\n");
    return (int)m->examples.n ? (int)m->examples.n : 1;
  }
  for (size_t i = 0; i < m->examples.n; i++) {
    const m_example *e = &m->examples.v[i];
    char msg[1024];
    int ok = 1;
    ch_scanner_set_scope(s, e->document ? CH_SCOPE_DOCUMENT : CH_SCOPE_PROMPT);
    ch_scanner_set_tool(s, e->tool);
    ch_scanner_set_ue(s, e->ue);
    ch_scanner_set_level(s, e->level);
    ch_scanner_set_role(s, !e->role ? CH_ROLE_ANY : !strcmp(e->role, "student") ? CH_ROLE_STUDENT
                          : !strcmp(e->role, "staff") ? CH_ROLE_STAFF : CH_ROLE_ANY);
    const char *text = e->document ? e->document : e->prompt;
    const ch_report *r = NULL;
    ch_status st = ch_scanner_scan(s, text ? text : "", text ? strlen(text) : 0, &r);
    if (st || !r) {
      snprintf(msg, sizeof msg, "scan failed: %s", ch_scanner_errmsg(s));
      where(e, out, msg);
      fail++;
      continue;
    }
    if ((int)ch_report_decision(r) != e->decision) {
      snprintf(msg, sizeof msg, "expected %s, got %s", ch_decision_name((ch_decision)e->decision),
               ch_decision_name(ch_report_decision(r)));
      where(e, out, msg);
      ok = 0;
    }
    for (size_t j = 0; j < e->nrules; j++)
      if (!fired(r, e->rules[j])) {
        snprintf(msg, sizeof msg, "expected rule '%s' to fire; it did not", e->rules[j]);
        where(e, out, msg);
        ok = 0;
      }
    for (size_t j = 0; j < ch_report_finding_count(r); j++) {
      const char *id = ch_finding_rule(ch_report_finding(r, j));
      if (!expected(e, id)) {
        snprintf(msg, sizeof msg, "rule '%s' fired but is not expected", id);
        where(e, out, msg);
        ok = 0;
      }
    }
    if (e->redacted) {
      size_t n;
      const char *red = ch_report_redacted(r, &n);
      if (n != strlen(e->redacted) || memcmp(red, e->redacted, n)) {
        snprintf(msg, sizeof msg, "redacted text differs:\n         expected \"%s\"\n         got      \"%.*s\"",
                 e->redacted, (int)(n > 400 ? 400 : n), red);
        where(e, out, msg);
        ok = 0;
      }
    }
    if (ok) {
      pass++;
      if (verbose) fprintf(out, "  ok   %s\n", e->name);
    } else {
      fail++;
    }
  }
  ch_scanner_destroy(s);
  fprintf(out, "%d passed, %d failed\n", pass, fail);
  return fail;
}
