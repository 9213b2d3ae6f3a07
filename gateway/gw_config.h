/*
 * gw_config.h — the gateway's configuration: defaults, the key = value
 * file, command-line flags, validation.
 *
 * Stage: gateway.  Pure C with no I/O other than reading the file, so that
 * tests/test_gateway_config.c can compile it in and check every rule.
 *
 * Precedence: built-in defaults < configuration file < flags.  Every key of
 * the file is also a flag (`max_body = 1m` <-> `--max-body=1m`), because
 * both go through one table (gw_config.c, `KEYS`), which docs/gateway.md
 * mirrors (ORDER KEYS).
 */
#ifndef GW_CONFIG_H
#define GW_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "charter.h"
#include "gw_log.h"

#define GW_STR_MAX 1024 /* paths, URLs; longer values are refused */
#define GW_ID_MAX 128   /* tool ids, UE codes */

typedef enum gw_fail_mode { GW_FAIL_403 = 403, GW_FAIL_503 = 503 } gw_fail_mode;

typedef struct gw_config {
  char listen[GW_STR_MAX];       /* host:port, [v6]:port; port 0 = ephemeral */
  char upstream[GW_STR_MAX];     /* base URL; the request path is appended */
  char upstream_api_key_file[GW_STR_MAX]; /* replaces the client's auth */
  char upstream_proxy[GW_STR_MAX];        /* "" = none (env ignored) */
  char upstream_ca_file[GW_STR_MAX];
  char tool[GW_ID_MAX];          /* tool id or class seen by the charter */
  char charter[GW_STR_MAX];      /* path of the .chb */
  int trust_context_headers;     /* honour X-Charter-UE / X-Charter-Role */
  char default_ue[GW_ID_MAX];    /* "" = the charter's default UE */
  ch_role default_role;
  size_t max_body;               /* bytes */
  unsigned header_timeout;       /* s, idle while reading headers */
  unsigned body_timeout;         /* s, whole body upload */
  unsigned upstream_connect_timeout; /* s */
  unsigned upstream_timeout;     /* s, whole upstream exchange */
  unsigned max_connections;
  unsigned upstream_max_connections; /* 0 = unlimited */
  unsigned threads;              /* 0 = one per CPU */
  gw_fail_mode fail_mode;
  int reject_non_text;           /* non_text_parts = reject | forward */
  char audit_log[GW_STR_MAX];    /* "" = no audit log */
  size_t runtime_memory_limit;   /* bytes, 0 = none */
  unsigned drain_timeout;        /* s, SIGTERM grace */
  gw_log_level log_level;
  char port_file[GW_STR_MAX];    /* written with the bound port */
} gw_config;

/* What the command line asked for besides configuration keys. */
typedef struct gw_cli {
  const char *config_path; /* --config / -c, or NULL */
  int check;               /* --check: validate and exit */
  int help, version;
} gw_cli;

void gw_config_defaults(gw_config *c);
/*
 * Set one key from its text form.  Returns 0, or -1 with a message in err
 * ("unknown key 'x'", "max_body: '12q' is not a size").
 */
int gw_config_set(gw_config *c, const char *key, const char *value,
                  char *err, size_t errlen);
/*
 * Read a key = value file (see docs/gateway.md): '#' comments, blank lines,
 * values optionally in double quotes (\" and \\ escapes).  A key given
 * twice is an error, so a typo in one copy cannot silently win.
 * Returns 0 or -1 with "path:line: message" in err.
 */
int gw_config_load_file(gw_config *c, const char *path, char *err,
                        size_t errlen);
int gw_config_load_text(gw_config *c, const char *name, const char *text,
                        char *err, size_t errlen);
/*
 * Parse argv.  With apply == 0 only the gw_cli part is filled in (to find
 * --config first); with apply == 1 the configuration flags are applied.
 * Returns 0 or -1 with a message in err.
 */
int gw_config_args(gw_config *c, int argc, char **argv, int apply,
                   gw_cli *cli, char *err, size_t errlen);
/* Cross-key checks (required keys, URL scheme, listen syntax).  0 / -1. */
int gw_config_validate(const gw_config *c, char *err, size_t errlen);
/* Split "host:port" / "[v6]:port".  0 / -1 with a message in err. */
int gw_parse_listen(const char *s, char *host, size_t hostlen, unsigned *port,
                    char *err, size_t errlen);
/* The usage text, listing every key with its default. */
void gw_config_usage(FILE *f, const char *prog);

#endif
