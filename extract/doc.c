/*
 * doc.c — the extracted document: text builder with its position map,
 * format detection, plain text and markdown, and the dispatcher.
 *
 * Extractors append text through doc_text/doc_para/doc_heading, which keep
 * one segment per paragraph (page, paragraph number, part, heading level)
 * and enforce the output limit, so no format can produce more than
 * max_text bytes whatever its input claims.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"

void chx_init(void) { xmlInitParser(); }

void chx_limits_default(chx_limits *l) {
  l->max_file = (size_t)200 << 20;
  l->max_entry = (size_t)200 << 20;
  l->max_total = (size_t)1 << 30;
  l->max_ratio = 200;
  l->max_entries = 10000;
  l->max_depth = 256;
  l->max_pages = 2000;
  l->max_text = (size_t)64 << 20;
  l->pdf_helper = NULL;
  l->pdf_seconds = 60;
  l->pdf_memory = (size_t)2 << 30;
}

int chx_slides(const chx_doc *d) { return d->format && (!strcmp(d->format, "pptx") || !strcmp(d->format, "odp")); }

const char *chx_part_name(int part) {
  static const char *const n[] = {"body",   "table",  "footnote", "endnote", "header",
                                  "footer", "comment", "textbox", "notes"};
  return part >= 0 && part <= CHX_NOTES ? n[part] : "body";
}

void chx_doc_free(chx_doc *d) {
  doc_table_free(d);
  ch_free(NULL, d->text);
  ch_free(NULL, d->segs);
  memset(d, 0, sizeof *d);
}

static int new_seg(chx_doc *d, int heading) {
  if (d->nsegs == d->segcap) {
    size_t nc = d->segcap ? d->segcap * 2 : 64;
    chx_seg *s = ch_realloc(NULL, d->segs, nc * sizeof *s);
    if (!s) {
      d->oom = 1;
      return -1;
    }
    d->segs = s;
    d->segcap = nc;
  }
  chx_seg *s = &d->segs[d->nsegs++];
  s->off = (uint32_t)d->len;
  s->page = d->page;
  s->para = ++d->para;
  s->part = (uint8_t)d->part;
  s->heading = (uint8_t)heading;
  if (d->table) doc_table_seg(d, heading);
  return 0;
}

void doc_bytes(chx_doc *d, const char *s, size_t n) {
  if (d->oom || d->over || !n) return;
  if (d->len + n + 1 > d->lim->max_text) {
    d->over = 1;
    return;
  }
  if (d->len + n + 1 > d->cap) {
    size_t nc = d->cap ? d->cap * 2 : 4096;
    while (nc < d->len + n + 1) nc *= 2;
    char *t = ch_realloc(NULL, d->text, nc);
    if (!t) {
      d->oom = 1;
      return;
    }
    d->text = t;
    d->cap = nc;
  }
  if (d->nsegs == 0) new_seg(d, 0);
  memcpy(d->text + d->len, s, n);
  d->len += n;
  d->text[d->len] = 0;
}

void doc_str(chx_doc *d, const char *s) { doc_bytes(d, s, strlen(s)); }

/* End the current paragraph (a blank line), if it has text. */
void doc_para(chx_doc *d) {
  if (!d->len) return;
  while (d->len && (d->text[d->len - 1] == ' ' || d->text[d->len - 1] == '\t')) d->len--;
  if (d->len && d->text[d->len - 1] == '\n' && d->len >= 2 && d->text[d->len - 2] == '\n') return;
  if (d->len && d->text[d->len - 1] == '\n') doc_str(d, "\n");
  else doc_str(d, "\n\n");
}

/* Start a paragraph (a heading of level 1-6, or 0 for body text). */
void doc_start(chx_doc *d, int heading) {
  doc_para(d);
  if (d->oom || d->over) return;
  new_seg(d, heading);
  if (heading > 0) {
    char h[8];
    int l = heading > 6 ? 6 : heading;
    memset(h, '#', (size_t)l);
    h[l] = ' ';
    h[l + 1] = 0;
    doc_str(d, h);
  }
}

