/*
 * source.c — source files, includes and diagnostics of a compilation.
 *
 * Loads the root file and, recursively, every `include` (resolved against
 * the including file's directory; a cycle or a depth past
 * CH_MAX_INCLUDE_DEPTH is an error at the include), parses each one, and
 * turns locations into `file:line:col` diagnostics with the quoted line.
 * Line starts are computed lazily, only when a message is printed.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/cc.h"
#include "parser.h"
#include "lexer.h"
#include "runtime/alloc.h"
#include "runtime/limits.h"

void cc_init(ch_cc *cc, const ch_allocator *alloc) {
  memset(cc, 0, sizeof *cc);
  cc->alloc = alloc;
  arena_init(&cc->arena, alloc);
}

void cc_free(ch_cc *cc) {
  arena_free(&cc->arena);
  memset(cc, 0, sizeof *cc);
}

/* ------------------------------------------------------------ diagnostics */

static void compute_lines(ch_cc *cc, cc_file *f) {
  size_t n = 1;
  for (size_t i = 0; i < f->len; i++)
    if (f->text[i] == '\n') n++;
  uint32_t *l = arena_alloc(&cc->arena, (n + 1) * sizeof *l);
  if (!l) return;
  size_t k = 0;
  l[k++] = 0;
  for (size_t i = 0; i < f->len; i++)
    if (f->text[i] == '\n') l[k++] = (uint32_t)(i + 1);
  f->lines = l;
  f->nlines = k;
}

const char *cc_line(ch_cc *cc, uint32_t file, uint32_t line, size_t *len) {
  if (file >= cc->nfiles || line == 0) return NULL;
  cc_file *f = &cc->files[file];
  if (!f->lines) compute_lines(cc, f);
  if (!f->lines || line > f->nlines) return NULL;
  size_t s = f->lines[line - 1];
  size_t e = s;
  while (e < f->len && f->text[e] != '\n') e++;
  if (e > s && f->text[e - 1] == '\r') e--;
  *len = e - s;
  return f->text + s;
}

static void emit_diag(ch_cc *cc, ch_diag_level lvl, const char *file,
                      unsigned line, unsigned col, unsigned end_col,
                      const char *src, size_t srclen, const char *msg) {
  if (lvl == CH_DIAG_ERROR) cc->errors++;
  if (lvl == CH_DIAG_WARNING) cc->warnings++;
  if (!cc->diag) return;
  char quote[CH_MAX_QUOTE + 8];
  ch_diag d = {lvl, file, line, col, end_col, msg, NULL, col};
  if (src) {
    /* Cut long lines around the caret so a 1 MB line stays readable. */
    size_t c0 = col ? col - 1 : 0;
    size_t start = 0;
    if (srclen > CH_MAX_QUOTE) {
      start = c0 > CH_MAX_QUOTE / 2 ? c0 - CH_MAX_QUOTE / 2 : 0;
      while (start > 0 && ((unsigned char)src[start] & 0xc0) == 0x80) start--;
    }
    size_t n = srclen - start;
    if (n > CH_MAX_QUOTE) n = CH_MAX_QUOTE;
    while (n > 0 && start + n < srclen && ((unsigned char)src[start + n] & 0xc0) == 0x80) n--;
    memcpy(quote, src + start, n);
    quote[n] = 0;
    d.source_line = quote;
    d.quote_column = (unsigned)(c0 - start + 1);
  }
  cc->diag(cc->diag_ud, &d);
}

void cc_vdiag(ch_cc *cc, ch_diag_level lvl, ch_loc loc, const char *fmt,
              va_list ap) {
  if (lvl == CH_DIAG_WARNING && cc->werror) lvl = CH_DIAG_ERROR;
  char msg[CH_MAX_MSG];
  vsnprintf(msg, sizeof msg, fmt, ap);
  const char *file = loc.file < cc->nfiles ? cc->files[loc.file].path : "<input>";
  size_t srclen = 0;
  const char *src = cc_line(cc, loc.file, loc.first_line, &srclen);
  unsigned end = loc.last_line == loc.first_line ? loc.last_column : (unsigned)srclen + 1;
  if (end <= loc.first_column) end = loc.first_column + 1;
  emit_diag(cc, lvl, file, loc.first_line, loc.first_column, end, src, srclen, msg);
}

