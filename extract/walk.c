/*
 * walk.c — inputs of the checker: files, directories (recursive, sorted,
 * symlinks not followed) and zip archives such as Moodle's "download all
 * submissions" export, whose folders are named
 * "Full Name_12345_assignsubmission_file_/"; the name and id of the
 * student are parsed from them.  Nested zips are opened one level deep.
 * Every failure goes to the callback as an error for that input and the
 * walk continues.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zip.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"

/* Student name and id from the first path component that looks like a
 * Moodle submission folder. */
static void moodle(const char *path, char *student, size_t sn, char *id, size_t idn) {
  student[0] = id[0] = 0;
  const char *m = strstr(path, "_assignsubmission_");
  if (!m) m = strstr(path, "_onlinetext_");
  if (!m) return;
  const char *start = m;
  while (start > path && start[-1] != '/' && start[-1] != '!') start--;
  const char *us = m;
  while (us > start && us[-1] != '_') us--;
  if (us <= start + 1) return;
  const char *idp = us;
  size_t il = (size_t)(m - idp);
  for (size_t i = 0; i < il; i++)
    if (idp[i] < '0' || idp[i] > '9') return;
  size_t nl = (size_t)(us - 1 - start);
  snprintf(student, sn, "%.*s", (int)nl, start);
  snprintf(id, idn, "%.*s", (int)il, idp);
}

static int is_zip_name(const char *n) {
  size_t l = strlen(n);
  return l > 4 && !strcasecmp(n + l - 4, ".zip");
}

static int call(chx_walk_fn fn, void *ud, const char *name, const void *data, size_t len, const char *error) {
  char student[256], id[64];
  moodle(name, student, sizeof student, id, sizeof id);
  return fn(ud, name, student[0] ? student : NULL, id[0] ? id : NULL, data, len, error);
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int walk_zip_bytes(const char *name, const void *data, size_t len, const chx_limits *lim, chx_walk_fn fn,
                          void *ud, int depth) {
  char err[512];
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
  zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
  if (!z) {
    snprintf(err, sizeof err, "%s: not a readable zip archive (%s)", name, zip_error_strerror(&ze));
    if (src) zip_source_free(src);
    zip_error_fini(&ze);
    return call(fn, ud, name, NULL, 0, err);
  }
  zip_error_fini(&ze);
  zip_int64_t ne = zip_get_num_entries(z, 0);
  if (ne < 0 || (zip_uint64_t)ne > lim->max_entries) {
    snprintf(err, sizeof err, "%s: %lld entries, over the limit of %u", name, (long long)ne, lim->max_entries);
    zip_discard(z);
    return call(fn, ud, name, NULL, 0, err);
  }
  const char **names = ch_malloc(NULL, ((size_t)ne + 1) * sizeof *names);
  int rc = 0;
  if (!names) {
    zip_discard(z);
    return call(fn, ud, name, NULL, 0, "out of memory");
  }
  size_t n = 0;
  for (zip_int64_t i = 0; i < ne; i++) {
    const char *en = zip_get_name(z, (zip_uint64_t)i, 0);
    if (en && en[0] && en[strlen(en) - 1] != '/' && !strstr(en, "__MACOSX/")) names[n++] = en;
  }
  if (n) qsort(names, n, sizeof *names, cmp_names);
  size_t total = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    const char *en = names[i];
    int nested = is_zip_name(en);
    if (!nested && !chx_supported(en) && !chx_unreadable(en)) continue;
    char full[1024];
    snprintf(full, sizeof full, "%s!%s", name, en);
    char *buf;
    size_t bl;
    ch_status st = zip_read_entry(z, en, lim, &total, &buf, &bl, full, err, sizeof err);
    if (st) {
      rc = call(fn, ud, full, NULL, 0, err);
      if (st == CH_E_LIMIT && total > lim->max_total) break;
      continue;
    }
    if (nested && depth < 1) rc = walk_zip_bytes(full, buf, bl, lim, fn, ud, depth + 1);
    else if (!nested) rc = call(fn, ud, full, buf, bl, NULL);
    ch_free(NULL, buf);
  }
  ch_free(NULL, names);
  zip_discard(z);
  return rc;
}

