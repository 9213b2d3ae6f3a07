/*
 * cc.h — the compilation context shared by the compiler's passes.
 *
 * Pipeline (one file each): lexer.l + parser.y build the AST (ast.c) of the
 * root file and its includes (source.c) -> resolve.c applies templates,
 * `extends`, overrides and removals into a flat model (model.h) -> check.c
 * type-checks it and warns -> emit.c writes the .chb.  Other tools work on
 * the AST (fmt.c) or on the model (render.c, examples.c).
 *
 * All memory of a compilation lives in cc->arena and dies with it.
 */
#ifndef CH_CC_H
#define CH_CC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "charter_compile.h"
#include "compiler/arena.h"
#include "compiler/ast.h"

typedef struct cc_file {
  const char *path;    /* as opened */
  const char *real;    /* canonical path, for include cycles */
  const char *text;    /* whole source, NUL-terminated */
  size_t len;
  uint32_t *lines;     /* offsets of line starts, computed on demand */
  size_t nlines;
  ast_node *decls;     /* top-level declarations */
  unsigned include_depth;
  int on_stack; /* being loaded: including it again is a cycle */
} cc_file;

typedef struct cc_comment {
  uint32_t file, line, column;
  const char *text;    /* without the leading marker, trimmed */
  int block;           /* from a slash-star comment */
  int trailing;        /* written after code on its line: fmt keeps it there */
} cc_comment;

struct model;

typedef struct ch_cc {
  const ch_allocator *alloc;
  arena arena;
  ch_diag_fn diag;
  void *diag_ud;
  int werror;
  unsigned errors, warnings;
  cc_file *files;
  size_t nfiles, capfiles;
  /* comments of the root file, for fmt */
  cc_comment *comments;
  size_t ncomments, capcomments;
  int keep_comments;
  uint32_t tok_file, tok_line; /* where the lexer's last token of code ended */
  /* lexer state of the file being parsed */
  char lex_error[256];
  int paren_depth;
  int nesting_reported;
  uint32_t cur_file;
  jmp_buf *lex_fatal; /* where flex's fatal errors jump to */
#define CC_LEX_BLOCKS 32
  void *lex_blocks[CC_LEX_BLOCKS]; /* flex's live allocations */
  struct model *model;
} ch_cc;

void cc_init(ch_cc *cc, const ch_allocator *alloc);
void cc_free(ch_cc *cc);

void cc_error(ch_cc *cc, ch_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cc_warning(ch_cc *cc, ch_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cc_note(ch_cc *cc, ch_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cc_vdiag(ch_cc *cc, ch_diag_level lvl, ch_loc loc, const char *fmt,
              va_list ap);
/* An error about a file that is not charter source (CSV, missing file). */
void cc_error_at(ch_cc *cc, const char *file, unsigned line, unsigned col,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Register a source buffer (copied into the arena); returns its index or
 * -1 on allocation failure. */
int cc_add_file(ch_cc *cc, const char *path, const char *real,
                const char *text, size_t len);
/* Line text of (file, line) without its newline, and its length. */
const char *cc_line(ch_cc *cc, uint32_t file, uint32_t line, size_t *len);

/* Closest name to `name` among `cands` (Levenshtein <= max(2, len/3)), or
 * NULL: the "did you mean" of diagnostics. */
const char *cc_suggest(const char *name, const char *const *cands,
                       size_t ncands);

/* "allow" -> CH_ALLOW; anything else is an error at loc. */
int cc_decision(ch_cc *cc, ch_loc loc, const char *name);

/* Parse one file's text into cc->files[file].decls (parser.y). */
int cc_parse(ch_cc *cc, uint32_t file);

/* Load the root file and its includes (source.c). Returns 0 or -1. */
int cc_load(ch_cc *cc, const char *path, const char *text, size_t len);

/* Decode the string literal body s[0..n) (without quotes) into the arena,
 * reporting bad escapes at loc; returns NULL on allocation failure. */
const char *cc_unescape(ch_cc *cc, ch_loc loc, const char *s, size_t n);

#endif
