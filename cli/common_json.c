/*
 * common_json.c — JSON string output shared by the CLIs.  Writing JSON
 * needs no library: strings are escaped per RFC 8259, invalid UTF-8 is
 * replaced by U+FFFD so the output is always valid JSON.
 */
#include "cli/common_json.h"

#include <stdint.h>
#include <stdio.h>

#include "runtime/normalize.h"

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
      uint32_t cp;
      size_t k = norm_decode(p + i, n - i, &cp);
      if (k) {
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
