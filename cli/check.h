/*
 * check.h — results of `charter check`, shared by the checker
 * (charter_check.c) and its output formats (charter_check_report.c).
 * All strings are owned by the result (freed by chk_result_free).
 */
#ifndef CH_CHECK_CLI_H
#define CH_CHECK_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "charter.h"

enum { CHK_TEXT = 0, CHK_JSON, CHK_SARIF, CHK_CSV, CHK_HTML };

typedef struct chk_ev {
  char *fact;           /* data class / marker id */
  size_t start, end;    /* byte offsets in the extracted text */
  unsigned line, page, para;
  const char *part;     /* body, table, footnote, comment... (static) */
  int slide;            /* page is a presentation's slide */
  char *excerpt;        /* a short window of text around the span */
  size_t hl_start, hl_end; /* the span inside the excerpt */
} chk_ev;

typedef struct chk_finding {
  char *rule, *message, *statement;
  ch_severity severity;
  ch_action action;
  chk_ev *ev;
  size_t nev;
} chk_finding;

typedef struct chk_result {
  char *name;        /* as shown: path, or archive!member */
  char *uri;         /* for SARIF */
  char *student, *student_id; /* from a Moodle folder name, or NULL */
  char *format;
  char *error;       /* the input could not be read: why (file named) */
  const char *ue;    /* borrowed from the options */
  int level;
  char *level_name;
  ch_decision decision;
  unsigned disclosure;
  ch_severity worst; /* 0 when no finding */
  chk_finding *findings;
  size_t nfindings;
} chk_result;

void chk_write(FILE *o, int format, const chk_result *r, size_t n, const ch_charter *c, const char *ue,
               const char *level, int color);

#endif
