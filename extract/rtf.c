/*
 * rtf.c — Rich Text Format (.rtf): macOS TextEdit's default format, and
 * what WordPad and many web tools write (some under a .doc name, which
 * is why the dispatcher looks at the content, "{\rtf").
 *
 * A one-pass reader of the RTF 1.9.1 specification's syntax: groups,
 * control words and symbols, \'hh bytes in the document's code page
 * (\ansicpg, \mac, \pc, \pca; iconv builds the table, Windows-1252 when
 * it cannot), \uN with its \ucN fallback characters skipped, UTF-16
 * surrogate pairs, \bin data skipped.  Paragraphs end at \par, \sect,
 * \page and table rows (\row; a row's cells are joined by tabs, one row a
 * line); \outlinelevelN makes a heading.  Footnotes, headers, footers and
 * annotations are their own parts, written after the body, as Word's are.
 * A HYPERLINK field's URL is written after its result, as the other
 * readers do.  Left out: the destinations that hold no text of the
 * document (font, colour, style and list tables, document info,
 * pictures, objects' data, shapes, bookmarks, field codes) and every
 * unknown destination marked \*, as the specification asks, and hidden
 * text (\v).
 *
 * Untrusted input: group nesting is bounded by max_depth (an error past
 * it), every number is clamped, and the text the side parts gather is
 * bounded by max_text like the body.
 */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"
#include "runtime/normalize.h"

typedef struct rtf_group {
  uint8_t skip;   /* a destination that is not text */
  uint8_t hidden; /* \v */
  uint8_t uc;     /* \ucN: fallback characters after a \uN */
  uint8_t part;   /* CHX_BODY, or a note, header, footer or comment */
  uint8_t code;   /* inside a \fldinst: gathered as the field's code */
  uint8_t field;  /* this group is a \field */
} rtf_group;

typedef struct rtf_field {
  char code[512], url[512];
  size_t n;
} rtf_field;

typedef struct rtf {
  chx_doc *d;
  const unsigned char *p, *e;
  rtf_group *g; /* g[0..depth] */
  unsigned depth, max_depth;
  uint32_t cp[128]; /* the code page's bytes 0x80..0xff */
  unsigned fallback; /* \uN's fallback characters still to skip */
  uint32_t high;     /* a UTF-16 high surrogate waiting for its pair */
  int started, level; /* the body's paragraph is open; its heading level */
  int cells;          /* cells ended in this table row */
  /* the side parts' text: paragraphs, each "part byte, text, NUL" */
  char *side;
  size_t nside, cap;
  int side_open;
  /* fields: the codes and URLs of the fields being read, nested */
  rtf_field fld[4];
  unsigned nfld;
} rtf;

/* --------------------------------------------------------------- output */

static void side_put(rtf *x, const char *s, size_t n, int part) {
  if (x->d->over || x->d->oom) return;
  if (x->nside + n + 2 > x->d->lim->max_text) {
    x->d->over = 1;
    return;
  }
  if (x->nside + n + 2 > x->cap) {
    size_t nc = x->cap ? x->cap * 2 : 4096;
    while (nc < x->nside + n + 2) nc *= 2;
    char *t = ch_realloc(NULL, x->side, nc);
    if (!t) {
      x->d->oom = 1;
      return;
    }
    x->side = t, x->cap = nc;
  }
  if (!x->side_open) x->side[x->nside++] = (char)part, x->side_open = 1;
  memcpy(x->side + x->nside, s, n);
  x->nside += n;
}

static void put(rtf *x, const char *s, size_t n) {
  rtf_group *g = &x->g[x->depth];
  if (g->skip || g->hidden || !n) return;
  if (g->code) {
    if (x->nfld && x->nfld <= 4) {
      size_t *k = &x->fld[x->nfld - 1].n;
      if (n > sizeof x->fld[0].code - 1 - *k) n = sizeof x->fld[0].code - 1 - *k;
      memcpy(x->fld[x->nfld - 1].code + *k, s, n);
      *k += n;
      x->fld[x->nfld - 1].code[*k] = 0;
    }
    return;
  }
  if (g->part != CHX_BODY) {
    side_put(x, s, n, g->part);
    return;
  }
  if (!x->started) {
    x->d->part = CHX_BODY;
    doc_start(x->d, x->level);
    x->started = 1;
  }
  doc_bytes(x->d, s, n);
}

static void put_cp(rtf *x, uint32_t cp) {
  char u[4];
  if (!cp) return;
  put(x, u, norm_encode(cp, u));
}

