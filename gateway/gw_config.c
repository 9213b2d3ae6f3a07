/*
 * gw_config.c — configuration table, file and flag parsing (see
 * gw_config.h).
 *
 * One table, KEYS, drives the file parser, the flags, --help and the
 * defaults, so a key cannot exist in one and be missing from another.
 * docs/gateway.md lists the same keys in the same order (ORDER KEYS).
 */
#include "gw_config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_alloc.h"

typedef enum key_type {
  K_STR,  /* char[size] */
  K_BOOL, /* int: yes/no/true/false/on/off/1/0 */
  K_UINT, /* unsigned in [min, max] */
  K_SIZE, /* size_t with optional k/m/g suffix (powers of 1024) */
  K_FAIL, /* gw_fail_mode: 403 | 503 */
  K_ROLE, /* ch_role: any | student | staff */
  K_LOG,  /* gw_log_level */
  K_NONTEXT /* int reject_non_text: reject | forward */
} key_type;

typedef struct key_def {
  const char *name;
  key_type type;
  size_t offset, size; /* size: of the char array for K_STR */
  unsigned long long min, max;
  const char *def; /* default, in text form, applied by gw_config_defaults */
  const char *help;
} key_def;

#define OFF(f) offsetof(gw_config, f)
#define STR(f) K_STR, OFF(f), sizeof(((gw_config *)0)->f), 0, 0

/* ORDER KEYS (docs/gateway.md, "Configuration keys") */
static const key_def KEYS[] = {
    {"listen", STR(listen), "127.0.0.1:8080",
     "address:port to listen on ([v6]:port for IPv6; port 0 picks one)"},
    {"upstream", STR(upstream), "",
     "upstream base URL, e.g. https://api.mistral.ai (required)"},
    {"upstream_api_key_file", STR(upstream_api_key_file), "",
     "file holding the upstream API key; replaces the client's Authorization"},
    {"upstream_proxy", STR(upstream_proxy), "",
     "HTTP proxy for upstream calls (\"\" = direct; *_proxy env is ignored)"},
    {"upstream_ca_file", STR(upstream_ca_file), "",
     "CA bundle to verify an https upstream (\"\" = system default)"},
    {"tool", STR(tool), "",
     "tool id (or tool class) of the upstream in the charter (required)"},
    {"charter", STR(charter), "", "compiled charter (.chb) to enforce (required)"},
    {"trust_context_headers", K_BOOL, OFF(trust_context_headers), 0, 0, 1, "no",
     "take the UE and role from X-Charter-UE / X-Charter-Role"},
    {"default_ue", STR(default_ue), "", "UE code when none is given (\"\" = charter default)"},
    {"default_role", K_ROLE, OFF(default_role), 0, 0, 0, "any",
     "role when none is given: any | student | staff"},
    {"max_body", K_SIZE, OFF(max_body), 0, 1024, (unsigned long long)1 << 30, "1m",
     "largest request body (k/m/g suffixes); larger gets 413"},
    {"header_timeout", K_UINT, OFF(header_timeout), 0, 1, 3600, "10",
     "seconds a connection may stay idle while sending headers"},
    {"body_timeout", K_UINT, OFF(body_timeout), 0, 1, 3600, "30",
     "seconds allowed to upload a whole request body"},
    {"upstream_connect_timeout", K_UINT, OFF(upstream_connect_timeout), 0, 1, 600, "5",
     "seconds to connect to the upstream"},
    {"upstream_timeout", K_UINT, OFF(upstream_timeout), 0, 1, 86400, "600",
     "seconds for a whole upstream exchange, streaming included"},
    {"max_connections", K_UINT, OFF(max_connections), 0, 1, 1000000, "1024",
     "concurrent client connections"},
    {"upstream_max_connections", K_UINT, OFF(upstream_max_connections), 0, 0, 1000000, "0",
     "concurrent upstream connections (0 = no limit)"},
    {"threads", K_UINT, OFF(threads), 0, 0, 1024, "0",
     "HTTP worker threads (0 = one per CPU)"},
    {"fail_mode", K_FAIL, OFF(fail_mode), 0, 0, 0, "503",
     "status when screening itself fails: 503 or 403"},
    {"non_text_parts", K_NONTEXT, OFF(reject_non_text), 0, 0, 0, "reject",
     "content parts that are not text (images, audio): reject | forward"},
    {"audit_log", STR(audit_log), "", "JSON Lines audit log (\"\" = none)"},
    {"runtime_memory_limit", K_SIZE, OFF(runtime_memory_limit), 0, 0,
     (unsigned long long)1 << 40, "0",
     "ceiling on libcharter's memory (0 = none); over it, screening fails"},
    {"drain_timeout", K_UINT, OFF(drain_timeout), 0, 0, 3600, "10",
     "seconds to let requests in flight finish on SIGTERM"},
    {"log_level", K_LOG, OFF(log_level), 0, 0, 0, "info",
     "debug | info | warn | error"},
    {"port_file", STR(port_file), "",
     "write the bound port here once listening (for supervisors and tests)"},
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

static void errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (!err || !errlen) return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

static const key_def *find_key(const char *name, size_t len) {
  for (size_t i = 0; i < NKEYS; i++)
    if (strlen(KEYS[i].name) == len && memcmp(KEYS[i].name, name, len) == 0)
      return &KEYS[i];
  return NULL;
}

static int parse_ull(const char *v, unsigned long long *out) {
  if (*v < '0' || *v > '9') return -1; /* no sign, no space */
  errno = 0;
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno || end == v) return -1;
  *out = n;
  return (int)(end - v);
}

