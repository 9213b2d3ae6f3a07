/*
 * fuzz_extract.c — libFuzzer target: arbitrary bytes as every document
 * format (the first byte picks docx/odt, html, pdf or markdown; zip
 * containers are detected by content), with small limits so that bombs
 * are cut short.  Checks the position map: sorted segments inside the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const names[] = {"f.docx", "f.odt", "f.html", "f.pdf", "f.md", "f.txt"};
  if (!size) return 0;
  chx_limits lim;
  chx_limits_default(&lim);
  lim.max_entry = 8 << 20;
  lim.max_total = 16 << 20;
  lim.max_text = 4 << 20;
  lim.max_pages = 50;
  chx_doc d;
  char err[512];
  if (chx_extract_memory(data + 1, size - 1, names[data[0] % 6], &lim, &d, err, sizeof err) == CH_OK) {
    for (size_t i = 0; i < d.nsegs; i++) {
      if (d.segs[i].off > d.len) abort();
      if (i && d.segs[i].off < d.segs[i - 1].off) abort();
    }
  }
  chx_doc_free(&d);
  return 0;
}
