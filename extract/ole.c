/*
 * ole.c — the Compound File Binary format ([MS-CFB]), the container of
 * Word 97-2003 documents (and of every password-protected Office
 * document): its sector chains, directory and mini stream, enough to read
 * the top-level streams by name.
 *
 * Untrusted input: every sector number is checked against the file, every
 * chain is followed at most as many steps as the file has sectors (a
 * cycle ends it), stream sizes are bounded by the file and by the caller's
 * limit, and the directory tree walk is bounded by the number of entries.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"
#include "runtime/chb.h" /* chb_rd32, chb_rd16: little-endian reads */

#define ENDOFCHAIN 0xfffffffeu
#define FREESECT 0xffffffffu

struct chx_ole {
  const unsigned char *p;
  size_t len;
  unsigned shift;   /* sector size = 1 << shift (512 or 4096) */
  uint32_t nsect;   /* sectors in the file */
  uint32_t *fat;    /* nfat entries */
  uint32_t nfat;
  uint32_t *minifat;
  uint32_t nminifat;
  unsigned char *dir; /* ndir entries of 128 bytes */
  uint32_t ndir;
  unsigned char *mini; /* the mini stream (the root entry's data) */
  size_t nmini;
  uint32_t cutoff;
};

/* Sector s, and how many of its bytes the file holds (the last one may
 * be cut short by a writer that does not pad it). */
static const unsigned char *sector(const chx_ole *o, uint32_t s, size_t *avail) {
  if (s >= o->nsect) return NULL;
  size_t off = ((size_t)s + 1) << o->shift, ss = (size_t)1 << o->shift;
  *avail = o->len - off < ss ? o->len - off : ss;
  return o->p + off;
}

/* Sector s when the file holds all of it (the FAT's and DIFAT's). */
static const unsigned char *full_sector(const chx_ole *o, uint32_t s) {
  size_t a;
  const unsigned char *p = sector(o, s, &a);
  return p && a == (size_t)1 << o->shift ? p : NULL;
}

/* The chain from `start` read whole (at most `most` bytes), from the
 * FAT's sectors or the mini stream's. */
static int chain(const chx_ole *o, uint32_t start, size_t most, int mini, unsigned char **out, size_t *outlen) {
  size_t ss = mini ? 64 : (size_t)1 << o->shift, n = 0, cap = most < ((size_t)1 << 20) ? most : (size_t)1 << 20;
  uint32_t count = mini ? o->nminifat : o->nfat, steps = 0;
  unsigned char *b = ch_malloc(NULL, cap ? cap : 1);
  if (!b) return -1;
  for (uint32_t s = start; s != ENDOFCHAIN && n < most; s = (mini ? o->minifat : o->fat)[s]) {
    if (s >= count || ++steps > count) break; /* out of the table, or a cycle */
    const unsigned char *src;
    size_t avail = 64;
    if (mini) {
      if ((size_t)s * 64 + 64 > o->nmini) break;
      src = o->mini + (size_t)s * 64;
    } else if (!(src = sector(o, s, &avail))) {
      break;
    }
    size_t k = most - n < ss ? most - n : ss;
    if (k > avail) k = avail;
    if (n + k > cap) {
      size_t nc = cap * 2 > n + k ? cap * 2 : n + k;
      unsigned char *nb = ch_realloc(NULL, b, nc);
      if (!nb) {
        ch_free(NULL, b);
        return -1;
      }
      b = nb, cap = nc;
    }
    memcpy(b + n, src, k);
    n += k;
  }
  *out = b;
  *outlen = n;
  return 0;
}

void chx_ole_close(chx_ole *o) {
  if (!o) return;
  ch_free(NULL, o->fat);
  ch_free(NULL, o->minifat);
  ch_free(NULL, o->dir);
  ch_free(NULL, o->mini);
  ch_free(NULL, o);
}