static int set_key(gw_config *c, const key_def *k, const char *v, char *err,
                   size_t errlen) {
  char *base = (char *)c + k->offset;
  unsigned long long n;
  int used;
  switch (k->type) {
  case K_STR:
    if (strlen(v) >= k->size) {
      errf(err, errlen, "%s: value longer than %zu bytes", k->name, k->size - 1);
      return -1;
    }
    memcpy(base, v, strlen(v) + 1);
    return 0;
  case K_BOOL:
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
      *(int *)base = 1;
    else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
      *(int *)base = 0;
    else {
      errf(err, errlen, "%s: '%s' is not yes or no", k->name, v);
      return -1;
    }
    return 0;
  case K_UINT:
    if ((used = parse_ull(v, &n)) < 0 || v[used] != '\0') {
      errf(err, errlen, "%s: '%s' is not a whole number", k->name, v);
      return -1;
    }
    if (n < k->min || n > k->max) {
      errf(err, errlen, "%s: %llu is out of range [%llu, %llu]", k->name, n,
           k->min, k->max);
      return -1;
    }
    *(unsigned *)base = (unsigned)n;
    return 0;
  case K_SIZE: {
    if ((used = parse_ull(v, &n)) < 0) {
      errf(err, errlen, "%s: '%s' is not a size (e.g. 512k, 1m)", k->name, v);
      return -1;
    }
    const char *s = v + used;
    unsigned shift = 0;
    if (*s == 'k' || *s == 'K') shift = 10, s++;
    else if (*s == 'm' || *s == 'M') shift = 20, s++;
    else if (*s == 'g' || *s == 'G') shift = 30, s++;
    if (*s != '\0' || (shift && n > (ULLONG_MAX >> shift))) {
      errf(err, errlen, "%s: '%s' is not a size (e.g. 512k, 1m)", k->name, v);
      return -1;
    }
    n <<= shift;
    if (n < k->min || n > k->max || n > SIZE_MAX) {
      errf(err, errlen, "%s: %llu bytes is out of range [%llu, %llu]", k->name,
           n, k->min, k->max);
      return -1;
    }
    *(size_t *)base = (size_t)n;
    return 0;
  }
  case K_FAIL:
    if (!strcmp(v, "403")) *(gw_fail_mode *)base = GW_FAIL_403;
    else if (!strcmp(v, "503")) *(gw_fail_mode *)base = GW_FAIL_503;
    else {
      errf(err, errlen, "%s: '%s' must be 403 or 503", k->name, v);
      return -1;
    }
    return 0;
  case K_ROLE:
    if (!strcmp(v, "any")) *(ch_role *)base = CH_ROLE_ANY;
    else if (!strcmp(v, "student")) *(ch_role *)base = CH_ROLE_STUDENT;
    else if (!strcmp(v, "staff")) *(ch_role *)base = CH_ROLE_STAFF;
    else {
      errf(err, errlen, "%s: '%s' must be any, student or staff", k->name, v);
      return -1;
    }
    return 0;
  case K_LOG:
    for (int lv = GW_LOG_DEBUG; lv <= GW_LOG_ERROR; lv++)
      if (!strcmp(v, gw_log_level_name((gw_log_level)lv))) {
        *(gw_log_level *)base = (gw_log_level)lv;
        return 0;
      }
    errf(err, errlen, "%s: '%s' must be debug, info, warn or error", k->name, v);
    return -1;
  case K_NONTEXT:
    if (!strcmp(v, "reject")) *(int *)base = 1;
    else if (!strcmp(v, "forward")) *(int *)base = 0;
    else {
      errf(err, errlen, "%s: '%s' must be reject or forward", k->name, v);
      return -1;
    }
    return 0;
  }
  errf(err, errlen, "%s: internal error (unknown key type)", k->name);
  return -1;
}

