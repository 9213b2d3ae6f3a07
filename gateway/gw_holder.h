/*
 * gw_holder.h — the charter in force, swapped atomically on reload, and
 * each worker thread's scanner for it.
 *
 * Stage: gateway.  A ch_charter is immutable and shared by all threads; a
 * ch_scanner belongs to one thread (include/charter.h).  The holder keeps
 * a refcounted gw_charter: a request takes a reference for as long as it
 * screens, so a SIGHUP that installs a new charter never frees one that a
 * request in flight is still using; the old charter goes when its last
 * reference does.
 *
 * Each worker thread keeps its scanner in a pthread key slot owned by the
 * holder (not a global): the slot remembers which generation its scanner
 * was made for, and the hot path compares that with an atomic generation
 * counter without taking any lock.  A stale slot is rebuilt on the thread's
 * next request; the slot is freed by the key's destructor when the thread
 * ends.
 */
#ifndef GW_HOLDER_H
#define GW_HOLDER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "charter.h"
#include "gw_config.h"
#include "sha256.h"

typedef struct gw_charter {
  atomic_uint refs;
  ch_charter *ch;
  unsigned long generation;      /* 1 for the charter loaded at start */
  char sha256[SHA256_HEX_LEN];   /* of the .chb file, for /healthz */
  const char **data_classes;     /* borrowed from ch: the audit log's classes */
  size_t n_data_classes;
} gw_charter;

typedef struct gw_holder {
  pthread_mutex_t mu;            /* guards cur */
  gw_charter *cur;
  atomic_ulong generation;       /* == cur->generation, readable lock-free */
  pthread_key_t slot_key;
  int key_made;
  ch_allocator alloc;            /* the runtime budget (gw_alloc.h) */
  char tool[GW_ID_MAX];
} gw_holder;

/* Initialise [out] h for charters allocated through `alloc` and screened
 * for `tool`.  Returns 0, or -1 with a message in err (pthread key or
 * mutex creation failed).  Main thread, before any worker exists. */
int gw_holder_init(gw_holder *h, const ch_allocator *alloc, const char *tool,
                   char *err, size_t errlen);
/*
 * Load and verify `path` and, only if it is fully usable (verifies, knows
 * the configured tool, a scanner can be made and scan), make it current.
 * On failure the current charter stays in force and err says why, naming
 * the file.  Returns 0 or -1.  Called from the main thread only (start-up
 * and SIGHUP), so loads never race each other.
 */
int gw_holder_load(gw_holder *h, const char *path, char *err, size_t errlen);
/* A new reference to the current charter (never NULL after a successful
 * first load).  Release it with gw_charter_release.  Any thread. */
gw_charter *gw_holder_acquire(gw_holder *h);
void gw_charter_release(gw_charter *c);
/*
 * The calling thread's scanner for the current charter, created or rebuilt
 * if needed, with scope prompt and the configured tool set.
 *   [out] sc     the scanner, owned by this thread's slot (never destroy it);
 *   [out] which  the charter it belongs to, borrowed: valid until this
 *                thread calls gw_holder_scanner or _drop_scanner again.
 * Returns CH_OK, CH_E_NOMEM, CH_E_INTERNAL (no charter) or any status of
 * ch_scanner_create / _set_tool, with detail in err.  Worker threads only:
 * the slot is per thread, so no lock is taken unless the charter changed.
 */
ch_status gw_holder_scanner(gw_holder *h, ch_scanner **sc, gw_charter **which,
                            char *err, size_t errlen);
/* Forget this thread's scanner (after a failed scan, so that a scanner left
 * in an unknown state is never reused). */
void gw_holder_drop_scanner(gw_holder *h);
/* After every thread that used a scanner has ended. */
void gw_holder_destroy(gw_holder *h);

#endif
