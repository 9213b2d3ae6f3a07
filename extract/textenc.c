/*
 * textenc.c — the encoding of a plain-text file (and of an HTML page in
 * UTF-32), and its conversion to UTF-8.
 *
 * Students' text files are not all UTF-8: Windows Notepad's "Unicode" and
 * PowerShell 5's ">" write UTF-16LE with a byte-order mark, and older
 * Notepad and many editors on Windows write Windows-1252.  Read as UTF-8,
 * the first is one letter in two behind NUL bytes and the second loses
 * every accented letter ("D?claration"): the words the charter looks for
 * are not found and the file passes.  So: a byte-order mark decides
 * (UTF-8, UTF-16, UTF-32); then valid UTF-8 is UTF-8; then the zero bytes
 * of UTF-16 or UTF-32 without a mark; then Windows-1252 when no byte is
 * part of a UTF-8 sequence (a mix would be misread) and every byte is
 * defined there; anything else is read as UTF-8, each invalid byte
 * becoming U+FFFD in the clean view.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract_internal.h"
#include "runtime/normalize.h"

chx_textenc chx_text_bom(const unsigned char *p, size_t n, size_t *bom) {
  *bom = 0;
  if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) return *bom = 3, TE_UTF8;
  if (n >= 4 && p[0] == 0xff && p[1] == 0xfe && !p[2] && !p[3]) return *bom = 4, TE_UTF32LE;
  if (n >= 4 && !p[0] && !p[1] && p[2] == 0xfe && p[3] == 0xff) return *bom = 4, TE_UTF32BE;
  if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) return *bom = 2, TE_UTF16LE;
  if (n >= 2 && p[0] == 0xfe && p[1] == 0xff) return *bom = 2, TE_UTF16BE;
  return TE_UTF8;
}

chx_textenc chx_text_zeros(const unsigned char *p, size_t n) {
  if (n >= 4 && p[0] && !p[1] && !p[2] && !p[3]) return TE_UTF32LE;
  if (n >= 4 && !p[0] && !p[1] && !p[2] && p[3]) return TE_UTF32BE;
  if (n >= 4 && p[0] && !p[1] && p[2] && !p[3]) return TE_UTF16LE;
  if (n >= 4 && !p[0] && p[1] && !p[2] && p[3]) return TE_UTF16BE;
  return TE_UTF8;
}

chx_textenc chx_text_encoding(const unsigned char *p, size_t n, size_t *bom) {
  chx_textenc e = chx_text_bom(p, n, bom);
  if (*bom) return e;
  size_t i = 0, multi = 0, bad = 0, odd = 0; /* odd: NUL, or undefined in Windows-1252 */
  while (i < n) {
    uint64_t x; /* eight ASCII bytes, none of them NUL, at a time */
    if (i + 8 <= n && (memcpy(&x, p + i, 8), !(x & 0x8080808080808080ull)) &&
        !((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull)) {
      i += 8;
      continue;
    }
    uint32_t cp;
    size_t k = p[i] < 0x80 ? 1 : norm_decode(p + i, n - i, &cp);
    if (!k) {
      bad++;
      if (!norm_cp1252(p[i])) odd++;
      i++;
      continue;
    }
    odd += !p[i];
    multi += k > 1;
    i += k;
  }
  if (!bad && !odd) return TE_UTF8;
  if ((e = chx_text_zeros(p, n)) != TE_UTF8) return e;
  if (bad && !odd && !multi) return TE_CP1252;
  return TE_UTF8;
}

/* Code unit k of width w (2 or 4) in the given byte order. */
static uint32_t unit(const unsigned char *p, size_t w, int le) {
  uint32_t v = 0;
  for (size_t b = 0; b < w; b++) v |= (uint32_t)p[le ? b : w - 1 - b] << (8 * b);
  return v;
}

char *chx_text_utf8(const unsigned char *p, size_t n, chx_textenc enc, size_t *outlen) {
  /* the most a byte grows: Windows-1252's 0x80 is 3 bytes of U+20AC, a
   * UTF-16 unit of 2 bytes at most 3 bytes, a UTF-32 unit of 4 at most 4 */
  if (n > (SIZE_MAX - 1) / 3) return NULL;
  char *o = malloc(3 * n + 1);
  if (!o) return NULL;
  size_t w = 0;
  if (enc == TE_UTF8) {
    memcpy(o, p, n);
    w = n;
  } else if (enc == TE_CP1252) {
    for (size_t i = 0; i < n; i++) w += norm_encode(norm_cp1252(p[i]), o + w);
  } else {
    int le = enc == TE_UTF16LE || enc == TE_UTF32LE;
    size_t uw = enc == TE_UTF16LE || enc == TE_UTF16BE ? 2 : 4, i = 0;
    for (; i + uw <= n; i += uw) {
      uint32_t cp = unit(p + i, uw, le);
      if (uw == 2 && cp >= 0xd800 && cp < 0xdc00 && i + 4 <= n) { /* a surrogate pair */
        uint32_t lo = unit(p + i + 2, 2, le);
        if (lo >= 0xdc00 && lo < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          i += 2;
        }
      }
      if ((cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff) cp = 0xfffd; /* a lone surrogate, out of range */
      w += norm_encode(cp, o + w);
    }
    if (i < n) w += norm_encode(0xfffd, o + w); /* a truncated last unit */
  }
  o[w] = 0;
  *outlen = w;
  return o;
}
