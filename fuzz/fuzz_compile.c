/*
 * fuzz_compile.c — libFuzzer target: charter source -> compiler (lexer,
 * parser, resolver, checker, emitter) and, when it compiles, the loader and
 * verifier on the result.  Seeds: charters/ and tests/golden/.
 * Invariant checked: compilation either succeeds with an image the runtime
 * accepts, or fails with CH_E_COMPILE / CH_E_NOMEM and at least one error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charter.h"
#include "charter_compile.h"

static void quiet(void *ud, const ch_diag *d) {
  (void)ud;
  (void)d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 20)) return 0;
  ch_compiler *c;
  if (ch_compiler_create(NULL, &c)) return 0;
  ch_compiler_set_diag(c, quiet, NULL);
  unsigned char *img = NULL;
  size_t n = 0;
  ch_status st = ch_compiler_compile_source(c, "fuzz.charter", (const char *)data, size, &img, &n);
  if (st == CH_OK) {
    ch_charter *ch = NULL;
    char err[256];
    ch_status ls = ch_charter_load_memory(img, n, NULL, &ch, err, sizeof err);
    if (ls != CH_OK) abort(); /* the compiler emitted something the verifier refuses */
    ch_charter_destroy(ch);
    ch_compiler_free(c, img);
  } else if (st == CH_E_COMPILE && ch_compiler_errors(c) == 0) {
    abort(); /* a failed compilation must say why */
  }
  ch_compiler_destroy(c);
  return 0;
}
