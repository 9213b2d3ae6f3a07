/*
 * gw_holder.c — refcounted charter holder and per-thread scanners (see
 * gw_holder.h).
 *
 * Reload protocol (main thread):
 *   1. read the file, hash it, ch_charter_load_memory (full verification);
 *   2. prove it usable: make a scanner, set scope and tool, scan a probe;
 *   3. under the mutex, swap `cur` and bump `generation`;
 *   4. drop the holder's reference to the old charter.
 * Workers see the new generation on their next request and rebuild their
 * scanner; a request already screening keeps its own reference.  Step 2
 * runs before the swap, so a charter that cannot screen never goes live.
 */
#include "gw_holder.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gw_alloc.h"

/* Largest .chb the gateway reads; mirrors the runtime's CH_MAX_CHB_SIZE
 * (runtime/limits.h), which would refuse anything larger anyway. */
#define GW_MAX_CHB ((size_t)64 << 20)

typedef struct slot {
  gw_charter *ch;
  ch_scanner *sc;
} slot;

void gw_charter_release(gw_charter *c) {
  if (!c) return;
  if (atomic_fetch_sub(&c->refs, 1) != 1) return;
  ch_charter_destroy(c->ch);
  gw_free(c->data_classes);
  gw_free(c);
}

static void slot_free(void *p) {
  slot *s = p;
  if (!s) return;
  ch_scanner_destroy(s->sc); /* before its charter: the scanner borrows it */
  gw_charter_release(s->ch);
  gw_free(s);
}

int gw_holder_init(gw_holder *h, const ch_allocator *alloc, const char *tool,
                   char *err, size_t errlen) {
  memset(h, 0, sizeof *h);
  h->alloc = *alloc;
  snprintf(h->tool, sizeof h->tool, "%s", tool);
  atomic_init(&h->generation, 0);
  if (pthread_mutex_init(&h->mu, NULL) != 0) {
    snprintf(err, errlen, "cannot create the charter mutex");
    return -1;
  }
  int rc = pthread_key_create(&h->slot_key, slot_free);
  if (rc != 0) {
    pthread_mutex_destroy(&h->mu);
    snprintf(err, errlen, "cannot create the scanner key: %s", strerror(rc));
    return -1;
  }
  h->key_made = 1;
  return 0;
}

