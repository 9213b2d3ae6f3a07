/*
 * msdoc.c — Word 97-2003 documents (.doc, .dot: [MS-DOC]), and the other
 * compound files a student may hand in under an Office name: an
 * encrypted .docx/.pptx (its EncryptedPackage), a PowerPoint or Excel
 * 97-2003 file, each an error that says what it is.
 *
 * The text is the piece table's (the Clx in the table stream names, for
 * each run of character positions, where its characters are: one byte
 * each in Windows-1252, or UTF-16), read story by story: the main text,
 * then footnotes, headers and footers (one story: part "header"),
 * comments, endnotes and text boxes as their own parts, as in a .docx.  Word's marks become
 * text as a reader sees it: 0x0D ends a paragraph, 0x07 ends a table cell
 * (a tab) and, twice, a row; 0x0B is a line break; field codes (between
 * 0x13 and 0x14) are left out, but a HYPERLINK field's URL is written after
 * its result, as in the other readers.  Word 6/95 files that were not
 * fast-saved are read from their single run of text.  Paragraph styles
 * are not read, so no heading is marked: the bundled charter's disclosure
 * headings also match a paragraph alone on its line.
 *
 * Untrusted input: every offset of the FIB and of the piece table is
 * checked against its stream, and the character counts against the
 * pieces; the text is bounded by max_text.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"
#include "runtime/chb.h" /* chb_rd32, chb_rd16: little-endian reads */
#include "runtime/normalize.h"

typedef struct mdfield {
  char code[512], url[512];
  size_t n;
  int result; /* past its separator (0x14) */
} mdfield;

typedef struct md {
  chx_doc *d;
  const unsigned char *wd; /* the WordDocument stream */
  size_t nwd;
  const unsigned char *pcd; /* piece table: n + 1 positions, n descriptors */
  uint32_t npcd;
  int part, started;
  unsigned prev; /* the character before: 0x07 twice ends a row */
  uint32_t high; /* a UTF-16 high surrogate waiting for its pair */
  mdfield fld[4];
  unsigned nfld;
} md;

static void emit(md *m, const char *s, size_t n) {
  /* a field's code (inside any field's code: the outer one's) */
  for (unsigned i = 0; i < m->nfld && i < 4; i++)
    if (!m->fld[i].result) {
      mdfield *f = &m->fld[i];
      if (n > sizeof f->code - 1 - f->n) n = sizeof f->code - 1 - f->n;
      memcpy(f->code + f->n, s, n);
      f->n += n;
      f->code[f->n] = 0;
      return;
    }
  if (!n) return;
  if (!m->started) {
    m->d->part = m->part;
    doc_start(m->d, 0);
    m->started = 1;
  }
  doc_bytes(m->d, s, n);
}

static void end_para(md *m) {
  if (m->started) doc_para(m->d);
  m->started = 0;
}

/* One character of a story. */
static void ch(md *m, uint32_t c) {
  char u[4];
  unsigned prev = m->prev;
  m->prev = c;
  if (m->high && !(c >= 0xdc00 && c < 0xe000)) {
    emit(m, u, norm_encode(0xfffd, u));
    m->high = 0;
  }
  switch (c) {
  case 0x0d: case 0x0c: case 0x0e: /* paragraph, page and column ends */
    end_para(m);
    return;
  case 0x07: /* a cell's end; a second one ends the row */
    if (prev == 0x07) end_para(m);
    else emit(m, "\t", 1);
    return;
  case 0x0b: emit(m, "\n", 1); return;
  case 0x09: emit(m, "\t", 1); return;
  case 0x1e: emit(m, "-", 1); return; /* a non-breaking hyphen */
  case 0x13: /* a field begins: its code follows */
    if (m->nfld < 4) m->fld[m->nfld].n = 0, m->fld[m->nfld].code[0] = m->fld[m->nfld].url[0] = 0, m->fld[m->nfld].result = 0;
    m->nfld++;
    return;
  case 0x14: /* its result follows */
    if (m->nfld && m->nfld <= 4) {
      mdfield *f = &m->fld[m->nfld - 1];
      f->result = 1;
      chx_field_url(f->code, f->url, sizeof f->url);
    }
    return;
  case 0x15: /* it ends */
    if (m->nfld) {
      m->nfld--;
      if (m->nfld < 4) {
        mdfield *f = &m->fld[m->nfld];
        if (!f->result) chx_field_url(f->code, f->url, sizeof f->url);
        if (f->url[0]) {
          char b[sizeof f->url + 4];
          int k = snprintf(b, sizeof b, " (%s)", f->url);
          emit(m, b, (size_t)k);
        }
      }
    }
    return;
  default: break;
  }
  if (c < 0x20) return; /* pictures, objects, note references, optional hyphens */
  if (c >= 0xd800 && c < 0xdc00) {
    m->high = c;
    return;
  }
  if (c >= 0xdc00 && c < 0xe000) {
    c = m->high ? 0x10000 + ((m->high - 0xd800) << 10) + (c - 0xdc00) : 0xfffd;
    m->high = 0;
  }
  emit(m, u, norm_encode(c, u));
}

