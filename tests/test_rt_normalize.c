/*
 * test_rt_normalize.c — the clean and folded views (runtime/normalize.c):
 * invalid UTF-8, NFC composition, invisible characters, Unicode spaces,
 * apostrophes, quotes and dashes, case and accent folding, and the offset
 * maps that let evidence point into the caller's text.
 *
 * Invalid-UTF-8 cases follow the classes of Markus Kuhn's "UTF-8 decoder
 * capability and stress test" (overlongs, surrogates, > U+10FFFF,
 * truncated sequences) and Unicode 15 §3.9 "U+FFFD substitution of maximal
 * subparts" — except that Charter replaces each bad byte by its own
 * U+FFFD, so that every replacement maps to exactly one input byte.
 * The property tests use a fixed seed: a failure reproduces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/normalize.h"

#define N_OF(a) (sizeof(a) / sizeof *(a))
#define FFFD "\xef\xbf\xbd"

typedef struct views {
  norm_view c, f;
  uint32_t *cm, *fm; /* the origin of each byte, from the segment maps */
} views;

/* The segment map of view w keeps its contract (normalize.h), and its
 * lookups agree with the per-byte origins m, from any hint. */
static void check_segments(const norm_view *w, const uint32_t *m, size_t n) {
  assert_true(w->nseg >= 1 && w->nseg <= w->segcap);
  assert_int_equal(w->seg[0].c, 0);
  assert_int_equal(w->seg[w->nseg - 1].c, w->len);
  assert_int_equal(w->seg[w->nseg - 1].i, n);
  for (size_t k = 1; k < w->nseg; k++) assert_true(w->seg[k - 1].c < w->seg[k].c);
  size_t hints[3] = {0, w->nseg / 2, w->nseg};
  for (int h = 0; h < 3; h++) {
    size_t oh = hints[h], ih = hints[h];
    for (size_t c = 0; c <= w->len; c++)
      if (norm_origin(w, c, &oh) != m[c]) fail_msg("origin of %zu is %u, want %u", c, norm_origin(w, c, NULL), m[c]);
    size_t c = 0;
    for (uint32_t at = 0; at <= n + 1; at++) {
      while (c < w->len && m[c] < at) c++;
      size_t want = c < w->len || m[c] >= at ? c : w->len;
      if (norm_inverse(w, at, &ih) != want)
        fail_msg("inverse of %u is %zu, want %zu", at, norm_inverse(w, at, NULL), want);
    }
  }
}

/* Clean and fold in[0..n) and check the invariants every view keeps. */
static void run(views *v, const char *in, size_t n) {
  memset(v, 0, sizeof *v);
  assert_int_equal(norm_reserve(&v->c, NORM_CLEAN_CAP(n), NULL), CH_OK);
  assert_int_equal(norm_reserve(&v->f, NORM_CLEAN_CAP(n), NULL), CH_OK);
  assert_int_equal(norm_clean(in, n, &v->c, NULL), CH_OK);
  assert_int_equal(norm_fold(&v->c, &v->f, NULL), CH_OK);
  v->cm = malloc((v->c.len + 1) * sizeof *v->cm);
  v->fm = malloc((v->f.len + 1) * sizeof *v->fm);
  assert_non_null(v->cm);
  assert_non_null(v->fm);
  norm_origins(&v->c, v->cm);
  norm_origins(&v->f, v->fm);
  const norm_view *vs[2] = {&v->c, &v->f};
  const uint32_t *ms[2] = {v->cm, v->fm};
  for (int k = 0; k < 2; k++) {
    const norm_view *w = vs[k];
    const uint32_t *m = ms[k];
    assert_int_equal(w->text[w->len], 0);
    assert_int_equal(m[w->len], n);
    for (size_t i = 0; i < w->len; i++) {
      assert_true(m[i] <= m[i + 1]);
      assert_true(m[i] < n);
    }
    check_segments(w, m, n);
  }
  /* inside a code point the clean view copied, each byte has its own
   * byte as origin (a rewritten one repeats the origin of its first) */
  for (size_t i = 1; i < v->c.len; i++)
    if (((unsigned char)v->c.text[i] & 0xc0) == 0x80 && v->cm[i] == v->cm[i - 1] + 1)
      assert_int_equal(v->c.text[i], in[v->cm[i]]);
  assert_true(v->c.len <= 3 * n);
  assert_true(v->f.len <= v->c.len);
  /* the scanner's on-the-fly fold (norm_fold_at, code point by code point
   * over the input) gives the folded view byte for byte, each byte from
   * the same input offset */
  size_t f = 0;
  for (size_t i = 0; i < n;) {
    char o[4];
    size_t adv, l = norm_fold_at((const unsigned char *)in, n, i, o, &adv);
    assert_true(adv >= 1 && l <= 4);
    for (size_t j = 0; j < l; j++, f++) {
      if (f >= v->f.len || v->f.text[f] != o[j] || v->fm[f] != i)
        fail_msg("on-the-fly fold differs from the folded view at folded byte %zu (input offset %zu)", f, i);
    }
    i += adv;
  }
  assert_int_equal(f, v->f.len);
  /* a text norm_is_clean accepts is its own clean view */
  if (norm_is_clean(in, n)) {
    assert_int_equal(v->c.len, n);
    assert_memory_equal(v->c.text, in, n);
    /* identical at every code point boundary, where matches start and end
     * (inside a code point the view maps to its first byte) */
    for (size_t i = 0; i <= n; i++)
      if (i == n || ((unsigned char)in[i] & 0xc0) != 0x80) assert_int_equal(v->cm[i], i);
  }
  /* the compile-time fold agrees with the views */
  char *s = malloc(NORM_CLEAN_CAP(n) + 1);
  assert_non_null(s);
  size_t sl = norm_fold_str(in, n, s);
  assert_int_equal(sl, v->f.len);
  assert_memory_equal(s, v->f.text, sl);
  free(s);
}
static void done(views *v) {
  free(v->cm);
  free(v->fm);
  norm_view_free(&v->c, NULL);
  norm_view_free(&v->f, NULL);
}

