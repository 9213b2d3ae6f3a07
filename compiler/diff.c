/*
 * diff.c — `charterc diff OLD NEW`: what changed between two versions of a
 * charter (charters are republished every quarter).  Works on loaded
 * charters through the public introspection API, so source and .chb inputs
 * compare alike.  Items are matched by id; for each, the listed attributes
 * are compared.  Output is one line per change, stable and greppable:
 *   + rule x            (added)
 *   - tool y            (removed)
 *   ~ level z: rank 2 -> 3
 * A data class's or marker's sources (words, patterns, detectors) are
 * compared a line each:
 *   ~ data class personal: - detect rib
 *   ~ marker person: + words exact "Mrs"
 */
#include <stdio.h>
#include <string.h>

#include "compiler/compile_internal.h"

typedef struct kind_desc {
  ch_item kind;
  const char *name;
  const char *keys[8];
} kind_desc;

static const kind_desc kinds[] = {
  {CH_ITEM_LINEAGE, "lineage", {"version", "license", "attribution", "title", NULL}},
  {CH_ITEM_TOOL_CLASS, "tool class", {"title", NULL}},
  {CH_ITEM_TOOL, "tool", {"title", "class", NULL}},
  {CH_ITEM_DATA_CLASS, "data class", {"title", "sources", NULL}},
  {CH_ITEM_MARKER, "marker", {"title", "sources", NULL}},
  {CH_ITEM_LEVEL, "level", {"rank", "title", "disclosure", NULL}},
  {CH_ITEM_UE, "ue", {"level", "tools", "disclosure", "title", NULL}},
  {CH_ITEM_RULE, "rule", {"severity", "scope", "action", "statement", "message", "condition", NULL}},
};

static const char *val(const char *s) { return s ? s : "(none)"; }

/* The next line of *p (none when *p is NULL or at its end) into
 * line/len, and *p past it and its newline. */
static int next_line(const char **p, const char **line, size_t *len) {
  if (!*p || !**p) return 0;
  const char *e = strchr(*p, '\n');
  *line = *p;
  *len = e ? (size_t)(e - *p) : strlen(*p);
  *p = e ? e + 1 : NULL;
  return 1;
}

/* Does the text of lines `all` hold the line [l, l + n)? */
static int has_line(const char *all, const char *l, size_t n) {
  const char *line;
  size_t k;
  while (next_line(&all, &line, &k))
    if (k == n && !memcmp(line, l, n)) return 1;
  return 0;
}

/* The lines of x not in y, each printed with its sign. */
static int lines_missing(FILE *out, const char *what, const char *id, char sign, const char *x, const char *y) {
  int d = 0;
  const char *line;
  size_t k;
  while (next_line(&x, &line, &k))
    if (k && !has_line(y, line, k)) {
      fprintf(out, "~ %s %s: %c %.*s\n", what, id, sign, (int)k, line);
      d++;
    }
  return d;
}

static long find(const ch_charter *c, ch_item k, const char *id) {
  size_t n = ch_charter_count(c, k);
  for (size_t i = 0; i < n; i++) {
    const char *x = ch_charter_item(c, k, i, "id");
    if (x && !strcmp(x, id)) return (long)i;
  }
  return -1;
}

int diff_charters(const ch_charter *a, const ch_charter *b, FILE *out) {
  int diffs = 0;
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    const kind_desc *d = &kinds[k];
    size_t na = ch_charter_count(a, d->kind), nb = ch_charter_count(b, d->kind);
    for (size_t i = 0; i < na; i++) {
      const char *id = ch_charter_item(a, d->kind, i, "id");
      if (!id) continue;
      long j = find(b, d->kind, id);
      if (j < 0) {
        fprintf(out, "- %s %s\n", d->name, id);
        diffs++;
        continue;
      }
      for (int q = 0; d->keys[q]; q++) {
        const char *x = ch_charter_item(a, d->kind, i, d->keys[q]);
        const char *y = ch_charter_item(b, d->kind, (size_t)j, d->keys[q]);
        if (!strcmp(d->keys[q], "sources")) {
          diffs += lines_missing(out, d->name, id, '-', x, y) + lines_missing(out, d->name, id, '+', y, x);
          continue;
        }
        if ((x == NULL) != (y == NULL) || (x && strcmp(x, y))) {
          fprintf(out, "~ %s %s: %s \"%s\" -> \"%s\"\n", d->name, id, d->keys[q], val(x), val(y));
          diffs++;
        }
      }
    }
    for (size_t j = 0; j < nb; j++) {
      const char *id = ch_charter_item(b, d->kind, j, "id");
      if (id && find(a, d->kind, id) < 0) {
        fprintf(out, "+ %s %s\n", d->name, id);
        diffs++;
      }
    }
  }
  if (!diffs) fprintf(out, "no differences\n");
  else fprintf(out, "%d difference(s)\n", diffs);
  return diffs;
}
