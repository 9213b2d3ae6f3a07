/*
 * pptx.c — PowerPoint presentations (.pptx, .ppsx: PresentationML), read
 * slide by slide in the presentation's order, each slide's speaker notes
 * after it.  Students hand in their talk's slides as often as a report,
 * and the AI-use statement is then a slide ("Déclaration d'usage de
 * l'IA") or a line of the notes.
 *
 * A slide's text: its shapes' paragraphs (DrawingML a:p / a:t), tables,
 * SmartArt diagrams (their data part, not the drawing cached beside it,
 * which repeats it), pictures' descriptions, and links' URLs after their
 * text, as the HTML reader writes them.  A title placeholder's
 * paragraphs are headings of level 1, so a disclosure slide's section ends
 * at the next slide's title.  Left out: slide numbers (placeholders and
 * fields), the notes pages' header, footer and date, mc:Fallback copies, the masters' and layouts' placeholder
 * prompts ("Click to add title"), charts, and comments.
 *
 * The segments' page is the slide's number (1-based); notes are part
 * "notes".  Same safety as office.c: every part through zip_read_entry's
 * limits, XML without network, entities or DTDs, nesting bounded.
 */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"

/* Slides read at most: the zip's entry limit bounds them anyway. */
#define MAX_SLIDES 10000u

typedef struct pw {
  chx_doc *d;
  xmlTextReaderPtr r;
  int part;       /* CHX_BODY or CHX_NOTES */
  int in_t;       /* inside a:t */
  int pending;    /* inside a:p */
  int started;    /* the paragraph's segment is open */
  int title;      /* the current shape is a title placeholder */
  int quiet;      /* the current shape is a slide number or a slide image */
  int table;      /* nesting of a:tbl */
  int skip;       /* depth of a subtree left out, or -1 */
  int in_r;       /* inside a:r */
  const char *rels; /* the part's relationships (NULL: none) */
  /* a run's hyperlink, and the one of the runs before, written once
   * after their text, " (URL)", as the HTML reader does: a link's URL
   * counts (utm_source=chatgpt.com) */
  char link[512], shown[512];
} pw;

static int is(pw *w, const char *n) { return !strcmp((const char *)xmlTextReaderConstLocalName(w->r), n); }

static void put(pw *w, const char *s) {
  if (!s || !*s || w->quiet) return;
  if (!w->started) {
    w->d->part = w->table ? CHX_TABLE : w->part;
    doc_start(w->d, w->title && !w->table ? 1 : 0);
    w->started = 1;
  }
  doc_str(w->d, s);
}

static void flush_link(pw *w) {
  if (!w->shown[0]) return;
  char u[sizeof w->shown + 4];
  snprintf(u, sizeof u, " (%s)", w->shown);
  w->shown[0] = 0;
  put(w, u);
}