/* clean(in) == want_clean and fold(in) == want_fold (NULL: skip). */
static void expect(const char *in, const char *want_clean, const char *want_fold) {
  views v;
  run(&v, in, strlen(in));
  if (want_clean && strcmp(v.c.text, want_clean)) fail_msg("clean(\"%s\") = \"%s\", want \"%s\"", in, v.c.text, want_clean);
  if (want_fold && strcmp(v.f.text, want_fold)) fail_msg("fold(\"%s\") = \"%s\", want \"%s\"", in, v.f.text, want_fold);
  done(&v);
}

/* ------------------------------------------------------------ invalid */

static void test_invalid_utf8_each_byte_is_fffd(void **state) {
  (void)state;
  static const struct {
    const char *in;
    size_t n, bad; /* bytes, and how many of them are bad */
  } cases[] = {
      {"\x80", 1, 1},                 /* lone continuation */
      {"\xbf\x80", 2, 2},
      {"\xc0\xaf", 2, 2},             /* overlong '/' */
      {"\xc1\xbf", 2, 2},
      {"\xe0\x80\xaf", 3, 3},         /* overlong, 3 bytes */
      {"\xf0\x80\x80\xaf", 4, 4},     /* overlong, 4 bytes */
      {"\xed\xa0\x80", 3, 3},         /* surrogate U+D800 */
      {"\xed\xbf\xbf", 3, 3},         /* surrogate U+DFFF */
      {"\xf4\x90\x80\x80", 4, 4},     /* U+110000 */
      {"\xf5\x80\x80\x80", 4, 4},
      {"\xfe\xff", 2, 2},
      {"\xe2\x82", 2, 2},             /* truncated € at the end */
      {"\xf0\x9f\x98", 3, 3},         /* truncated emoji */
  };
  for (size_t i = 0; i < N_OF(cases); i++) {
    char in[16], want[64] = "a";
    snprintf(in, sizeof in, "a%.*sb", (int)cases[i].n, cases[i].in);
    for (size_t k = 0; k < cases[i].bad; k++) strcat(want, FFFD);
    strcat(want, "b");
    views v;
    run(&v, in, cases[i].n + 2);
    if (strcmp(v.c.text, want)) fail_msg("case %zu: clean = \"%s\"", i, v.c.text);
    /* each U+FFFD maps to its own bad byte */
    for (size_t k = 0; k < cases[i].bad; k++)
      for (size_t j = 0; j < 3; j++) assert_int_equal(v.cm[1 + 3 * k + j], 1 + k);
    assert_int_equal(v.cm[v.c.len - 1], cases[i].n + 1);
    done(&v);
  }
  /* truncated in the middle: the next character survives */
  expect("\xe2\x82" "a", FFFD FFFD "a", NULL);
  expect("\xe2\x82\xe2\x82\xac", FFFD FFFD "\xe2\x82\xac", NULL);
  /* boundaries that are valid stay */
  expect("\xc2\x80|\xdf\xbf|\xe0\xa0\x80|\xef\xbf\xbf|\xf0\x90\x80\x80|\xf4\x8f\xbf\xbf",
         "\xc2\x80|\xdf\xbf|\xe0\xa0\x80|\xef\xbf\xbf|\xf0\x90\x80\x80|\xf4\x8f\xbf\xbf", NULL);
  /* worst case growth is exactly 3x */
  views v;
  run(&v, "\xff\xff\xff\xff", 4);
  assert_int_equal(v.c.len, 12);
  done(&v);
  /* a NUL byte is dropped like the other invisible controls, and does not
   * end the text */
  run(&v, "a\0b", 3);
  assert_int_equal(v.c.len, 2);
  assert_memory_equal(v.c.text, "ab", 2);
  assert_int_equal(v.cm[1], 2);
  done(&v);
}

/* C0 controls but the five blanks (tab, newline, vertical tab, form feed,
 * CR) are invisible: dropped, at every place of the ASCII fast paths
 * (16-byte and 8-byte steps, the bytes after them), with and without an
 * accented letter or a newline before them. */
