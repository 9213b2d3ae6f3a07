/*
 * test_golden.c — language behaviour as golden files, one cmocka test per
 * file:
 *   tests/golden/diag/NAME.charter  -> NAME.err   exact diagnostics (caret
 *                                                  lines included)
 *   tests/golden/dump/NAME.charter  -> NAME.dump  `charterc dump` listing
 * Goldens change only with CHARTER_GOLDEN_UPDATE=1 in the environment; the
 * change is then reviewed in the diff like any other.  Runs from the repo
 * root (make test does).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charter_compile.h"
#include "compiler/compile_internal.h"

#define MAX_CASES 128

typedef struct gcase {
  char dir[64];
  char name[128];
} gcase;

static gcase cases[MAX_CASES];

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)len + 1);
  if (!b) {
    fclose(f);
    return NULL;
  }
  size_t r = fread(b, 1, (size_t)len, f);
  fclose(f);
  b[r] = 0;
  if (n) *n = r;
  return b;
}

static void compare(const char *expected_path, const char *got, size_t gotn) {
  if (getenv("CHARTER_GOLDEN_UPDATE")) {
    FILE *f = fopen(expected_path, "wb");
    assert_non_null(f);
    fwrite(got, 1, gotn, f);
    fclose(f);
    return;
  }
  size_t en = 0;
  char *exp = slurp(expected_path, &en);
  if (!exp) fail_msg("missing golden %s (run with CHARTER_GOLDEN_UPDATE=1 and review)", expected_path);
  if (en != gotn || memcmp(exp, got, en)) {
    fprintf(stderr, "---- expected %s\n%s---- got\n%.*s----\n", expected_path, exp, (int)gotn, got);
    free(exp);
    fail_msg("%s differs", expected_path);
  }
  free(exp);
}

static void run_diag(void **state) {
  const gcase *c = *state;
  char path[512], gold[512];
  snprintf(path, sizeof path, "tests/golden/%s/%s.charter", c->dir, c->name);
  snprintf(gold, sizeof gold, "tests/golden/%s/%s.err", c->dir, c->name);
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  assert_non_null(mem);
  ch_compiler *cc;
  assert_int_equal(ch_compiler_create(NULL, &cc), CH_OK);
  ch_compiler_set_diag(cc, ch_diag_print, mem);
  unsigned char *img = NULL;
  size_t n = 0;
  ch_status st = ch_compiler_compile_file(cc, path, &img, &n);
  fprintf(mem, "-- status: %s, %u error(s), %u warning(s)\n", ch_strerror(st), ch_compiler_errors(cc),
          ch_compiler_warnings(cc));
  ch_compiler_free(cc, img);
  ch_compiler_destroy(cc);
  fclose(mem);
  compare(gold, buf, len);
  free(buf);
}

static void run_dump(void **state) {
  const gcase *c = *state;
  char path[512], gold[512];
  snprintf(path, sizeof path, "tests/golden/%s/%s.charter", c->dir, c->name);
  snprintf(gold, sizeof gold, "tests/golden/%s/%s.dump", c->dir, c->name);
  ch_compiler *cc;
  assert_int_equal(ch_compiler_create(NULL, &cc), CH_OK);
  ch_compiler_set_diag(cc, ch_diag_print, stderr);
  unsigned char *img = NULL;
  size_t n = 0;
  assert_int_equal(ch_compiler_compile_file(cc, path, &img, &n), CH_OK);
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  assert_non_null(mem);
  assert_int_equal(dump_chb(img, n, mem), 0);
  fclose(mem);
  ch_compiler_free(cc, img);
  ch_compiler_destroy(cc);
  compare(gold, buf, len);
  free(buf);
}

static int cmp_case(const void *a, const void *b) {
  return strcmp(((const gcase *)a)->name, ((const gcase *)b)->name);
}

static size_t collect(const char *dir, size_t at) {
  char p[256];
  snprintf(p, sizeof p, "tests/golden/%s", dir);
  DIR *d = opendir(p);
  if (!d) return at;
  size_t start = at;
  struct dirent *e;
  while ((e = readdir(d)) && at < MAX_CASES) {
    size_t l = strlen(e->d_name);
    if (l < 9 || strcmp(e->d_name + l - 8, ".charter") || l - 8 >= sizeof cases[0].name) continue;
    /* files only included by others are not cases */
    if (!strncmp(e->d_name, "inc_", 4)) continue;
    snprintf(cases[at].dir, sizeof cases[at].dir, "%s", dir);
    memcpy(cases[at].name, e->d_name, l - 8);
    cases[at].name[l - 8] = 0;
    at++;
  }
  closedir(d);
  qsort(cases + start, at - start, sizeof *cases, cmp_case);
  return at;
}

int main(void) {
  size_t nd = collect("diag", 0);
  size_t n = collect("dump", nd);
  struct CMUnitTest tests[MAX_CASES];
  for (size_t i = 0; i < n; i++) {
    tests[i].name = cases[i].name;
    tests[i].test_func = i < nd ? run_diag : run_dump;
    tests[i].setup_func = NULL;
    tests[i].teardown_func = NULL;
    tests[i].initial_state = &cases[i];
  }
  if (n == 0) {
    fprintf(stderr, "test_golden: no golden cases found (run from the repository root)\n");
    return 1;
  }
  return _cmocka_run_group_tests("golden", tests, n, NULL, NULL);
}
