/*
 * html.c — HTML and XHTML through libxml2's HTML parser (recovering, no
 * network).  Left out: script, style, template, noscript, the head except
 * the title, comments, and hidden elements (hidden attribute,
 * aria-hidden="true", inline display:none or visibility:hidden).  Block
 * elements make paragraphs, h1-h6 headings; a link's URL follows its text
 * in parentheses, because URLs count as text (utm_source=chatgpt.com).
 */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "extract/extract_internal.h"

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
    if (table) d->part = CHX_TABLE;
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
    if (!strcasecmp(name, "td") || !strcasecmp(name, "th")) doc_str(d, "\t");
    if (block) doc_para(d);
    d->part = saved;
  }
  return 0;
}

ch_status extract_html(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen) {
  if (len > 0x7fffffff) {
    snprintf(err, errlen, "%s: too large for the HTML parser", name);
    return CH_E_LIMIT;
  }
  htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, NULL,
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                      HTML_PARSE_COMPACT);
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
