/*
 * gw_buf.h — a growable byte buffer with a hard cap and a read cursor.
 *
 * Used for request bodies (capped at max_body), the upstream relay queue
 * (bytes appended by the curl thread, consumed by the HTTP worker) and the
 * text of /metrics.  Invariant: off <= len <= cap, and data[len] == '\0'
 * whenever data is non-NULL, so a body can be handed to parsers as text.
 */
#ifndef GW_BUF_H
#define GW_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct gw_buf {
  char *data;
  size_t len; /* bytes written */
  size_t off; /* bytes already consumed (relay queue only) */
  size_t cap; /* allocated, excluding the NUL slot */
  size_t max; /* hard ceiling on the bytes held (len - off); 0 = none */
} gw_buf;

void gw_buf_init(gw_buf *b, size_t max);
void gw_buf_free(gw_buf *b);
/* Append n bytes.  Returns 0, or -1 when out of memory or over b->max
 * (the buffer is then unchanged). */
int gw_buf_append(gw_buf *b, const void *p, size_t n);
int gw_buf_puts(gw_buf *b, const char *s);
int gw_buf_printf(gw_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bytes not yet consumed, and consuming them; consume compacts lazily. */
size_t gw_buf_pending(const gw_buf *b);
size_t gw_buf_take(gw_buf *b, void *dst, size_t max);

/*
 * Copy the C string src into dst (size bytes), cutting it if needed at a
 * UTF-8 character boundary: text that goes into JSON (rule statements, the
 * model name) must stay valid UTF-8 or jansson refuses the whole document.
 * Returns dst.
 */
char *gw_utf8_copy(char *dst, size_t size, const char *src);

#endif
