/*
 * fake_upstream.c — a stand-in for an OpenAI-compatible API, for the
 * gateway's end-to-end tests (tests/e2e/gateway.sh) and benchmark
 * (bench/bench_gateway.sh).  Listens on 127.0.0.1 only.
 *
 *   POST /v1/chat/completions   a canned completion; with "stream": true,
 *                               --chunks SSE events --delay-ms apart, then
 *                               "data: [DONE]"
 *   POST /v1/completions        a canned text completion
 *   GET  /v1/models             one model
 *   a body whose "model" is "fail-500" gets a 500 error, to test relaying;
 *   "big-N" gets a completion of N bytes (content "xxx..."), to test
 *   relaying a large answer to a slow client (backpressure).
 *
 * --record FILE appends one JSON line per request received (path, method,
 * a few headers, the body as a string), so a test can check what reached
 * the upstream — e.g. that a redacted e-mail address never did.
 * --events FILE appends {"chunk":i,"t_us":wall-clock} as each SSE event is
 * handed to the socket, so a test can check that the client saw the first
 * event before the last one was even produced (no buffering in between).
 *
 * Thread per connection: sleeping between events then costs only that
 * connection's thread, which is all a test double needs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct fake {
  const char *record, *events;
  unsigned chunks, delay_ms;
  pthread_mutex_t mu; /* serialises appends to the record/events files */
} fake;

typedef struct req {
  char *body;
  size_t len, cap;
} req;

typedef struct stream {
  fake *f;
  unsigned i;
} stream;

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void append_line(fake *f, const char *path, const char *line) {
  if (!path) return;
  pthread_mutex_lock(&f->mu);
  FILE *o = fopen(path, "a");
  if (o) {
    fprintf(o, "%s\n", line);
    fclose(o);
  }
  pthread_mutex_unlock(&f->mu);
}

static void record(fake *f, struct MHD_Connection *c, const char *url,
                   const char *method, const req *r) {
  if (!f->record) return;
  const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  const char *rid = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
  const char *ue = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Charter-UE");
  json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s%}", "path", url,
                        "method", method, "authorization", auth,
                        "request_id", rid, "x_charter_ue", ue, "body",
                        r && r->body ? r->body : "", r ? r->len : (size_t)0);
  char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
  if (line) append_line(f, f->record, line);
  free(line);
  json_decref(o);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             const char *body) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", "application/json");
  enum MHD_Result rc = MHD_queue_response(c, status, resp);
  MHD_destroy_response(resp);
  return rc;
}

/* A completion whose content is n bytes of a repeating pattern. */
static enum MHD_Result big(struct MHD_Connection *c, unsigned long n) {
  static const char head[] = "{\"id\":\"fake-big\",\"choices\":[{\"message\":"
                             "{\"role\":\"assistant\",\"content\":\"";
  static const char tail[] = "\"}}]}";
  if (n > 64ul << 20) n = 64ul << 20;
  size_t len = sizeof head - 1 + n + sizeof tail - 1;
  char *b = malloc(len);
  if (!b) return MHD_NO;
  memcpy(b, head, sizeof head - 1);
  for (unsigned long i = 0; i < n; i++) b[sizeof head - 1 + i] = (char)('a' + i % 26);
  memcpy(b + sizeof head - 1 + n, tail, sizeof tail - 1);
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, b, MHD_RESPMEM_MUST_FREE);
  if (!resp) {
    free(b);
    return MHD_NO;
  }
  MHD_add_response_header(resp, "Content-Type", "application/json");
  enum MHD_Result rc = MHD_queue_response(c, 200, resp);
  MHD_destroy_response(resp);
  return rc;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max) {
  stream *s = cls;
  (void)pos;
  if (s->i > s->f->chunks) return MHD_CONTENT_READER_END_OF_STREAM;
  if (s->i > 0 && s->f->delay_ms) usleep(s->f->delay_ms * 1000u);
  int n;
  if (s->i < s->f->chunks)
    n = snprintf(buf, max, "data: {\"id\":\"fake-stream\",\"object\":"
                 "\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                 "\"delta\":{\"content\":\"tok%u \"}}]}\n\n", s->i);
  else
    n = snprintf(buf, max, "data: [DONE]\n\n");
  char ev[96];
  snprintf(ev, sizeof ev, "{\"chunk\":%u,\"t_us\":%lld}", s->i, now_us());
  append_line(s->f, s->f->events, ev);
  s->i++;
  return n;
}