static ch_status walk_part(chx_doc *d, const char *xml, size_t n, int part, const char *rels, const char *name,
                           const char *entry, char *err, size_t errlen) {
  xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)n, NULL, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
  if (!r) {
    snprintf(err, errlen, "%s: cannot parse %s", name, entry);
    return CH_E_CORRUPT;
  }
  pw w = {.d = d, .r = r, .part = part, .skip = -1, .rels = rels};
  ch_status st = CH_OK;
  int ret;
  while ((ret = xmlTextReaderRead(r)) == 1 && !d->oom && !d->over) {
    int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
    if (depth > (int)d->lim->max_depth) {
      snprintf(err, errlen, "%s: %s nests elements deeper than %u (--max-xml-depth)", name, entry, d->lim->max_depth);
      st = CH_E_LIMIT;
      break;
    }
    if (w.skip >= 0) {
      if (type == XML_READER_TYPE_END_ELEMENT && depth == w.skip) w.skip = -1;
      continue;
    }
    if (type == XML_READER_TYPE_ELEMENT) {
      int empty = xmlTextReaderIsEmptyElement(r);
      const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
      if (is(&w, "Fallback") && ns && strstr(ns, "markup-compatibility")) {
        if (!empty) w.skip = depth;
      } else if (is(&w, "fld")) {
        char *t = chx_reader_attr(r, "type", NULL);
        if (t && !strncasecmp(t, "slidenum", 8) && !empty) w.skip = depth;
        xmlFree(t);
      } else if (is(&w, "sp")) {
        w.title = w.quiet = 0;
      } else if (is(&w, "ph")) {
        char *t = chx_reader_attr(r, "type", NULL);
        if (t && (!strcmp(t, "title") || !strcmp(t, "ctrTitle"))) w.title = 1;
        if (t && (!strcmp(t, "sldNum") || !strcmp(t, "sldImg"))) w.quiet = 1;
        /* the notes pages' header, footer and date: the notes master's, on every page */
        if (t && w.part == CHX_NOTES && (!strcmp(t, "hdr") || !strcmp(t, "ftr") || !strcmp(t, "dt"))) w.quiet = 1;
        xmlFree(t);
      } else if (is(&w, "p") && !empty) {
        if (w.started) doc_para(d);
        w.pending = 1, w.started = 0;
      } else if (is(&w, "t")) {
        w.in_t = !empty;
      } else if (is(&w, "r") && !empty) {
        w.in_r = 1, w.link[0] = 0;
      } else if (is(&w, "hlinkClick") && w.in_r) {
        chx_link_url(r, w.rels, w.link, sizeof w.link);
      } else if (is(&w, "br") && w.pending) {
        put(&w, w.title ? " " : "\n");
      } else if (is(&w, "tbl") && !empty) {
        w.table++;
        doc_table_begin(d);
      } else if (is(&w, "tr") && !empty) {
        doc_row_begin(d);
      } else if (is(&w, "tc")) {
        char *v = chx_reader_attr(r, "gridSpan", NULL);
        doc_cell_begin(d, v ? (unsigned)strtoul(v, NULL, 10) : 1);
        xmlFree(v);
      } else if (is(&w, "cNvPr")) {
        /* a picture's description is its text for a reader */
        char *v = chx_reader_attr(r, "descr", NULL);
        if (v && *v && !w.pending) {
          w.started = 0;
          put(&w, v);
          doc_para(d);
          w.started = 0;
        }
        xmlFree(v);
      }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      if (is(&w, "t")) {
        w.in_t = 0;
      } else if (is(&w, "r")) {
        if (w.link[0] && strcmp(w.link, w.shown)) flush_link(&w), snprintf(w.shown, sizeof w.shown, "%s", w.link);
        w.in_r = 0, w.link[0] = 0;
      } else if (is(&w, "p")) {
        flush_link(&w);
        if (w.started) doc_para(d);
        w.pending = w.started = 0;
      } else if (is(&w, "sp")) {
        w.title = w.quiet = 0;
      } else if (is(&w, "tbl")) {
        if (w.table) w.table--, doc_table_end(d);
      }
    } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                type == XML_READER_TYPE_CDATA) &&
               w.in_t && w.pending) {
      /* a run after linked ones, with another link or none */
      if (w.shown[0] && strcmp(w.shown, w.link)) flush_link(&w);
      put(&w, (const char *)xmlTextReaderConstValue(r));
    }
  }
  if (ret < 0 && st == CH_OK && !d->oom && !d->over) {
    snprintf(err, errlen, "%s: %s is not well-formed XML (truncated or corrupt)", name, entry);
    st = CH_E_CORRUPT;
  }
  xmlFreeTextReader(r);
  doc_para(d);
  return st;
}

/* The part a relationship of `from` (a part's name) targets, resolved
 * against from's folder ("../notesSlides/notesSlide1.xml" from
 * "ppt/slides/slide1.xml"), into out; 0 when it does not fit. */
static int resolve(const char *from, const char *target, char *out, size_t outn) {
  if (target[0] == '/') return snprintf(out, outn, "%s", target + 1) < (int)outn;
  const char *slash = strrchr(from, '/');
  size_t dl = slash ? (size_t)(slash - from) : 0;
  char buf[512];
  if (snprintf(buf, sizeof buf, "%.*s%s%s", (int)dl, from, dl ? "/" : "", target) >= (int)sizeof buf) return 0;
  /* fold "dir/../" and "./" */
  size_t o = 0;
  for (const char *p = buf; *p;) {
    const char *e = strchr(p, '/');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l == 2 && p[0] == '.' && p[1] == '.') {
      while (o > 0 && out[o - 1] != '/') o--;
      if (o > 0) o--;
      while (o > 0 && out[o - 1] != '/') o--;
    } else if (!(l == 1 && p[0] == '.') && l) {
      if (o + l + 2 > outn) return 0;
      memcpy(out + o, p, l);
      o += l;
      if (e) out[o++] = '/';
    }
    p = e ? e + 1 : p + l;
  }
  out[o] = 0;
  return o > 0;
}

/* Read the part that `from`'s relationship of type ending `type` targets
 * (every such relationship, in the order of the .rels part). */
