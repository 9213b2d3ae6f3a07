/*
 * office.c — docx (WordprocessingML) and odt (OpenDocument text), read as
 * zip containers with libzip and streamed through libxml2's xmlReader
 * (pptx.c reads presentations, with the helpers this file shares).
 *
 * docx: body, tables, text boxes (once: mc:Fallback copies are skipped),
 * footnotes, endnotes, headers and footers, then comments as their own
 * part; tracked deletions (w:del, w:delText, w:moveFrom) and field codes (w:instrText)
 * are left out, insertions and field results kept, and links' URLs
 * (w:hyperlink, HYPERLINK fields) written after their text.  odt: content.xml with
 * notes inline as footnote paragraphs, annotations as comments, tracked
 * changes and hidden text left out; odp (presentations) the same way,
 * slide by slide, a title frame's paragraphs as headings, the speaker
 * notes as their own part.
 *
 * Safety: every entry's declared size and ratio are checked before
 * reading, and the bytes actually inflated are counted while reading
 * (declared sizes can lie); XML is parsed with XML_PARSE_NONET and without
 * entity substitution or DTD loading, and nesting deeper than max_depth is
 * an error.
 */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"

ch_status zip_read_entry(zip_t *z, const char *entry, const chx_limits *lim, size_t *total, char **out,
                         size_t *outlen, const char *name, char *err, size_t errlen) {
  *out = NULL;
  *outlen = 0;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, entry, 0, &st) != 0) return CH_E_NOTFOUND;
  if ((st.valid & ZIP_STAT_SIZE) && st.size > lim->max_entry) {
    snprintf(err, errlen, "%s: zip entry %s expands to %llu bytes, over the %zu-byte limit (--max-unzipped)", name,
             entry, (unsigned long long)st.size, lim->max_entry);
    return CH_E_LIMIT;
  }
  if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && st.size > 65536 &&
      st.size / (st.comp_size ? st.comp_size : 1) > lim->max_ratio) {
    snprintf(err, errlen, "%s: zip entry %s has a compression ratio over %u:1 (zip bomb?)", name, entry, lim->max_ratio);
    return CH_E_LIMIT;
  }
  zip_file_t *f = zip_fopen(z, entry, 0);
  if (!f) {
    snprintf(err, errlen, "%s: cannot open zip entry %s: %s", name, entry, zip_strerror(z));
    return CH_E_CORRUPT;
  }
  size_t cap = (st.valid & ZIP_STAT_SIZE) && st.size < lim->max_entry ? (size_t)st.size + 1 : 65536;
  char *buf = ch_malloc(NULL, cap);
  size_t n = 0;
  ch_status rc = buf ? CH_OK : CH_E_NOMEM;
  while (rc == CH_OK) {
    if (n + 1 >= cap) {
      size_t nc = cap * 2;
      char *nb = ch_realloc(NULL, buf, nc);
      if (!nb) {
        rc = CH_E_NOMEM;
        break;
      }
      buf = nb;
      cap = nc;
    }
    zip_int64_t r = zip_fread(f, buf + n, cap - n - 1);
    if (r < 0) {
      snprintf(err, errlen, "%s: zip entry %s is corrupt or truncated: %s", name, entry, zip_file_strerror(f));
      rc = CH_E_CORRUPT;
      break;
    }
    if (r == 0) break;
    n += (size_t)r;
    *total += (size_t)r;
    if (n > lim->max_entry || ((st.valid & ZIP_STAT_SIZE) && n > st.size)) {
      snprintf(err, errlen, "%s: zip entry %s inflates past its limit (%zu bytes; declared %llu)", name, entry, n,
               (unsigned long long)st.size);
      rc = CH_E_LIMIT;
    } else if (*total > lim->max_total) {
      snprintf(err, errlen, "%s: archive inflates past %zu bytes (--max-unzipped-total)", name, lim->max_total);
      rc = CH_E_LIMIT;
    }
  }
  zip_fclose(f);
  if (rc != CH_OK) {
    ch_free(NULL, buf);
    if (rc == CH_E_NOMEM) snprintf(err, errlen, "%s: out of memory reading %s", name, entry);
    return rc;
  }
  buf[n] = 0;
  *out = buf;
  *outlen = n;
  return CH_OK;
}