ch_status chx_ole_open(const void *data, size_t len, chx_ole **out, const char *name, char *err, size_t errlen) {
  const unsigned char *p = data;
  *out = NULL;
  if (len < 512 || memcmp(p, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) {
    snprintf(err, errlen, "%s: not a compound file (no OLE signature)", name);
    return CH_E_CORRUPT;
  }
  unsigned shift = chb_rd16(p + 0x1e);
  if (chb_rd16(p + 0x1c) != 0xfffe || (shift != 9 && shift != 12) || chb_rd16(p + 0x20) != 6) {
    snprintf(err, errlen, "%s: a compound file with a bad header (sector size, byte order): corrupt", name);
    return CH_E_CORRUPT;
  }
  chx_ole *o = ch_malloc(NULL, sizeof *o);
  if (!o) goto oom;
  memset(o, 0, sizeof *o);
  o->p = p, o->len = len, o->shift = shift;
  size_t ss = (size_t)1 << shift, ns = len > ss ? (len - ss + ss - 1) >> shift : 0;
  o->nsect = ns > 0xfffffff0u ? 0xfffffff0u : (uint32_t)ns;
  o->cutoff = chb_rd32(p + 0x38);
  /* the FAT's sectors: 109 in the header, the others in the DIFAT chain */
  uint32_t nfs = chb_rd32(p + 0x2c), per = (uint32_t)(1u << shift) / 4;
  if (nfs > o->nsect) nfs = o->nsect;
  o->fat = ch_malloc(NULL, ((size_t)nfs * per + 1) * sizeof *o->fat);
  if (!o->fat) goto oom;
  uint32_t got = 0, dif = chb_rd32(p + 0x44), ndif = 0;
  for (uint32_t i = 0; i < 109 && got < nfs; i++) {
    const unsigned char *s = full_sector(o, chb_rd32(p + 0x4c + 4 * i));
    if (!s) break;
    for (uint32_t k = 0; k < per; k++) o->fat[got * per + k] = chb_rd32(s + 4 * k);
    got++;
  }
  while (got < nfs && dif != ENDOFCHAIN && ++ndif <= o->nsect) {
    const unsigned char *d = full_sector(o, dif);
    if (!d) break;
    for (uint32_t i = 0; i + 1 < per && got < nfs; i++) {
      const unsigned char *s = full_sector(o, chb_rd32(d + 4 * i));
      if (!s) break;
      for (uint32_t k = 0; k < per; k++) o->fat[got * per + k] = chb_rd32(s + 4 * k);
      got++;
    }
    dif = chb_rd32(d + 4 * (per - 1));
  }
  o->nfat = got * per;
  /* the directory */
  unsigned char *dir;
  size_t dn;
  if (chain(o, chb_rd32(p + 0x30), (size_t)o->nsect << shift, 0, &dir, &dn)) goto oom;
  o->dir = dir;
  o->ndir = (uint32_t)(dn / 128);
  if (!o->ndir || o->dir[0x42] != 5) {
    snprintf(err, errlen, "%s: a compound file without its root entry: corrupt or truncated", name);
    chx_ole_close(o);
    return CH_E_CORRUPT;
  }
  /* the mini FAT and the mini stream */
  unsigned char *mf;
  size_t mfn;
  if (chain(o, chb_rd32(p + 0x3c), (size_t)chb_rd32(p + 0x40) << shift, 0, &mf, &mfn)) goto oom;
  o->nminifat = (uint32_t)(mfn / 4);
  o->minifat = ch_malloc(NULL, ((size_t)o->nminifat + 1) * sizeof *o->minifat);
  if (!o->minifat) {
    ch_free(NULL, mf);
    goto oom;
  }
  for (uint32_t i = 0; i < o->nminifat; i++) o->minifat[i] = chb_rd32(mf + 4 * (size_t)i);
  ch_free(NULL, mf);
  uint64_t rs = chb_rd32(o->dir + 0x78);
  if (chain(o, chb_rd32(o->dir + 0x74), rs < len ? (size_t)rs : len, 0, &o->mini, &o->nmini)) goto oom;
  *out = o;
  return CH_OK;
oom:
  chx_ole_close(o);
  snprintf(err, errlen, "%s: out of memory", name);
  return CH_E_NOMEM;
}

/* Does directory entry e's UTF-16 name equal the ASCII `name` (any case)? */
static int name_is(const unsigned char *e, const char *name) {
  size_t nl = chb_rd16(e + 0x40), k = strlen(name);
  if (nl != 2 * (k + 1) || nl > 64) return 0;
  for (size_t i = 0; i < k; i++) {
    unsigned c = chb_rd16(e + 2 * i), w = (unsigned char)name[i];
    if (c >= 'A' && c <= 'Z') c += 32;
    if (w >= 'A' && w <= 'Z') w += 32;
    if (c != w) return 0;
  }
  return 1;
}

int chx_ole_stream(const chx_ole *o, const char *name, size_t most, unsigned char **out, size_t *outlen) {
  *out = NULL;
  *outlen = 0;
  /* the root's children: a tree of siblings under its child */
  uint32_t stack[64], sp = 0, seen = 0;
  uint32_t c = chb_rd32(o->dir + 0x4c);
  if (c < o->ndir) stack[sp++] = c;
  while (sp && seen++ < o->ndir) {
    uint32_t i = stack[--sp];
    const unsigned char *e = o->dir + (size_t)i * 128;
    if (e[0x42] == 2 && name_is(e, name)) {
      uint64_t size = o->shift == 9 ? chb_rd32(e + 0x78) : (uint64_t)chb_rd32(e + 0x78) | (uint64_t)chb_rd32(e + 0x7c) << 32;
      if (size > most) return -2;
      int mini = size < o->cutoff;
      if (chain(o, chb_rd32(e + 0x74), (size_t)size, mini, out, outlen)) return -1;
      return *outlen < size ? -3 : 1;
    }
    uint32_t l = chb_rd32(e + 0x44), r = chb_rd32(e + 0x48);
    if (l < o->ndir && sp < 64) stack[sp++] = l;
    if (r < o->ndir && sp < 64) stack[sp++] = r;
  }
  return 0;
}