static void test_controls_dropped(void **state) {
  (void)state;
  expect("a\x01" "b\x1f" "c\x7f" "d", "abcd", "abcd");
  expect("t\tn\nv\vf\fr\r.", "t\tn\nv\vf\fr\r.", "t\tn\nv\vf\fr\r.");
  expect("NIR 2 84 05 2A\x01" "004 017 64", "NIR 2 84 05 2A004 017 64", NULL);
  static const char lines[] = "line one\n\tline two\r\n and a long\fthird line\vof text";
  assert_true(norm_is_clean(lines, sizeof lines - 1));
  assert_false(norm_is_clean(lines, sizeof lines)); /* its NUL */
  static const char *const before[] = {"", "\xc3\xa9", "\n", "\xe2\x80\x99"};
  static const unsigned char ctl[] = {0x00, 0x01, 0x08, 0x0e, 0x1b, 0x1f, 0x7f};
  for (size_t b = 0; b < N_OF(before); b++)
    for (size_t c = 0; c < N_OF(ctl); c++)
      for (size_t at = 0; at < 40; at++) {
        char in[64], want[64];
        size_t bl = strlen(before[b]), n = 0;
        memcpy(in, before[b], bl);
        n = bl;
        for (size_t k = 0; k < 40; k++) in[n++] = k == at ? (char)ctl[c] : (char)('a' + k % 26);
        assert_false(norm_is_clean(in, n));
        views v;
        run(&v, in, n);
        size_t wl = 0; /* everything but the control */
        for (size_t k = 0; k < n; k++)
          if (k != bl + at) want[wl++] = in[k];
        if (before[b][0] == '\xe2') { /* the apostrophe is cleaned too */
          memmove(want + 1, want + 3, wl - 3);
          want[0] = '\'';
          wl -= 2;
        }
        if (v.c.len != wl || memcmp(v.c.text, want, wl)) fail_msg("control 0x%02x at %zu after \"%s\"", ctl[c], at, before[b]);
        done(&v);
      }
}

