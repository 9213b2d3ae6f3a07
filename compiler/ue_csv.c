/*
 * ue_csv.c — `ue import "file.csv"`: the per-UE permissions of an MCCC
 * table, as a faculty's spreadsheet exports them.
 *
 * The first line names the columns (any order): code (required), level
 * (required), title, tools (class ids separated by ';' or '|'), disclosure
 * (required|optional|empty).  Fields may be double-quoted with "" for a
 * quote; ',' or ';' separates fields (the separator is taken from the
 * header line, since French spreadsheets export with ';').  A bad row is
 * an error at file:line.
 *
 * Encoding: UTF-8, with or without a byte-order mark.  A French Excel
 * saves "CSV (séparateur: point-virgule)" in Windows-1252, not UTF-8: such
 * a file (one that is not valid UTF-8 and has no byte Windows-1252 leaves
 * undefined) is converted, with a warning saying how to export UTF-8.
 * UTF-16 ("Unicode text") is refused with that advice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/resolve_internal.h"
#include "runtime/chb.h"
#include "runtime/normalize.h"

/* MCCC tables hold a few thousand rows; a larger file is not one. */
#define UE_TABLE_MAX ((size_t)16 << 20)

/* The table at path, in UTF-8, NUL-terminated, in the arena; NULL after a
 * diagnostic.  *len receives its length. */
static char *read_table(ch_cc *cc, const char *path, ch_loc loc, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    cc_error(cc, loc, "cannot read UE table '%s'", path);
    return NULL;
  }
  long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
  if (size < 0 || fseek(fp, 0, SEEK_SET) != 0) {
    fclose(fp);
    cc_error(cc, loc, "cannot read UE table '%s' (not a regular file)", path);
    return NULL;
  }
  if ((unsigned long)size > UE_TABLE_MAX) {
    fclose(fp);
    cc_error(cc, loc, "UE table '%s' is larger than %zu MiB: not an MCCC table", path, UE_TABLE_MAX >> 20);
    return NULL;
  }
  unsigned char *raw = arena_alloc(&cc->arena, (size_t)size + 1);
  size_t n = raw ? fread(raw, 1, (size_t)size, fp) : 0;
  int err = raw && (ferror(fp) || n != (size_t)size);
  fclose(fp);
  if (!raw) {
    cc_error(cc, loc, "out of memory reading UE table '%s'", path);
    return NULL;
  }
  if (err) {
    cc_error(cc, loc, "cannot read UE table '%s'", path);
    return NULL;
  }
  if (n >= 2 && ((raw[0] == 0xff && raw[1] == 0xfe) || (raw[0] == 0xfe && raw[1] == 0xff))) {
    cc_error(cc, loc,
             "UE table '%s' is UTF-16 (a spreadsheet's \"Unicode text\"): export it as \"CSV UTF-8\" instead",
             path);
    return NULL;
  }
  size_t bad = n, multi = 0; /* the first byte that is not UTF-8; UTF-8 sequences of 2+ bytes */
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = norm_decode(raw + i, n - i, &cp);
    if (!k && bad == n) bad = i;
    multi += k > 1;
    i += k ? k : 1;
  }
  if (bad == n) {
    raw[n] = 0;
    *len = n;
    return (char *)raw;
  }
  /* not UTF-8: Windows-1252, unless some lines are UTF-8 (a mix would be
   * misread) or a byte is undefined in Windows-1252 */
  unsigned line = 1;
  for (size_t j = 0; j < bad; j++) line += raw[j] == '\n';
  size_t extra = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned c = raw[i];
    if (multi || (c >= 0x80 && !norm_cp1252((unsigned char)c))) {
      cc_error_at(cc, path, line, 1,
                  multi ? "byte 0x%02x is not UTF-8, though other characters of the table are: mixed encodings; "
                          "save the table as \"CSV UTF-8\""
                        : "not UTF-8 (byte 0x%02x), nor Windows-1252: save the table as \"CSV UTF-8\"",
                  raw[bad]);
      return NULL;
    }
    extra += c < 0x80 ? 0 : c < 0xa0 ? 2 : 1;
  }
  char *out = arena_alloc(&cc->arena, n + extra + 1);
  if (!out) {
    cc_error(cc, loc, "out of memory reading UE table '%s'", path);
    return NULL;
  }
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    w += norm_encode(norm_cp1252(raw[i]), out + w);
  }
  out[w] = 0;
  *len = w;
  cc_warning(cc, loc,
             "UE table '%s' is not UTF-8: read as Windows-1252 (a spreadsheet's \"CSV\" export); save it as "
             "\"CSV UTF-8\" to be sure of its accents",
             path);
  return out;
}

