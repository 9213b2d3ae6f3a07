/*
 * gw_load.c — a small HTTP load client for the gateway's load test
 * (tests/e2e/gateway.sh) and benchmark (bench/bench_gateway.sh).
 *
 * N threads, each with one keep-alive connection (one libcurl easy handle
 * reused), send the same POST (or GET without --data) back to back for a
 * fixed duration or request count, and record every latency.  Prints one
 * line of key=value figures:
 *   requests=... errors=... seconds=... rps=... p50_us=... p90_us=...
 *   p99_us=... max_us=...
 * An error is a transport failure or a status other than --expect.
 * Used instead of wrk so that the tests need nothing outside the build
 * dependencies, and so that both paths of the benchmark (direct and via
 * the gateway) are measured by the same client in the same run.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct opts {
  const char *url, *data;
  struct curl_slist *headers;
  unsigned threads;
  double seconds;
  unsigned long requests; /* per thread, when no --seconds */
  long expect;
} opts;

typedef struct worker {
  const opts *o;
  pthread_t tid;
  uint32_t *lat_us; /* latencies of successful requests */
  size_t n, cap;
  unsigned long errors;
  long last_bad_status;
} worker;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t sink(char *p, size_t size, size_t n, void *ud) {
  (void)p, (void)ud;
  return size * n;
}

static int push(worker *w, uint32_t us) {
  if (w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 4096;
    uint32_t *l = realloc(w->lat_us, cap * sizeof *l);
    if (!l) return -1;
    w->lat_us = l;
    w->cap = cap;
  }
  w->lat_us[w->n++] = us;
  return 0;
}

static void *run(void *arg) {
  worker *w = arg;
  const opts *o = w->o;
  CURL *h = curl_easy_init();
  if (!h) {
    w->errors++;
    return NULL;
  }
  curl_easy_setopt(h, CURLOPT_URL, o->url);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, o->headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  if (o->data) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, o->data);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(o->data));
  }
  uint64_t end = o->seconds > 0 ? now_ns() + (uint64_t)(o->seconds * 1e9) : 0;
  for (unsigned long i = 0;; i++) {
    if (end ? now_ns() >= end : i >= o->requests) break;
    uint64_t t0 = now_ns();
    CURLcode rc = curl_easy_perform(h);
    uint64_t us = (now_ns() - t0) / 1000;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != o->expect) {
      w->errors++;
      w->last_bad_status = rc != CURLE_OK ? -(long)rc : status;
    } else if (push(w, us > UINT32_MAX ? UINT32_MAX : (uint32_t)us) != 0) {
      w->errors++;
    }
  }
  curl_easy_cleanup(h);
  return NULL;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap + 1);
  while (b) {
    n += fread(b + n, 1, cap - n, f);
    if (n < cap) break;
    char *nb = realloc(b, cap * 2 + 1);
    if (!nb) {
      free(b);
      b = NULL;
      break;
    }
    b = nb;
    cap *= 2;
  }
  fclose(f);
  if (b) b[n] = '\0';
  return b;
}

/* A number option; exits on anything else (a typo must not become 0). */
static double num(const char *opt, const char *v) {
  char *end;
  double n = strtod(v, &end);
  if (!*v || *end || n < 0) {
    fprintf(stderr, "gw-load: %s: '%s' is not a number\n", opt, v);
    exit(2);
  }
  return n;
}

int main(int argc, char **argv) {
  opts o = {NULL, NULL, NULL, 1, 0, 1000, 200};
  char *owned = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *a = argv[i], *v = argv[i + 1];
    if (!strcmp(a, "--url")) o.url = v;
    else if (!strcmp(a, "--data")) o.data = v;
    else if (!strcmp(a, "--data-file")) {
      free(owned);
      o.data = owned = slurp(v);
      if (!owned) {
        fprintf(stderr, "gw-load: cannot read %s\n", v);
        return 2;
      }
    } else if (!strcmp(a, "--header")) o.headers = curl_slist_append(o.headers, v);
    else if (!strcmp(a, "--threads")) o.threads = (unsigned)num(a, v);
    else if (!strcmp(a, "--seconds")) o.seconds = num(a, v);
    else if (!strcmp(a, "--requests")) o.requests = (unsigned long)num(a, v);
    else if (!strcmp(a, "--expect")) o.expect = (long)num(a, v);
    else {
      fprintf(stderr, "usage: gw-load --url URL [--data BODY | --data-file F] "
                      "[--header H]... [--threads N] [--seconds S | --requests N] "
                      "[--expect CODE]\n");
      return 2;
    }
  }
  if (!o.url || o.threads == 0 || o.threads > 1024) {
    fprintf(stderr, "gw-load: --url is required, --threads in 1..1024\n");
    return 2;
  }
  if (o.data) o.headers = curl_slist_append(o.headers, "Content-Type: application/json");
  o.headers = curl_slist_append(o.headers, "Expect:");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  worker *w = calloc(o.threads, sizeof *w);
  if (!w) return 1;
  uint64_t t0 = now_ns();
  for (unsigned i = 0; i < o.threads; i++) {
    w[i].o = &o;
    if (pthread_create(&w[i].tid, NULL, run, &w[i]) != 0) {
      fprintf(stderr, "gw-load: cannot start thread\n");
      return 1;
    }
  }
  size_t total = 0;
  unsigned long errors = 0;
  long bad = 0;
  for (unsigned i = 0; i < o.threads; i++) {
    pthread_join(w[i].tid, NULL);
    total += w[i].n;
    errors += w[i].errors;
    if (w[i].last_bad_status) bad = w[i].last_bad_status;
  }
  double secs = (double)(now_ns() - t0) / 1e9;
  uint32_t *all = malloc((total ? total : 1) * sizeof *all);
  if (!all) return 1;
  size_t k = 0;
  for (unsigned i = 0; i < o.threads; i++) {
    if (w[i].n) memcpy(all + k, w[i].lat_us, w[i].n * sizeof *all);
    k += w[i].n;
    free(w[i].lat_us);
  }
  qsort(all, total, sizeof *all, cmp_u32);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] : 0)
  printf("requests=%zu errors=%lu seconds=%.2f rps=%.0f p50_us=%u p90_us=%u "
         "p99_us=%u max_us=%u",
         total, errors, secs, (double)total / secs, PCT(0.50), PCT(0.90),
         PCT(0.99), total ? all[total - 1] : 0);
  if (errors) printf(" last_bad=%ld", bad);
  printf("\n");
  free(all);
  free(w);
  free(owned);
  curl_slist_free_all(o.headers);
  curl_global_cleanup();
  return 0;
}