/* The characters at positions [a, b) of the document, through the
 * pieces that hold them. */
static void story(md *m, uint32_t a, uint32_t b, int part) {
  m->part = part;
  m->prev = 0;
  m->nfld = 0;
  for (uint32_t i = 0; i < m->npcd && a < b && !m->d->over && !m->d->oom; i++) {
    uint32_t c0 = chb_rd32(m->pcd + 4 * (size_t)i), c1 = chb_rd32(m->pcd + 4 * ((size_t)i + 1));
    if (c1 <= a || c0 >= b || c1 <= c0) continue;
    const unsigned char *desc = m->pcd + 4 * ((size_t)m->npcd + 1) + 8 * (size_t)i;
    uint32_t fc = chb_rd32(desc + 2);
    int compressed = (fc >> 30) & 1;
    fc &= 0x3fffffff;
    uint32_t s = a > c0 ? a : c0, e = b < c1 ? b : c1;
    for (uint32_t cp = s; cp < e; cp++) {
      size_t off = compressed ? (size_t)fc / 2 + (cp - c0) : (size_t)fc + 2 * (size_t)(cp - c0);
      if (off + (compressed ? 1 : 2) > m->nwd) break;
      ch(m, compressed ? norm_cp1252(m->wd[off]) : chb_rd16(m->wd + off));
    }
  }
  end_para(m);
}

static int has_stream(const chx_ole *o, const char *name) {
  unsigned char *p;
  size_t n;
  int r = chx_ole_stream(o, name, 0, &p, &n);
  ch_free(NULL, p);
  return r != 0;
}

