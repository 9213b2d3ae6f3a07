/*
 * test_extract.c — the document readers that parse bytes themselves (RTF,
 * the compound file and Word 97-2003's piece table) and the table layout
 * every reader shares: exact text for known inputs, and hostile inputs
 * (cycles, out-of-range sectors, every truncation, deep nesting) that must
 * end in text or an error, never a crash or a hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract/extract.h"

#define N_OF(a) (sizeof(a) / sizeof *(a))

/* The text extracted from `len` bytes named `name`, or NULL with *st set. */
static char *extract(const void *data, size_t len, const char *name, ch_status *st) {
  chx_doc d;
  char err[512];
  *st = chx_extract_memory(data, len, name, NULL, &d, err, sizeof err);
  char *t = NULL;
  if (*st == CH_OK) {
    t = malloc(d.len + 1);
    assert_non_null(t);
    memcpy(t, d.text, d.len);
    t[d.len] = 0;
    for (size_t i = 0; i < d.nsegs; i++) {
      assert_true(d.segs[i].off <= d.len);
      if (i) assert_true(d.segs[i].off >= d.segs[i - 1].off);
    }
  } else {
    assert_true(err[0] != 0); /* every failure says why */
  }
  chx_doc_free(&d);
  return t;
}

static void expect_text(const char *input, size_t len, const char *name, const char *want) {
  ch_status st;
  char *t = extract(input, len, name, &st);
  if (st != CH_OK) fail_msg("%s: status %d, want text \"%s\"", name, st, want);
  if (strcmp(t, want)) fail_msg("%s: got \"%s\", want \"%s\"", name, t, want);
  free(t);
}

/* ----------------------------------------------------------------- RTF */

static void test_rtf_text(void **state) {
  (void)state;
  static const struct {
    const char *rtf, *text;
  } cases[] = {
      {"{\\rtf1\\ansi Hello\\par World\\par}", "Hello\n\nWorld\n\n"},
      /* TextEdit: a backslash before the line end is \par */
      {"{\\rtf1\\ansi\\ansicpg1252\\cocoartf2639\n{\\fonttbl\\f0 Helvetica;}\n\\f0 Un\\\nDeux\\\n}", "Un\n\nDeux\n\n"},
      {"{\\rtf1 D\\'e9claration\\par}", "D\xc3\xa9" "claration\n\n"},
      {"{\\rtf1\\ansicpg1251 \\'cf\\'f0\\par}", "\xd0\x9f\xd1\x80\n\n"},
      /* \uN and its fallback, a negative N, a surrogate pair, \ucN */
      {"{\\rtf1\\uc1 \\u8220?x\\u8221?\\par}", "\xe2\x80\x9cx\xe2\x80\x9d\n\n"},
      {"{\\rtf1\\uc2 \\u-4064??y\\par}", "\xef\x80\xa0y\n\n"},
      {"{\\rtf1 \\u-10179?\\u-8701?\\par}", "\xf0\x9f\x98\x83\n\n"},
      {"{\\rtf1 \\u-10179?z\\par}", "\xef\xbf\xbdz\n\n"},
      /* destinations that are not text, a \* one, one inside a group */
      {"{\\rtf1{\\fonttbl{\\f0 Arial;}}{\\info{\\title T}}{\\*\\generator G;}A{\\*\\x y}B{\\b\\*\\cs7 C}\\par}", "ABC\n\n"},
      {"{\\rtf1 a{\\v hidden}b{\\v x\\v0 y}\\par}", "aby\n\n"},
      {"{\\rtf1 \\bin3 {}}x\\par}", "x\n\n"},
      {"{\\rtf1 a\\tab b\\line c\\~d\\emdash e\\{\\}\\\\\\par}", "a\tb\nc\xc2\xa0" "d\xe2\x80\x94" "e{}\\\n\n"},
      /* headings, a table row, a footnote after the body, a link */
      {"{\\rtf1\\pard\\outlinelevel1 Titre\\par\\pard Corps\\par}", "## Titre\n\nCorps\n\n"},
      {"{\\rtf1\\trowd\\cellx100\\cellx200 A\\cell B\\cell\\row}", "A\tB\n\n"},
      {"{\\rtf1 Texte.{\\footnote Note.} Suite.\\par}", "Texte. Suite.\n\nNote.\n\n"},
      {"{\\rtf1{\\field{\\*\\fldinst HYPERLINK \"https://a.example/?utm_source=chatgpt.com\"}{\\fldrslt lien}}\\par}",
       "lien (https://a.example/?utm_source=chatgpt.com)\n\n"},
      /* text after the document's group is not RTF; a group left open */
      {"{\\rtf1 fin\\par} garbage", "fin\n\n"},
      {"{\\rtf1 {{ouvert", "ouvert\n\n"},
  };
  for (size_t i = 0; i < N_OF(cases); i++) expect_text(cases[i].rtf, strlen(cases[i].rtf), "x.rtf", cases[i].text);
  /* RTF by its content whatever the name (a .doc written as RTF) */
  expect_text("{\\rtf1 doc\\par}", 15, "copie.doc", "doc\n\n");
}