/* --------------------------------------------------------------- xml walk */

/* A Word body may import whole documents (w:altChunk: HTML, text, MHT),
 * each named by a relationship of the main part. */
#define MAX_ALT_CHUNKS 64
typedef struct alt_chunks {
  char id[MAX_ALT_CHUNKS][64];
  size_t n;
} alt_chunks;

typedef struct xw {
  chx_doc *d;
  xmlTextReaderPtr r;
  int odt;
  int in_t;          /* inside w:t (docx) */
  int pending;       /* paragraph started, heading level known at first text */
  int heading;
  int started;
  int table;         /* nesting of tables */
  int body_part;     /* part of the current stream */
  int part_stack[16];
  int psp;
  int skip;          /* depth of a subtree being skipped, or -1 */
  int join_next;     /* a drop-cap frame: the next paragraph continues it */
  int notes_pass;    /* odt: 0 = body without notes, 1 = only notes */
  int in_note;       /* odt: depth inside note bodies / annotations */
  int all_text;      /* embedded objects (formulas): every text node */
  /* paragraphs nest (a text box or a caption inside a paragraph): the
   * state of the enclosing ones, so that their text after the inner one
   * is kept, as a paragraph of its own */
  struct {
    int pending, heading;
  } outer[16];
  int nouter;
  struct alt_chunks *chunks; /* docx main part: the altChunk ids met */
  /* docx links: the part's relationships, the URL of the w:hyperlink or
   * w:fldSimple being read (written after its text, as the HTML reader
   * does), and the fields being read, nested (a DATE inside a HYPERLINK):
   * each one's code, gathered from its w:instrText, and URL */
  const char *rels;
  char link[512], simple_link[512];
  struct {
    char code[512], url[512];
    size_t n;
  } fld[4];
  int nfld, in_code;
  /* odp (an OpenDocument presentation, read as odt is): inside
   * office:presentation, the slide (draw:page) being read, and a title
   * frame, whose paragraphs are headings */
  int pres, slide, title_frame;
} xw;

static int lname(xw *x, const char *n) { return !strcmp((const char *)xmlTextReaderConstLocalName(x->r), n); }

static void para_begin(xw *x) {
  x->pending = 1;
  x->heading = 0;
  x->started = 0;
}

/* A paragraph element begins (not an empty one): remember the enclosing
 * paragraph's state. */
static void para_enter(xw *x) {
  if (x->nouter < 16) {
    x->outer[x->nouter].pending = x->pending;
    x->outer[x->nouter].heading = x->heading;
  }
  x->nouter++;
}

/* A paragraph element ends (after its text was closed): the enclosing
 * paragraph, if any, goes on in a new segment. */
static void para_leave(xw *x) {
  if (!x->nouter) return;
  x->nouter--;
  if (x->nouter < 16 && x->outer[x->nouter].pending) {
    x->pending = 1;
    x->heading = x->outer[x->nouter].heading;
    x->started = 0;
  }
}

static void ensure_started(xw *x) {
  if (x->pending && !x->started) {
    x->d->part = x->table ? CHX_TABLE : x->body_part;
    if (x->join_next == 1) x->join_next = 0; /* continue the drop cap's paragraph */
    else doc_start(x->d, x->heading);
    x->started = 1;
  }
}

static void text(xw *x, const char *s) {
  if (!s || !*s) return;
  if (x->odt && (x->notes_pass ? x->in_note == 0 : x->in_note > 0)) return;
  ensure_started(x);
  doc_str(x->d, s);
}

static int heading_of_style(const char *v) {
  if (!v) return 0;
  if (!strncasecmp(v, "heading", 7) || !strncasecmp(v, "titre", 5)) {
    const char *p = v + (v[0] == 'h' || v[0] == 'H' ? 7 : 5);
    while (*p == ' ') p++;
    if (*p >= '1' && *p <= '9') return *p - '0' > 6 ? 6 : *p - '0';
  }
  if (!strcasecmp(v, "Title") || !strcasecmp(v, "Titre")) return 1;
  if (!strcasecmp(v, "Subtitle")) return 2;
  return 0;
}

