/*
 * compile_internal.h — entry points shared by the compiler's tools
 * (charterc fmt, render, test, dump, diff) beyond the public API.
 */
#ifndef CH_COMPILE_INTERNAL_H
#define CH_COMPILE_INTERNAL_H

#include <stdio.h>

#include "charter.h"
#include "compiler/cc.h"
#include "compiler/model.h"

/* Load, resolve and check `path` (or src/len when src != NULL) into a
 * model; 0 or -1 after diagnostics.  cc must be initialised. */
int cc_front(ch_cc *cc, const char *path, const char *src, size_t len, model *m);

/* charterc fmt: print the canonical layout of the root file's AST.
 * Returns 0, or -1 when the file has errors (nothing printed). */
int fmt_file(ch_cc *cc, const char *path, FILE *out);

/* charterc render: the human-readable charter as Markdown or HTML. */
int render_model(const model *m, int html, FILE *out);

/* charterc test: run the model's examples against the compiled charter.
 * Prints one line per failure and "N passed, N failed". Returns failures. */
int examples_run(const model *m, const ch_charter *c, FILE *out, int verbose);

/* charterc dump: disassemble a verified image. */
int dump_chb(const unsigned char *img, size_t len, FILE *out);

/* charterc diff: compare two loaded charters; returns the number of
 * differences (0 = same). */
int diff_charters(const ch_charter *a, const ch_charter *b, FILE *out);

#endif