static int read_file(const char *path, unsigned char **out, size_t *len,
                     char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  size_t cap = 64 * 1024, n = 0;
  unsigned char *buf = gw_malloc(cap);
  if (!buf) goto nomem;
  for (;;) {
    if (n == cap) {
      if (cap > GW_MAX_CHB) {
        snprintf(err, errlen, "%s: larger than %zu bytes, not a charter", path,
                 GW_MAX_CHB);
        goto fail;
      }
      /* One byte past the limit is enough to know the file is too big. */
      size_t ncap = cap * 2 > GW_MAX_CHB + 1 ? GW_MAX_CHB + 1 : cap * 2;
      unsigned char *b = gw_realloc(buf, ncap);
      if (!b) goto nomem;
      buf = b;
      cap = ncap;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  if (ferror(f)) {
    snprintf(err, errlen, "%s: read error", path);
    goto fail;
  }
  fclose(f);
  *out = buf;
  *len = n;
  return 0;
nomem:
  snprintf(err, errlen, "%s: out of memory reading the file", path);
fail:
  gw_free(buf);
  fclose(f);
  return -1;
}

/* Step 2 of the reload protocol: a charter that cannot screen a prompt for
 * the configured tool must never become current. */
static int prove_usable(gw_holder *h, gw_charter *c, const char *path,
                        char *err, size_t errlen) {
  ch_scanner *sc = NULL;
  const ch_report *rep = NULL;
  ch_status st = ch_scanner_create(c->ch, &sc);
  if (st == CH_OK) st = ch_scanner_set_scope(sc, CH_SCOPE_PROMPT);
  if (st == CH_OK) {
    st = ch_scanner_set_tool(sc, h->tool);
    if (st == CH_E_NOTFOUND) {
      snprintf(err, errlen, "%s: the charter knows no tool or tool class '%s' "
               "(check 'tool' in the configuration)", path, h->tool);
      ch_scanner_destroy(sc);
      return -1;
    }
  }
  if (st == CH_OK) st = ch_scanner_scan(sc, "probe", 5, &rep);
  if (st != CH_OK) {
    snprintf(err, errlen, "%s: the charter cannot screen: %s%s%s", path,
             ch_strerror(st), sc && *ch_scanner_errmsg(sc) ? ": " : "",
             sc ? ch_scanner_errmsg(sc) : "");
    ch_scanner_destroy(sc);
    return -1;
  }
  ch_scanner_destroy(sc);
  return 0;
}

int gw_holder_load(gw_holder *h, const char *path, char *err, size_t errlen) {
  unsigned char *data = NULL;
  size_t len = 0;
  if (read_file(path, &data, &len, err, errlen) != 0) return -1;
  gw_charter *c = gw_calloc(1, sizeof *c);
  if (!c) {
    gw_free(data);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  atomic_init(&c->refs, 1);
  uint8_t d[SHA256_DIGEST_LEN];
  sha256(data, len, d);
  sha256_hex(d, c->sha256);
  char msg[512] = "";
  ch_status st = ch_charter_load_memory(data, len, &h->alloc, &c->ch, msg,
                                        sizeof msg);
  gw_free(data); /* the runtime keeps its own copy */
  if (st != CH_OK) {
    snprintf(err, errlen, "%s: %s%s%s", path, ch_strerror(st),
             msg[0] ? ": " : "", msg);
    gw_charter_release(c);
    return -1;
  }
  size_t n = ch_charter_count(c->ch, CH_ITEM_DATA_CLASS);
  c->data_classes = gw_calloc(n ? n : 1, sizeof *c->data_classes);
  if (!c->data_classes) {
    snprintf(err, errlen, "%s: out of memory", path);
    gw_charter_release(c);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    const char *id = ch_charter_item(c->ch, CH_ITEM_DATA_CLASS, i, "id");
    if (id) c->data_classes[c->n_data_classes++] = id;
  }
  if (prove_usable(h, c, path, err, errlen) != 0) {
    gw_charter_release(c);
    return -1;
  }
  pthread_mutex_lock(&h->mu);
  gw_charter *old = h->cur;
  c->generation = (old ? old->generation : 0) + 1;
  h->cur = c;
  atomic_store(&h->generation, c->generation);
  pthread_mutex_unlock(&h->mu);
  gw_charter_release(old);
  return 0;
}

gw_charter *gw_holder_acquire(gw_holder *h) {
  pthread_mutex_lock(&h->mu);
  gw_charter *c = h->cur;
  if (c) atomic_fetch_add(&c->refs, 1);
  pthread_mutex_unlock(&h->mu);
  return c;
}

ch_status gw_holder_scanner(gw_holder *h, ch_scanner **sc, gw_charter **which,
                            char *err, size_t errlen) {
  slot *s = pthread_getspecific(h->slot_key);
  /* Hot path: no lock.  A reload racing with this read is harmless: the
   * request then screens with the charter that was current when it began. */
  if (s && s->sc && s->ch->generation == atomic_load(&h->generation)) {
    *sc = s->sc;
    *which = s->ch;
    return CH_OK;
  }
  if (!s) {
    s = gw_calloc(1, sizeof *s);
    if (!s) {
      snprintf(err, errlen, "out of memory for the scanner slot");
      return CH_E_NOMEM;
    }
    if (pthread_setspecific(h->slot_key, s) != 0) {
      gw_free(s);
      snprintf(err, errlen, "cannot register the scanner slot");
      return CH_E_NOMEM;
    }
  }
  ch_scanner_destroy(s->sc);
  s->sc = NULL;
  gw_charter_release(s->ch);
  s->ch = gw_holder_acquire(h);
  if (!s->ch) {
    snprintf(err, errlen, "no charter loaded");
    return CH_E_INTERNAL;
  }
  ch_status st = ch_scanner_create(s->ch->ch, &s->sc);
  if (st == CH_OK) st = ch_scanner_set_scope(s->sc, CH_SCOPE_PROMPT);
  if (st == CH_OK) st = ch_scanner_set_tool(s->sc, h->tool);
  if (st != CH_OK) {
    snprintf(err, errlen, "cannot make a scanner: %s%s%s", ch_strerror(st),
             s->sc ? ": " : "", s->sc ? ch_scanner_errmsg(s->sc) : "");
    ch_scanner_destroy(s->sc);
    s->sc = NULL;
    return st;
  }
  *sc = s->sc;
  *which = s->ch;
  return CH_OK;
}

void gw_holder_drop_scanner(gw_holder *h) {
  slot *s = pthread_getspecific(h->slot_key);
  if (!s) return;
  ch_scanner_destroy(s->sc);
  s->sc = NULL;
}

void gw_holder_destroy(gw_holder *h) {
  /* The main thread may own a slot too if it ever screened; free it here,
   * since key destructors only run when a thread exits. */
  if (h->key_made) {
    slot_free(pthread_getspecific(h->slot_key));
    pthread_setspecific(h->slot_key, NULL);
    pthread_key_delete(h->slot_key);
  }
  gw_charter_release(h->cur);
  h->cur = NULL;
  pthread_mutex_destroy(&h->mu);
}