static char *attr(xw *x, const char *local) {
  /* attributes may carry any prefix; look at local names */
  if (!xmlTextReaderHasAttributes(x->r)) return NULL;
  char *v = NULL;
  while (xmlTextReaderMoveToNextAttribute(x->r) == 1)
    if (!v && !strcmp((const char *)xmlTextReaderConstLocalName(x->r), local))
      v = (char *)xmlTextReaderValue(x->r);
  xmlTextReaderMoveToElement(x->r);
  return v;
}

/* The URL of a link whose text has been read: " (URL)" after it. */
static void link_end(xw *x, char *url) {
  if (!url[0]) return;
  char u[sizeof x->link + 4];
  snprintf(u, sizeof u, " (%s)", url);
  url[0] = 0;
  if (x->pending) text(x, u);
}

static ch_status walk_xml(chx_doc *d, const char *xml, size_t n, int odt, int part, const char *name,
                          const char *entry, char *err, size_t errlen, int notes_pass, alt_chunks *chunks,
                          const char *rels) {
  xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)n, NULL, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
  if (!r) {
    snprintf(err, errlen, "%s: cannot parse %s", name, entry);
    return CH_E_CORRUPT;
  }
  xw x;
  memset(&x, 0, sizeof x);
  x.d = d;
  x.r = r;
  x.odt = odt;
  x.body_part = part;
  x.skip = -1;
  x.notes_pass = notes_pass;
  x.all_text = notes_pass == 2;
  x.chunks = chunks;
  x.rels = rels;
  if (x.all_text) para_begin(&x);
  ch_status st = CH_OK;
  int ret;
  while ((ret = xmlTextReaderRead(r)) == 1) {
    int type = xmlTextReaderNodeType(r);
    int depth = xmlTextReaderDepth(r);
    if (depth > (int)d->lim->max_depth) {
      snprintf(err, errlen, "%s: %s nests elements deeper than %u (--max-xml-depth)", name, entry, d->lim->max_depth);
      st = CH_E_LIMIT;
      break;
    }
    if (d->oom || d->over) break;
    if (x.skip >= 0) {
      /* inside a skipped subtree: wait for its end */
      if (type == XML_READER_TYPE_END_ELEMENT && depth == x.skip) x.skip = -1;
      continue;
    }
    if (type == XML_READER_TYPE_ELEMENT) {
      int empty = xmlTextReaderIsEmptyElement(r);
      const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
      if (!odt) {
        /* a tracked move's old place keeps its text in w:t: skipped like a deletion */
        if (lname(&x, "del") || lname(&x, "delText") || lname(&x, "moveFrom") ||
            (lname(&x, "Fallback") && ns && strstr(ns, "markup-compatibility"))) {
          if (!empty) x.skip = depth;
          continue;
        }
        if (lname(&x, "footnote") || lname(&x, "endnote")) {
          char *t = attr(&x, "type");
          int sep = t && (strstr(t, "eparator") || !strcmp(t, "continuationNotice"));
          xmlFree(t);
          if (sep && !empty) {
            x.skip = depth;
            continue;
          }
        }
        if (lname(&x, "p")) {
          if (!empty) {
            if (x.pending && x.started && x.join_next != 1) doc_para(d); /* text before a text box */
            para_enter(&x);
            para_begin(&x);
          }
        } else if (lname(&x, "pStyle")) {
          char *v = attr(&x, "val");
          int h = heading_of_style(v);
          if (h) x.heading = h;
          xmlFree(v);
        } else if (lname(&x, "outlineLvl")) {
          char *v = attr(&x, "val");
          if (v && v[0] >= '0' && v[0] <= '8') x.heading = v[0] - '0' + 1 > 6 ? 6 : v[0] - '0' + 1;
          xmlFree(v);
        } else if (lname(&x, "framePr")) {
          char *v = attr(&x, "dropCap");
          if (v && strcmp(v, "none")) x.join_next = 2; /* set when this paragraph ends */
          xmlFree(v);
        } else if (lname(&x, "docPr")) {
          /* an image's description is its text for a reader */
          char *v = attr(&x, "descr");
          if (v && *v) {
            text(&x, " ");
            text(&x, v);
            text(&x, " ");
          }
          xmlFree(v);
        } else if (lname(&x, "t")) {
          x.in_t = !empty;
        } else if (lname(&x, "instrText")) {
          x.in_code = !empty; /* a field's code: not text, but a HYPERLINK's URL is kept */
        } else if (lname(&x, "fldChar")) {
          char *v = chx_reader_attr(r, "fldCharType", "wordprocessingml");
          int top = x.nfld - 1;
          if (v && !strcmp(v, "begin")) {
            if (x.nfld < 4) x.fld[x.nfld].n = 0, x.fld[x.nfld].code[0] = x.fld[x.nfld].url[0] = 0;
            x.nfld++;
          } else if (v && !strcmp(v, "separate") && top >= 0 && top < 4) {
            chx_field_url(x.fld[top].code, x.fld[top].url, sizeof x.fld[top].url);
          } else if (v && !strcmp(v, "end") && top >= 0) {
            if (top < 4) {
              if (!x.fld[top].url[0]) chx_field_url(x.fld[top].code, x.fld[top].url, sizeof x.fld[top].url);
              link_end(&x, x.fld[top].url);
            }
            x.nfld--;
          }
          xmlFree(v);
        } else if (lname(&x, "fldSimple")) {
          char *v = chx_reader_attr(r, "instr", "wordprocessingml");
          if (v && chx_field_url(v, x.simple_link, sizeof x.simple_link) && empty) link_end(&x, x.simple_link);
          xmlFree(v);
        } else if (lname(&x, "hyperlink") && !empty) {
          chx_link_url(r, x.rels, x.link, sizeof x.link);
        } else if (lname(&x, "tab") && x.pending) {
          text(&x, "\t");
        } else if ((lname(&x, "br") || lname(&x, "cr")) && x.pending) {
          text(&x, "\n");
        } else if (lname(&x, "noBreakHyphen")) {
          text(&x, "-");
        } else if (lname(&x, "tbl")) {
          if (!empty) x.table++, doc_table_begin(d);
        } else if (lname(&x, "tr") && !empty) {
          doc_row_begin(d);
        } else if (lname(&x, "tc") && !empty) {
          doc_cell_begin(d, 1);
        } else if (lname(&x, "gridSpan") || lname(&x, "gridBefore")) {
          char *v = attr(&x, "val");
          if (v) doc_cell_span(d, (unsigned)strtoul(v, NULL, 10));
          xmlFree(v);
        } else if (lname(&x, "txbxContent") && !empty) {
          if (x.psp < 16) x.part_stack[x.psp++] = x.body_part;
          x.body_part = CHX_TEXTBOX;
        } else if (lname(&x, "altChunk") && x.chunks && x.chunks->n < MAX_ALT_CHUNKS) {
          char *v = attr(&x, "id");
          if (v && strlen(v) < sizeof x.chunks->id[0])
            snprintf(x.chunks->id[x.chunks->n++], sizeof x.chunks->id[0], "%s", v);
          xmlFree(v);
        }
      } else {
        if (x.all_text && lname(&x, "annotation") && !empty) {
          x.skip = depth; /* a formula's source text repeats it */
          continue;
        }
        if (lname(&x, "tracked-changes") || lname(&x, "hidden-text") || lname(&x, "hidden-paragraph") ||
            lname(&x, "note-citation") || lname(&x, "deletion")) {
          if (!empty) x.skip = depth;
          continue;
        }
        if (lname(&x, "presentation") && ns && strstr(ns, ":office:")) {
          x.pres = 1;
          d->format = "odp";
        } else if (x.pres && lname(&x, "page") && !empty) {
          d->page = (uint32_t)++x.slide;
        } else if (x.pres && lname(&x, "frame")) {
          char *v = chx_reader_attr(r, "class", "presentation");
          x.title_frame = v && !strcmp(v, "title");
          /* the slide number and the date LibreOffice fills in */
          int quiet = v && (!strcmp(v, "page-number") || !strcmp(v, "date-time"));
          xmlFree(v);
          if (quiet && !empty) {
            x.skip = depth;
            continue;
          }
        } else if (x.pres && lname(&x, "notes") && ns && strstr(ns, ":presentation:") && !empty) {
          if (x.psp < 16) x.part_stack[x.psp++] = x.body_part;
          x.body_part = CHX_NOTES;
        }
        if ((lname(&x, "p") || lname(&x, "h")) && !x.notes_pass && x.in_note) {
          /* a note's paragraph inside the body pass: ignored here */
        } else if (lname(&x, "p") || lname(&x, "h")) {
          if (x.pending && x.started) doc_para(d);
          if (!empty) para_enter(&x);
          para_begin(&x);
          if (x.title_frame) x.heading = 1;
          if (lname(&x, "h")) {
            char *v = attr(&x, "outline-level");
            int h = v ? (int)strtol(v, NULL, 10) : 1;
            x.heading = h < 1 ? 1 : h > 6 ? 6 : h;
            xmlFree(v);
          }
          if (empty) x.pending = 0;
        } else if (lname(&x, "s")) {
          char *v = attr(&x, "c");
          int c = v ? (int)strtol(v, NULL, 10) : 1;
          xmlFree(v);
          for (int i = 0; i < c && i < 64; i++) text(&x, " ");
        } else if (lname(&x, "tab")) {
          text(&x, "\t");
        } else if (lname(&x, "a") && !empty && !x.notes_pass) {
          /* a link: its URL after its text, as in a .docx */
          char *v = chx_reader_attr(r, "href", "xlink");
          if (v && chx_external_url(v)) snprintf(x.link, sizeof x.link, "%s", v);
          xmlFree(v);
        } else if (lname(&x, "line-break")) {
          text(&x, "\n");
        } else if (lname(&x, "table")) {
          if (!empty) {
            x.table++;
            if (!x.notes_pass && !x.all_text) doc_table_begin(d);
          }
        } else if (lname(&x, "table-row") && !empty && !x.notes_pass && !x.all_text) {
          doc_row_begin(d);
        } else if ((lname(&x, "table-cell") || lname(&x, "covered-table-cell")) && !x.notes_pass && !x.all_text) {
          /* a spanned cell is followed by covered ones: each is a column */
          char *v = attr(&x, "number-columns-repeated");
          unsigned rep = v ? (unsigned)strtoul(v, NULL, 10) : 1;
          xmlFree(v);
          doc_cell_begin(d, rep);
        } else if (lname(&x, "note-body") || lname(&x, "annotation")) {
          if (!empty) {
            x.in_note++;
            if (x.notes_pass) x.body_part = lname(&x, "annotation") ? CHX_COMMENT : CHX_FOOTNOTE;
          }
        } else if (lname(&x, "text-box") && !empty) { /* an empty one has no end to restore the part */
          if (x.psp < 16) x.part_stack[x.psp++] = x.body_part;
          if (!x.pres) x.body_part = CHX_TEXTBOX; /* a slide's text is all in boxes: body */
        }
      }
      continue;
    }
    if (type == XML_READER_TYPE_END_ELEMENT) {
      if (!odt) {
        if (lname(&x, "t")) x.in_t = 0;
        else if (lname(&x, "instrText")) x.in_code = 0;
        else if (lname(&x, "hyperlink")) link_end(&x, x.link);
        else if (lname(&x, "fldSimple")) link_end(&x, x.simple_link);
        else if (lname(&x, "p")) {
          if (x.join_next == 2) x.join_next = 1; /* drop cap: no paragraph break */
          else if (x.started) doc_para(d);
          x.pending = 0;
          para_leave(&x);
        } else if (lname(&x, "tbl")) {
          if (x.table) x.table--, doc_table_end(d);
        } else if (lname(&x, "txbxContent")) {
          if (x.psp) x.body_part = x.part_stack[--x.psp];
        }
      } else {
        if ((lname(&x, "p") || lname(&x, "h")) && !x.notes_pass && x.in_note) {
          /* end of a note paragraph in the body pass: the enclosing one goes on */
        } else if (lname(&x, "p") || lname(&x, "h")) {
          if (x.started) doc_para(d);
          x.pending = 0;
          para_leave(&x);
        } else if (lname(&x, "table")) {
          if (x.table) {
            x.table--;
            if (!x.notes_pass && !x.all_text) doc_table_end(d);
          }
        } else if (lname(&x, "note-body") || lname(&x, "annotation")) {
          if (x.in_note) x.in_note--;
          if (x.notes_pass && x.started) doc_para(d);
          if (x.notes_pass) x.pending = 0;
        } else if (lname(&x, "a") && !x.notes_pass) {
          link_end(&x, x.link);
        } else if (lname(&x, "text-box") || (x.pres && lname(&x, "notes"))) {
          if (x.psp) x.body_part = x.part_stack[--x.psp];
        } else if (x.pres && lname(&x, "frame")) {
          x.title_frame = 0;
        }
      }
      continue;
    }
    if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE || type == XML_READER_TYPE_CDATA) {
      if (x.all_text) {
        ensure_started(&x);
        doc_str(d, (const char *)xmlTextReaderConstValue(r));
      } else if (!odt && x.in_code) {
        if (x.nfld > 0 && x.nfld <= 4) {
          const char *v = (const char *)xmlTextReaderConstValue(r);
          size_t l = v ? strlen(v) : 0, *k = &x.fld[x.nfld - 1].n;
          char *c = x.fld[x.nfld - 1].code;
          if (l > sizeof x.fld[0].code - 1 - *k) l = sizeof x.fld[0].code - 1 - *k;
          if (l) memcpy(c + *k, v, l);
          *k += l;
          c[*k] = 0;
        }
      } else if ((!odt && x.in_t) || (odt && x.pending)) {
        text(&x, (const char *)xmlTextReaderConstValue(r));
      }
    }
  }
  if (ret < 0 && st == CH_OK) {
    snprintf(err, errlen, "%s: %s is not well-formed XML (truncated or corrupt)", name, entry);
    st = CH_E_CORRUPT;
  }
  xmlFreeTextReader(r);
  doc_para(d);
  return st;
}