void chx_locate(const chx_doc *d, size_t off, chx_seg *seg, unsigned *line) {
  chx_seg z = {0, 0, 0, 0, 0};
  size_t lo = 0, hi = d->nsegs;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (d->segs[mid].off <= off) lo = mid + 1;
    else hi = mid;
  }
  *seg = lo ? d->segs[lo - 1] : z;
  if (line) {
    unsigned l = 1;
    for (size_t i = 0; i < off && i < d->len; i++) l += d->text[i] == '\n';
    *line = l;
  }
}

/* ------------------------------------------------------------ plain text */

/* Plain text and markdown: kept as is (the runtime normalises encodings);
 * paragraphs are found at blank lines, markdown headings at '#' lines. */
static void extract_plain(chx_doc *d, const char *t, size_t n, int markdown) {
  size_t i = 0;
  int in_para = 0;
  while (i < n && !d->over && !d->oom) {
    size_t e = i;
    while (e < n && t[e] != '\n') e++;
    size_t ln = e - i;
    int blank = 1;
    for (size_t k = i; k < e; k++)
      if (t[k] != ' ' && t[k] != '\t' && t[k] != '\r') blank = 0;
    if (blank) {
      in_para = 0;
    } else {
      int h = 0;
      if (markdown)
        while (h < (int)ln && t[i + (size_t)h] == '#') h++;
      if (h > 6 || (h && (size_t)h < ln && t[i + (size_t)h] != ' ')) h = 0;
      if (h) {
        d->nsegs || d->len ? doc_para(d) : (void)0;
        new_seg(d, h);
        in_para = 0;
      } else if (!in_para) {
        if (d->len) doc_para(d);
        new_seg(d, 0);
        in_para = 1;
      }
      doc_bytes(d, t + i, ln);
      doc_str(d, "\n");
      if (h) doc_str(d, "\n");
    }
    i = e + 1;
  }
}

/* ------------------------------------------------------------- dispatch */

static const char *ext_of(const char *name) {
  const char *slash = strrchr(name, '/');
  const char *dot = strrchr(name, '.');
  return dot && (!slash || dot > slash) ? dot + 1 : "";
}

int chx_supported(const char *name) {
  static const char *const exts[] = {"txt",  "text", "md",   "markdown", "html", "htm", "xhtml",
                                     "docx", "doc",  "dot",  "odt",      "odp",  "pptx", "ppsx", "pptm", "rtf", "pdf", "tex"};
  const char *e = ext_of(name);
  for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
    if (!strcasecmp(e, exts[i])) return 1;
  return 0;
}

/* Does the extracted text hold a letter or a digit (any non-ASCII byte
 * counts: it is most likely one)? */
static int has_text(const char *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return 1;
  }
  return 0;
}

const char *chx_unreadable(const char *name) {
  static const struct {
    const char *ext, *why;
  } formats[] = {
      {"wps", "a Works document, which this tool does not read: save it as .docx or PDF"},
      {"pages", "an Apple Pages document, which this tool does not read: export it as .docx or PDF"},
      {"ppt", "a presentation (.ppt), which this tool does not read: export it as PDF"},
      {"pps", "a presentation (.pps), which this tool does not read: export it as PDF"},
      {"key", "a Keynote presentation, which this tool does not read: export it as PDF"},
      {"xls", "a spreadsheet (.xls), which this tool does not read: export it as PDF"},
      {"xlsx", "a spreadsheet (.xlsx), which this tool does not read: export it as PDF"},
      {"ods", "a spreadsheet (.ods), which this tool does not read: export it as PDF"},
      {"numbers", "an Apple Numbers spreadsheet, which this tool does not read: export it as PDF"},
      {"epub", "an EPUB book, which this tool does not read: export it as PDF"},
  };
  const char *e = ext_of(name);
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
    if (!strcasecmp(e, formats[i].ext)) return formats[i].why;
  return NULL;
}