static void test_rtf_hostile(void **state) {
  (void)state;
  ch_status st;
  /* nesting past the limit: an error, not a recursion */
  size_t n = 5 + 3000 * 2 + 2;
  char *deep = malloc(n + 1);
  assert_non_null(deep);
  memcpy(deep, "{\\rtf", 5);
  memset(deep + 5, '{', 3000);
  deep[5 + 3000] = 'x';
  memset(deep + 6 + 3000, '}', 3000);
  deep[n - 1] = 0;
  assert_null(extract(deep, n - 1, "deep.rtf", &st));
  assert_int_equal(st, CH_E_LIMIT);
  free(deep);
  /* a control word too long, a parameter too large, \bin past the end */
  static const char *const odd[] = {
      "{\\rtf1 \\abcdefghijklmnopqrstuvwxyzabcdefghijklmnop text\\par}",
      "{\\rtf1 \\u99999999999999999999 x\\par}",
      "{\\rtf1 y\\bin99999999999",
      "{\\rtf1 \\'", "{\\rtf1 \\'4", "{\\rtf1 \\", "{\\rtf1 \\uc99 \\u65 abcdef\\par}",
  };
  for (size_t i = 0; i < N_OF(odd); i++) free(extract(odd[i], strlen(odd[i]), "odd.rtf", &st));
  /* every prefix of a rich document */
  const char *doc = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 A;}}{\\*\\x y}\\pard\\outlinelevel0 T\\par\\pard a\\'e9\\u8220?b"
                    "{\\footnote n}{\\field{\\*\\fldinst HYPERLINK \"http://x\"}{\\fldrslt r}}\\trowd A\\cell B\\cell\\row"
                    "\\bin2 ab{\\v h}\\par}";
  for (size_t k = 0; k <= strlen(doc); k++) free(extract(doc, k, "p.rtf", &st));
  /* a .rtf that is not */
  assert_null(extract("plain text", 10, "x.rtf", &st));
  assert_int_equal(st, CH_E_CORRUPT);
}

/* ------------------------------------------------- compound file, .doc */

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) {
  for (int k = 0; k < 4; k++) p[k] = (unsigned char)(v >> (8 * k));
}

/* A Word 97 document in a version 3 compound file: sector 0 the FAT,
 * sector 1 the directory, then WordDocument (8 sectors) and 1Table (8):
 * the text in two pieces, the first 8-bit, the second UTF-16.  Returns its
 * length (into buf, 512 * 19 bytes). */
