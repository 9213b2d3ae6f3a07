/*
 * html.c — HTML and XHTML through libxml2's HTML parser (recovering, no
 * network).  Left out: script, style, template, noscript, the head except
 * the title, comments, and hidden elements (hidden attribute,
 * aria-hidden="true", inline display:none or visibility:hidden).  Block
 * elements make paragraphs, h1-h6 headings; a link's URL follows its text
 * in parentheses, because URLs count as text (utm_source=chatgpt.com).
 *
 * The encoding is decided here, not left to the parser's meta handling,
 * which let a Latin-1 meta override a UTF-8 byte-order mark and read an
 * ASCII page declared "charset=unicode" as UTF-16: a byte-order mark wins;
 * then a text that is valid UTF-8 is UTF-8 whatever its meta says (pages
 * saved in UTF-8 under an old iso-8859-1 declaration are common, the
 * reverse cannot be valid UTF-8 but by accident); then UTF-32 and UTF-16
 * without a mark, recognised by their zero bytes (UTF-32, which the
 * parser does not read, is converted first); then the meta charset, looked for in
 * the first 64 KB (a long head pushes it past the parser's window), as
 * long as it is not a UTF-16 or UTF-32 one, which the HTML standard says
 * to read as UTF-8.
 */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/extract_internal.h"
#include "runtime/normalize.h"

static int is_block(const char *n) {
  static const char *const b[] = {"p", "div", "li", "ul", "ol", "table", "tr", "td", "th", "section", "article",
                                  "header", "footer", "blockquote", "pre", "dl", "dt", "dd", "figure", "figcaption",
                                  "main", "nav", "aside", "address", "caption", "form", "fieldset", "hr", "body", "title"};
  for (size_t i = 0; i < sizeof b / sizeof *b; i++)
    if (!strcasecmp(n, b[i])) return 1;
  return 0;
}

static int hidden(xmlNodePtr n) {
  if (xmlHasProp(n, (const xmlChar *)"hidden")) return 1;
  xmlChar *a = xmlGetProp(n, (const xmlChar *)"aria-hidden");
  int h = a && !strcasecmp((const char *)a, "true");
  xmlFree(a);
  if (h) return 1;
  xmlChar *st = xmlGetProp(n, (const xmlChar *)"style");
  if (st) {
    char buf[256];
    size_t k = 0;
    for (const xmlChar *p = st; *p && k + 1 < sizeof buf; p++)
      if (*p != ' ') buf[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    buf[k] = 0;
    h = strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
    xmlFree(st);
  }
  return h;
}

static int walk(chx_doc *d, xmlNodePtr n, unsigned depth) {
  if (depth > d->lim->max_depth) return -1;
  for (; n && !d->over && !d->oom; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) doc_str(d, (const char *)n->content);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue; /* comments, PIs */
    const char *name = (const char *)n->name;
    if (!strcasecmp(name, "script") || !strcasecmp(name, "style") || !strcasecmp(name, "template") ||
        !strcasecmp(name, "noscript") || !strcasecmp(name, "svg") || hidden(n))
      continue;
    if (!strcasecmp(name, "head")) {
      for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcasecmp((const char *)c->name, "title")) {
          doc_start(d, 0);
          if (walk(d, c->children, depth + 1)) return -1;
          doc_para(d);
        }
      continue;
    }
    int h = 0;
    if ((name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6' && !name[2]) h = name[1] - '0';
    int block = h || is_block(name);
    int table = !strcasecmp(name, "table");
    int saved = d->part;
    if (table) d->part = CHX_TABLE, doc_table_begin(d);
    if (!strcasecmp(name, "tr")) doc_row_begin(d);
    if (!strcasecmp(name, "td") || !strcasecmp(name, "th")) {
      xmlChar *cs = xmlGetProp(n, (const xmlChar *)"colspan");
      doc_cell_begin(d, cs ? (unsigned)strtoul((const char *)cs, NULL, 10) : 1);
      xmlFree(cs);
    }
    if (block) doc_start(d, h);
    if (!strcasecmp(name, "br")) doc_str(d, "\n");
    if (walk(d, n->children, depth + 1)) return -1;
    if (!strcasecmp(name, "a")) {
      xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
      if (href && *href && strncasecmp((const char *)href, "javascript:", 11)) {
        doc_str(d, " (");
        doc_str(d, (const char *)href);
        doc_str(d, ")");
      }
      xmlFree(href);
    }
    if (block) doc_para(d);
    if (table) doc_table_end(d);
    d->part = saved;
  }
  return 0;
}

static int valid_utf8(const unsigned char *p, size_t n) {
  uint32_t cp;
  for (size_t i = 0, k; i < n; i += k)
    if (!(k = norm_decode(p + i, n - i, &cp))) return 0;
  return 1;
}

/* The charset named by a meta element in the first 64 KB (charset="x" or
 * content="text/html; charset=x"), into out; 0 when none. */
static int meta_charset(const unsigned char *p, size_t n, char *out, size_t outlen) {
  if (n > 65536) n = 65536;
  for (size_t i = 0; i + 8 < n; i++) {
    if (strncasecmp((const char *)p + i, "charset", 7)) continue;
    /* inside a meta tag: "<meta" before it with no '>' between */
    size_t b = i;
    while (b > 0 && p[b - 1] != '<' && p[b - 1] != '>' && i - b < 512) b--;
    if (b == 0 || p[b - 1] != '<' || strncasecmp((const char *)p + b, "meta", 4)) continue;
    size_t j = i + 7;
    while (j < n && (p[j] == ' ' || p[j] == '\t')) j++;
    if (j >= n || p[j] != '=') continue;
    j++;
    while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '"' || p[j] == '\'')) j++;
    size_t k = 0;
    while (j < n && k + 1 < outlen && (p[j] == '-' || p[j] == '_' || p[j] == ':' || p[j] == '.' ||
                                       (p[j] >= '0' && p[j] <= '9') || ((p[j] | 32) >= 'a' && (p[j] | 32) <= 'z')))
      out[k++] = (char)p[j++];
    out[k] = 0;
    if (k) return 1;
  }
  return 0;
}