/* --------------------------------------------------------------- formats */

/* Word 2003 XML (WordprocessingML 2003, "Word XML Document"): one XML file
 * whose paragraphs, runs and text have the local names of a .docx's. */
ch_status extract_wordml(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen) {
  d->format = "doc";
  if (len > INT32_MAX) {
    snprintf(err, errlen, "%s: too large for the XML reader", name);
    return CH_E_LIMIT;
  }
  return walk_xml(d, data, len, 0, CHX_BODY, name, "the document", err, errlen, 0, NULL, NULL);
}

static ch_status part_of(chx_doc *d, zip_t *z, const char *entry, int odt, int part, size_t *total, const char *name,
                         char *err, size_t errlen, int required, alt_chunks *chunks) {
  char *xml;
  size_t n;
  ch_status st = zip_read_entry(z, entry, d->lim, total, &xml, &n, name, err, errlen);
  if (st == CH_E_NOTFOUND) {
    if (!required) return CH_OK;
    snprintf(err, errlen, "%s: no %s in the archive: not a %s document", name, entry, odt ? "OpenDocument" : "Word");
    return CH_E_CORRUPT;
  }
  if (st) return st;
  char *rels = odt ? NULL : chx_rels_of(z, d->lim, total, entry);
  st = walk_xml(d, xml, n, odt, part, name, entry, err, errlen, 0, chunks, rels);
  ch_free(NULL, rels);
  /* OpenDocument notes sit inside their paragraph: read them in a second
   * pass, after the body, like Word's footnotes */
  if (st == CH_OK && odt && !strcmp(entry, "content.xml"))
    st = walk_xml(d, xml, n, odt, CHX_FOOTNOTE, name, entry, err, errlen, 1, NULL, NULL);
  ch_free(NULL, xml);
  return st;
}

