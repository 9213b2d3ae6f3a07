/*
 * bench_compile.c — compile and load figures for the bundled charters:
 * source size, .chb size, compile time (in process, median of N runs),
 * load+verify time, and heap bytes held by a loaded charter.  Prints
 * figures; asserts nothing (make bench).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "charter.h"
#include "charter_compile.h"

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct counting {
  size_t live, peak;
} counting;

static void *c_alloc(void *ud, size_t n) {
  counting *c = ud;
  size_t *p = malloc(n + 16);
  if (!p) return NULL;
  *p = n;
  c->live += n;
  if (c->live > c->peak) c->peak = c->live;
  return (char *)p + 16;
}
static void *c_realloc(void *ud, void *q, size_t n) {
  counting *c = ud;
  size_t old = q ? *(size_t *)((char *)q - 16) : 0;
  size_t *p = realloc(q ? (char *)q - 16 : NULL, n + 16);
  if (!p) return NULL;
  *p = n;
  c->live += n - old;
  if (c->live > c->peak) c->peak = c->live;
  return (char *)p + 16;
}
static void c_free(void *ud, void *q) {
  counting *c = ud;
  if (!q) return;
  c->live -= *(size_t *)((char *)q - 16);
  free((char *)q - 16);
}

int main(int argc, char **argv) {
  const char *files[] = {"charters/demoes.charter", "charters/orleans.charter", "charters/avignon.charter"};
  int runs = argc > 1 ? atoi(argv[1]) : 30;
  printf("%-28s %9s %9s %12s %12s %12s\n", "charter", "source B", ".chb B", "compile ms", "load us", "loaded KiB");
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    struct stat st;
    if (stat(files[i], &st)) continue;
    ch_compiler *c;
    if (ch_compiler_create(NULL, &c)) return 2;
    double t[200];
    unsigned char *img = NULL;
    size_t n = 0;
    if (runs > 200) runs = 200;
    for (int r = 0; r < runs; r++) {
      ch_compiler_free(c, img);
      double t0 = now_us();
      if (ch_compiler_compile_file(c, files[i], &img, &n)) {
        fprintf(stderr, "%s does not compile\n", files[i]);
        return 2;
      }
      t[r] = now_us() - t0;
    }
    qsort(t, (size_t)runs, sizeof *t, cmpd);
    double lt[200];
    counting cnt = {0, 0};
    ch_allocator a = {c_alloc, c_realloc, c_free, &cnt};
    size_t held = 0;
    for (int r = 0; r < runs; r++) {
      ch_charter *ch;
      char err[256];
      double t0 = now_us();
      if (ch_charter_load_memory(img, n, &a, &ch, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", files[i], err);
        return 2;
      }
      lt[r] = now_us() - t0;
      held = cnt.live;
      ch_charter_destroy(ch);
    }
    qsort(lt, (size_t)runs, sizeof *lt, cmpd);
    printf("%-28s %9lld %9zu %12.2f %12.1f %12.1f\n", files[i], (long long)st.st_size, n, t[runs / 2] / 1000,
           lt[runs / 2], held / 1024.0);
    ch_compiler_free(c, img);
    ch_compiler_destroy(c);
  }
  return 0;
}