enum { DOC_LEN = 512 * 19 };
static size_t build_doc(unsigned char *buf, const char *t1, const char *t2, uint16_t flags) {
  memset(buf, 0, DOC_LEN);
  unsigned char *h = buf;
  memcpy(h, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
  put16(h + 0x18, 0x3e), put16(h + 0x1a, 3), put16(h + 0x1c, 0xfffe), put16(h + 0x1e, 9), put16(h + 0x20, 6);
  put32(h + 0x2c, 1), put32(h + 0x30, 1), put32(h + 0x38, 4096), put32(h + 0x3c, 0xfffffffe);
  put32(h + 0x44, 0xfffffffe), put32(h + 0x4c, 0);
  for (int i = 1; i < 109; i++) put32(h + 0x4c + 4 * i, 0xffffffff);
  unsigned char *fat = buf + 512;
  for (int i = 0; i < 128; i++) put32(fat + 4 * i, 0xffffffff);
  put32(fat, 0xfffffffd), put32(fat + 4, 0xfffffffe);
  for (int s = 2; s < 18; s++) put32(fat + 4 * s, s == 9 || s == 17 ? 0xfffffffe : (uint32_t)s + 1);
  unsigned char *dir = buf + 1024;
  static const char *const names[] = {"Root Entry", "WordDocument", "1Table"};
  for (int e = 0; e < 3; e++) {
    unsigned char *d = dir + 128 * e;
    size_t l = strlen(names[e]);
    for (size_t k = 0; k < l; k++) d[2 * k] = (unsigned char)names[e][k];
    put16(d + 0x40, (unsigned)(2 * (l + 1)));
    d[0x42] = e ? 2 : 5;
    put32(d + 0x44, 0xffffffff), put32(d + 0x48, e == 1 ? 2 : 0xffffffff), put32(d + 0x4c, e == 0 ? 1 : 0xffffffff);
    put32(d + 0x74, e == 0 ? 0xfffffffe : e == 1 ? 2 : 10), put32(d + 0x78, e ? 4096 : 0);
  }
  unsigned char *wd = buf + 512 * 3, *tb = buf + 512 * 11;
  size_t n1 = strlen(t1), n2 = strlen(t2);
  put16(wd, 0xa5ec), put16(wd + 2, 0xc1), put16(wd + 0x0a, flags), put16(wd + 0x20, 14), put16(wd + 0x3e, 22);
  put32(wd + 0x4c, (uint32_t)(n1 + n2)), put16(wd + 0x98, 93);
  uint32_t fc1 = 0x800, fc2 = 0x800 + (uint32_t)((n1 + 1) & ~(size_t)1);
  memcpy(wd + fc1, t1, n1);
  for (size_t k = 0; k < n2; k++) wd[fc2 + 2 * k] = (unsigned char)t2[k];
  unsigned char *c = tb;
  c[0] = 2, put32(c + 1, 4 * 3 + 8 * 2);
  put32(c + 5, 0), put32(c + 9, (uint32_t)n1), put32(c + 13, (uint32_t)(n1 + n2));
  put32(c + 17 + 2, (fc1 * 2) | 0x40000000u), put32(c + 25 + 2, fc2);
  put32(wd + 0x1a2, 0), put32(wd + 0x1a6, 5 + 28);
  return DOC_LEN;
}

static void test_doc_text(void **state) {
  (void)state;
  static unsigned char buf[DOC_LEN];
  size_t n = build_doc(buf, "Caf\xe9 \x13 HYPERLINK \"https://e.example/\" \x14lien\x15.\r", "A\x07" "B\x07\x07" "Fin\x0b ligne\r", 0x0200);
  expect_text((const char *)buf, n, "x.doc", "Caf\xc3\xa9 lien (https://e.example/).\n\nA\tB\n\nFin\n ligne\n\n");
  /* whatever its name */
  expect_text((const char *)buf, n, "x.docx", "Caf\xc3\xa9 lien (https://e.example/).\n\nA\tB\n\nFin\n ligne\n\n");
  /* encrypted */
  ch_status st;
  build_doc(buf, "x\r", "", 0x0300);
  assert_null(extract(buf, n, "e.doc", &st));
  assert_int_equal(st, CH_E_IO);
}

static void test_doc_hostile(void **state) {
  (void)state;
  static unsigned char buf[DOC_LEN], m[DOC_LEN];
  ch_status st;
  size_t n = build_doc(buf, "Un texte.\r", "Deux.\r", 0x0200);
  /* every truncation: text or an error */
  for (size_t k = 0; k <= n; k += 7) free(extract(buf, k, "t.doc", &st));
  /* a FAT chain that loops, one out of the file, a sibling that loops,
   * a directory entry whose stream starts past the end, a piece table
   * whose positions run past the stream, a Clx larger than its stream */
  struct {
    size_t off;
    uint32_t v;
  } mut[] = {{512 + 4 * 5, 4}, {512 + 4 * 4, 9999}, {1024 + 128 + 0x48, 1}, {1024 + 128 + 0x74, 70000},
             {512 * 11 + 13, 0x7fffffff}, {512 * 3 + 0x1a6, 0xfffffff0}, {512 * 3 + 0x1a2, 4090},
             {1024 + 0x4c, 0}, {0x2c, 0xffffffff}, {0x30, 500}};
  for (size_t i = 0; i < N_OF(mut); i++) {
    memcpy(m, buf, n);
    put32(m + mut[i].off, mut[i].v);
    free(extract(m, n, "m.doc", &st));
  }
  /* random bytes over the structures */
  uint32_t seed = 7;
  for (int it = 0; it < 3000; it++) {
    memcpy(m, buf, n);
    for (int k = 0; k < 8; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t at = (seed >> 8) % (512 * 12);
      m[at] = (unsigned char)(seed >> 24);
    }
    free(extract(m, n, "r.doc", &st));
  }
  /* a compound file that is not a Word document */
  memcpy(m, buf, n);
  memcpy(m + 1024 + 128, "W\0o\0r\0k\0b\0o\0o\0k\0\0\0", 18);
  put16(m + 1024 + 128 + 0x40, 18);
  assert_null(extract(m, n, "w.doc", &st));
  assert_int_equal(st, CH_E_IO);
}

/* -------------------------------------------------------------- tables */

static void test_table_layout(void **state) {
  (void)state;
  static const struct {
    const char *html, *text;
  } cases[] = {
      {"<table><tr><td>Nom</td><td>Note</td></tr><tr><td>Dupont</td><td>12</td></tr></table><p>Fin</p>",
       "Nom\tNote\nDupont\t12\n\nFin\n\n"},
      {"<table><tr><td>a</td><td></td><td>c</td></tr><tr><td colspan=2>ab</td><td>c</td></tr></table>",
       "a\t\tc\nab\t\tc\n\n"},
      {"<table><tr><td><p>un</p><p>deux</p></td><td>x</td></tr></table>", "un deux\tx\n\n"},
      /* layouts: a single column, a heading inside, a nested table */
      {"<table><tr><td>seul</td></tr><tr><td>colonne</td></tr></table>", "seul\n\ncolonne\n\n"},
      {"<table><tr><td><h2>Titre</h2></td><td>x</td></tr></table>", "## Titre\n\nx\n\n"},
      {"<table><tr><td><table><tr><td>i</td><td>j</td></tr></table></td><td>k</td></tr></table>", "i\n\nj\n\nk\n\n"},
  };
  for (size_t i = 0; i < N_OF(cases); i++) expect_text(cases[i].html, strlen(cases[i].html), "t.html", cases[i].text);
}

int main(void) {
  chx_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rtf_text),   cmocka_unit_test(test_rtf_hostile),  cmocka_unit_test(test_doc_text),
      cmocka_unit_test(test_doc_hostile), cmocka_unit_test(test_table_layout),
  };
  return cmocka_run_group_tests_name("extract", tests, NULL, NULL);
}