ch_status chx_extract_memory(const void *data, size_t len, const char *name, const chx_limits *lim, chx_doc *d,
                             char *err, size_t errlen) {
  return chx_extract_with(NULL, data, len, name, lim, d, err, errlen);
}

ch_status chx_extract_with(chx_pdf_reader *reader, const void *data, size_t len, const char *name,
                           const chx_limits *lim, chx_doc *d, char *err, size_t errlen) {
  chx_limits def;
  if (!lim) {
    chx_limits_default(&def);
    lim = &def;
  }
  memset(d, 0, sizeof *d);
  d->lim = lim;
  d->reader = reader;
  if (err && errlen) err[0] = 0;
  if (len > lim->max_file) {
    snprintf(err, errlen, "%s: %zu bytes, over the %zu-byte file limit (--max-file-size)", name, len, lim->max_file);
    return CH_E_LIMIT;
  }
  const unsigned char *p = data;
  const char *e = ext_of(name);
  ch_status st = CH_OK;
  /* RTF by its content: TextEdit's .rtf, and the .doc files that some
   * tools write as RTF (Word opens them as such) */
  size_t b3 = len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
  if (len >= b3 + 5 && !memcmp(p + b3, "{\\rtf", 5)) {
    st = extract_rtf(d, data, len, name, err, errlen);
    goto done;
  }
  if (!strcasecmp(e, "rtf")) {
    snprintf(err, errlen, "%s: no \"{\\rtf\" at its start: not an RTF document (corrupt or mislabelled file)", name);
    return CH_E_CORRUPT;
  }
  const char *why = chx_unreadable(name);
  if (why) { /* checked as text, it would pass as "ok" whatever it says */
    snprintf(err, errlen, "%s: %s", name, why);
    return CH_E_IO;
  }
  /* a compound file: a Word 97-2003 document, or an encrypted Office
   * file, whatever its name says */
  if (len >= 8 && !memcmp(p, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) {
    st = extract_msdoc(d, data, len, name, err, errlen);
    goto done;
  }
  if (!strcasecmp(e, "doc") || !strcasecmp(e, "dot")) {
    /* what Word also saves under a .doc name: Word 2003 XML, a web page */
    size_t w = b3, head = len < 4096 ? len : 4096;
    while (w < head && (p[w] == ' ' || p[w] == '\t' || p[w] == '\r' || p[w] == '\n')) w++;
    if (w < head && p[w] == '<') {
      char sniff[4097];
      memcpy(sniff, p, head);
      sniff[head] = 0;
      for (size_t k = 0; k < head; k++) sniff[k] = sniff[k] ? (char)((sniff[k] >= 'A' && sniff[k] <= 'Z') ? sniff[k] + 32 : sniff[k]) : ' ';
      if (strstr(sniff, "<w:worddocument") || strstr(sniff, "progid=\"word.document\"")) {
        st = extract_wordml(d, data, len, name, err, errlen);
        goto done;
      }
      if (strstr(sniff, "<html") || strstr(sniff, "<!doctype html")) {
        d->format = "html";
        st = extract_html(d, data, len, name, err, errlen);
        goto done;
      }
    }
    if (len >= 12 && !strncasecmp((const char *)p + w, "MIME-Version", 12)) {
      snprintf(err, errlen, "%s: a web archive (MHT) saved as .doc, which this tool does not read: save it as .docx or PDF",
               name);
      return CH_E_IO;
    }
    if (!(len >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4)) {
      snprintf(err, errlen, "%s: neither a Word 97-2003 document nor RTF nor a zip container: corrupt or mislabelled file",
               name);
      return CH_E_CORRUPT;
    }
  }
  int is_zip = len >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4;
  int is_pdf = len >= 5 && !memcmp(p, "%PDF-", 5);
  /* a .pdf may have bytes before its header (a byte-order mark, a
   * printer's job ticket): readers look for it in the first 1024 bytes */
  if (!is_pdf && !strcasecmp(e, "pdf"))
    for (size_t k = 1; !is_pdf && k + 5 <= len && k < 1024; k++) is_pdf = !memcmp(p + k, "%PDF-", 5);
  if (!strcasecmp(e, "docx") || !strcasecmp(e, "odt") || !strcasecmp(e, "odp") || !strcasecmp(e, "pptx") ||
      !strcasecmp(e, "ppsx") ||
      !strcasecmp(e, "pptm") ||
      (is_zip && strcasecmp(e, "pdf"))) {
    if (!is_zip) { /* a compound file was read above */
      snprintf(err, errlen, "%s: not a zip container (a .%s must be one): corrupt or mislabelled file", name, e);
      return CH_E_CORRUPT;
    }
    st = extract_office(d, data, len, name, err, errlen);
  } else if (!strcasecmp(e, "pdf") || is_pdf) {
    if (!is_pdf) {
      snprintf(err, errlen, "%s: no %%PDF- header in its first 1024 bytes: not a PDF", name);
      return CH_E_CORRUPT;
    }
    d->format = "pdf";
    st = lim->pdf_helper ? extract_pdf_isolated(d, data, len, name, err, errlen)
                         : extract_pdf(d, data, len, name, err, errlen);
  } else if (!strcasecmp(e, "html") || !strcasecmp(e, "htm") || !strcasecmp(e, "xhtml")) {
    d->format = "html";
    st = extract_html(d, data, len, name, err, errlen);
  } else {
    /* an unknown extension is read as text (code, notes), unless the
     * content is binary (an image, an archive of another kind); text in
     * UTF-16, UTF-32 or Windows-1252 is converted first (textenc.c) */
    size_t bom;
    chx_textenc enc = chx_text_encoding(p, len, &bom);
    if (!chx_supported(name) && (enc == TE_UTF8 || enc == TE_CP1252) && memchr(p, 0, len < 8192 ? len : 8192)) {
      snprintf(err, errlen, "%s: a binary file of a format this tool does not read (%s%s): not checked", name,
               *e ? "." : "no extension", e);
      return CH_E_IO;
    }
    int md = !strcasecmp(e, "md") || !strcasecmp(e, "markdown");
    d->format = md ? "md" : !strcasecmp(e, "tex") ? "tex" : "txt";
    if (enc == TE_UTF8) {
      extract_plain(d, (const char *)p + bom, len - bom, md);
    } else {
      size_t ulen;
      char *u = chx_text_utf8(p + bom, len - bom, enc, &ulen);
      if (!u) {
        snprintf(err, errlen, "%s: out of memory", name);
        return CH_E_NOMEM;
      }
      extract_plain(d, u, ulen, md);
      free(u);
    }
  }
done:
  while (d->table) doc_table_end(d); /* a table the input left open */
  if (st == CH_OK && d->oom) {
    snprintf(err, errlen, "%s: out of memory", name);
    st = CH_E_NOMEM;
  }
  if (st == CH_OK && d->over) {
    snprintf(err, errlen, "%s: extracted text over the %zu-byte limit", name, lim->max_text);
    st = CH_E_LIMIT;
  }
  if (st == CH_OK && !has_text(d->text, d->len)) {
    /* a scanned PDF, a .docx of photographed pages: reported "ok", it
     * would pass for a checked document */
    int plain = !strcmp(d->format, "txt") || !strcmp(d->format, "md") || !strcmp(d->format, "tex");
    snprintf(err, errlen, "%s: no text in it%s, so it was not checked", name,
             plain ? "" : " (a scan, or only images? text in images is not read)");
    st = CH_E_IO;
  }
  if (st != CH_OK) {
    const char *fmt = d->format;
    chx_doc_free(d);
    d->format = fmt;
    d->lim = lim;
  }
  return st;
}