void cc_error(ch_cc *cc, ch_loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_vdiag(cc, CH_DIAG_ERROR, loc, fmt, ap);
  va_end(ap);
}

void cc_warning(ch_cc *cc, ch_loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_vdiag(cc, CH_DIAG_WARNING, loc, fmt, ap);
  va_end(ap);
}

void cc_note(ch_cc *cc, ch_loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_vdiag(cc, CH_DIAG_NOTE, loc, fmt, ap);
  va_end(ap);
}

void cc_error_at(ch_cc *cc, const char *file, unsigned line, unsigned col,
                 const char *fmt, ...) {
  char msg[CH_MAX_MSG];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  emit_diag(cc, CH_DIAG_ERROR, file, line, col, col + 1, NULL, 0, msg);
}

int cc_decision(ch_cc *cc, ch_loc loc, const char *name) {
  if (!strcmp(name, "allow")) return CH_ALLOW;
  cc_error(cc, loc, "unknown decision '%s' (expected allow, warn, redact or deny)", name);
  return CH_ALLOW;
}

/* ------------------------------------------------------------ suggestions */

static size_t lev(const char *a, const char *b, size_t cap) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return cap + 1;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cur = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = prev + cost;
      if (row[j] + 1 < v) v = row[j] + 1;
      if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
      row[j] = v;
      prev = cur;
    }
  }
  return row[lb];
}

const char *cc_suggest(const char *name, const char *const *cands,
                       size_t ncands) {
  size_t len = strlen(name);
  size_t cap = len / 3 > 2 ? len / 3 : 2;
  const char *best = NULL;
  size_t bestd = cap + 1;
  for (size_t i = 0; i < ncands; i++) {
    if (!cands[i]) continue;
    size_t d = lev(name, cands[i], cap);
    if (d < bestd && d > 0) {
      bestd = d;
      best = cands[i];
    }
  }
  return best;
}

/* ---------------------------------------------------------------- strings */

static int utf8_len(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  if (c < 0x80) return 1;
  int k;
  unsigned min;
  if (c >= 0xc2 && c <= 0xdf) k = 2, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef) k = 3, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4) k = 4, min = 0x10000;
  else return -1;
  if ((size_t)k > n) return -1;
  unsigned cp = c & (0x7f >> k);
  for (int i = 1; i < k; i++) {
    if ((p[i] & 0xc0) != 0x80) return -1;
    cp = cp << 6 | (p[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return k;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f)); return 3;
  }
  o[0] = (char)(0xf0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

const char *cc_unescape(ch_cc *cc, ch_loc loc, const char *s, size_t n) {
  char *out = arena_alloc(&cc->arena, n + 1);
  if (!out) return NULL;
  size_t o = 0;
  ch_loc at = loc;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\\') {
      at.first_column = loc.first_column + (uint32_t)i + 1;
      at.last_column = at.first_column + 2;
      at.last_line = at.first_line = loc.first_line;
      char e = i + 1 < n ? s[i + 1] : 0;
      switch (e) {
      case 'n': out[o++] = '\n'; i += 2; continue;
      case 't': out[o++] = '\t'; i += 2; continue;
      case 'r': out[o++] = '\r'; i += 2; continue;
      case '"': out[o++] = '"'; i += 2; continue;
      case '\\': out[o++] = '\\'; i += 2; continue;
      case '$': out[o++] = '\\'; out[o++] = '$'; i += 2; continue; /* literal $ kept escaped for ${} pass */
      case 'u': {
        /* \u{XXXX}: a Unicode scalar value */
        size_t j = i + 2;
        unsigned cp = 0;
        int digits = 0;
        if (j < n && s[j] == '{') {
          for (j++; j < n && s[j] != '}' && digits < 7; j++, digits++) {
            char h = s[j];
            int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (v < 0) { digits = 0; break; }
            cp = cp * 16 + (unsigned)v;
          }
        }
        if (digits == 0 || j >= n || s[j] != '}' || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0) {
          cc_error(cc, at, "bad \\u escape: expected \\u{XXXX} with a Unicode scalar value");
          i += 2;
          continue;
        }
        if (o + 4 > n) { /* cannot happen: \u{X} is 5+ bytes in, at most 4 out */
          i = j + 1;
          continue;
        }
        o += put_utf8(out + o, cp);
        i = j + 1;
        continue;
      }
      default:
        if (e == '\n') { i += 2; continue; } /* line continuation */
        cc_error(cc, at, "unknown escape '\\%c' in string (valid: \\n \\t \\r \\\" \\\\ \\$ \\u{XXXX})",
                 e >= 32 && e < 127 ? e : '?');
        i += 2;
        continue;
      }
    }
    int k = utf8_len((const unsigned char *)s + i, n - i);
    if (k < 0) {
      ch_loc bad = loc;
      bad.first_column = loc.first_column + (uint32_t)i + 1;
      bad.last_column = bad.first_column + 1;
      if (loc.first_line == loc.last_line) cc_error(cc, bad, "invalid UTF-8 in string");
      else cc_error(cc, loc, "invalid UTF-8 in string");
      return out;
    }
    memcpy(out + o, s + i, (size_t)k);
    o += (size_t)k;
    i += (size_t)k;
  }
  out[o] = 0;
  return out;
}

