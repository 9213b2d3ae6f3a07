/*
 * demoes_fixture.h — the bundled DemoES charter, compiled once per test
 * group (cmocka group setup), for the suites of the runtime that start
 * from it (test_runtime.c, test_scan.c), and loading it or a charter
 * compiled from a source string.  Header-only (include after cmocka.h):
 * each suite is one translation unit.
 */
#ifndef CH_TEST_DEMOES_FIXTURE_H
#define CH_TEST_DEMOES_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "charter.h"
#include "charter_compile.h"

static unsigned char *img; /* the compiled charters/demoes.charter */
static size_t img_len;

static int demoes_setup(void **state) {
  (void)state;
  ch_compiler *c;
  if (ch_compiler_create(NULL, &c)) return -1;
  ch_status st = ch_compiler_compile_file(c, "charters/demoes.charter", &img, &img_len);
  ch_compiler_destroy(c);
  return st == CH_OK ? 0 : -1;
}

static int demoes_teardown(void **state) {
  (void)state;
  free(img);
  img = NULL;
  return 0;
}

/* The DemoES charter, loaded (the test destroys it). */
static inline ch_charter *load_demoes(void) {
  ch_charter *c = NULL;
  char err[256];
  if (ch_charter_load_memory(img, img_len, NULL, &c, err, sizeof err)) fail_msg("DemoES does not load: %s", err);
  return c;
}

/* A charter compiled from src and loaded (the test destroys it). */
static inline ch_charter *load_source(const char *src) {
  ch_compiler *cc;
  unsigned char *im;
  size_t n;
  ch_charter *c = NULL;
  char err[256];
  if (ch_compiler_create(NULL, &cc)) fail_msg("no compiler");
  if (ch_compiler_compile_source(cc, "t.charter", src, strlen(src), &im, &n))
    fail_msg("%s does not compile", src);
  ch_compiler_destroy(cc);
  if (ch_charter_load_memory(im, n, NULL, &c, err, sizeof err)) fail_msg("does not load: %s", err);
  free(im);
  return c;
}

#endif