/* The main part of a Word package is named by the officeDocument
 * relationship of _rels/.rels; it is usually word/document.xml but need
 * not be (ECMA-376 Part 2, 9.3). */
static int main_part(zip_t *z, const chx_limits *lim, char *out, size_t outn) {
  size_t total = 0, n;
  char *rels, err[16];
  out[0] = 0;
  if (zip_read_entry(z, "_rels/.rels", lim, &total, &rels, &n, "", err, sizeof err)) return 0;
  if (!chx_rel_target(rels, "relationships/officeDocument\"", out, outn)) out[0] = 0;
  else if (out[0] == '/') memmove(out, out + 1, strlen(out));
  ch_free(NULL, rels);
  return out[0] && zip_name_locate(z, out, 0) >= 0;
}

/* The altChunk parts of the main part `main`, in the order met, after its
 * body: HTML through the HTML reader, plain text as is; MHT and nested
 * Word documents are not read.  Each chunk's target is found in the main
 * part's relationships (word/_rels/document.xml.rels). */
static ch_status read_alt_chunks(chx_doc *d, zip_t *z, const char *main, const alt_chunks *c, size_t *total,
                                 const char *name, char *err, size_t errlen) {
  const char *slash = strrchr(main, '/');
  size_t dl = slash ? (size_t)(slash - main) : 0;
  char relp[300];
  snprintf(relp, sizeof relp, "%.*s%s_rels/%s.rels", (int)dl, main, dl ? "/" : "", slash ? slash + 1 : main);
  char *rels;
  size_t rn;
  char e2[16];
  if (zip_read_entry(z, relp, d->lim, total, &rels, &rn, "", e2, sizeof e2)) return CH_OK;
  ch_status st = CH_OK;
  for (size_t i = 0; st == CH_OK && i < c->n; i++) {
    char key[80], t[256], entry[300];
    snprintf(key, sizeof key, "Id=\"%s\"", c->id[i]);
    if (!chx_rel_target(rels, key, t, sizeof t)) continue;
    if (t[0] == '/') snprintf(entry, sizeof entry, "%s", t + 1);
    else snprintf(entry, sizeof entry, "%.*s%s%s", (int)dl, main, dl ? "/" : "", t);
    const char *dot = strrchr(entry, '.');
    int html = dot && (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm") || !strcasecmp(dot, ".xhtml"));
    int txt = dot && !strcasecmp(dot, ".txt");
    if (!html && !txt) continue;
    char *buf;
    size_t bn;
    st = zip_read_entry(z, entry, d->lim, total, &buf, &bn, name, err, errlen);
    if (st == CH_E_NOTFOUND) {
      st = CH_OK;
      continue;
    }
    if (st) break;
    int saved = d->part;
    d->part = CHX_BODY;
    if (html) {
      st = extract_html(d, buf, bn, name, err, errlen);
    } else {
      doc_start(d, 0);
      doc_bytes(d, buf, bn);
      doc_para(d);
    }
    d->part = saved;
    ch_free(NULL, buf);
  }
  ch_free(NULL, rels);
  return st;
}

/* Does b[0..n) hold the string s? */
static int holds(const char *b, size_t n, const char *s) {
  size_t k = strlen(s);
  for (size_t i = 0; i + k <= n; i++)
    if (b[i] == s[0] && !memcmp(b + i, s, k)) return 1;
  return 0;
}

ch_status extract_office(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen) {
  char main[256] = "";
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
  zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
  if (!z) {
    snprintf(err, errlen, "%s: not a readable zip container (%s): truncated or corrupt", name, zip_error_strerror(&ze));
    if (src) zip_source_free(src);
    zip_error_fini(&ze);
    return CH_E_CORRUPT;
  }
  zip_error_fini(&ze);
  zip_int64_t ne = zip_get_num_entries(z, 0);
  ch_status st = CH_OK;
  size_t total = 0;
  int word = 0, named = 0;
  if (ne < 0 || (zip_uint64_t)ne > d->lim->max_entries) {
    snprintf(err, errlen, "%s: %lld zip entries, over the limit of %u", name, (long long)ne, d->lim->max_entries);
    st = CH_E_LIMIT;
  } else if (!(word = zip_name_locate(z, "word/document.xml", 0) >= 0) && (named = main_part(z, d->lim, main, sizeof main)) &&
             strstr(main, "presentation")) {
    st = extract_pptx(d, z, main, &total, name, err, errlen);
  } else if (word || named) {
    d->format = "docx";
    if (!main[0]) snprintf(main, sizeof main, "word/document.xml");
    alt_chunks chunks = {.n = 0};
    st = part_of(d, z, main, 0, CHX_BODY, &total, name, err, errlen, 1, &chunks);
    if (st == CH_OK && chunks.n) st = read_alt_chunks(d, z, main, &chunks, &total, name, err, errlen);
    static const struct { const char *e; int part; } extra[] = {
        {"word/footnotes.xml", CHX_FOOTNOTE}, {"word/endnotes.xml", CHX_ENDNOTE}};
    for (size_t i = 0; st == CH_OK && i < 2; i++) st = part_of(d, z, extra[i].e, 0, extra[i].part, &total, name, err, errlen, 0, NULL);
    /* headers and footers: word/header1.xml, footer2.xml, ... in entry order */
    for (zip_int64_t i = 0; st == CH_OK && i < ne; i++) {
      const char *en = zip_get_name(z, (zip_uint64_t)i, 0);
      if (!en || strncmp(en, "word/", 5) || !strstr(en, ".xml")) continue;
      if (!strncmp(en + 5, "header", 6)) st = part_of(d, z, en, 0, CHX_HEADER, &total, name, err, errlen, 0, NULL);
      else if (!strncmp(en + 5, "footer", 6)) st = part_of(d, z, en, 0, CHX_FOOTER, &total, name, err, errlen, 0, NULL);
    }
    if (st == CH_OK) st = part_of(d, z, "word/comments.xml", 0, CHX_COMMENT, &total, name, err, errlen, 0, NULL);
  } else if (zip_name_locate(z, "content.xml", 0) >= 0) {
    d->format = "odt";
    /* a password-protected document: its parts are encrypted, and the
     * manifest says so (ODF 1.2, 3.8 "encryption-data") */
    char *man = NULL;
    size_t mn = 0;
    if (zip_name_locate(z, "META-INF/manifest.xml", 0) >= 0 &&
        zip_read_entry(z, "META-INF/manifest.xml", d->lim, &total, &man, &mn, name, err, errlen) == CH_OK &&
        holds(man, mn, "encryption-data")) {
      snprintf(err, errlen, "%s: a password-protected document: save it without a password to have it checked", name);
      st = CH_E_IO;
    }
    ch_free(NULL, man);
    if (st == CH_OK) st = part_of(d, z, "content.xml", 1, CHX_BODY, &total, name, err, errlen, 1, NULL);
    /* embedded objects (formulas, charts): "Object 1/content.xml" */
    for (zip_int64_t i = 0; st == CH_OK && i < ne; i++) {
      const char *en = zip_get_name(z, (zip_uint64_t)i, 0);
      size_t l = en ? strlen(en) : 0;
      if (l > 12 && !strcmp(en + l - 12, "/content.xml") && !strchr(en, '\n')) {
        char *xml;
        size_t xn;
        st = zip_read_entry(z, en, d->lim, &total, &xml, &xn, name, err, errlen);
        if (st == CH_OK) {
          st = walk_xml(d, xml, xn, 1, CHX_BODY, name, en, err, errlen, 2, NULL, NULL);
          ch_free(NULL, xml);
        }
      }
    }
  } else {
    snprintf(err, errlen, "%s: a zip container that is not a Word (.docx), PowerPoint (.pptx) or OpenDocument (.odt) document", name);
    st = CH_E_CORRUPT;
  }
  zip_discard(z);
  return st;
}