/* A character of the text (not of a \uN's fallback). */
static void put_char(rtf *x, uint32_t cp) {
  if (x->fallback) {
    x->fallback--;
    return;
  }
  if (x->high) { /* a high surrogate without its low half */
    put_cp(x, 0xfffd);
    x->high = 0;
  }
  put_cp(x, cp);
}

static void par(rtf *x) {
  rtf_group *g = &x->g[x->depth];
  if (g->skip || g->code) return;
  if (g->part != CHX_BODY) {
    if (x->side_open) {
      side_put(x, "", 0, g->part);
      x->side[x->nside++] = 0;
      x->side_open = 0;
    }
    return;
  }
  if (x->started) doc_para(x->d);
  x->started = 0;
  x->cells = 0;
}

/* ------------------------------------------------------------ code page */

static void codepage(rtf *x, int cpg) {
  for (unsigned b = 0x80; b < 0x100; b++) x->cp[b - 0x80] = norm_cp1252((unsigned char)b);
  if (cpg == 1252 || cpg <= 0) return;
  char name[32];
  if (cpg == 10000) snprintf(name, sizeof name, "MACINTOSH");
  else snprintf(name, sizeof name, "CP%d", cpg);
  iconv_t cd = iconv_open("UTF-32LE", name);
  if (cd == (iconv_t)-1) return; /* NOLINT(performance-no-int-to-ptr): the error value POSIX defines */
  for (unsigned b = 0x80; b < 0x100; b++) {
    char in = (char)b, *ip = &in;
    unsigned char out[8];
    char *op = (char *)out;
    size_t il = 1, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && ol == 4)
      x->cp[b - 0x80] = (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
    else
      x->cp[b - 0x80] = 0xfffd; /* a lead byte of a two-byte code page, or undefined */
  }
  iconv_close(cd);
}

/* ------------------------------------------------------------- control */

static int word_is(const char *w, size_t n, const char *s) { return strlen(s) == n && !memcmp(w, s, n); }

/* Destinations whose text is not the document's. */
static int skipped_destination(const char *w, size_t n) {
  static const char *const d[] = {"fonttbl",  "colortbl",  "stylesheet", "info",      "pict",      "objdata",
                                  "themedata", "colorschememapping", "datastore", "latentstyles", "listtable",
                                  "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "mmathPr", "filetbl",
                                  "revtbl", "pgdsctbl", "bkmkstart", "bkmkend", "nonshppict", "shpinst", "private",
                                  "template", "userprops", "docvar", "xe", "tc", "blipuid", "fontemb", "fontfile",
                                  "listtext", "pntext", "pntxta", "pntxtb", "atnid", "atnauthor", "atndate", "atnref",
                                  "objclass", "objname", "passwordhash", "wgrffmtfilter", "operator", "password",
                                  "background", "header_rsid", "protusertbl", "ftnsep", "ftnsepc", "aftnsep",
                                  "aftnsepc", "ftncn", "aftncn", "nonesttables", "upr"};
  for (size_t i = 0; i < sizeof d / sizeof *d; i++)
    if (word_is(w, n, d[i])) return 1;
  return 0;
}

static int side_part(const char *w, size_t n) {
  if (word_is(w, n, "footnote")) return CHX_FOOTNOTE;
  if (word_is(w, n, "annotation")) return CHX_COMMENT;
  if (n >= 6 && !memcmp(w, "header", 6) && n <= 7) return CHX_HEADER; /* header, headerl, headerr, headerf */
  if (n >= 6 && !memcmp(w, "footer", 6) && n <= 7) return CHX_FOOTER;
  return -1;
}

/* A control word w[0..n) with its parameter (has: one was written);
 * star: it follows \* (an optional destination). */