/* The encoding to read the page in (see the top of the file), or NULL for
 * the parser's own choice; *skip receives the length of a byte-order mark,
 * *conv the UTF-32 the page must be converted from first (else TE_UTF8). */
static const char *html_encoding(const unsigned char *p, size_t n, char *meta, size_t metalen, size_t *skip,
                                 chx_textenc *conv) {
  static const char *const name[] = {[TE_UTF8] = "UTF-8", [TE_UTF16LE] = "UTF-16LE", [TE_UTF16BE] = "UTF-16BE"};
  chx_textenc te = chx_text_bom(p, n, skip);
  if (!*skip) {
    if (valid_utf8(p, n)) return "UTF-8";
    te = chx_text_zeros(p, n);
  }
  if (te == TE_UTF32LE || te == TE_UTF32BE) {
    *conv = te; /* the parser does not read UTF-32 */
    return "UTF-8";
  }
  if (*skip || te != TE_UTF8) return name[te];
  if (meta_charset(p, n, meta, metalen)) {
    if (!strncasecmp(meta, "utf-16", 6) || !strncasecmp(meta, "utf-32", 6) || !strcasecmp(meta, "unicode") ||
        !strncasecmp(meta, "ucs-2", 5) || !strcasecmp(meta, "utf-8") || !strcasecmp(meta, "utf8"))
      return NULL; /* not valid UTF-8 and no zero bytes: the parser's guess */
    return meta;
  }
  return NULL;
}

ch_status extract_html(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen) {
  if (len > 0x7fffffff) {
    snprintf(err, errlen, "%s: too large for the HTML parser", name);
    return CH_E_LIMIT;
  }
  char meta[64];
  size_t skip;
  chx_textenc conv = TE_UTF8;
  const char *enc = html_encoding(data, len, meta, sizeof meta, &skip, &conv);
  char *u32 = NULL; /* a UTF-32 page, as UTF-8 */
  if (conv != TE_UTF8) {
    size_t ulen;
    if (!(u32 = chx_text_utf8((const unsigned char *)data + skip, len - skip, conv, &ulen))) {
      snprintf(err, errlen, "%s: out of memory", name);
      return CH_E_NOMEM;
    }
    data = u32, len = ulen, skip = 0;
  }
  const int opts =
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;
  htmlDocPtr doc = htmlReadMemory((const char *)data + skip, (int)(len - skip), NULL, enc, opts);
  if (!doc && enc && enc == meta) /* a charset name the converter does not know */
    doc = htmlReadMemory((const char *)data + skip, (int)(len - skip), NULL, NULL, opts);
  free(u32);
  if (!doc) {
    snprintf(err, errlen, "%s: cannot parse as HTML", name);
    return CH_E_CORRUPT;
  }
  int r = walk(d, xmlDocGetRootElement(doc) ? xmlDocGetRootElement(doc) : doc->children, 0);
  xmlFreeDoc(doc);
  doc_para(d);
  if (r) {
    snprintf(err, errlen, "%s: elements nested deeper than %u (--max-xml-depth)", name, d->lim->max_depth);
    return CH_E_LIMIT;
  }
  return CH_OK;
}
