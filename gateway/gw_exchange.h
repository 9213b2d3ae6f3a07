/*
 * gw_exchange.h — one upstream exchange, the bridge between the curl
 * thread that produces the upstream response and the HTTP worker that
 * relays it to the client.
 *
 * Stage: gateway.  The response is never buffered whole: the curl write
 * callback appends to a bounded queue (GW_RELAY_HIGH bytes), and when the
 * queue is full the transfer is paused (CURL_WRITEFUNC_PAUSE) until the
 * client has drained it.  On the other side, MHD's content reader takes
 * what is queued; when nothing is, it suspends the client connection and
 * returns 0, and the producer resumes it when bytes (or the end) arrive.
 * So a slow upstream costs no worker thread, and a slow client costs no
 * memory.
 *
 * Wake-ups cost a thread hand-off each, so a non-streaming answer wakes the
 * consumer only once it is complete (or has piled up to half the queue),
 * and is then answered from one buffer; a streaming one (`eager`: the
 * request asked for a stream, or the upstream answers text/event-stream)
 * wakes it for every piece, so events are relayed as they come.
 *
 *   curl thread (producer)              HTTP worker (consumer)
 *   on_headers ──resume──────────────▶  await: queue the response
 *   on_data ──append / pause──────────▶ read: take, or suspend + return 0
 *   on_done ──resume──────────────────▶ read: END_OF_STREAM / error
 *              ◀──poke (unpause, cancel)
 *
 * Every shared field is guarded by `mu`, and MHD_suspend_connection /
 * MHD_resume_connection are only called with `mu` held: a resume can then
 * never overtake the suspend it answers (resuming a connection that is not
 * suspended is undefined in MHD).
 *
 * Lifetime: refcounted.  The request context, the MHD response and the
 * engine each hold a reference while they use the exchange.
 */
#ifndef GW_EXCHANGE_H
#define GW_EXCHANGE_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "gw_buf.h"
#include "gw_metrics.h"

/* Relay queue high-water mark.  Above it the upstream is paused; curl
 * hands over at most CURL_MAX_WRITE_SIZE (16 KiB) per call, so a queue of
 * 64 KiB absorbs a few calls between two reads by the client. */
#define GW_RELAY_HIGH (64 * 1024)

typedef struct gw_exchange gw_exchange;
typedef void (*gw_poke_fn)(void *engine, gw_exchange *x);

typedef enum gw_xstate {
  GW_X_WAITING = 0, /* no response headers yet */
  GW_X_HEADERS,     /* status and headers known, body may follow */
  GW_X_FAILED       /* failed before any response headers */
} gw_xstate;

struct gw_exchange {
  atomic_uint refs;
  pthread_mutex_t mu;
  /* Set before submission, read-only afterwards. */
  char *url, *method;
  char *body;
  size_t body_len;
  void *headers;       /* struct curl_slist *, freed by the engine's hook */
  void (*free_headers)(void *);
  uint64_t t_submit;
  /* Engine thread only. */
  void *easy;
  gw_exchange *next;   /* engine queues */
  int in_ctl;          /* on the engine's control queue (guarded by it) */
  /* Shared: guarded by mu. */
  gw_xstate state;
  long status;
  char content_type[128];
  char content_encoding[64];
  int64_t content_length; /* -1 unknown */
  gw_buf queue;
  int paused;           /* curl transfer paused for backpressure */
  int want_unpause;
  int cancelled;        /* the client went away */
  int done;             /* transfer over (check `error`) */
  gw_upstream_err error_kind;
  int error;
  char error_msg[256];
  struct MHD_Connection *conn; /* the client, while the request lives */
  int suspended;
  int eager;            /* wake the consumer on every byte (streaming) */
  void *engine;
  gw_poke_fn poke;
};

/* A new exchange holding one reference; takes ownership of body (gw_malloc'd,
 * may be NULL).  NULL when out of memory. */
gw_exchange *gw_exchange_new(const char *method, const char *url, char *body,
                             size_t body_len);
void gw_exchange_ref(gw_exchange *x);
void gw_exchange_unref(gw_exchange *x);

/* --- producer side (engine thread) */
/* Response headers complete.  Returns 0, or -1 if the exchange was
 * cancelled (the engine then aborts the transfer). */
int gw_exchange_on_headers(gw_exchange *x, long status);
/* Body bytes.  Returns 1 accepted, 0 queue full (pause the transfer),
 * -1 cancelled (abort). */
int gw_exchange_on_data(gw_exchange *x, const char *p, size_t n);
/* Transfer over; error != 0 with a kind and message when it failed. */
void gw_exchange_on_done(gw_exchange *x, int error, gw_upstream_err kind,
                         const char *msg);

/* --- consumer side (HTTP worker) */
/* Response headers known?  When still waiting, the connection is
 * suspended (under the lock) and GW_X_WAITING returned; the caller must
 * then return MHD_YES without queueing anything. */
gw_xstate gw_exchange_await(gw_exchange *x, struct MHD_Connection *conn);
/* MHD content reader (cls = exchange). */
ssize_t gw_exchange_read(void *cls, uint64_t pos, char *buf, size_t max);
/* When the transfer is over and succeeded: the whole body, borrowed (valid
 * while the caller holds a reference), so that it can be answered from one
 * buffer.  Returns 1 with *p and *len set, or 0. */
int gw_exchange_complete(gw_exchange *x, const char **p, size_t *len);
/* MHD content reader free callback: drops the response's reference. */
void gw_exchange_read_done(void *cls);
/* The client is gone: forget the connection and stop the transfer. */
void gw_exchange_cancel(gw_exchange *x);

#endif
