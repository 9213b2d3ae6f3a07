/*
 * bench_prefilter.c — the prefilter's literal matcher, measured against
 * Vectorscan (the portable fork of Intel's Hyperscan) on the same atoms and
 * the same folded text, as the runtime issue asks before choosing one.
 * Prints build time, throughput and hit counts (which must agree);
 * asserts nothing.
 *
 * Usage: bench_prefilter CHARTER.chb TEXT-FILE
 *
 * Both matchers see the text already folded (norm_fold_str), so the
 * figures are the matchers alone; ours is also timed on the raw text,
 * folding included, as the scanner runs it.
 */
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/charter_internal.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static ch_status count_hit(void *ud, const rt_atom *at, uint32_t start, uint32_t end, unsigned prev, unsigned next) {
  (void)at, (void)start, (void)end, (void)prev, (void)next;
  (*(long *)ud)++;
  return 0;
}

/* The scanner's prefilter pass (prefilter.c), counting hits. */
static long pf_count(const ch_charter *c, const char *t, size_t n) {
  rt_pfbuf b = {malloc(PF_CHUNK + PF_SLACK), malloc(PF_SEGS * sizeof(rt_pfseg)), 0};
  long hits = 0;
  if (b.fb && b.seg) pf_run(c, &b, (const unsigned char *)t, n, count_hit, &hits);
  free(b.fb), free(b.seg);
  return hits;
}

static int hs_cb(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ud) {
  (void)id, (void)from, (void)to, (void)flags;
  (*(long *)ud)++;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s CHARTER.chb TEXT\n", argv[0]);
    return 2;
  }
  ch_charter *c;
  char err[256];
  if (ch_charter_load_file(argv[1], NULL, &c, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  FILE *f = fopen(argv[2], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  size_t n = (size_t)ftell(f);
  rewind(f);
  char *raw = malloc(n + 1), *folded = malloc(NORM_CLEAN_CAP(n) + 1);
  if (!raw || !folded || fread(raw, 1, n, f) != n) return 2;
  fclose(f);
  size_t fl = norm_fold_str(raw, n, folded);

  /* ours: rebuild the filter to time it (the loader built it once) */
  double a = now();
  pf_free(c);
  if (pf_build(c)) return 2;
  double pf_build_ms = (now() - a) * 1000;
  a = now();
  long pf_hits = pf_count(c, folded, fl);
  double pf_s = now() - a;
  a = now();
  long raw_hits = pf_count(c, raw, n);
  double raw_s = now() - a;
  free(raw);

  /* Vectorscan: the same atoms as literals, one id each */
  const char **lits = malloc(c->natoms * sizeof *lits);
  size_t *lens = malloc(c->natoms * sizeof *lens);
  unsigned *ids = malloc(c->natoms * sizeof *ids), *flags = calloc(c->natoms, sizeof *flags);
  for (uint32_t i = 0; i < c->natoms; i++) {
    lits[i] = (const char *)c->atoms[i].text;
    lens[i] = c->atoms[i].len;
    ids[i] = i;
  }
  hs_database_t *db;
  hs_compile_error_t *ce;
  a = now();
  if (hs_compile_lit_multi(lits, flags, ids, lens, c->natoms, HS_MODE_BLOCK, NULL, &db, &ce) != HS_SUCCESS) {
    printf("vectorscan: compile failed: %s\n", ce->message);
    return 2;
  }
  double hs_build_ms = (now() - a) * 1000;
  hs_scratch_t *scr = NULL;
  hs_alloc_scratch(db, &scr);
  size_t dbsize = 0;
  hs_database_size(db, &dbsize);
  long hs_hits = 0;
  a = now();
  hs_scan(db, folded, (unsigned)fl, 0, scr, hs_cb, &hs_hits);
  double hs_s = now() - a;

  size_t pf_bytes = (PF_SC_MASK + 1) * sizeof(uint64_t) + (PF_BUCKETS + 1) * 4 + c->natoms * sizeof(rt_pf_entry);
  printf("== prefilter: %u atoms, %zu MB folded text\n", c->natoms, fl >> 20);
  printf("%-26s %10s %10s %12s %10s\n", "matcher", "build ms", "MB/s", "hits", "table KiB");
  printf("%-26s %10.2f %10.0f %12ld %10zu\n", "shift-or filter (ours)", pf_build_ms, (double)fl / 1048576 / pf_s,
         pf_hits, pf_bytes / 1024);
  printf("%-26s %10s %10.0f %12ld\n", "  same, folding raw text", "", (double)n / 1048576 / raw_s, raw_hits);
  printf("%-26s %10.2f %10.0f %12ld %10zu\n", "Vectorscan literals", hs_build_ms, (double)fl / 1048576 / hs_s, hs_hits,
         dbsize / 1024);
  printf("ratio vectorscan/ours throughput: %.2fx%s\n", pf_s / hs_s,
         pf_hits == hs_hits && raw_hits == pf_hits ? "" : "  (hit counts differ!)");
  hs_free_scratch(scr);
  hs_free_database(db);
  free(lits), free(lens), free(ids), free(flags), free(folded);
  ch_charter_destroy(c);
  return 0;
}