int resolve_csv(rs *r, const char *path, ch_loc loc) {
  ch_cc *cc = r->cc;
  size_t tlen;
  char *text = read_table(cc, path, loc, &tlen);
  if (!text) return 0;
  const char *next = text, *stop = text + tlen;
  char line[8192];
  unsigned lineno = 0;
  int col_code = -1, col_level = -1, col_title = -1, col_tools = -1, col_disc = -1;
  char sep = ',';
  while (next < stop) {
    lineno++;
    const char *nl = memchr(next, '\n', (size_t)(stop - next));
    size_t len = (size_t)((nl ? nl : stop) - next);
    const char *from = next;
    next = nl ? nl + 1 : stop;
    if (len > sizeof line - 2) {
      cc_error_at(cc, path, lineno, 1, "line longer than %zu bytes", sizeof line - 2);
      continue;
    }
    memcpy(line, from, len);
    line[len] = 0;
    if (memchr(line, 0, len)) {
      cc_error_at(cc, path, lineno, 1, "NUL byte in the line: not a text table");
      continue;
    }
    while (len && line[len - 1] == '\r') line[--len] = 0;
    char *p = line;
    if (lineno == 1 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf) p += 3;
    if (!*p || *p == '#') continue;
    if (col_code < 0 && lineno >= 1 && col_level < 0) {
      if (strchr(p, ';') && !strchr(p, ',')) sep = ';';
    }
    /* split */
    char *fields[16];
    unsigned fcol[16];
    int nf = 0, bad = 0;
    char *o = p;
    char *q = p;
    while (nf < 16) {
      fields[nf] = o;
      fcol[nf] = (unsigned)(q - line) + 1;
      if (*q == '"') {
        q++;
        for (;;) {
          if (!*q) { bad = 1; break; }
          if (*q == '"' && q[1] == '"') { *o++ = '"'; q += 2; continue; }
          if (*q == '"') { q++; break; }
          *o++ = *q++;
        }
      } else {
        while (*q && *q != sep) *o++ = *q++;
      }
      char *end = o;
      nf++;
      if (*q == sep) { q++; *end = 0; o = q; continue; }
      if (*q) bad = 2;
      *end = 0;
      break;
    }
    if (bad) {
      cc_error_at(cc, path, lineno, 1, bad == 1 ? "unterminated quoted field" : "text after a closing quote");
      continue;
    }
    for (int i = 0; i < nf; i++) {
      char *f = fields[i];
      while (*f == ' ') f++;
      size_t fl = strlen(f);
      while (fl && f[fl - 1] == ' ') f[--fl] = 0;
      fields[i] = f;
    }
    if (col_code < 0 && col_level < 0) {
      for (int i = 0; i < nf; i++) {
        const char *h = fields[i];
        if (!strcmp(h, "code")) col_code = i;
        else if (!strcmp(h, "level")) col_level = i;
        else if (!strcmp(h, "title")) col_title = i;
        else if (!strcmp(h, "tools")) col_tools = i;
        else if (!strcmp(h, "disclosure")) col_disc = i;
        else cc_error_at(cc, path, lineno, fcol[i], "unknown column '%s' (expected code, title, level, tools, disclosure)", h);
      }
      if (col_code < 0 || col_level < 0) {
        cc_error_at(cc, path, lineno, 1, "the header line must name at least the columns 'code' and 'level'");
        return 0;
      }
      continue;
    }
    int maxc = col_code;
    if (col_level > maxc) maxc = col_level;
    if (col_title > maxc) maxc = col_title;
    if (col_tools > maxc) maxc = col_tools;
    if (col_disc > maxc) maxc = col_disc;
    if (nf <= maxc) {
      cc_error_at(cc, path, lineno, 1, "row has %d fields, the header has %d", nf, maxc + 1);
      continue;
    }
    const char *code = fields[col_code];
    if (!*code) {
      cc_error_at(cc, path, lineno, fcol[col_code], "empty UE code");
      continue;
    }
    for (const char *c = code; *c; c++)
      if ((unsigned char)*c < 0x20) {
        cc_error_at(cc, path, lineno, fcol[col_code], "control character in UE code");
        code = NULL;
        break;
      }
    if (!code) continue;
    if (FIND(r->m->ues, m_ue, code, code) >= 0) {
      cc_error_at(cc, path, lineno, fcol[col_code], "UE '%s' is defined twice", code);
      continue;
    }
    m_ue *u = VPUSH(cc, r->m->ues);
    if (!u) return -1;
    u->code = arena_strdup(&cc->arena, code);
    u->title = col_title >= 0 && *fields[col_title] ? arena_strdup(&cc->arena, fields[col_title]) : NULL;
    u->level = arena_strdup(&cc->arena, fields[col_level]);
    u->loc = loc;
    u->owner = r->cur;
    u->from_file = arena_strdup(&cc->arena, path);
    u->from_line = lineno;
    if (!u->code || !u->level) return -1;
    if (col_disc >= 0) {
      const char *d = fields[col_disc];
      if (!strcmp(d, "required") || !strcmp(d, "obligatoire")) u->disclosure = CHB_DISC_REQUIRED;
      else if (!strcmp(d, "optional") || !strcmp(d, "facultative")) u->disclosure = CHB_DISC_OPTIONAL;
      else if (*d) cc_error_at(cc, path, lineno, fcol[col_disc], "disclosure must be 'required', 'optional' or empty, not '%s'", d);
    }
    if (col_tools >= 0 && *fields[col_tools]) {
      char *t = arena_strdup(&cc->arena, fields[col_tools]);
      if (!t) return -1;
      size_t cnt = 1;
      for (char *c = t; *c; c++) if (*c == ';' || *c == '|' || *c == ' ') cnt++;
      u->classes = arena_alloc(&cc->arena, cnt * sizeof *u->classes);
      if (!u->classes) return -1;
      char *save = NULL;
      for (char *tok = strtok_r(t, ";| ", &save); tok; tok = strtok_r(NULL, ";| ", &save)) u->classes[u->nclasses++] = tok;
    }
  }
  return 0;
}