ch_status extract_msdoc(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen) {
  chx_ole *o;
  ch_status st = chx_ole_open(data, len, &o, name, err, errlen);
  if (st) return st;
  unsigned char *wd = NULL, *tbl = NULL;
  size_t nwd = 0, ntbl = 0;
  size_t most = d->lim->max_entry;
  int r = chx_ole_stream(o, "WordDocument", most, &wd, &nwd);
  if (r == 0) {
    /* not a Word document: say what it is */
    const char *what = "a compound file that is not a Word document";
    if (has_stream(o, "EncryptedPackage") || has_stream(o, "EncryptionInfo"))
      what = "a password-protected document: save it without a password to have it checked";
    else if (has_stream(o, "PowerPoint Document"))
      what = "a PowerPoint 97-2003 presentation (.ppt), which this tool does not read: save it as .pptx or PDF";
    else if (has_stream(o, "Workbook") || has_stream(o, "Book"))
      what = "an Excel 97-2003 workbook, which this tool does not read: export it as PDF";
    snprintf(err, errlen, "%s: %s", name, what);
    chx_ole_close(o);
    return CH_E_IO;
  }
  if (r < 0) {
    if (r == -2) snprintf(err, errlen, "%s: its WordDocument stream is over the %zu-byte limit (--max-unzipped)", name, most);
    else if (r == -3) snprintf(err, errlen, "%s: the file ends inside its WordDocument stream: truncated or corrupt", name);
    else snprintf(err, errlen, "%s: out of memory", name);
    ch_free(NULL, wd);
    chx_ole_close(o);
    return r == -2 ? CH_E_LIMIT : r == -3 ? CH_E_CORRUPT : CH_E_NOMEM;
  }
  d->format = "doc";
  st = CH_E_CORRUPT;
  if (nwd < 0x20 || (chb_rd16(wd) != 0xa5ec && chb_rd16(wd) != 0xa5dc)) {
    snprintf(err, errlen, "%s: not a Word 97-2003 document (its FIB has no Word signature): corrupt", name);
    goto out;
  }
  uint16_t nfib = chb_rd16(wd + 2), flags = chb_rd16(wd + 0x0a);
  if (flags & 0x0100) {
    snprintf(err, errlen, "%s: a password-protected document: save it without a password to have it checked", name);
    st = CH_E_IO;
    goto out;
  }
  md m;
  memset(&m, 0, sizeof m);
  m.d = d;
  m.wd = wd;
  m.nwd = nwd;
  if (chb_rd16(wd) == 0xa5dc || nfib < 101) {
    /* Word 6/95: one run of Windows-1252 text from fcMin, ccpText long */
    if (flags & 0x0004) {
      snprintf(err, errlen, "%s: a Word 6/95 document saved in \"fast save\" mode: save it again as .docx", name);
      st = CH_E_IO;
      goto out;
    }
    uint32_t fcmin = chb_rd32(wd + 0x18), fcmac = chb_rd32(wd + 0x1c), ccp = nwd >= 0x38 ? chb_rd32(wd + 0x34) : 0;
    if (fcmin >= nwd || fcmac < fcmin) {
      snprintf(err, errlen, "%s: its text lies outside the document: corrupt", name);
      goto out;
    }
    unsigned char piece[4 * 2 + 8];
    uint32_t end = (uint32_t)((fcmac < nwd ? fcmac : nwd) - fcmin);
    if (ccp && ccp < end) end = ccp;
    memset(piece, 0, sizeof piece);
    piece[4] = (unsigned char)end, piece[5] = (unsigned char)(end >> 8), piece[6] = (unsigned char)(end >> 16),
    piece[7] = (unsigned char)(end >> 24);
    uint32_t fc = (fcmin * 2) | 0x40000000u;
    for (int k = 0; k < 4; k++) piece[8 + 2 + k] = (unsigned char)(fc >> (8 * k));
    m.pcd = piece;
    m.npcd = 1;
    story(&m, 0, end, CHX_BODY);
    st = CH_OK;
    goto out;
  }
  /* Word 97 and later: FibBase, then the counted arrays fibRgW, fibRgLw
   * (the stories' lengths) and fibRgFcLcb (where the piece table is) */
  size_t o_csw = 0x20, csw = chb_rd16(wd + o_csw), o_lw = o_csw + 2 + 2 * csw;
  if (o_lw + 2 > nwd) goto short_fib;
  size_t cslw = chb_rd16(wd + o_lw), lw = o_lw + 2, o_fl = lw + 4 * cslw;
  if (cslw < 11 || o_fl + 2 > nwd) goto short_fib;
  size_t cbfl = chb_rd16(wd + o_fl), fl = o_fl + 2;
  if (cbfl < 34 || fl + 8 * 34 > nwd) goto short_fib;
  uint32_t ccp[8];
  for (int k = 0; k < 8; k++) ccp[k] = chb_rd32(wd + lw + 4 * (size_t)(3 + k));
  uint32_t fcclx = chb_rd32(wd + fl + 8 * 33), lcbclx = chb_rd32(wd + fl + 8 * 33 + 4);
  r = chx_ole_stream(o, flags & 0x0200 ? "1Table" : "0Table", most, &tbl, &ntbl);
  if (r <= 0) {
    snprintf(err, errlen,
             r == 0    ? "%s: its table stream is missing: corrupt"
             : r == -3 ? "%s: the file ends inside its table stream: truncated or corrupt"
             : r == -2 ? "%s: its table stream is over the limit (--max-unzipped)"
                       : "%s: out of memory",
             name);
    st = r == -1 ? CH_E_NOMEM : r == -2 ? CH_E_LIMIT : CH_E_CORRUPT;
    goto out;
  }
  if (fcclx > ntbl || lcbclx > ntbl - fcclx) {
    snprintf(err, errlen, "%s: its piece table lies outside the table stream: corrupt", name);
    goto out;
  }
  /* the Clx: property runs (0x01, skipped), then the piece table (0x02) */
  const unsigned char *c = tbl + fcclx, *ce = c + lcbclx;
  while (c < ce && *c == 0x01) {
    if (ce - c < 3) break;
    size_t k = chb_rd16(c + 1);
    if (k > (size_t)(ce - c) - 3) {
      c = ce;
      break;
    }
    c += 3 + k;
  }
  if (ce - c < 5 || *c != 0x02) {
    snprintf(err, errlen, "%s: its piece table is missing: corrupt", name);
    goto out;
  }
  uint32_t lcb = chb_rd32(c + 1);
  if (lcb > (size_t)(ce - c) - 5 || lcb < 16 || (lcb - 4) % 12) {
    snprintf(err, errlen, "%s: its piece table has a bad length: corrupt", name);
    goto out;
  }
  m.pcd = c + 5;
  m.npcd = (lcb - 4) / 12;
  /* the stories follow one another: main text, footnotes, headers,
   * (reserved), comments, endnotes, text boxes, header text boxes */
  uint32_t at = 0;
  static const int parts[] = {CHX_BODY, CHX_FOOTNOTE, CHX_HEADER, -1, CHX_COMMENT, CHX_ENDNOTE, CHX_TEXTBOX, CHX_TEXTBOX};
  for (int k = 0; k < 8 && !d->over && !d->oom; k++) {
    uint32_t n = ccp[k];
    if (n > 0x7fffffffu - at) break;
    if (parts[k] >= 0 && n) story(&m, at, at + n, parts[k]);
    at += n;
  }
  st = CH_OK;
  goto out;
short_fib:
  snprintf(err, errlen, "%s: its FIB is cut short: corrupt or truncated", name);
out:
  ch_free(NULL, wd);
  ch_free(NULL, tbl);
  chx_ole_close(o);
  d->part = CHX_BODY;
  return st;
}