static ch_status read_related(chx_doc *d, zip_t *z, const char *from, const char *rels, const char *type, int part,
                              size_t *total, const char *name, char *err, size_t errlen) {
  ch_status st = CH_OK;
  char key[128];
  snprintf(key, sizeof key, "relationships/%s\"", type);
  for (const char *p = rels; st == CH_OK && p && (p = strstr(p, key));) {
    char t[300], entry[512];
    const char *at = p;
    p += strlen(key);
    if (!chx_rel_target_at(rels, at, t, sizeof t) || !resolve(from, t, entry, sizeof entry)) continue;
    char *xml;
    size_t n;
    st = zip_read_entry(z, entry, d->lim, total, &xml, &n, name, err, errlen);
    if (st == CH_E_NOTFOUND) {
      st = CH_OK;
      continue;
    }
    if (st) break;
    char *prels = chx_rels_of(z, d->lim, total, entry);
    st = walk_part(d, xml, n, part, prels, name, entry, err, errlen);
    ch_free(NULL, prels);
    ch_free(NULL, xml);
  }
  return st;
}

ch_status extract_pptx(chx_doc *d, zip_t *z, const char *main, size_t *total, const char *name, char *err,
                       size_t errlen) {
  d->format = "pptx";
  char *pres, *rels = chx_rels_of(z, d->lim, total, main);
  size_t n;
  ch_status st = zip_read_entry(z, main, d->lim, total, &pres, &n, name, err, errlen);
  if (st == CH_E_NOTFOUND) snprintf(err, errlen, "%s: no %s in the archive: not a PowerPoint document", name, main);
  if (st) {
    ch_free(NULL, rels);
    return st == CH_E_NOTFOUND ? CH_E_CORRUPT : st;
  }
  if (!rels) {
    snprintf(err, errlen, "%s: %s has no relationships part: its slides cannot be found", name, main);
    ch_free(NULL, pres);
    return CH_E_CORRUPT;
  }
  /* the slides in the order of p:sldIdLst, each named by its r:id */
  xmlTextReaderPtr r = xmlReaderForMemory(pres, (int)n, NULL, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
  if (!r) {
    snprintf(err, errlen, "%s: cannot parse %s", name, main);
    st = CH_E_CORRUPT;
  }
  unsigned slide = 0;
  int ret = 0;
  while (st == CH_OK && (ret = xmlTextReaderRead(r)) == 1 && !d->oom && !d->over) {
    if (xmlTextReaderDepth(r) > (int)d->lim->max_depth) {
      snprintf(err, errlen, "%s: %s nests elements deeper than %u (--max-xml-depth)", name, main, d->lim->max_depth);
      st = CH_E_LIMIT;
      break;
    }
    if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT ||
        strcmp((const char *)xmlTextReaderConstLocalName(r), "sldId"))
      continue;
    char *rid = chx_reader_attr(r, "id", "relationships");
    char key[96], t[300], entry[512];
    int found = rid && strlen(rid) < 64 && snprintf(key, sizeof key, "Id=\"%s\"", rid) > 0 &&
                chx_rel_target(rels, key, t, sizeof t) && resolve(main, t, entry, sizeof entry);
    xmlFree(rid);
    if (!found) continue;
    if (++slide > MAX_SLIDES) {
      snprintf(err, errlen, "%s: more than %u slides", name, MAX_SLIDES);
      st = CH_E_LIMIT;
      break;
    }
    char *xml;
    size_t xn;
    st = zip_read_entry(z, entry, d->lim, total, &xml, &xn, name, err, errlen);
    if (st == CH_E_NOTFOUND) { /* a dangling reference: the slide is not there to read */
      st = CH_OK;
      continue;
    }
    if (st) break;
    d->page = slide;
    char *srels = chx_rels_of(z, d->lim, total, entry);
    st = walk_part(d, xml, xn, CHX_BODY, srels, name, entry, err, errlen);
    ch_free(NULL, xml);
    if (st == CH_OK && srels) {
      st = read_related(d, z, entry, srels, "diagramData", CHX_BODY, total, name, err, errlen);
      if (st == CH_OK) st = read_related(d, z, entry, srels, "notesSlide", CHX_NOTES, total, name, err, errlen);
    }
    ch_free(NULL, srels);
  }
  if (st == CH_OK && ret < 0) {
    snprintf(err, errlen, "%s: %s is not well-formed XML (truncated or corrupt)", name, main);
    st = CH_E_CORRUPT;
  }
  if (r) xmlFreeTextReader(r);
  ch_free(NULL, pres);
  ch_free(NULL, rels);
  return st;
}
