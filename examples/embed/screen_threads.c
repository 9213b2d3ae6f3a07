/*
 * screen_threads.c — embedding libcharter: load a .chb once, screen
 * prompts from several threads, each with its own scanner.
 *
 *   make -C examples/embed            (after `make install`, or with
 *                                      PKG_CONFIG_PATH pointing at build/)
 *   ./screen_threads demoes.chb chatgpt < prompts.txt
 */
#include <charter.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4

typedef struct work {
  const ch_charter *charter;
  const char *tool;
  char **prompts;
  size_t n, first;
  size_t denied;
} work;

static void *screen(void *arg) {
  work *w = arg;
  ch_scanner *s;
  if (ch_scanner_create(w->charter, &s) != CH_OK) return NULL;
  ch_scanner_set_tool(s, w->tool);
  for (size_t i = w->first; i < w->n; i += THREADS) {
    const ch_report *r;
    if (ch_scanner_scan(s, w->prompts[i], strlen(w->prompts[i]), &r) != CH_OK) continue;
    if (ch_report_decision(r) == CH_DENY) {
      w->denied++;
      printf("prompt %zu: deny (%s)\n", i + 1, ch_finding_rule(ch_report_finding(r, 0)));
    }
  }
  ch_scanner_destroy(s);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s CHARTER.chb TOOL < prompts (one per line)\n", argv[0]);
    return 2;
  }
  char err[256];
  ch_charter *c;
  if (ch_charter_load_file(argv[1], NULL, &c, err, sizeof err) != CH_OK) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  char **prompts = NULL, line[8192];
  size_t n = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    char **np = realloc(prompts, (n + 1) * sizeof *np);
    if (!np || !(np[n] = strdup(line))) return 2;
    prompts = np;
    n++;
  }
  pthread_t th[THREADS];
  work w[THREADS];
  for (int t = 0; t < THREADS; t++) {
    w[t] = (work){c, argv[2], prompts, n, (size_t)t, 0};
    pthread_create(&th[t], NULL, screen, &w[t]);
  }
  size_t denied = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(th[t], NULL);
    denied += w[t].denied;
  }
  printf("%zu prompts, %zu denied (charter %s %s)\n", n, denied, ch_charter_id(c), ch_charter_version(c));
  for (size_t i = 0; i < n; i++) free(prompts[i]);
  free(prompts);
  ch_charter_destroy(c);
  return denied ? 1 : 0;
}