static void sse_free(void *cls) { free(cls); }

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **req_cls) {
  fake *f = cls;
  req *r = *req_cls;
  (void)version;
  if (!r) {
    r = calloc(1, sizeof *r);
    if (!r) return MHD_NO;
    *req_cls = r;
    return MHD_YES;
  }
  if (*upload_size) {
    if (r->len + *upload_size + 1 > r->cap) {
      size_t cap = (r->len + *upload_size + 1) * 2;
      char *b = realloc(r->body, cap);
      if (!b) return MHD_NO;
      r->body = b;
      r->cap = cap;
    }
    memcpy(r->body + r->len, upload, *upload_size);
    r->len += *upload_size;
    r->body[r->len] = '\0';
    *upload_size = 0;
    return MHD_YES;
  }
  record(f, c, url, method, r);
  if (!strcmp(method, "GET") && !strncmp(url, "/v1/models", 10))
    return reply(c, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\","
                         "\"object\":\"model\",\"owned_by\":\"tests\"}]}");
  if (strcmp(method, "POST") != 0) return reply(c, 405, "{\"error\":\"method\"}");
  json_t *body = json_loadb(r->body ? r->body : "", r->len, 0, NULL);
  const char *model = json_string_value(json_object_get(body, "model"));
  int want_stream = json_is_true(json_object_get(body, "stream"));
  enum MHD_Result rc;
  if (model && !strcmp(model, "fail-500")) {
    rc = reply(c, 500, "{\"error\":{\"message\":\"fake upstream failure\","
                       "\"type\":\"server_error\"}}");
  } else if (model && !strncmp(model, "big-", 4)) {
    rc = big(c, strtoul(model + 4, NULL, 10));
  } else if (!strcmp(url, "/v1/chat/completions") && want_stream) {
    stream *s = calloc(1, sizeof *s);
    struct MHD_Response *resp =
        s ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read,
                                              s, sse_free)
          : NULL;
    if (!resp) {
      free(s);
      rc = MHD_NO;
    } else {
      s->f = f;
      MHD_add_response_header(resp, "Content-Type", "text/event-stream");
      rc = MHD_queue_response(c, 200, resp);
      MHD_destroy_response(resp);
    }
  } else if (!strcmp(url, "/v1/chat/completions")) {
    rc = reply(c, 200, "{\"id\":\"fake-1\",\"object\":\"chat.completion\","
                       "\"model\":\"fake-model\",\"choices\":[{\"index\":0,"
                       "\"message\":{\"role\":\"assistant\",\"content\":"
                       "\"Bonjour.\"},\"finish_reason\":\"stop\"}]}");
  } else if (!strcmp(url, "/v1/completions")) {
    rc = reply(c, 200, "{\"id\":\"fake-2\",\"object\":\"text_completion\","
                       "\"choices\":[{\"index\":0,\"text\":\"ok\"}]}");
  } else {
    rc = reply(c, 404, "{\"error\":\"not found\"}");
  }
  json_decref(body);
  return rc;
}

static void done(void *cls, struct MHD_Connection *c, void **req_cls,
                 enum MHD_RequestTerminationCode toe) {
  req *r = *req_cls;
  (void)cls, (void)c, (void)toe;
  if (r) free(r->body);
  free(r);
  *req_cls = NULL;
}

/* A whole number option; exits on anything else (a typo must not become 0). */
static unsigned num(const char *opt, const char *v) {
  char *end;
  unsigned long n = strtoul(v, &end, 10);
  if (!*v || *end || n > 1000000000ul) {
    fprintf(stderr, "fake-upstream: %s: '%s' is not a number\n", opt, v);
    exit(2);
  }
  return (unsigned)n;
}

int main(int argc, char **argv) {
  fake f = {NULL, NULL, 5, 200, PTHREAD_MUTEX_INITIALIZER};
  const char *port_file = NULL;
  unsigned port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--port-file")) port_file = argv[i + 1];
    else if (!strcmp(argv[i], "--port")) port = num(argv[i], argv[i + 1]);
    else if (!strcmp(argv[i], "--record")) f.record = argv[i + 1];
    else if (!strcmp(argv[i], "--events")) f.events = argv[i + 1];
    else if (!strcmp(argv[i], "--chunks")) f.chunks = num(argv[i], argv[i + 1]);
    else if (!strcmp(argv[i], "--delay-ms")) f.delay_ms = num(argv[i], argv[i + 1]);
    else {
      fprintf(stderr, "fake-upstream: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(0x7f000001); /* 127.0.0.1: tests stay local */
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
      NULL, handle, &f, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
      MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
      60u, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "fake-upstream: cannot listen\n");
    return 1;
  }
  port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
  if (port_file) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    FILE *o = fopen(tmp, "w");
    if (!o || fprintf(o, "%u\n", port) < 0 || fclose(o) || rename(tmp, port_file)) {
      fprintf(stderr, "fake-upstream: %s: %s\n", port_file, strerror(errno));
      MHD_stop_daemon(d);
      return 1;
    }
  }
  int sig;
  sigwait(&set, &sig);
  MHD_stop_daemon(d);
  return 0;
}