static void test_decode(void **state) {
  (void)state;
  uint32_t cp = 0;
  assert_int_equal(norm_decode((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
  assert_int_equal(cp, 0xe9);
  assert_int_equal(norm_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
  assert_int_equal(cp, 0x1f600);
  assert_int_equal(norm_decode((const unsigned char *)"\xf0\x9f\x98\x80", 3, &cp), 0);
  assert_int_equal(norm_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
  assert_int_equal(norm_decode((const unsigned char *)"", 0, &cp), 0);
}

/* ---------------------------------------------------------------- NFC */

static void test_nfc_composition(void **state) {
  (void)state;
  static const struct {
    const char *in, *clean;
  } cases[] = {
      {"e\xcc\x80", "\xc3\xa8"},             /* grave -> è */
      {"E\xcc\x81", "\xc3\x89"},             /* acute -> É */
      {"a\xcc\x82", "\xc3\xa2"},             /* circumflex -> â */
      {"n\xcc\x83", "\xc3\xb1"},             /* tilde -> ñ */
      {"i\xcc\x88", "\xc3\xaf"},             /* diaeresis -> ï */
      {"c\xcc\xa7", "\xc3\xa7"},             /* cedilla -> ç */
      {"A\xcc\x8a", "\xc3\x85"},             /* ring -> Å */
      {"s\xcc\x8c", "\xc5\xa1"},             /* caron -> š */
      {"Z\xcc\x8c", "\xc5\xbd"},             /* caron -> Ž */
      {"o\xcc\x8b", "\xc5\x91"},             /* double acute -> ő */
      {"e\xcc\x82\xcc\x81", "\xe1\xba\xbf"}, /* circumflex then acute -> ế */
      {"y\xcc\x80", "\xe1\xbb\xb3"},         /* -> ỳ (Latin Extended Additional) */
      {"\xc3\xa6\xcc\x81", "\xc7\xbd"},      /* æ + acute -> ǽ */
  };
  for (size_t i = 0; i < N_OF(cases); i++) expect(cases[i].in, cases[i].clean, NULL);
  /* the composed letter maps to its base; the text after keeps its own offsets */
  views v;
  run(&v, "xe\xcc\x81y", 5);
  assert_string_equal(v.c.text, "x\xc3\xa9y");
  assert_int_equal(v.cm[1], 1);
  assert_int_equal(v.cm[2], 1);
  assert_int_equal(v.cm[3], 4);
  done(&v);
  /* composes across an invisible character */
  expect("e\xe2\x80\x8b\xcc\x81", "\xc3\xa9", "e");
  /* no precomposed form, no base, a digit or a replaced character as base:
   * the mark stays in clean, and fold drops it */
  expect("q\xcc\x81", "q\xcc\x81", "q");
  expect("\xcc\x81" "a", "\xcc\x81" "a", "a");
  expect("1\xcc\x81", "1\xcc\x81", "1");
  expect("\xe2\x80\x99\xcc\x81", "'\xcc\x81", "'");
  expect("\xff\xcc\x81", FFFD "\xcc\x81", FFFD);
  expect("\xc3\xa9\xcc\x81", "\xc3\xa9\xcc\x81", "e"); /* é + acute: nothing to compose */
}

/* --------------------------------------------------- invisible, spaces */

static void test_invisible_characters_removed(void **state) {
  (void)state;
  static const char *const zw[] = {
      "\xe2\x80\x8b", "\xe2\x80\x8c", "\xe2\x80\x8d", /* ZWSP, ZWNJ, ZWJ */
      "\xe2\x81\xa0", "\xef\xbb\xbf", "\xc2\xad",     /* word joiner, BOM, soft hyphen */
      "\xe1\xa0\x8e", "\xe2\x80\x8e", "\xe2\x80\x8f", /* Mongolian vowel sep., LRM, RLM */
      "\xe2\x80\xae", "\xe2\x81\xa6", "\xef\xb8\x8f", /* RLO, LRI, VS16 */
      "\xcd\x8f",                                     /* combining grapheme joiner */
  };
  for (size_t i = 0; i < N_OF(zw); i++) {
    char in[32];
    snprintf(in, sizeof in, "a%sb%s", zw[i], zw[i]);
    expect(in, "ab", "ab");
  }
  views v;
  run(&v, "a\xe2\x80\x8b\xe2\x80\x8b" "b", 8);
  assert_string_equal(v.c.text, "ab");
  assert_int_equal(v.cm[1], 7); /* b keeps its offset */
  assert_int_equal(v.cm[2], 8);
  done(&v);
}

static void test_spaces_apostrophes_quotes_dashes(void **state) {
  (void)state;
  static const struct {
    const char *in;
    char ascii;
  } cases[] = {
      {"\xc2\xa0", ' '},     {"\xe2\x80\xaf", ' '}, {"\xe2\x80\x80", ' '}, {"\xe2\x80\x83", ' '},
      {"\xe2\x80\x8a", ' '}, {"\xe2\x81\x9f", ' '}, {"\xe3\x80\x80", ' '}, /* NBSP, NNBSP, quads, hair, MMSP, ideographic */
      {"\xe2\x80\x99", '\''}, {"\xe2\x80\x98", '\''}, {"\xca\xbc", '\''}, {"\xe2\x80\xb2", '\''},
      {"\xe2\x80\x9b", '\''}, {"\xc2\xb4", '\''},     /* ’ ‘ ʼ ′ ‛ ´ */
      {"\xe2\x80\x9c", '"'},  {"\xe2\x80\x9d", '"'},  {"\xe2\x80\x9e", '"'}, {"\xc2\xab", '"'},
      {"\xc2\xbb", '"'},      {"\xe2\x80\xb9", '"'},  {"\xe2\x80\xba", '"'}, /* “ ” „ « » ‹ › */
      {"\xe2\x80\x90", '-'},  {"\xe2\x80\x91", '-'},  {"\xe2\x80\x92", '-'}, {"\xe2\x80\x93", '-'},
      {"\xe2\x80\x94", '-'},  {"\xe2\x80\x95", '-'},  {"\xe2\x88\x92", '-'}, {"\xef\xb9\xa3", '-'},
      {"\xef\xbc\x8d", '-'},  /* hyphen .. bar, minus, small and fullwidth hyphen-minus */
      {"\xe2\x80\xa8", '\n'}, {"\xe2\x80\xa9", '\n'},
  };
  for (size_t i = 0; i < N_OF(cases); i++) {
    char in[32], want[8];
    snprintf(in, sizeof in, "x%sy", cases[i].in);
    snprintf(want, sizeof want, "x%cy", cases[i].ascii);
    expect(in, want, NULL);
  }
  /* the backtick is ASCII and stays (Markdown code) */
  expect("l`IA", "l`IA", "l`ia");
  /* French typography, end to end */
  expect("\xc2\xab\xe2\x80\xaf" "Aujourd\xe2\x80\x99hui\xe2\x80\xaf\xc2\xbb \xe2\x80\x94 dit-elle\xc2\xa0!",
         "\" Aujourd'hui \" - dit-elle !", "\" aujourd'hui \" - dit-elle !");
}

/* --------------------------------------------------------------- fold */

static void test_fold(void **state) {
  (void)state;
  expect("HELLO World 123_", NULL, "hello world 123_");
  /* Latin-1 */
  expect("\xc3\x80\xc3\x89\xc3\x8e\xc3\x95\xc3\x9c\xc3\x87\xc3\x91\xc3\x85\xc3\x98", NULL, "aeioucnao");
  expect("\xc3\xa0\xc3\xa9\xc3\xa8\xc3\xaa\xc3\xab\xc3\xae\xc3\xaf\xc3\xb4\xc3\xb9\xc3\xbb\xc3\xbc\xc3\xbf\xc3\xa7",
         NULL, "aeeeeiiouuuyc");
  expect("\xc3\x86\xc3\xa6\xc5\x92\xc5\x93\xc3\x9f\xc3\x9e\xc3\xb0", NULL, "aeaeoeoessthd"); /* Æ æ Œ œ ß Þ ð */
  /* Latin Extended-A */
  expect("\xc5\x81\xc3\xb3\xc5\xba \xc4\x8c\xc5\x99 \xc5\x80 \xc4\xb2 \xc4\xb0", NULL, "loz cr l ij i"); /* Łóź Čř ŀ Ĳ İ */
  /* Latin Extended Additional, capital sharp s */
  expect("\xe1\xba\x9e \xe1\xbb\xb3 \xe1\xba\xa0 \xe1\xba\xbf", NULL, "ss y a e");
  /* Latin Extended-B whose table entry needed a second fold (fuzz_detect) */
  expect("\xc7\xbf\xc7\xbe\xc7\xbc\xc7\xbd", NULL, "ooaeae"); /* ǿ Ǿ Ǽ ǽ */
  /* Greek and Cyrillic lower-cased, kept */
  expect("\xce\x91\xce\x92\xce\x93 \xd0\x96\xd0\x81", NULL, "\xce\xb1\xce\xb2\xce\xb3 \xd0\xb6\xd0\xb5");
  /* fullwidth ASCII */
  expect("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\x91", NULL, "ab1");
  /* other scripts pass through */
  expect("\xe4\xb8\xad\xe6\x96\x87", NULL, "\xe4\xb8\xad\xe6\x96\x87");
  assert_true(norm_is_word_byte('a') && norm_is_word_byte('_') && norm_is_word_byte(0xc3));
  assert_false(norm_is_word_byte(' ') || norm_is_word_byte('\'') || norm_is_word_byte('-'));
}

/* Every code point up to U+2FFFF, alone: its fold is never longer than it
 * (norm_fold's contract) and folding again changes nothing. */
static void test_fold_never_grows_and_is_idempotent(void **state) {
  (void)state;
  for (uint32_t cp = 0x80; cp < 0x30000; cp++) {
    if (cp >= 0xd800 && cp < 0xe000) continue;
    char in[4], a[16], b[16];
    size_t n;
    if (cp < 0x800) {
      in[0] = (char)(0xc0 | cp >> 6), in[1] = (char)(0x80 | (cp & 63)), n = 2;
    } else if (cp < 0x10000) {
      in[0] = (char)(0xe0 | cp >> 12), in[1] = (char)(0x80 | ((cp >> 6) & 63)), in[2] = (char)(0x80 | (cp & 63)), n = 3;
    } else {
      in[0] = (char)(0xf0 | cp >> 18), in[1] = (char)(0x80 | ((cp >> 12) & 63)), in[2] = (char)(0x80 | ((cp >> 6) & 63)),
      in[3] = (char)(0x80 | (cp & 63)), n = 4;
    }
    size_t la = norm_fold_str(in, n, a);
    if (la > n) fail_msg("fold of U+%04X grows to %zu bytes", (unsigned)cp, la);
    size_t lb = norm_fold_str(a, la, b);
    if (la != lb || memcmp(a, b, la)) fail_msg("fold of U+%04X is not idempotent", (unsigned)cp);
  }
}

/* Every Latin letter followed by every combining mark U+0300..U+036F, the
 * pairs clean composes and the ones it leaves: the on-the-fly fold, which
 * never composes, must agree with fold(clean) on each (run() checks). */
static void test_fold_on_the_fly_agrees_on_compositions(void **state) {
  (void)state;
  static const uint32_t ranges[][2] = {{0x41, 0x7a}, {0xc0, 0x24f}, {0x1e00, 0x1eff}};
  size_t clean_ones = 0;
  for (size_t r = 0; r < N_OF(ranges); r++)
    for (uint32_t b = ranges[r][0]; b <= ranges[r][1]; b++)
      for (uint32_t m = 0x300; m <= 0x36f; m++) {
        char in[8];
        size_t n = 0;
        if (b < 0x80) in[n++] = (char)b;
        else if (b < 0x800) in[n++] = (char)(0xc0 | b >> 6), in[n++] = (char)(0x80 | (b & 63));
        else in[n++] = (char)(0xe0 | b >> 12), in[n++] = (char)(0x80 | ((b >> 6) & 63)), in[n++] = (char)(0x80 | (b & 63));
        in[n++] = (char)(0xc0 | m >> 6), in[n++] = (char)(0x80 | (m & 63));
        views v;
        run(&v, in, n);
        clean_ones += norm_is_clean(in, n);
        done(&v);
      }
  assert_int_equal(clean_ones, 0); /* a mark always sends the text to clean */
  const char *ok = "plain ASCII text, then \xc3\xa9t\xc3\xa9 and \xe4\xb8\xad";
  assert_true(norm_is_clean(ok, strlen(ok)));
  assert_false(norm_is_clean("l\xe2\x80\x99IA", 6));     /* apostrophe */
  assert_false(norm_is_clean("12\xe2\x80\x8b" "34", 7)); /* zero-width space */
  assert_false(norm_is_clean("caf\xff", 4));             /* invalid byte */
  assert_false(norm_is_clean("123456789\xc2\xa0", 11));  /* no-break space after ASCII */
}

/* norm_is_clean skips blocks of ASCII and U+00C0..U+00FF letters; what
 * needs cleaning is found at every offset from a block's start, including
 * an 0xC3 lead cut off at a block's end and a pair split across blocks. */
static void test_is_clean_at_every_offset(void **state) {
  (void)state;
  static const char *const bad[] = {
      "\xc3",             /* lead without its continuation */
      ("\xc3" "A"),       /* lead then ASCII ("\xc3A" would be one escape) */
      "\xa9",             /* lone continuation */
      "\xc3\xc3\xa9",     /* lead then a whole pair */
      "\xe2\x80\x99",     /* typographic apostrophe */
      "e\xcc\x81",        /* combining acute */
      "\xc2\xa0",         /* no-break space */
      "\xff",             /* invalid byte */
  };
  char in[80];
  for (size_t at = 0; at < 48; at++) {
    for (size_t n = at + 4; n <= 64; n += 7) {
      /* clean: ASCII with "é" pairs every 5 bytes, from each phase */
      for (size_t i = 0; i < n; i++) in[i] = (char)('a' + i % 26);
      for (size_t i = at % 5; i + 1 < n; i += 5) in[i] = (char)0xc3, in[i + 1] = (char)0xa9;
      if (!norm_is_clean(in, n)) fail_msg("clean text of %zu bytes refused (pairs from %zu)", n, at % 5);
      for (size_t b = 0; b < N_OF(bad); b++) {
        size_t bl = strlen(bad[b]);
        for (size_t i = 0; i < n + bl; i++) in[i] = (char)('a' + i % 26);
        for (size_t i = (at + 1) % 3; i + 1 < at; i += 3) in[i] = (char)0xc3, in[i + 1] = (char)0xa9;
        if (at && (unsigned char)in[at - 1] == 0xc3) in[at - 1] = 'x';
        memcpy(in + at, bad[b], bl);
        if (norm_is_clean(in, n + bl)) fail_msg("bad sequence %zu at offset %zu of %zu bytes accepted", b, at, n + bl);
      }
    }
  }
}

/* ---------------------------------------------------------------- maps */

static void test_maps_point_into_the_original(void **state) {
  (void)state;
  /* É (E + U+0301), a no-break space, a typographic apostrophe, an invalid
   * byte, a zero-width space */
  const char in[] = "E\xcc\x81t\xc3\xa9\xc2\xa0l\xe2\x80\x99IA \xff\xe2\x80\x8bok";
  views v;
  run(&v, in, sizeof in - 1);
  assert_string_equal(v.c.text, "\xc3\x89t\xc3\xa9 l'IA " FFFD "ok");
  assert_string_equal(v.f.text, "ete l'ia " FFFD "ok");
  const char *p = strstr(v.f.text, "l'ia");
  size_t s = (size_t)(p - v.f.text);
  assert_int_equal(v.fm[s], 8);      /* l */
  assert_int_equal(v.fm[s + 1], 9);  /* ' <- the 3 bytes of ’ start at 9 */
  assert_int_equal(v.fm[s + 2], 12); /* i */
  assert_int_equal(v.fm[s + 4], 14); /* end of "l’IA" */
  p = strstr(v.f.text, "ok");
  assert_int_equal(v.fm[p - v.f.text], 19);
  done(&v);
}

/* Random strings (fixed seed) of units that keep their meaning when
 * concatenated: each map entry points at the first byte of an input code
 * point (or at an invalid byte), and a span of the folded view that covers
 * whole input characters maps back to input text that folds to it. */
static const char *const units[] = {
    "a", "Z", "e", "E", "\xcc\x81", "\xcc\x82", "\xcc\xa7", "\xc3\xa9", "\xc3\x89", "\xc5\x93", "\xc3\x9f",
    "\xc3\xa6", "\xe1\xba\x9e", "'", "\xe2\x80\x99", "-", "\xe2\x80\x94", " ", "\xc2\xa0", "\xe2\x80\xaf", "1",
    "7", "\xe2\x80\x8b", "\xc2\xad", "\xce\xa9", "\xd0\x96", "\xef\xbc\xa1", "\xff", "\xc0\xaf", "\xed\xa0\x80",
    "\x80", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc7\xbf", "\xe4\xb8\xad", "\n", "\xc2\xab",
};

static unsigned rnd(unsigned *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return *seed >> 16;
}

static size_t random_text(unsigned *seed, char *x, size_t *bounds, size_t *nb) {
  size_t len = 0, parts = 1 + rnd(seed) % 24;
  *nb = 0;
  bounds[(*nb)++] = 0;
  for (size_t k = 0; k < parts; k++) {
    const char *u = units[rnd(seed) % N_OF(units)];
    memcpy(x + len, u, strlen(u));
    len += strlen(u);
    bounds[(*nb)++] = len;
  }
  x[len] = 0;
  return len;
}

static void test_map_property(void **state) {
  (void)state;
  unsigned seed = 20251125;
  for (int round = 0; round < 3000; round++) {
    char x[256];
    size_t bounds[32], nb;
    size_t n = random_text(&seed, x, bounds, &nb);
    views v;
    run(&v, x, n);
    for (size_t i = 0; i < v.c.len; i++) {
      if (((unsigned char)v.c.text[i] & 0xc0) == 0x80) continue; /* inside a code point */
      size_t m = v.cm[i], k = 0;
      while (k < nb && bounds[k] != m) k++;
      uint32_t cp;
      /* a unit boundary, or a byte inside an always-invalid unit */
      if (k == nb && norm_decode((const unsigned char *)x + m, n - m, &cp) != 0)
        fail_msg("round %d: clean byte %zu maps inside a code point (%zu)", round, i, m);
    }
    /* a span of the folded view [s, e) at code point boundaries maps to
     * original text whose fold contains the span */
    if (v.f.len) {
      size_t s = rnd(&seed) % v.f.len, e = s + rnd(&seed) % (v.f.len - s + 1);
      /* snap to whole input characters: "ae" from "æ" maps both bytes to
       * æ, so a span cannot end between them */
      while (s > 0 && v.fm[s] == v.fm[s - 1]) s--;
      while (e < v.f.len && e > 0 && v.fm[e] == v.fm[e - 1]) e++;
      if (e < s) e = s;
      if (e > s) {
        size_t os = v.fm[s], oe = v.fm[e];
        char sub[1024];
        size_t sl = norm_fold_str(x + os, oe - os, sub);
        sub[sl] = 0;
        char want[256];
        memcpy(want, v.f.text + s, e - s);
        want[e - s] = 0;
        if (!strstr(sub, want)) fail_msg("round %d: fold of original [%zu,%zu) lacks \"%s\"", round, os, oe, want);
      }
    }
    done(&v);
  }
}

/* fold(x[i..j)) is a substring of fold(x) for unit-aligned substrings: the
 * prefilter matches folded atoms against the folded text and relies on it. */
static void test_fold_of_substring_is_substring(void **state) {
  (void)state;
  unsigned seed = 12345;
  for (int round = 0; round < 5000; round++) {
    char x[256], whole[1024], sub[1024];
    size_t bounds[32], nb;
    size_t n = random_text(&seed, x, bounds, &nb);
    size_t wl = norm_fold_str(x, n, whole);
    whole[wl] = 0;
    size_t a = rnd(&seed) % nb, b = rnd(&seed) % nb;
    if (a > b) {
      size_t t = a;
      a = b, b = t;
    }
    size_t sl = norm_fold_str(x + bounds[a], bounds[b] - bounds[a], sub);
    sub[sl] = 0;
    if (!strstr(whole, sub))
      fail_msg("round %d: fold(\"%.*s\") = \"%s\" not in fold(\"%s\") = \"%s\"", round,
               (int)(bounds[b] - bounds[a]), x + bounds[a], sub, x, whole);
  }
}

/* --------------------------------------------------------------- memory */

static void *fail_alloc(void *ud, size_t n) {
  (void)ud, (void)n;
  return NULL;
}
static void *no_realloc(void *ud, void *p, size_t n) {
  (void)ud, (void)p, (void)n;
  return NULL;
}
static void plain_free(void *ud, void *p) {
  (void)ud;
  free(p);
}

static void test_reserve(void **state) {
  (void)state;
  norm_view v = {0};
  assert_int_equal(norm_reserve(&v, 10, NULL), CH_OK);
  char *t = v.text;
  assert_true(v.cap >= 11);
  assert_int_equal(norm_reserve(&v, 5, NULL), CH_OK); /* big enough: kept */
  assert_ptr_equal(v.text, t);
  /* a failing allocator: CH_E_NOMEM, and the view keeps its buffers */
  ch_allocator bad = {fail_alloc, no_realloc, plain_free, NULL};
  assert_int_equal(norm_reserve(&v, 1000, &bad), CH_E_NOMEM);
  assert_ptr_equal(v.text, t);
  assert_true(v.cap >= 11);
  /* a size whose offsets would not fit in 32 bits */
  assert_int_equal(norm_reserve(&v, SIZE_MAX / 2, NULL), CH_E_NOMEM);
  norm_view_free(&v, NULL);
  assert_null(v.text);
  norm_view_free(&v, NULL); /* twice is harmless */
  /* empty input */
  views w;
  run(&w, "", 0);
  assert_int_equal(w.c.len, 0);
  assert_int_equal(w.f.len, 0);
  done(&w);
  char out[4];
  assert_int_equal(norm_fold_str("", 0, out), 0);
  assert_int_equal(out[0], 0);
}

/* The VmFlags of the mapping holding address p ("" when unknown). */
static void vm_flags_at(const void *p, char *out, size_t cap) {
  out[0] = 0;
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f) return;
  char line[512];
  int in = 0;
  uintptr_t a = (uintptr_t)p;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
      in = a >= lo && a < hi;
    } else if (in && strncmp(line, "VmFlags:", 8) == 0) {
      size_t l = strlen(line + 8);
      if (l >= cap) l = cap - 1;
      memcpy(out, line + 8, l);
      out[l] = 0;
      break;
    }
  }
  fclose(f);
}

static void *own_alloc(void *ud, size_t n) {
  (void)ud;
  return malloc(n);
}
static void *own_realloc(void *ud, void *p, size_t n) {
  (void)ud;
  return realloc(p, n);
}

/* A clean view of many megabytes asks for transparent huge pages with
 * libc's allocator (its first scan would otherwise fault 4 KB at a time),
 * and leaves an embedder's allocator alone. */
static void test_large_view_asks_for_huge_pages(void **state) {
  (void)state;
  char flags[256];
  int on_stack = 0;
  vm_flags_at(&on_stack, flags, sizeof flags);
  /* no /proc/self/smaps, or a kernel without transparent huge pages */
  if (!flags[0] || access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0) skip();
  norm_view v = {0};
  size_t big = (size_t)48 << 20;
  assert_int_equal(norm_reserve(&v, big, NULL), CH_OK);
  vm_flags_at(v.text + big / 2, flags, sizeof flags);
#if defined(__linux__)
  assert_non_null(strstr(flags, " hg"));
#endif
  norm_view_free(&v, NULL);
  ch_allocator own = {own_alloc, own_realloc, plain_free, NULL};
  assert_int_equal(norm_reserve(&v, big, &own), CH_OK);
  vm_flags_at(v.text + big / 2, flags, sizeof flags);
  assert_null(strstr(flags, " hg"));
  norm_view_free(&v, &own);
  /* a small view is left alone too */
  assert_int_equal(norm_reserve(&v, 1 << 20, NULL), CH_OK);
  vm_flags_at(v.text + (1 << 19), flags, sizeof flags);
  assert_null(strstr(flags, " hg"));
  norm_view_free(&v, NULL);
}

/* Copied text costs no entry, a change one or a few: the point of the
 * segment map.  French prose with a typographic apostrophe in every
 * sentence, 40 sentences: an entry per apostrophe (for the text after it),
 * plus the first and the last. */
static void test_segments_only_for_changes(void **state) {
  (void)state;
  const char *sent = "L\xe2\x80\x99\xc3\xa9t\xc3\xa9 est chaud, \xc3\xa0 l\xc3\xa9gal. ";
  char in[4096] = "";
  for (int k = 0; k < 40; k++) strcat(in, sent);
  views v;
  run(&v, in, strlen(in));
  assert_int_equal(v.c.nseg, 40 + 2);
  assert_int_equal(v.c.len, strlen(in) - 2 * 40);
  done(&v);
  /* an ASCII text with one zero-width space: two segments and the end */
  run(&v, "abc\xe2\x80\x8b" "defgh", 11);
  assert_int_equal(v.c.nseg, 3);
  assert_int_equal(v.c.seg[1].c, 3);
  assert_int_equal(v.c.seg[1].i, 6);
  done(&v);
  /* a dropped character first: the seed entry is redefined, not doubled */
  run(&v, "\xe2\x80\x8b" "ab", 5);
  assert_int_equal(v.c.nseg, 2);
  assert_int_equal(v.c.seg[0].i, 3);
  done(&v);
  /* many changes: the map grows past its first capacity (256 entries),
   * and every lookup still agrees (run checks them all) */
  char many[3 * 2000 + 1];
  for (int k = 0; k < 1000; k++) memcpy(many + 6 * k, "\xe2\x80\x99" "a\xff" "b", 6);
  run(&v, many, 6000);
  assert_true(v.c.nseg > 256);
  done(&v);
}

/* An allocator that fails after `left` allocations. */
typedef struct budget {
  int left;
} budget;
static void *budget_alloc(void *ud, size_t n) {
  budget *b = ud;
  return b->left-- > 0 ? malloc(n) : NULL;
}
static void *budget_realloc(void *ud, void *p, size_t n) {
  budget *b = ud;
  return b->left-- > 0 ? realloc(p, n) : NULL;
}

/* A segment map that cannot grow is CH_E_NOMEM, never a short map. */
static void test_segments_out_of_memory(void **state) {
  (void)state;
  char many[600 * 3];
  for (int k = 0; k < 600; k++) memcpy(many + 3 * k, "a\xc2\xa0", 3); /* 600 no-break spaces */
  for (int left = 0; left < 4; left++) {
    budget b = {left};
    ch_allocator a = {budget_alloc, budget_realloc, plain_free, &b};
    norm_view v = {0};
    assert_int_equal(norm_reserve(&v, NORM_CLEAN_CAP(sizeof many), NULL), CH_OK);
    ch_status st = norm_clean(many, sizeof many, &v, &a);
    /* 601 entries: the map grows 256 -> 512 -> 1024, three allocations */
    assert_int_equal(st, left >= 3 ? CH_OK : CH_E_NOMEM);
    if (st == CH_OK) assert_int_equal(v.nseg, 601);
    norm_view_free(&v, &a);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_invalid_utf8_each_byte_is_fffd),
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_nfc_composition),
      cmocka_unit_test(test_invisible_characters_removed),
      cmocka_unit_test(test_controls_dropped),
      cmocka_unit_test(test_spaces_apostrophes_quotes_dashes),
      cmocka_unit_test(test_fold),
      cmocka_unit_test(test_fold_never_grows_and_is_idempotent),
      cmocka_unit_test(test_fold_on_the_fly_agrees_on_compositions),
      cmocka_unit_test(test_is_clean_at_every_offset),
      cmocka_unit_test(test_maps_point_into_the_original),
      cmocka_unit_test(test_map_property),
      cmocka_unit_test(test_fold_of_substring_is_substring),
      cmocka_unit_test(test_reserve),
      cmocka_unit_test(test_large_view_asks_for_huge_pages),
      cmocka_unit_test(test_segments_only_for_changes),
      cmocka_unit_test(test_segments_out_of_memory),
  };
  return cmocka_run_group_tests_name("normalisation", tests, NULL, NULL);
}