static void control(rtf *x, const char *w, size_t n, int has, long v, int star) {
  rtf_group *g = &x->g[x->depth];
  int sp;
  static const struct {
    const char *w;
    uint32_t cp;
  } chars[] = {{"emdash", 0x2014}, {"endash", 0x2013}, {"bullet", 0x2022}, {"lquote", 0x2018},
               {"rquote", 0x2019}, {"ldblquote", 0x201c}, {"rdblquote", 0x201d}, {"emspace", 0x2003},
               {"enspace", 0x2002}, {"qmspace", 0x2005}, {"zwj", 0x200d}, {"zwnj", 0x200c}};
  if (word_is(w, n, "par") || word_is(w, n, "sect") || word_is(w, n, "page") || word_is(w, n, "row") ||
      word_is(w, n, "nestrow")) {
    par(x);
  } else if (word_is(w, n, "line")) {
    put_char(x, '\n');
  } else if (word_is(w, n, "tab")) {
    put_char(x, '\t');
  } else if (word_is(w, n, "cell") || word_is(w, n, "nestcell")) {
    put_char(x, '\t');
    x->cells++;
  } else if (word_is(w, n, "u") && has) {
    long c = v < 0 ? v + 65536 : v;
    if (x->fallback) x->fallback = 0; /* a \u inside another's fallback: the fallback ended */
    if (c >= 0xd800 && c < 0xdc00) {
      if (x->high) put_cp(x, 0xfffd);
      x->high = (uint32_t)c;
    } else if (c >= 0xdc00 && c < 0xe000 && x->high) {
      put_cp(x, 0x10000 + ((x->high - 0xd800) << 10) + ((uint32_t)c - 0xdc00));
      x->high = 0;
    } else {
      put_char(x, c >= 0xd800 && c < 0xe000 ? 0xfffd : (uint32_t)c);
    }
    x->fallback = g->uc;
  } else if (word_is(w, n, "uc") && has) {
    g->uc = (uint8_t)(v < 0 ? 0 : v > 8 ? 8 : v);
  } else if (word_is(w, n, "pard")) {
    x->level = 0;
  } else if (word_is(w, n, "outlinelevel") && has) {
    x->level = v >= 0 && v <= 8 ? (int)(v + 1 > 6 ? 6 : v + 1) : 0;
  } else if (word_is(w, n, "v")) {
    g->hidden = !has || v != 0;
  } else if (word_is(w, n, "plain")) {
    g->hidden = 0;
  } else if (word_is(w, n, "ansicpg") && has) {
    codepage(x, (int)v);
  } else if (word_is(w, n, "mac")) {
    codepage(x, 10000);
  } else if (word_is(w, n, "pc")) {
    codepage(x, 437);
  } else if (word_is(w, n, "pca")) {
    codepage(x, 850);
  } else if ((sp = side_part(w, n)) >= 0) {
    if (x->side_open) par(x); /* the previous side paragraph ends */
    g->part = (uint8_t)sp;
    x->side_open = 0;
  } else if (word_is(w, n, "field") && !g->field) {
    g->field = 1;
    if (x->nfld < 4) x->fld[x->nfld].n = 0, x->fld[x->nfld].code[0] = x->fld[x->nfld].url[0] = 0;
    x->nfld++;
  } else if (word_is(w, n, "fldinst")) {
    g->code = 1;
  } else if (word_is(w, n, "fldrslt")) {
    g->code = 0;
    if (x->nfld && x->nfld <= 4) {
      rtf_field *f = &x->fld[x->nfld - 1];
      chx_field_url(f->code, f->url, sizeof f->url);
    }
  } else if (skipped_destination(w, n) || star) {
    g->skip = 1;
  } else {
    for (size_t i = 0; i < sizeof chars / sizeof *chars; i++)
      if (word_is(w, n, chars[i].w)) put_char(x, chars[i].cp);
  }
}

/* The end of a group: a field's URL after its result; the end of a
 * note's (or a header's) last paragraph. */
static void group_end(rtf *x) {
  rtf_group *g = &x->g[x->depth];
  if (g->part != CHX_BODY && x->depth && x->g[x->depth - 1].part != g->part && x->side_open) par(x);
  if (g->field && x->nfld) {
    x->nfld--;
    if (x->nfld < 4) {
      rtf_field *f = &x->fld[x->nfld];
      if (!f->url[0]) chx_field_url(f->code, f->url, sizeof f->url);
      if (f->url[0] && x->depth) {
        char u[sizeof f->url + 4];
        int k = snprintf(u, sizeof u, " (%s)", f->url);
        x->depth--; /* written in the enclosing group */
        put(x, u, (size_t)k);
        x->depth++;
      }
    }
  }
}

