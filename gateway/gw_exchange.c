/*
 * gw_exchange.c — the producer/consumer bridge of one upstream exchange
 * (see gw_exchange.h for the protocol and its locking rule).
 */
#include "gw_exchange.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gw_alloc.h"

/* Resume only below this fill after a pause, so a paused transfer is not
 * bounced between pause and unpause for every few bytes read. */
#define GW_RELAY_LOW (GW_RELAY_HIGH / 2)

gw_exchange *gw_exchange_new(const char *method, const char *url, char *body,
                             size_t body_len) {
  gw_exchange *x = gw_calloc(1, sizeof *x);
  if (!x) return NULL;
  if (pthread_mutex_init(&x->mu, NULL) != 0) {
    gw_free(x);
    return NULL;
  }
  atomic_init(&x->refs, 1);
  x->method = gw_strdup(method);
  x->url = gw_strdup(url);
  if (!x->method || !x->url) {
    gw_free(x->method);
    gw_free(x->url);
    pthread_mutex_destroy(&x->mu);
    gw_free(x);
    return NULL;
  }
  x->body = body;
  x->body_len = body_len;
  x->content_length = -1;
  /* The queue may exceed the high-water mark by one curl write: the cap
   * only stops a runaway, the mark does the flow control. */
  gw_buf_init(&x->queue, 4 * GW_RELAY_HIGH);
  return x;
}

void gw_exchange_ref(gw_exchange *x) { atomic_fetch_add(&x->refs, 1); }

void gw_exchange_unref(gw_exchange *x) {
  if (!x || atomic_fetch_sub(&x->refs, 1) != 1) return;
  if (x->headers && x->free_headers) x->free_headers(x->headers);
  gw_buf_free(&x->queue);
  gw_free(x->body);
  gw_free(x->url);
  gw_free(x->method);
  pthread_mutex_destroy(&x->mu);
  gw_free(x);
}

/* With mu held: wake the consumer if it sleeps. */
static void wake(gw_exchange *x) {
  if (x->suspended && x->conn) {
    x->suspended = 0;
    MHD_resume_connection(x->conn);
  }
}

int gw_exchange_on_headers(gw_exchange *x, long status) {
  pthread_mutex_lock(&x->mu);
  int cancelled = x->cancelled;
  if (!cancelled) {
    x->status = status;
    x->state = GW_X_HEADERS;
    if (!strncasecmp(x->content_type, "text/event-stream", 17)) x->eager = 1;
    if (x->eager) wake(x);
  }
  pthread_mutex_unlock(&x->mu);
  return cancelled ? -1 : 0;
}

int gw_exchange_on_data(gw_exchange *x, const char *p, size_t n) {
  int rc;
  pthread_mutex_lock(&x->mu);
  if (x->cancelled) {
    rc = -1;
  } else if (gw_buf_pending(&x->queue) >= GW_RELAY_HIGH ||
             (gw_buf_pending(&x->queue) > 0 &&
              gw_buf_pending(&x->queue) + n > x->queue.max)) {
    x->paused = 1; /* curl will hand the same bytes again on unpause */
    rc = 0;
  } else if (gw_buf_append(&x->queue, p, n) != 0) {
    rc = -1; /* over the hard cap or out of memory: give up the exchange */
  } else {
    rc = 1;
    if (x->eager || gw_buf_pending(&x->queue) >= GW_RELAY_HIGH / 2) wake(x);
  }
  pthread_mutex_unlock(&x->mu);
  return rc;
}

void gw_exchange_on_done(gw_exchange *x, int error, gw_upstream_err kind,
                         const char *msg) {
  pthread_mutex_lock(&x->mu);
  x->done = 1;
  if (error) {
    x->error = 1;
    x->error_kind = kind;
    snprintf(x->error_msg, sizeof x->error_msg, "%s", msg ? msg : "");
    if (x->state == GW_X_WAITING) x->state = GW_X_FAILED;
  }
  wake(x);
  pthread_mutex_unlock(&x->mu);
}

gw_xstate gw_exchange_await(gw_exchange *x, struct MHD_Connection *conn) {
  pthread_mutex_lock(&x->mu);
  gw_xstate st = x->state;
  if (st == GW_X_WAITING && x->done) st = x->state = GW_X_FAILED;
  x->conn = conn; /* also needed by the reader once headers are known */
  if (st == GW_X_WAITING) {
    x->suspended = 1;
    MHD_suspend_connection(conn);
  }
  pthread_mutex_unlock(&x->mu);
  return st;
}

ssize_t gw_exchange_read(void *cls, uint64_t pos, char *buf, size_t max) {
  gw_exchange *x = cls;
  (void)pos;
  ssize_t rc;
  int poke = 0;
  pthread_mutex_lock(&x->mu);
  size_t n = gw_buf_take(&x->queue, buf, max);
  if (n > 0) {
    rc = (ssize_t)n;
    if (x->paused && !x->want_unpause &&
        gw_buf_pending(&x->queue) <= GW_RELAY_LOW) {
      x->want_unpause = 1;
      poke = 1;
    }
  } else if (x->done) {
    /* With a declared Content-Length MHD treats END_OF_STREAM as an error
     * when bytes are missing, which is what a truncated upstream is. */
    rc = x->error ? MHD_CONTENT_READER_END_WITH_ERROR
                  : MHD_CONTENT_READER_END_OF_STREAM;
  } else {
    /* Nothing yet: sleep until the producer has bytes.  Returning 0
     * without suspending would make MHD's polling thread spin. */
    if (x->paused && !x->want_unpause) {
      x->want_unpause = 1;
      poke = 1;
    }
    x->suspended = 1;
    MHD_suspend_connection(x->conn);
    rc = 0;
  }
  pthread_mutex_unlock(&x->mu);
  if (poke && x->poke) x->poke(x->engine, x);
  return rc;
}

int gw_exchange_complete(gw_exchange *x, const char **p, size_t *len) {
  pthread_mutex_lock(&x->mu);
  int ok = x->done && !x->error && x->state == GW_X_HEADERS;
  if (ok) {
    *p = x->queue.data ? x->queue.data + x->queue.off : "";
    *len = gw_buf_pending(&x->queue);
  }
  pthread_mutex_unlock(&x->mu);
  return ok; /* once done, nothing writes the queue any more */
}

void gw_exchange_read_done(void *cls) { gw_exchange_unref(cls); }

void gw_exchange_cancel(gw_exchange *x) {
  int poke = 0;
  pthread_mutex_lock(&x->mu);
  x->conn = NULL;
  x->suspended = 0;
  if (!x->done && !x->cancelled) poke = 1;
  x->cancelled = 1;
  pthread_mutex_unlock(&x->mu);
  if (poke && x->poke) x->poke(x->engine, x);
}
