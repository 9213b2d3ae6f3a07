/*
 * pdf.c — PDF text through poppler-glib, page by page, so every finding
 * can give its page.  Paragraphs are the blocks poppler separates with a
 * blank line.  A file that only claims to be a PDF, an encrypted one, or
 * one with more pages than max_pages is an error naming the file.
 */
#include <poppler.h>
#include <stdio.h>
#include <string.h>

#include "extract/extract_internal.h"

ch_status extract_pdf(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen) {
  GError *ge = NULL;
  GBytes *bytes = g_bytes_new_static(data, len);
  PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &ge);
  if (!doc) {
    snprintf(err, errlen, "%s: not a readable PDF (%s)", name, ge && ge->message ? ge->message : "parse error");
    if (ge) g_error_free(ge);
    g_bytes_unref(bytes);
    return CH_E_CORRUPT;
  }
  int pages = poppler_document_get_n_pages(doc);
  ch_status st = CH_OK;
  if (pages < 0 || (unsigned)pages > d->lim->max_pages) {
    snprintf(err, errlen, "%s: %d pages, over the limit of %u (--max-pdf-pages)", name, pages, d->lim->max_pages);
    st = CH_E_LIMIT;
  }
  for (int i = 0; st == CH_OK && i < pages && !d->over && !d->oom; i++) {
    PopplerPage *pg = poppler_document_get_page(doc, i);
    if (!pg) continue;
    char *t = poppler_page_get_text(pg);
    d->page = (uint32_t)i + 1;
    if (t) {
      /* split on blank lines into paragraphs */
      const char *p = t;
      while (*p) {
        const char *e = strstr(p, "\n\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int blank = 1;
        for (size_t k = 0; k < n; k++)
          if (p[k] != ' ' && p[k] != '\n' && p[k] != '\t') blank = 0;
        if (!blank) {
          doc_start(d, 0);
          doc_bytes(d, p, n);
          doc_para(d);
        }
        p += n;
        while (*p == '\n') p++;
      }
      g_free(t);
    }
    g_object_unref(pg);
  }
  g_object_unref(doc);
  g_bytes_unref(bytes);
  return st;
}