static int read_file(const char *path, const chx_limits *lim, char **out, size_t *len, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && (size_t)st.st_size > lim->max_file) {
    snprintf(err, errlen, "%s: %lld bytes, over the %zu-byte file limit (--max-file-size)", path, (long long)st.st_size,
             lim->max_file);
    fclose(f);
    return -1;
  }
  size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536, n = 0;
  char *b = ch_malloc(NULL, cap);
  if (!b) {
    fclose(f);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  for (;;) {
    if (n + 1 >= cap) {
      if (cap > lim->max_file) {
        ch_free(NULL, b);
        fclose(f);
        snprintf(err, errlen, "%s: over the %zu-byte file limit (--max-file-size)", path, lim->max_file);
        return -1;
      }
      char *nb = ch_realloc(NULL, b, cap * 2);
      if (!nb) {
        ch_free(NULL, b);
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
      }
      b = nb;
      cap *= 2;
    }
    size_t r = fread(b + n, 1, cap - n - 1, f);
    if (!r) break;
    n += r;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    ch_free(NULL, b);
    snprintf(err, errlen, "%s: read error", path);
    return -1;
  }
  b[n] = 0;
  *out = b;
  *len = n;
  return 0;
}

static int walk_path(const char *path, const chx_limits *lim, chx_walk_fn fn, void *ud, int top, unsigned depth) {
  struct stat st;
  char err[600];
  if (lstat(path, &st) != 0) {
    snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
    return call(fn, ud, path, NULL, 0, err);
  }
  if (S_ISLNK(st.st_mode)) {
    if (!top) return 0; /* never follow links found while walking: no loops */
    if (stat(path, &st) != 0) {
      snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
      return call(fn, ud, path, NULL, 0, err);
    }
  }
  if (S_ISDIR(st.st_mode)) {
    if (depth > 64) return call(fn, ud, path, NULL, 0, "directory tree deeper than 64 levels");
    DIR *dir = opendir(path);
    if (!dir) {
      snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
      return call(fn, ud, path, NULL, 0, err);
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
      if (e->d_name[0] == '.') continue;
      if (n == cap) {
        cap = cap ? cap * 2 : 64;
        char **nn = ch_realloc(NULL, names, cap * sizeof *nn);
        if (!nn) break;
        names = nn;
      }
      size_t l = strlen(path) + strlen(e->d_name) + 2;
      names[n] = ch_malloc(NULL, l);
      if (!names[n]) break;
      snprintf(names[n], l, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
      n++;
    }
    closedir(dir);
    if (n) qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
      if (!rc) {
        struct stat cs;
        if (lstat(names[i], &cs) == 0 && (S_ISDIR(cs.st_mode) || chx_supported(names[i]) || chx_unreadable(names[i]) ||
                                           is_zip_name(names[i])))
          rc = walk_path(names[i], lim, fn, ud, 0, depth + 1);
      }
      ch_free(NULL, names[i]);
    }
    ch_free(NULL, names);
    return rc;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, sizeof err, "%s: not a regular file", path);
    return call(fn, ud, path, NULL, 0, err);
  }
  char *buf;
  size_t len;
  if (read_file(path, lim, &buf, &len, err, sizeof err)) return call(fn, ud, path, NULL, 0, err);
  int rc;
  if (is_zip_name(path)) rc = walk_zip_bytes(path, buf, len, lim, fn, ud, 0);
  else rc = call(fn, ud, path, buf, len, NULL);
  ch_free(NULL, buf);
  return rc;
}

/* Counts what a walk passes on: a folder or an archive that holds no
 * document is an error, not a silent success. */
typedef struct counted {
  chx_walk_fn fn;
  void *ud;
  size_t n;
} counted;

static int count_one(void *ud, const char *name, const char *student, const char *student_id, const void *data,
                     size_t len, const char *error) {
  counted *c = ud;
  c->n++;
  return c->fn(c->ud, name, student, student_id, data, len, error);
}

int chx_walk(const char *path, const chx_limits *lim, chx_walk_fn fn, void *ud) {
  chx_limits def;
  if (!lim) {
    chx_limits_default(&def);
    lim = &def;
  }
  counted c = {fn, ud, 0};
  int rc = walk_path(path, lim, count_one, &c, 1, 0);
  if (!rc && !c.n) {
    char err[600];
    snprintf(err, sizeof err, "%s: no document to check in it (.docx .doc .odt .pptx .odp .rtf .pdf .html .md .txt .tex)", path);
    rc = call(fn, ud, path, NULL, 0, err);
  }
  return rc;
}
