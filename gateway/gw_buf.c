/*
 * gw_buf.c — growable byte buffer (see gw_buf.h).
 *
 * Growth doubles so that appending a body in MHD's small pieces stays
 * linear; the cap check comes first so a hostile sender cannot make us
 * allocate past max_body even transiently.
 */
#include "gw_buf.h"

#include <stdio.h>
#include <string.h>

#include "gw_alloc.h"

void gw_buf_init(gw_buf *b, size_t max) {
  memset(b, 0, sizeof *b);
  b->max = max;
}

void gw_buf_free(gw_buf *b) {
  gw_free(b->data);
  size_t max = b->max;
  gw_buf_init(b, max);
}

/* Make room for `extra` more bytes after len (plus the NUL).  The cap
 * applies to the bytes held (pending), so a queue that is being drained
 * can keep cycling under it. */
static int reserve(gw_buf *b, size_t extra) {
  size_t pending = b->len - b->off;
  if (extra > (size_t)-1 / 2 - b->len) return -1;
  if (b->max && pending + extra > b->max) return -1;
  if (b->len + extra <= b->cap && b->data) return 0;
  /* A consumed prefix is reclaimed before growing: the relay queue then
   * cycles inside one allocation instead of creeping upwards. */
  if (b->off > 0 && b->data) {
    memmove(b->data, b->data + b->off, pending);
    b->len = pending;
    b->off = 0;
    b->data[b->len] = '\0';
    if (b->len + extra <= b->cap) return 0;
  }
  size_t need = b->len + extra;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  if (b->max && cap > b->max) cap = b->max;
  char *d = gw_realloc(b->data, cap + 1);
  if (!d) return -1;
  b->data = d;
  b->cap = cap;
  return 0;
}

int gw_buf_append(gw_buf *b, const void *p, size_t n) {
  if (reserve(b, n) != 0) return -1;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int gw_buf_puts(gw_buf *b, const char *s) {
  return gw_buf_append(b, s, strlen(s));
}

int gw_buf_printf(gw_buf *b, const char *fmt, ...) {
  va_list ap;
  char small[256];
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return -1;
  if ((size_t)n < sizeof small) return gw_buf_append(b, small, (size_t)n);
  if (reserve(b, (size_t)n) != 0) return -1;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

size_t gw_buf_pending(const gw_buf *b) { return b->len - b->off; }

size_t gw_buf_take(gw_buf *b, void *dst, size_t max) {
  size_t n = gw_buf_pending(b);
  if (n > max) n = max;
  if (n) memcpy(dst, b->data + b->off, n);
  b->off += n;
  if (b->off == b->len && b->data) { /* empty: restart at 0 */
    b->off = b->len = 0;
    b->data[0] = '\0';
  }
  return n;
}

char *gw_utf8_copy(char *dst, size_t size, const char *src) {
  if (!size) return dst;
  size_t n = src ? strlen(src) : 0;
  if (n >= size) {
    n = size - 1;
    /* Back off continuation bytes (10xxxxxx), then the lead byte of the
     * character they belonged to. */
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
  }
  if (n) memcpy(dst, src, n);
  dst[n] = '\0';
  return dst;
}
