/*
 * extract.h — documents to text with a position map (libchextract).
 *
 * The checker scans text; this library turns a document into that text and
 * remembers where every part of it came from (page, paragraph, part of the
 * document), so a finding can say "page 3, paragraph 2 (footnote)".
 * Headings become markdown-style lines ("## Title"), which is how the
 * runtime finds where a disclosure section ends.  Paragraphs end with a
 * blank line.
 *
 * Every input is untrusted: sizes, zip ratios, XML depth and PDF pages are
 * bounded by chx_limits, XML never loads external entities or the network,
 * and every failure is an error message naming the input and the limit or
 * fault.  Not thread-safe per document; distinct documents may be
 * extracted in parallel.
 */
#ifndef CH_EXTRACT_H
#define CH_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "charter.h"

typedef struct chx_limits {
  size_t max_file;      /* bytes of an input file (default 200 MB) */
  size_t max_entry;     /* uncompressed bytes of one zip entry (200 MB) */
  size_t max_total;     /* uncompressed bytes of a whole archive (1 GB) */
  unsigned max_ratio;   /* uncompressed / compressed of an entry (200) */
  unsigned max_entries; /* entries in an archive (10000) */
  unsigned max_depth;   /* XML / HTML element nesting (256) */
  unsigned max_pages;   /* PDF pages (2000) */
  size_t max_text;      /* extracted text per document (64 MB) */
  /* PDFs are read by this program in a process of its own (pdf_helper.c:
   * the CLI passes its own executable), or in this process when NULL
   * (the default). */
  const char *pdf_helper;
  unsigned pdf_seconds; /* CPU and wall-clock seconds to read one PDF (60) */
  size_t pdf_memory;    /* the helper's address space (2 GB; 0: no limit) */
} chx_limits;

void chx_limits_default(chx_limits *l);

/* Initialise the XML library once, from the main thread, before documents
 * are extracted from several threads (libxml2's global set-up is not
 * thread-safe).  Idempotent. */
void chx_init(void);

enum chx_part {
  CHX_BODY = 0, CHX_TABLE, CHX_FOOTNOTE, CHX_ENDNOTE, CHX_HEADER, CHX_FOOTER,
  CHX_COMMENT, CHX_TEXTBOX, CHX_NOTES /* a slide's speaker notes */
};
const char *chx_part_name(int part);

/* A run of text starting at `off` with the same position. */
typedef struct chx_seg {
  uint32_t off;
  uint32_t page;    /* 1-based: a PDF's page, a presentation's slide; 0 otherwise */
  uint32_t para;    /* 1-based paragraph number in the document */
  uint8_t part;     /* enum chx_part */
  uint8_t heading;  /* heading level 1-6, 0 for body text */
} chx_seg;

/* A process that reads PDFs for one thread (pdf_helper.c), kept from one
 * document to the next: starting it costs about 20 ms. */
typedef struct chx_pdf_reader chx_pdf_reader;
chx_pdf_reader *chx_pdf_reader_new(void); /* NULL when out of memory */
void chx_pdf_reader_free(chx_pdf_reader *r);

typedef struct chx_doc {
  char *text;
  size_t len, cap;
  chx_seg *segs;
  size_t nsegs, segcap;
  const char *format; /* "txt", "md", "html", "docx", "odt", "odp", "pptx", "rtf", "pdf", "tex" */
  /* internal */
  const chx_limits *lim;
  uint32_t para, page;
  int part;
  int oom, over;
  chx_pdf_reader *reader; /* chx_extract_with's; NULL: one for this document */
  struct chx_table *table; /* the table being read (table.c) */
} chx_doc;

/* Is the document a presentation, whose segments' page is a slide? */
int chx_slides(const chx_doc *doc);

/* Extract `len` bytes named `name` (the name's extension and the content
 * decide the format).  On failure returns CH_E_IO, CH_E_LIMIT,
 * CH_E_CORRUPT or CH_E_NOMEM with a message in err naming `name`; the
 * doc is then empty.  Free with chx_doc_free in every case. */
ch_status chx_extract_memory(const void *data, size_t len, const char *name, const chx_limits *lim, chx_doc *doc,
                             char *err, size_t errlen);
void chx_doc_free(chx_doc *doc);
/* chx_extract_memory with the PDF reader process of the calling thread
 * (used when lim->pdf_helper is set; NULL: a process for this document). */
ch_status chx_extract_with(chx_pdf_reader *reader, const void *data, size_t len, const char *name,
                           const chx_limits *lim, chx_doc *doc, char *err, size_t errlen);

/* Position of byte `off` of the text: its segment, and its 1-based line. */
void chx_locate(const chx_doc *doc, size_t off, chx_seg *seg, unsigned *line);

/* Walk a path: a file, a directory (recursively, sorted), or a zip archive
 * (e.g. Moodle's "download all submissions"), calling `fn` once per
 * document with its display name ("export.zip!Nom_123_assignsubmission_
 * file_/rapport.docx"), the student and id parsed from a Moodle folder
 * name (or NULL), and either its bytes or an error message (data NULL).
 * Returns 0, or the first nonzero value returned by fn. */
typedef int (*chx_walk_fn)(void *ud, const char *name, const char *student, const char *student_id,
                           const void *data, size_t len, const char *error);
int chx_walk(const char *path, const chx_limits *lim, chx_walk_fn fn, void *ud);

/* The PDF helper's main (pdf_helper.c): argv[1..4] are max_pages,
 * max_text, pdf_seconds and pdf_memory; the PDF on stdin, the extracted
 * document on stdout.  The CLI runs it for `__pdf-text`. */
int chx_pdf_helper_main(int argc, char **argv);

/* Does `name` look like a document this library reads (by extension)? */
int chx_supported(const char *name);
/* For a document format this library does not read (.doc, .rtf, .pptx,
 * .xlsx, .pages...), why and what to do instead; NULL for others.  Such a
 * file is an error, never "ok": read as text it would always pass.  A walk
 * reports them too (a student's .doc in an export is an error row). */
const char *chx_unreadable(const char *name);

#endif
