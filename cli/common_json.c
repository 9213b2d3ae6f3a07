/*
 * common_json.c — JSON string output shared by the CLIs.  Writing JSON
 * needs no library: strings are escaped per RFC 8259, invalid UTF-8 is
 * replaced by U+FFFD so the output is always valid JSON.
 */
#include "cli/common_json.h"

#include <stdio.h>

void json_str(FILE *o, const char *s, size_t n) {
  fputc('"', o);
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    unsigned c = p[i];
    if (c == '"' || c == '\\') {
      fputc('\\', o);
      fputc((int)c, o);
      i++;
    } else if (c < 0x20) {
      switch (c) {
      case '\n': fputs("\\n", o); break;
      case '\r': fputs("\\r", o); break;
      case '\t': fputs("\\t", o); break;
      default: fprintf(o, "\\u%04x", c);
      }
      i++;
    } else if (c < 0x80) {
      fputc((int)c, o);
      i++;
    } else {
      size_t k = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
      int ok = k && i + k <= n;
      for (size_t j = 1; ok && j < k; j++) ok = (p[i + j] & 0xc0) == 0x80;
      if (ok && k == 3) {
        unsigned cp = (c & 0x0f) << 12 | (p[i + 1] & 0x3fu) << 6 | (p[i + 2] & 0x3fu);
        ok = cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff);
      } else if (ok && k == 4) {
        unsigned cp = (c & 0x07) << 18 | (p[i + 1] & 0x3fu) << 12 | (p[i + 2] & 0x3fu) << 6 | (p[i + 3] & 0x3fu);
        ok = cp >= 0x10000 && cp <= 0x10ffff;
      }
      if (ok) {
        fwrite(p + i, 1, k, o);
        i += k;
      } else {
        fputs("\xef\xbf\xbd", o);
        i++;
      }
    }
  }
  fputc('"', o);
}

void json_cstr(FILE *o, const char *s) {
  if (!s) {
    fputs("null", o);
    return;
  }
  size_t n = 0;
  while (s[n]) n++;
  json_str(o, s, n);
}
