/*
 * gw_screen.h — screening one request against the charter: every text
 * piece is scanned in prompt scope with this thread's scanner, the
 * decisions are combined, redactions are written back into the body, and
 * the outcome is summed up as a gw_verdict for the response, the audit log
 * and the metrics.
 *
 * Stage: gateway, on top of libcharter's public API only.
 *
 * The decision of a request is the highest decision of its pieces
 * (allow < warn < redact < deny, include/charter.h).  Each piece is scanned
 * on its own, so a redaction maps back onto the string it came from.
 */
#ifndef GW_SCREEN_H
#define GW_SCREEN_H

#include <stdint.h>

#include "charter.h"
#include "gw_holder.h"
#include "gw_request.h"
#include "sha256.h"

#define GW_MAX_IDS 32   /* rule ids / data classes kept per request */
#define GW_ID_LEN 96    /* longest id kept; longer ones are cut */

typedef struct gw_context {
  const char *ue; /* NULL: the configured default */
  ch_role role;
} gw_context;

typedef struct gw_verdict {
  ch_decision decision;
  int error;                 /* screening failed: nothing may be forwarded */
  ch_status error_status;
  char error_msg[256];       /* for the log; never contains prompt text */
  char deny_rule[GW_ID_LEN]; /* the first deny finding */
  char deny_statement[512];
  char rules[GW_MAX_IDS][GW_ID_LEN]; /* distinct rule ids, in order */
  ch_action actions[GW_MAX_IDS];
  size_t n_rules;
  char classes[GW_MAX_IDS][GW_ID_LEN]; /* distinct data classes */
  size_t n_classes;
  char sha256[SHA256_HEX_LEN]; /* of the pieces joined with '\n' */
  int modified;              /* a redaction changed the body */
  int limit_hit;             /* a pattern hit a PCRE2 limit */
  size_t pieces, bytes;
  unsigned long generation;  /* of the charter that decided */
  char charter_id[GW_ID_LEN], charter_version[64];
  uint64_t scan_ns;
} gw_verdict;

/*
 * Screen the pieces of `p` with the calling thread's scanner for the
 * current charter, filling [out] v (no allocation; v owns nothing).  Redacted text replaces the JSON strings in p->root (so
 * the caller re-serialises the body when v->modified).  Never fails
 * silently: on any runtime error v->error is set and the caller must not
 * forward the request (fail closed).
 */
void gw_screen(gw_holder *h, gw_parsed *p, const gw_context *ctx,
               gw_verdict *v);

/* Comma-separated rule ids of the findings whose action is in `mask`
 * (bit 1 << ch_action), for the X-Charter-* headers.  "" if none. */
void gw_verdict_rules(const gw_verdict *v, unsigned mask, char *out,
                      size_t size);

#endif
