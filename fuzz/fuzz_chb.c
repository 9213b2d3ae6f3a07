/*
 * fuzz_chb.c — libFuzzer target: arbitrary bytes as a .chb (loader and
 * verifier), and, for inputs that load, a scan in both scopes (VM and
 * pattern engine on a verified-but-hostile charter).  Seeds: compiled
 * bundled charters (make fuzz writes them to build-fuzz/seeds/chb).
 * Inputs that start with "MUTATE" take a valid image and flip the bytes
 * that follow at the offsets they name, with the CRC recomputed, so the
 * fuzzer reaches the checks behind the checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charter.h"
#include "runtime/chb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_load(const uint8_t *p, size_t n) {
  ch_charter *c = NULL;
  char err[256];
  if (ch_charter_load_memory(p, n, NULL, &c, err, sizeof err) != CH_OK) return;
  ch_scanner *s;
  if (ch_scanner_create(c, &s) == CH_OK) {
    const ch_report *r;
    static const char t[] = "# R\n\n## Déclaration d'usage de l'IA\n\nOutil : ChatGPT pour la traduction. "
                            "jeanne@x.fr 2 84 05 2A 004 017 64 sk-proj-abcdefghijklmnopqrstuvwxyz0123";
    ch_scanner_set_tool(s, "chatgpt");
    ch_scanner_scan(s, t, sizeof t - 1, &r);
    ch_scanner_set_scope(s, CH_SCOPE_DOCUMENT);
    ch_scanner_set_level(s, "3");
    ch_scanner_scan(s, t, sizeof t - 1, &r);
    ch_scanner_destroy(s);
  }
  ch_charter_destroy(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 22)) return 0;
  if (size >= CHB_HEADER_SIZE && !memcmp(data, CHB_MAGIC, CHB_MAGIC_LEN)) {
    /* also try with a correct checksum, to get past it */
    uint8_t *p = malloc(size);
    if (!p) return 0;
    memcpy(p, data, size);
    if (chb_rd32(p + 16) == size) chb_wr32(p + 24, chb_crc32(p + CHB_HEADER_SIZE, size - CHB_HEADER_SIZE));
    try_load(p, size);
    free(p);
  }
  try_load(data, size);
  return 0;
}
