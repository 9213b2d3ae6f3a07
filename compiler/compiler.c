/*
 * compiler.c — the public compiler API (include/charter_compile.h):
 * load sources, resolve, check, emit; plus ch_charter_open, which accepts a
 * .chb or a source file, and the standard diagnostic printer.
 *
 * Each compilation gets a fresh context (cc.h) whose arena holds the AST and
 * the model; the compiler handle only keeps settings and the last counts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "charter_compile.h"
#include "compiler/cc.h"
#include "compiler/compile_internal.h"
#include "compiler/model.h"
#include "runtime/alloc.h"
#include "runtime/chb.h"

struct ch_compiler {
  const ch_allocator *alloc;
  ch_diag_fn diag;
  void *diag_ud;
  int werror;
  unsigned errors, warnings;
};

ch_status ch_compiler_create(const ch_allocator *alloc, ch_compiler **out) {
  if (!out) return CH_E_ARG;
  *out = NULL;
  ch_compiler *c = ch_calloc(alloc, 1, sizeof *c);
  if (!c) return CH_E_NOMEM;
  c->alloc = alloc;
  *out = c;
  return CH_OK;
}

void ch_compiler_destroy(ch_compiler *c) {
  if (c) ch_free(c->alloc, c);
}

void ch_compiler_set_diag(ch_compiler *c, ch_diag_fn fn, void *ud) {
  if (!c) return;
  c->diag = fn;
  c->diag_ud = ud;
}

void ch_compiler_set_werror(ch_compiler *c, int on) {
  if (c) c->werror = on;
}

unsigned ch_compiler_errors(const ch_compiler *c) { return c ? c->errors : 0; }
unsigned ch_compiler_warnings(const ch_compiler *c) { return c ? c->warnings : 0; }

void ch_compiler_free(ch_compiler *c, void *p) { ch_free(c ? c->alloc : NULL, p); }

int cc_front(ch_cc *cc, const char *path, const char *src, size_t len,
             model *m) {
  cc->keep_comments = 0;
  if (cc_load(cc, path, src, len) || cc->errors || cc->arena.failed) return -1;
  if (cc->nfiles == 0) return -1;
  if (resolve_model(cc, m)) return -1;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < cc->files[0].len; i++) h = (h ^ (unsigned char)cc->files[0].text[i]) * 16777619u;
  m->source_hash = h;
  if (check_model(cc, m) || cc->errors) return -1;
  return cc->arena.failed ? -1 : 0;
}

static ch_status compile(ch_compiler *c, const char *path, const char *src,
                         size_t len, unsigned char **chb, size_t *chb_len) {
  if (!c || !path || !chb || !chb_len) return CH_E_ARG;
  *chb = NULL;
  *chb_len = 0;
  ch_cc cc;
  cc_init(&cc, c->alloc);
  cc.diag = c->diag;
  cc.diag_ud = c->diag_ud;
  cc.werror = c->werror;
  model m;
  ch_status st = CH_OK;
  if (cc_front(&cc, path, src, len, &m) || emit_model(&cc, &m, chb, chb_len)) {
    st = cc.arena.failed ? CH_E_NOMEM : cc.nfiles == 0 ? CH_E_IO : CH_E_COMPILE;
    if (st == CH_E_COMPILE && cc.errors == 0) st = CH_E_NOMEM;
  }
  c->errors = cc.errors;
  c->warnings = cc.warnings;
  cc_free(&cc);
  return st;
}

ch_status ch_compiler_compile_file(ch_compiler *c, const char *path,
                                   unsigned char **chb, size_t *chb_len) {
  return compile(c, path, NULL, 0, chb, chb_len);
}

ch_status ch_compiler_compile_source(ch_compiler *c, const char *name,
                                     const char *source, size_t len,
                                     unsigned char **chb, size_t *chb_len) {
  if (!source) return CH_E_ARG;
  return compile(c, name ? name : "<input>", source, len, chb, chb_len);
}

/* Decide by content: a .chb starts with its magic. */
static int file_is_chb(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  unsigned char m[CHB_MAGIC_LEN];
  size_t n = fread(m, 1, sizeof m, f);
  fclose(f);
  return n == sizeof m && !memcmp(m, CHB_MAGIC, CHB_MAGIC_LEN);
}

ch_status ch_charter_open(const char *path, const ch_allocator *alloc,
                          ch_diag_fn fn, void *ud, ch_charter **out,
                          char *errbuf, size_t errlen) {
  if (!path || !out) return CH_E_ARG;
  *out = NULL;
  int is = file_is_chb(path);
  if (is < 0) {
    if (errbuf && errlen) snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
    return CH_E_IO;
  }
  if (is) return ch_charter_load_file(path, alloc, out, errbuf, errlen);
  ch_compiler *c;
  ch_status st = ch_compiler_create(alloc, &c);
  if (st) return st;
  ch_compiler_set_diag(c, fn, ud);
  unsigned char *img;
  size_t n;
  st = ch_compiler_compile_file(c, path, &img, &n);
  if (st) {
    if (errbuf && errlen)
      snprintf(errbuf, errlen, "%s: %u error(s) in charter source", path, ch_compiler_errors(c));
    ch_compiler_destroy(c);
    return st;
  }
  st = ch_charter_load_memory(img, n, alloc, out, errbuf, errlen);
  ch_compiler_free(c, img);
  ch_compiler_destroy(c);
  return st;
}

/* Display width of a UTF-8 prefix: one column per code point (a caret
 * under "données" must skip 7 columns, not 8 bytes). */
static unsigned cols(const char *s, unsigned bytes) {
  unsigned w = 0;
  for (unsigned i = 0; i < bytes && s[i]; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80) w++;
  return w;
}

void ch_diag_print(void *file, const ch_diag *d) {
  FILE *f = file ? file : stderr;
  static const char *const lv[] = {"note", "warning", "error"};
  if (d->line)
    fprintf(f, "%s:%u:%u: %s: %s\n", d->file, d->line, d->column, lv[d->level], d->message);
  else
    fprintf(f, "%s: %s: %s\n", d->file, lv[d->level], d->message);
  if (!d->source_line) return;
  fprintf(f, "  %s\n  ", d->source_line);
  unsigned qc = d->quote_column ? d->quote_column - 1 : 0;
  unsigned pad = cols(d->source_line, qc);
  for (unsigned i = 0; i < pad; i++) fputc(d->source_line[i] == '\t' ? '\t' : ' ', f);
  unsigned width = d->end_column > d->column ? d->end_column - d->column : 1;
  size_t linelen = strlen(d->source_line);
  if (qc + width > linelen) width = linelen > qc ? (unsigned)(linelen - qc) : 1;
  unsigned wcols = cols(d->source_line + qc, width);
  if (wcols == 0) wcols = 1;
  for (unsigned i = 0; i < wcols; i++) fputc('^', f);
  fputc('\n', f);
}
