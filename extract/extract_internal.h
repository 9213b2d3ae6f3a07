/*
 * extract_internal.h — what the format readers share: the text builder
 * (doc.c) and one entry point per format.
 */
#ifndef CH_EXTRACT_INTERNAL_H
#define CH_EXTRACT_INTERNAL_H

#include "extract/extract.h"

void doc_bytes(chx_doc *d, const char *s, size_t n);
void doc_str(chx_doc *d, const char *s);
void doc_para(chx_doc *d);
void doc_start(chx_doc *d, int heading);
/* table.c: a table's rows and cells (a cell spanning `span` columns),
 * laid out at its end as one row a line, cells joined by tabs; tables
 * nest.  doc_table_seg records each new segment's cell (doc.c's). */
typedef struct chx_table chx_table;
void doc_table_begin(chx_doc *d);
void doc_row_begin(chx_doc *d);
void doc_cell_begin(chx_doc *d, unsigned span);
/* The cell begun spans `span` columns (Word's w:gridSpan, which comes
 * after its cell's start); before a row's first cell, `span` columns are
 * skipped (w:gridBefore). */
void doc_cell_span(chx_doc *d, unsigned span);
void doc_table_end(chx_doc *d);
void doc_table_seg(chx_doc *d, int heading);
void doc_table_free(chx_doc *d);

ch_status extract_office(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen);
ch_status extract_html(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen);
ch_status extract_wordml(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen);
ch_status extract_rtf(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen);
ch_status extract_pdf(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen);
/* extract_pdf in the helper process named by d->lim->pdf_helper. */
ch_status extract_pdf_isolated(chx_doc *d, const void *data, size_t len, const char *name, char *err,
                               size_t errlen);

/* textenc.c: how a plain-text file's bytes are encoded (*bom: the length
 * of its byte-order mark, to skip), and their conversion to UTF-8 in a
 * malloc'd, NUL-terminated buffer (NULL: out of memory). */
typedef enum chx_textenc { TE_UTF8, TE_UTF16LE, TE_UTF16BE, TE_UTF32LE, TE_UTF32BE, TE_CP1252 } chx_textenc;
chx_textenc chx_text_encoding(const unsigned char *p, size_t n, size_t *bom);
/* Its first two steps, which the HTML reader shares: the encoding a
 * byte-order mark names (TE_UTF8 and *bom = 0 when there is none), and
 * UTF-32 or UTF-16 without a mark, from the zero bytes of the first four
 * (TE_UTF8 when they do not look so). */
chx_textenc chx_text_bom(const unsigned char *p, size_t n, size_t *bom);
chx_textenc chx_text_zeros(const unsigned char *p, size_t n);
char *chx_text_utf8(const unsigned char *p, size_t n, chx_textenc enc, size_t *outlen);

/* ooxml.c.  The Target of the Relationship element of a .rels part that
 * holds `key` (part of an attribute as written: Id="rId4", or the end of a
 * Type), into out, its entities decoded; 0 when there is none or it does
 * not fit.  _at: of the element around k, a place inside rels. */
int chx_rel_target(const char *rels, const char *key, char *out, size_t outn);
int chx_rel_target_at(const char *rels, const char *k, char *out, size_t outn);
struct zip;
struct _xmlTextReader;
/* The relationships part of `partname` ("word/_rels/document.xml.rels"),
 * read whole (ch_free it), or NULL when there is none. */
char *chx_rels_of(struct zip *z, const chx_limits *lim, size_t *total, const char *partname);
/* The reader's current element's attribute with local name `local` whose
 * namespace URI holds `ns` (NULL: an attribute without a namespace);
 * xmlFree it. */
char *chx_reader_attr(struct _xmlTextReader *r, const char *local, const char *ns);
/* Is t a link to outside the document (http, https, ftp, mailto, www.;
 * not a part of the package, nor an action such as "ppaction://...")? */
int chx_external_url(const char *t);
/* The URL, into out, of the external link that the current element's r:id
 * names in `rels` (a w:hyperlink's w:anchor appended as "#anchor"); 0 and
 * "" for an internal link or none. */
int chx_link_url(struct _xmlTextReader *r, const char *rels, char *out, size_t outn);
/* The URL of a field code "HYPERLINK "https://..." \l ..." into out; 0 and
 * "" when the code is another field or an internal link. */
int chx_field_url(const char *code, char *out, size_t outn);

/* ole.c: a compound file (Word 97-2003, or any encrypted Office file). */
typedef struct chx_ole chx_ole;
ch_status chx_ole_open(const void *data, size_t len, chx_ole **out, const char *name, char *err, size_t errlen);
void chx_ole_close(chx_ole *o);
/* The top-level stream `name` (ASCII, any case) read whole into *out
 * (ch_free it): 1; 0 when there is none; -2 when it is larger than
 * `most`; -3 when the file ends before it does (what it holds is read);
 * -1 out of memory. */
int chx_ole_stream(const chx_ole *o, const char *name, size_t most, unsigned char **out, size_t *outlen);
/* msdoc.c: a compound file, read as a Word 97-2003 document when it is
 * one (an error naming what it is otherwise). */
ch_status extract_msdoc(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen);

/* pptx.c: a presentation whose main part (ppt/presentation.xml) is `main`. */
ch_status extract_pptx(chx_doc *d, struct zip *z, const char *main, size_t *total, const char *name, char *err,
                       size_t errlen);

/* Read one zip entry fully, checking declared and actual sizes against the
 * limits.  *out is from malloc (ch_malloc(NULL)). */
ch_status zip_read_entry(struct zip *z, const char *entry, const chx_limits *lim, size_t *total, char **out,
                         size_t *outlen, const char *name, char *err, size_t errlen);

#endif