/* ------------------------------------------------------------------ files */

int cc_add_file(ch_cc *cc, const char *path, const char *real,
                const char *text, size_t len) {
  if (cc->nfiles == cc->capfiles) {
    size_t nc = cc->capfiles ? cc->capfiles * 2 : 8;
    cc_file *f = arena_alloc(&cc->arena, nc * sizeof *f);
    if (!f) return -1;
    if (cc->nfiles) memcpy(f, cc->files, cc->nfiles * sizeof *f);
    cc->files = f;
    cc->capfiles = nc;
  }
  cc_file *f = &cc->files[cc->nfiles];
  memset(f, 0, sizeof *f);
  f->path = arena_strdup(&cc->arena, path);
  f->real = arena_strdup(&cc->arena, real ? real : path);
  char *t = arena_strndup(&cc->arena, text, len);
  if (!f->path || !f->real || !t) return -1;
  f->text = t;
  f->len = len;
  return (int)cc->nfiles++;
}

int cc_parse(ch_cc *cc, uint32_t file) {
  yyscan_t sc;
  if (ch_yylex_init_extra(cc, &sc)) {
    cc->arena.failed = 1;
    return -1;
  }
  cc->cur_file = file;
  cc->paren_depth = 0;
  cc->nesting_reported = 0;
  cc->lex_error[0] = 0;
  cc_file *f = &cc->files[file];
  unsigned before = cc->errors;
  jmp_buf fatal;
  /* cleared on every way out of this function */
  // cppcheck-suppress autoVariables
  cc->lex_fatal = &fatal;
  if (setjmp(fatal)) {
    /* The scanner's state is unknown after a fatal error: report, and give
     * up on this file (its buffers die with the scanner). */
    cc->lex_fatal = NULL;
    cc->arena.failed = 1;
    for (int i = 0; i < CC_LEX_BLOCKS; i++) {
      ch_free(cc->alloc, cc->lex_blocks[i]);
      cc->lex_blocks[i] = NULL;
    }
    return -1;
  }
  /* flex scans in place and needs two NULs at the end; a private copy in
   * the arena keeps f->text intact for diagnostics, and leaves flex only
   * one allocation that can fail (the buffer state), so nothing leaks on
   * the fatal path. */
  char *scanbuf = arena_alloc(&cc->arena, f->len + 2);
  if (!scanbuf) {
    cc->lex_fatal = NULL;
    ch_yylex_destroy(sc);
    return -1;
  }
  memcpy(scanbuf, f->text, f->len);
  scanbuf[f->len] = scanbuf[f->len + 1] = 0;
  YY_BUFFER_STATE b = ch_yy_scan_buffer(scanbuf, f->len + 2, sc);
  if (!b) {
    cc->lex_fatal = NULL;
    ch_yylex_destroy(sc);
    cc->arena.failed = 1;
    return -1;
  }
  int r = ch_yyparse(cc, sc);
  cc->lex_fatal = NULL;
  ch_yy_delete_buffer(b, sc);
  ch_yylex_destroy(sc);
  if (r == 2) cc->arena.failed = 1;
  return cc->errors > before || r ? -1 : 0;
}