ch_status extract_rtf(chx_doc *d, const void *data, size_t len, const char *name, char *err, size_t errlen) {
  d->format = "rtf";
  const unsigned char *p = data;
  size_t skip = len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
  if (len - skip < 5 || memcmp(p + skip, "{\\rtf", 5)) {
    snprintf(err, errlen, "%s: not an RTF document (no \"{\\rtf\" at its start)", name);
    return CH_E_CORRUPT;
  }
  rtf x;
  memset(&x, 0, sizeof x);
  x.d = d;
  x.p = p + skip;
  x.e = p + len;
  x.max_depth = d->lim->max_depth;
  x.g = ch_malloc(NULL, ((size_t)x.max_depth + 1) * sizeof *x.g);
  if (!x.g) {
    snprintf(err, errlen, "%s: out of memory", name);
    return CH_E_NOMEM;
  }
  memset(&x.g[0], 0, sizeof x.g[0]);
  x.g[0].uc = 1;
  x.g[0].part = CHX_BODY;
  codepage(&x, 1252);
  ch_status st = CH_OK;
  /* star: a \* just read, at the start of its group (first: nothing else
   * read in the group yet), where it marks an optional destination; a \*
   * elsewhere is ignored, as Word does (StarWriter writes them) */
  int star = 0, first = 0;
  while (x.p < x.e && !d->oom && !d->over) {
    unsigned char c = *x.p++;
    if (c != '{' && c != '\\' && c != '\r' && c != '\n') first = 0;
    if (c == '{') {
      if (x.depth >= x.max_depth) {
        snprintf(err, errlen, "%s: groups nest deeper than %u (--max-xml-depth)", name, x.max_depth);
        st = CH_E_LIMIT;
        break;
      }
      x.g[x.depth + 1] = x.g[x.depth];
      x.g[x.depth + 1].field = 0;
      x.depth++;
      star = 0, first = 1;
      x.fallback = 0;
    } else if (c == '}') {
      if (x.depth == 0) break;
      group_end(&x);
      if (--x.depth == 0) break; /* the document's group ends: what follows is not RTF */
      star = 0;
      x.fallback = 0;
    } else if (c == '\\') {
      if (x.p >= x.e) break;
      c = *x.p;
      if ((c | 32) >= 'a' && (c | 32) <= 'z') {
        const char *w = (const char *)x.p;
        while (x.p < x.e && ((*x.p | 32) >= 'a' && (*x.p | 32) <= 'z') && x.p - (const unsigned char *)w < 32) x.p++;
        size_t n = (size_t)(x.p - (const unsigned char *)w);
        int neg = 0, has = 0;
        long v = 0;
        if (x.p < x.e && *x.p == '-') neg = 1, x.p++;
        while (x.p < x.e && *x.p >= '0' && *x.p <= '9') {
          if (v < 100000000) v = v * 10 + (*x.p - '0');
          x.p++, has = 1;
        }
        if (neg) v = -v;
        if (x.p < x.e && *x.p == ' ') x.p++; /* the delimiter is part of the control word */
        if (word_is(w, n, "bin") && has) { /* binary data: skipped whole */
          size_t k = v > 0 ? (size_t)v : 0;
          x.p += k < (size_t)(x.e - x.p) ? k : (size_t)(x.e - x.p);
        } else {
          control(&x, w, n, has, v, star);
        }
        star = first = 0;
      } else {
        x.p++;
        if (c == '*') {
          star = first;
        } else if (c == '\'') {
          unsigned h = 0, k = 0;
          for (; k < 2 && x.p < x.e; k++, x.p++) {
            unsigned char q = *x.p;
            unsigned dgt = q >= '0' && q <= '9' ? q - '0' : (q | 32) >= 'a' && (q | 32) <= 'f' ? (q | 32) - 'a' + 10 : 16;
            if (dgt == 16) break;
            h = h * 16 + dgt;
          }
          put_char(&x, h < 0x80 ? h : x.cp[h - 0x80]);
        } else if (c == '~') {
          put_char(&x, 0xa0);
        } else if (c == '_') {
          put_char(&x, '-');
        } else if (c == '\\' || c == '{' || c == '}') {
          put_char(&x, c);
        } else if (c == '\n' || c == '\r') {
          par(&x); /* "\" before a line end is \par */
        } else if (c == '-') {
          /* an optional hyphen */
        }
        if (c != '*') star = first = 0;
      }
    } else if (c == '\r' || c == '\n') {
      /* line ends in the source are not text */
    } else if (c == '\t') {
      put_char(&x, '\t');
    } else {
      put_char(&x, c < 0x80 ? c : x.cp[c - 0x80]);
    }
  }
  par(&x);
  x.depth = 0;
  if (x.started) doc_para(d);
  /* the side parts, after the body */
  for (size_t i = 0; st == CH_OK && i < x.nside && !d->oom && !d->over;) {
    int part = (unsigned char)x.side[i++];
    size_t b = i;
    while (i < x.nside && x.side[i]) i++;
    d->part = part;
    doc_start(d, 0);
    doc_bytes(d, x.side + b, i - b);
    doc_para(d);
    i++;
  }
  d->part = CHX_BODY;
  ch_free(NULL, x.side);
  ch_free(NULL, x.g);
  return st;
}