void gw_config_defaults(gw_config *c) {
  memset(c, 0, sizeof *c);
  for (size_t i = 0; i < NKEYS; i++) {
    int rc = set_key(c, &KEYS[i], KEYS[i].def, NULL, 0);
    (void)rc; /* the defaults are valid: tests/test_gateway_config.c checks */
  }
}

int gw_config_set(gw_config *c, const char *key, const char *value, char *err,
                  size_t errlen) {
  const key_def *k = find_key(key, strlen(key));
  if (!k) {
    errf(err, errlen, "unknown key '%s'", key);
    return -1;
  }
  return set_key(c, k, value, err, errlen);
}

/* ------------------------------------------------------------------ file */

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

/*
 * Parse one line in place.  *key and *value point into `line` on success; both
 * are NULL for a blank or comment line.
 */
static int parse_line(char *line, char **key, char **value, char *err,
                      size_t errlen) {
  *key = *value = NULL;
  char *p = line;
  while (is_space(*p)) p++;
  if (*p == '\0' || *p == '#') return 0;
  char *k = p;
  while (*p && !is_space(*p) && *p != '=') p++;
  char *kend = p;
  while (is_space(*p)) p++;
  if (*p != '=') {
    errf(err, errlen, "expected 'key = value'");
    return -1;
  }
  *kend = '\0';
  p++;
  while (is_space(*p)) p++;
  char *v = p;
  if (*p == '"') {
    /* Quoted: unescape in place, then only a comment may follow. */
    char *w = v;
    for (p++; *p && *p != '"'; p++) {
      if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
      *w++ = *p;
    }
    if (*p != '"') {
      errf(err, errlen, "unterminated quoted value");
      return -1;
    }
    p++;
    while (is_space(*p)) p++;
    if (*p && *p != '#') {
      errf(err, errlen, "unexpected text after the quoted value");
      return -1;
    }
    *w = '\0';
  } else {
    /* Bare: up to a '#' that starts a comment (preceded by a space) or the
     * end; trailing blanks dropped. */
    char *end = p;
    for (; *p; p++) {
      if (*p == '#' && (p == v || is_space(p[-1]))) break;
      if (!is_space(*p)) end = p + 1;
    }
    *end = '\0';
  }
  if (k == kend) {
    errf(err, errlen, "missing key before '='");
    return -1;
  }
  *key = k;
  *value = v;
  return 0;
}