/* Read a whole file; NUL bytes are refused (they would cut strings). */
static int read_file(ch_cc *cc, const char *path, char **text, size_t *len,
                     char *err, size_t errlen) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    snprintf(err, errlen, "%s", strerror(errno));
    return -1;
  }
  size_t cap = 65536, n = 0;
  char *buf = ch_malloc(cc->alloc, cap);
  if (!buf) {
    fclose(fp);
    cc->arena.failed = 1;
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (;;) {
    if (n == cap) {
      if (cap >= ((size_t)64 << 20)) {
        ch_free(cc->alloc, buf);
        fclose(fp);
        snprintf(err, errlen, "file larger than 64 MB");
        return -1;
      }
      char *nb = ch_realloc(cc->alloc, buf, cap * 2);
      if (!nb) {
        ch_free(cc->alloc, buf);
        fclose(fp);
        cc->arena.failed = 1;
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      buf = nb;
      cap *= 2;
    }
    size_t r = fread(buf + n, 1, cap - n, fp);
    n += r;
    if (r == 0) break;
  }
  int bad = ferror(fp);
  fclose(fp);
  if (bad) {
    ch_free(cc->alloc, buf);
    snprintf(err, errlen, "read error");
    return -1;
  }
  *text = buf;
  *len = n;
  return 0;
}

static const char *dir_join(ch_cc *cc, const char *base, const char *rel) {
  if (rel[0] == '/') return arena_strdup(&cc->arena, rel);
  const char *slash = strrchr(base, '/');
  if (!slash) return arena_strdup(&cc->arena, rel);
  return arena_printf(&cc->arena, "%.*s/%s", (int)(slash - base), base, rel);
}

static int load_includes(ch_cc *cc, uint32_t file, unsigned depth);

static int load_one(ch_cc *cc, const char *path, const char *text, size_t len,
                    unsigned depth, const ch_loc *from) {
  char *buf = NULL;
  char err[256];
  char realbuf[PATH_MAX];
  const char *real = path;
  if (!text) {
    if (read_file(cc, path, &buf, &len, err, sizeof err)) {
      if (from) cc_error(cc, *from, "cannot read included file '%s': %s", path, err);
      else cc_error_at(cc, path, 0, 0, "cannot read charter: %s", err);
      return -2;
    }
    text = buf;
    if (realpath(path, realbuf)) real = realbuf;
  }
  if (memchr(text, 0, len)) {
    if (from) cc_error(cc, *from, "included file '%s' contains a NUL byte: not a charter source", path);
    else cc_error_at(cc, path, 1, 1, "file contains a NUL byte: not a charter source");
    ch_free(cc->alloc, buf);
    return -1;
  }
  int idx = cc_add_file(cc, path, real, text, len);
  ch_free(cc->alloc, buf);
  if (idx < 0) return -1;
  cc->files[idx].include_depth = depth;
  cc_parse(cc, (uint32_t)idx);
  cc->files[idx].on_stack = 1;
  int r = load_includes(cc, (uint32_t)idx, depth);
  cc->files[idx].on_stack = 0;
  return r;
}

static int load_includes(ch_cc *cc, uint32_t file, unsigned depth) {
  for (ast_node *d = cc->files[file].decls; d; d = d->next) {
    if (d->kind != N_INCLUDE || !d->s1) continue;
    const char *path = dir_join(cc, cc->files[file].path, d->s1);
    if (!path) return -1;
    if (depth + 1 > CH_MAX_INCLUDE_DEPTH) {
      cc_error(cc, d->loc, "includes nested deeper than %d", CH_MAX_INCLUDE_DEPTH);
      continue;
    }
    char realbuf[PATH_MAX];
    const char *real = realpath(path, realbuf) ? realbuf : path;
    int seen = 0, cycle = 0;
    for (size_t i = 0; i < cc->nfiles; i++) {
      if (strcmp(cc->files[i].real, real)) continue;
      seen = 1;
      /* A file on the chain being loaded is a cycle; otherwise it was
       * simply included twice, which is harmless (loaded once). */
      if (cc->files[i].on_stack) cycle = 1;
    }
    if (cycle) {
      cc_error(cc, d->loc, "include cycle: '%s' includes itself through this include", d->s1);
      continue;
    }
    if (seen) continue;
    load_one(cc, path, NULL, 0, depth + 1, &d->loc);
  }
  return 0;
}

int cc_load(ch_cc *cc, const char *path, const char *text, size_t len) {
  return load_one(cc, path, text, len, 0, NULL);
}
