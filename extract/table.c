/*
 * table.c — a document's tables as text: one row a line, its cells
 * joined by tabs, as RTF, Word 97-2003 and a spreadsheet's export give
 * them, and as a pasted class list reads (the grade_table detector, an
 * AI-use declaration laid out as a form, read row by row).
 *
 * The readers (docx, odt, pptx, html) write a table's cells as
 * paragraphs, as before, and say where its rows and cells begin; when the
 * table ends, its text is laid out again in place: each cell's
 * paragraphs joined by spaces, cells by tabs (one per column, so that an
 * empty cell or a span keeps the columns aligned), rows by line ends.
 * The segments keep their paragraph numbers and point at their text's
 * new place.  A table that is a page's layout rather than data keeps its
 * paragraphs: one with a heading or a nested table inside, a single
 * column, or a cell of more than 8 paragraphs or 1,000 bytes.
 */
#include <string.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"

#define CELL_PARAS 8
#define CELL_BYTES 1000
#define MAX_GAP 64 /* columns skipped at once: more is not a table's */

struct chx_table {
  unsigned depth;
  size_t seg0, off0;
  uint32_t row, col, next_col;
  int layout; /* keep the paragraphs */
  uint32_t *cell; /* per segment since seg0: row << 16 | column */
  size_t ncell, cap;
};

void doc_table_free(chx_doc *d) {
  if (!d->table) return;
  ch_free(NULL, d->table->cell);
  ch_free(NULL, d->table);
  d->table = NULL;
}

void doc_table_begin(chx_doc *d) {
  if (d->oom || d->over) return;
  if (d->table) {
    d->table->depth++;
    d->table->layout = 1; /* a table in a cell: a layout */
    return;
  }
  doc_para(d);
  chx_table *t = ch_malloc(NULL, sizeof *t);
  if (!t) {
    d->oom = 1;
    return;
  }
  memset(t, 0, sizeof *t);
  t->depth = 1;
  t->seg0 = d->nsegs;
  t->off0 = d->len;
  d->table = t;
}

void doc_row_begin(chx_doc *d) {
  chx_table *t = d->table;
  if (!t || t->depth != 1) return;
  if (++t->row > 0xffff) t->layout = 1;
  t->col = 0;
  t->next_col = 1;
}

void doc_cell_begin(chx_doc *d, unsigned span) {
  chx_table *t = d->table;
  if (!t || t->depth != 1) return;
  if (!t->row) doc_row_begin(d); /* cells before any row element */
  t->col = t->next_col;
  t->next_col = t->col + (span >= 1 && span <= MAX_GAP ? span : 1);
  if (t->next_col > 0xffff) t->layout = 1;
}

void doc_cell_span(chx_doc *d, unsigned span) {
  chx_table *t = d->table;
  if (!t || t->depth != 1 || span < 1 || span > MAX_GAP) return;
  t->next_col = t->col ? t->col + span : 1 + span; /* before the row's first cell: columns skipped */
}

void doc_table_seg(chx_doc *d, int heading) {
  chx_table *t = d->table;
  if (!t || t->layout) return;
  if (heading) {
    t->layout = 1;
    return;
  }
  size_t k = d->nsegs - 1 - t->seg0;
  if (k >= t->cap) {
    size_t nc = t->cap ? t->cap * 2 : 64;
    while (nc <= k) nc *= 2;
    uint32_t *c = ch_realloc(NULL, t->cell, nc * sizeof *c);
    if (!c) {
      t->layout = 1; /* no room to lay it out: its paragraphs stay */
      return;
    }
    t->cell = c, t->cap = nc;
  }
  while (t->ncell < k) t->cell[t->ncell++] = 0;
  t->cell[k] = t->depth == 1 ? t->row << 16 | t->col : 0;
  t->ncell = k + 1;
}

/* Segment k's text, its trailing white space and line ends left out. */
static void seg_text(const chx_doc *d, size_t k, size_t *a, size_t *b) {
  *a = d->segs[k].off;
  *b = k + 1 < d->nsegs ? d->segs[k + 1].off : d->len;
  while (*b > *a && (d->text[*b - 1] == ' ' || d->text[*b - 1] == '\t' || d->text[*b - 1] == '\n' ||
                     d->text[*b - 1] == '\r'))
    (*b)--;
  while (*a < *b && (d->text[*a] == ' ' || d->text[*a] == '\t')) (*a)++;
}

/* The table laid out, one row a line: its length, or 0 when it is a
 * page's layout rather than data (one column; a cell of too many
 * paragraphs or bytes; columns out of order or too far apart).  With buf,
 * the text is also written there and the segments moved to their text's
 * new place; without, it is only measured (the same walk, so the two
 * agree). */
static size_t lay_out(chx_doc *d, const chx_table *t, char *buf) {
  uint32_t maxcol = 0, prev = 0, paras = 0, bytes = 0;
  size_t w = 0;
  int first = 1;
#define PUT(ch) (buf ? (void)(buf[w] = (ch)) : (void)0, w++)
  for (size_t k = t->seg0; k < d->nsegs; k++) {
    size_t a, b;
    seg_text(d, k, &a, &b);
    uint32_t c = k - t->seg0 < t->ncell ? t->cell[k - t->seg0] : 0, row = c >> 16, col = c & 0xffff;
    if (a == b) {
      if (buf) d->segs[k].off = (uint32_t)(t->off0 + w);
      continue;
    }
    if (c != prev) paras = bytes = 0;
    if (++paras > CELL_PARAS || (bytes += (uint32_t)(b - a)) > CELL_BYTES) return 0;
    if (col > maxcol) maxcol = col;
    uint32_t prow = prev >> 16, pcol = prev & 0xffff, tabs;
    if (first) {
      tabs = col > 1 ? col - 1 : 0;
    } else if (row != prow || !col || !pcol) {
      PUT('\n');
      tabs = col > 1 ? col - 1 : 0;
    } else if (col == pcol) {
      PUT(' ');
      tabs = 0;
    } else if (col > pcol && col - pcol <= MAX_GAP) {
      tabs = col - pcol;
    } else {
      return 0;
    }
    while (tabs--) PUT('\t');
    if (buf) d->segs[k].off = (uint32_t)(t->off0 + w);
    for (size_t i = a; i < b; i++) PUT(d->text[i] == '\n' || d->text[i] == '\r' ? ' ' : d->text[i]);
    prev = c;
    first = 0;
  }
  PUT('\n');
  PUT('\n');
#undef PUT
  return maxcol >= 2 ? w : 0;
}

void doc_table_end(chx_doc *d) {
  chx_table *t = d->table;
  if (!t) return;
  if (t->depth > 1) {
    t->depth--;
    return;
  }
  doc_para(d);
  size_t n = !t->layout && !d->oom && !d->over && d->nsegs > t->seg0 ? lay_out(d, t, NULL) : 0;
  char *buf = n && t->off0 + n + 1 <= d->lim->max_text ? ch_malloc(NULL, n) : NULL;
  if (buf) {
    lay_out(d, t, buf);
    if (t->off0 + n + 1 > d->cap) { /* tabs for empty columns can outgrow the paragraph breaks */
      char *nt = ch_realloc(NULL, d->text, t->off0 + n + 1);
      if (!nt) {
        ch_free(NULL, buf);
        d->oom = 1;
        doc_table_free(d);
        return;
      }
      d->text = nt, d->cap = t->off0 + n + 1;
    }
    memcpy(d->text + t->off0, buf, n);
    d->len = t->off0 + n;
    d->text[d->len] = 0;
    ch_free(NULL, buf);
  }
  doc_table_free(d);
}
