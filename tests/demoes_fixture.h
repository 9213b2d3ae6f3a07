/*
 * demoes_fixture.h — the bundled DemoES charter, compiled once per test
 * group (cmocka group setup), for the suites of the runtime that start
 * from it (test_runtime.c, test_scan.c).  Header-only: each suite is one
 * translation unit.
 */
#ifndef CH_TEST_DEMOES_FIXTURE_H
#define CH_TEST_DEMOES_FIXTURE_H

#include <stdlib.h>

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

#endif
