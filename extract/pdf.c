/*
 * pdf.c — PDF text through poppler-glib, page by page, so every finding
 * can give its page.  Paragraphs are the blocks poppler separates with a
 * blank line.  Then, per page, what a student may have typed outside the
 * page's content: the values of text fields and list boxes (a disclosure
 * form filled in a PDF reader) as body text, and the contents of annotations (the "add
 * text" tool's free text, sticky notes) as comments; poppler's page text
 * leaves both out.  A file that only claims to be a PDF, an encrypted one,
 * or one with more pages than max_pages is an error naming the file.
 */
#include <poppler.h>
#include <stdio.h>
#include <string.h>

#include "extract/extract_internal.h"

static void add_para(chx_doc *d, const char *s, int part) {
  if (!s) return;
  int blank = 1;
  for (const char *c = s; *c; c++)
    if (*c != ' ' && *c != '\n' && *c != '\t' && *c != '\r') blank = 0;
  if (blank) return;
  int saved = d->part;
  d->part = part;
  doc_start(d, 0);
  doc_str(d, s);
  doc_para(d);
  d->part = saved;
}

/* The value of a list or combo box: what was typed into an editable
 * combo, else each selected item ("Outil utilisé : [Le Chat]"); the items
 * not chosen are not the student's words. */
static void choice_value(chx_doc *d, PopplerFormField *f) {
  if (poppler_form_field_choice_get_choice_type(f) == POPPLER_FORM_CHOICE_COMBO &&
      poppler_form_field_choice_is_editable(f)) {
    gchar *t = poppler_form_field_choice_get_text(f);
    if (t && *t) {
      add_para(d, t, CHX_BODY);
      g_free(t);
      return;
    }
    g_free(t);
  }
  int n = poppler_form_field_choice_get_n_items(f);
  for (int i = 0; i < n && !d->over && !d->oom; i++) {
    if (!poppler_form_field_choice_is_item_selected(f, i)) continue;
    gchar *t = poppler_form_field_choice_get_item(f, i);
    add_para(d, t, CHX_BODY);
    g_free(t);
  }
}

/* Form fields' values and annotations' contents of page pg. */
static void page_extras(chx_doc *d, PopplerPage *pg) {
  /* poppler lists the fields last first */
  GList *fields = g_list_reverse(poppler_page_get_form_field_mapping(pg));
  for (GList *l = fields; l && !d->over && !d->oom; l = l->next) {
    PopplerFormFieldMapping *m = l->data;
    if (!m || !m->field) continue;
    PopplerFormFieldType ty = poppler_form_field_get_field_type(m->field);
    if (ty == POPPLER_FORM_FIELD_CHOICE) {
      choice_value(d, m->field);
      continue;
    }
    if (ty != POPPLER_FORM_FIELD_TEXT) continue;
    gchar *t = poppler_form_field_text_get_text(m->field);
    add_para(d, t, CHX_BODY);
    g_free(t);
  }
  poppler_page_free_form_field_mapping(fields);
  GList *annots = poppler_page_get_annot_mapping(pg);
  for (GList *l = annots; l && !d->over && !d->oom; l = l->next) {
    PopplerAnnotMapping *m = l->data;
    if (!m || !m->annot) continue;
    PopplerAnnotType ty = poppler_annot_get_annot_type(m->annot);
    if (ty == POPPLER_ANNOT_WIDGET || ty == POPPLER_ANNOT_LINK) continue; /* fields above; links have none */
    gchar *t = poppler_annot_get_contents(m->annot);
    add_para(d, t, CHX_COMMENT);
    g_free(t);
  }
  poppler_page_free_annot_mapping(annots);
}

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
    page_extras(d, pg);
    g_object_unref(pg);
  }
  g_object_unref(doc);
  g_bytes_unref(bytes);
  return st;
}