int gw_config_load_text(gw_config *c, const char *name, const char *text,
                        char *err, size_t errlen) {
  unsigned char seen[NKEYS];
  memset(seen, 0, sizeof seen);
  unsigned lineno = 0;
  const char *p = text;
  while (*p) {
    char line[GW_STR_MAX + 256], msg[GW_STR_MAX + 128];
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    lineno++;
    if (len >= sizeof line) {
      errf(err, errlen, "%s:%u: line longer than %zu bytes", name, lineno,
           sizeof line - 1);
      return -1;
    }
    memcpy(line, p, len);
    line[len] = '\0';
    p += len + (nl ? 1 : 0);
    char *key, *value;
    if (parse_line(line, &key, &value, msg, sizeof msg) != 0) {
      errf(err, errlen, "%s:%u: %s", name, lineno, msg);
      return -1;
    }
    if (!key) continue;
    const key_def *k = find_key(key, strlen(key));
    if (!k) {
      errf(err, errlen, "%s:%u: unknown key '%s'", name, lineno, key);
      return -1;
    }
    if (seen[k - KEYS]) {
      errf(err, errlen, "%s:%u: key '%s' given twice", name, lineno, key);
      return -1;
    }
    seen[k - KEYS] = 1;
    if (set_key(c, k, value, msg, sizeof msg) != 0) {
      errf(err, errlen, "%s:%u: %s", name, lineno, msg);
      return -1;
    }
  }
  return 0;
}

/* Largest configuration file: a generous bound on a handful of keys, so a
 * wrong path (a log file, a device) is refused instead of slurped. */
#define GW_CONFIG_MAX_FILE (256 * 1024)

int gw_config_load_file(gw_config *c, const char *path, char *err,
                        size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  char *text = gw_malloc(GW_CONFIG_MAX_FILE + 1);
  if (!text) {
    fclose(f);
    errf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  size_t n = fread(text, 1, GW_CONFIG_MAX_FILE + 1, f);
  int bad = ferror(f);
  fclose(f);
  int rc = -1;
  if (bad)
    errf(err, errlen, "%s: read error", path);
  else if (n > GW_CONFIG_MAX_FILE)
    errf(err, errlen, "%s: larger than %d bytes", path, GW_CONFIG_MAX_FILE);
  else if (memchr(text, '\0', n))
    errf(err, errlen, "%s: contains a NUL byte (not a text file?)", path);
  else {
    text[n] = '\0';
    rc = gw_config_load_text(c, path, text, err, errlen);
  }
  gw_free(text);
  return rc;
}

/* ----------------------------------------------------------------- flags */

int gw_config_args(gw_config *c, int argc, char **argv, int apply,
                   gw_cli *cli, char *err, size_t errlen) {
  memset(cli, 0, sizeof *cli);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { cli->help = 1; continue; }
    if (!strcmp(a, "--version")) { cli->version = 1; continue; }
    if (!strcmp(a, "--check")) { cli->check = 1; continue; }
    if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
      if (i + 1 >= argc) {
        errf(err, errlen, "%s needs a file", a);
        return -1;
      }
      cli->config_path = argv[++i];
      continue;
    }
    if (!strncmp(a, "--config=", 9)) { cli->config_path = a + 9; continue; }
    if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
      errf(err, errlen, "unexpected argument '%s' (see --help)", a);
      return -1;
    }
    /* --key=value, --key value, or --key alone for a yes/no key. */
    char name[64];
    const char *eq = strchr(a + 2, '=');
    size_t nlen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    if (nlen >= sizeof name) {
      errf(err, errlen, "unknown option '%s' (see --help)", a);
      return -1;
    }
    for (size_t j = 0; j < nlen; j++) name[j] = a[2 + j] == '-' ? '_' : a[2 + j];
    name[nlen] = '\0';
    const key_def *k = find_key(name, nlen);
    if (!k) {
      errf(err, errlen, "unknown option '%s' (see --help)", a);
      return -1;
    }
    const char *value;
    if (eq) value = eq + 1;
    else if (k->type == K_BOOL) value = "yes";
    else if (i + 1 < argc) value = argv[++i];
    else {
      errf(err, errlen, "%s needs a value", a);
      return -1;
    }
    if (apply && set_key(c, k, value, err, errlen) != 0) return -1;
  }
  return 0;
}

