/*
 * common_io.c — whole-input reads shared by charterc and charter (source
 * files, .chb images, prompts), with a size cap so a huge input is an
 * error instead of an out-of-memory crash.
 */
#include "cli/common_io.h"

#include <errno.h>
#include <stdlib.h>

char *cli_read_stream(FILE *f, size_t max, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  if (!b) return NULL;
  for (;;) {
    if (n + 1 >= cap) {
      if (cap > max) {
        free(b);
        errno = EFBIG;
        return NULL;
      }
      char *nb = realloc(b, cap * 2);
      if (!nb) {
        free(b);
        return NULL;
      }
      b = nb;
      cap *= 2;
    }
    size_t r = fread(b + n, 1, cap - n - 1, f);
    if (!r) break;
    n += r;
  }
  if (ferror(f)) {
    free(b);
    errno = EIO;
    return NULL;
  }
  b[n] = 0;
  *len = n;
  return b;
}

char *cli_read_file(const char *path, size_t max, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *b = cli_read_stream(f, max, len);
  int e = errno;
  fclose(f);
  errno = e;
  return b;
}