/* ------------------------------------------------------------ validation */

int gw_parse_listen(const char *s, char *host, size_t hostlen, unsigned *port,
                    char *err, size_t errlen) {
  const char *colon;
  const char *h = s;
  size_t hl;
  if (*s == '[') {
    const char *close = strchr(s, ']');
    if (!close || close[1] != ':') {
      errf(err, errlen, "listen: '%s' is not [address]:port", s);
      return -1;
    }
    h = s + 1;
    hl = (size_t)(close - h);
    colon = close + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon || strchr(s, ':') != colon) {
      errf(err, errlen, "listen: '%s' is not address:port", s);
      return -1;
    }
    hl = (size_t)(colon - s);
  }
  if (hl == 0 || hl >= hostlen) {
    errf(err, errlen, "listen: '%s' has no usable address", s);
    return -1;
  }
  unsigned long long p;
  int used = parse_ull(colon + 1, &p);
  if (used < 0 || colon[1 + used] != '\0' || p > 65535) {
    errf(err, errlen, "listen: '%s' has no valid port (0-65535)", s);
    return -1;
  }
  memcpy(host, h, hl);
  host[hl] = '\0';
  *port = (unsigned)p;
  return 0;
}

int gw_config_validate(const gw_config *c, char *err, size_t errlen) {
  char host[256];
  unsigned port;
  if (c->charter[0] == '\0') {
    errf(err, errlen, "no charter configured: set 'charter = /path/to/file.chb' "
                      "or pass --charter (the gateway never runs unscreened)");
    return -1;
  }
  if (c->upstream[0] == '\0') {
    errf(err, errlen, "no upstream configured: set 'upstream = https://...' "
                      "or pass --upstream");
    return -1;
  }
  if (strncmp(c->upstream, "http://", 7) != 0 &&
      strncmp(c->upstream, "https://", 8) != 0) {
    errf(err, errlen, "upstream: '%s' must start with http:// or https://",
         c->upstream);
    return -1;
  }
  if (strpbrk(c->upstream, "?# \t\r\n")) {
    errf(err, errlen, "upstream: '%s' must be a base URL without query, "
                      "fragment or spaces", c->upstream);
    return -1;
  }
  if (c->tool[0] == '\0') {
    errf(err, errlen, "no tool configured: set 'tool = <tool id>' (the "
                      "charter's id for the upstream, e.g. lechat)");
    return -1;
  }
  if (gw_parse_listen(c->listen, host, sizeof host, &port, err, errlen) != 0)
    return -1;
  /* Same rule as the X-Charter-UE header: it is logged and audited. */
  for (const char *p = c->default_ue; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f || *p == '"' ||
        *p == '\\' || p - c->default_ue >= 64) {
      errf(err, errlen, "default_ue: at most 64 printable ASCII characters, "
                        "without quotes or backslashes");
      return -1;
    }
  return 0;
}

void gw_config_usage(FILE *f, const char *prog) {
  fprintf(f,
          "usage: %s [--config FILE] [--check] [--KEY=VALUE ...]\n"
          "\n"
          "An OpenAI-compatible proxy that screens every prompt against a "
          "compiled charter.\n"
          "Every configuration key can be given as a flag (--max-body=2m);\n"
          "flags override the file, the file overrides the defaults.\n"
          "\n"
          "  -c, --config FILE   key = value configuration file\n"
          "  --check             load the configuration and the charter, "
          "then exit\n"
          "  --version, --help\n"
          "\nkeys (default):\n",
          prog);
  for (size_t i = 0; i < NKEYS; i++)
    fprintf(f, "  %-26s %s (%s)\n", KEYS[i].name, KEYS[i].help,
            KEYS[i].def[0] ? KEYS[i].def : "\"\"");
  fprintf(f, "\nsignals: SIGHUP reloads the charter, SIGUSR1 reopens the "
             "audit log, SIGTERM drains and exits.\n");
}
