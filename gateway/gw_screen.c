/*
 * gw_screen.c — screening a request (see gw_screen.h).
 */
#include "gw_screen.h"

#include <stdio.h>
#include <string.h>

#include "gw_alloc.h"
#include "gw_buf.h"
#include "gw_log.h"

static void copy_id(char dst[GW_ID_LEN], const char *src) {
  gw_utf8_copy(dst, GW_ID_LEN, src);
}

static void add_rule(gw_verdict *v, const char *id, ch_action act) {
  if (!id) return;
  for (size_t i = 0; i < v->n_rules; i++)
    if (strncmp(v->rules[i], id, GW_ID_LEN - 1) == 0) {
      if (act > v->actions[i]) v->actions[i] = act;
      return;
    }
  if (v->n_rules == GW_MAX_IDS) return; /* enough to explain the decision */
  copy_id(v->rules[v->n_rules], id);
  v->actions[v->n_rules++] = act;
}

/* Facts that are data classes of the charter (not markers or other facts)
 * are what the audit log calls data classes. */
static void add_class(gw_verdict *v, const gw_charter *c, const char *fact) {
  if (!fact) return;
  size_t i;
  for (i = 0; i < c->n_data_classes; i++)
    if (strcmp(c->data_classes[i], fact) == 0) break;
  if (i == c->n_data_classes) return;
  for (i = 0; i < v->n_classes; i++)
    if (strncmp(v->classes[i], fact, GW_ID_LEN - 1) == 0) return;
  if (v->n_classes == GW_MAX_IDS) return;
  copy_id(v->classes[v->n_classes++], fact);
}

static void collect(gw_verdict *v, const gw_charter *c, const ch_report *r) {
  size_t n = ch_report_finding_count(r);
  for (size_t i = 0; i < n; i++) {
    const ch_finding *f = ch_report_finding(r, i);
    if (!f) continue;
    ch_action act = ch_finding_action(f);
    add_rule(v, ch_finding_rule(f), act);
    if (act == CH_ACT_DENY && v->deny_rule[0] == '\0') {
      copy_id(v->deny_rule, ch_finding_rule(f));
      const char *st = ch_finding_statement(f);
      gw_utf8_copy(v->deny_statement, sizeof v->deny_statement,
                   st && *st ? st : "This prompt is not allowed by the charter.");
    }
    size_t ne = ch_finding_evidence_count(f);
    for (size_t j = 0; j < ne; j++) {
      ch_span sp;
      if (ch_finding_evidence(f, j, &sp) == CH_OK) add_class(v, c, sp.fact);
    }
  }
}

static void fail(gw_verdict *v, gw_holder *h, ch_status st, const char *what,
                 const char *detail) {
  v->error = 1;
  v->error_status = st;
  snprintf(v->error_msg, sizeof v->error_msg, "%s: %s%s%s", what,
           ch_strerror(st), detail && *detail ? ": " : "", detail ? detail : "");
  /* A scanner that failed mid-scan is in an unknown state: never reuse it. */
  gw_holder_drop_scanner(h);
}

/* An invisible control character (C0 but tab, newline and CR; DEL) may
 * sit between the digits of an identifier or the letters of a key.  The
 * clean view drops most of them, but keeps DEL, vertical tab and form
 * feed (normalize.h), and the model would read the forwarded bytes, not
 * the clean view.  Such bytes carry nothing a model needs: they are taken
 * out of the text before it is screened, so the body forwarded is the one
 * screened.  Vertical tab and form feed become spaces.  0 when nothing
 * changed, 1 when the node now holds the text without them, -1 out of
 * memory. */
static int is_ctl(unsigned char b) { return (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f; }
static int strip_controls(json_t *node) {
  const char *text = json_string_value(node);
  size_t len = json_string_length(node), k = 0;
  while (k < len && !is_ctl((unsigned char)text[k])) k++;
  if (k == len) return 0;
  char *o = gw_malloc(len ? len : 1);
  if (!o) return -1;
  size_t w = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char b = (unsigned char)text[i];
    if (b == '\v' || b == '\f') o[w++] = ' ';
    else if (!is_ctl(b)) o[w++] = (char)b;
  }
  int rc = json_string_setn(node, o, w) ? -1 : 1;
  gw_free(o);
  return rc;
}

void gw_screen(gw_holder *h, gw_parsed *p, const gw_context *ctx,
               gw_verdict *v) {
  memset(v, 0, sizeof *v);
  uint64_t t0 = gw_now_ns();
  ch_scanner *sc;
  gw_charter *c;
  char err[200];
  /* The digest covers every piece even when screening fails below, so
   * that the audit record of a failed request still identifies it. */
  sha256_ctx hash;
  sha256_init(&hash);
  for (size_t i = 0; i < p->pieces.n; i++) {
    if (i) sha256_update(&hash, "\n", 1);
    sha256_update(&hash, json_string_value(p->pieces.v[i]),
                  json_string_length(p->pieces.v[i]));
    v->bytes += json_string_length(p->pieces.v[i]);
  }
  uint8_t digest[SHA256_DIGEST_LEN];
  sha256_final(&hash, digest);
  sha256_hex(digest, v->sha256);
  ch_status st = gw_holder_scanner(h, &sc, &c, err, sizeof err);
  if (st != CH_OK) {
    fail(v, h, st, "scanner", err);
    goto out;
  }
  v->generation = c->generation;
  copy_id(v->charter_id, ch_charter_id(c->ch));
  gw_utf8_copy(v->charter_version, sizeof v->charter_version,
               ch_charter_version(c->ch));
  /* The context persists across scans: set all of it for every request. */
  if ((st = ch_scanner_set_ue(sc, ctx->ue)) != CH_OK ||
      (st = ch_scanner_set_role(sc, ctx->role)) != CH_OK) {
    fail(v, h, st, "context", ch_scanner_errmsg(sc));
    goto out;
  }
  for (size_t i = 0; i < p->pieces.n; i++) {
    json_t *node = p->pieces.v[i];
    int stripped = strip_controls(node);
    if (stripped < 0) {
      fail(v, h, CH_E_NOMEM, "controls", "cannot store the text without its control characters");
      goto out;
    }
    if (stripped) v->modified = 1;
    const char *text = json_string_value(node);
    size_t len = json_string_length(node);
    const ch_report *r = NULL;
    st = ch_scanner_scan(sc, text, len, &r);
    if (st != CH_OK || !r) {
      fail(v, h, st == CH_OK ? CH_E_INTERNAL : st, "scan",
           ch_scanner_errmsg(sc));
      goto out;
    }
    ch_decision d = ch_report_decision(r);
    if (d > v->decision) v->decision = d;
    if (ch_report_limit_hit(r)) v->limit_hit = 1;
    collect(v, c, r);
    if (d == CH_REDACT) {
      size_t rlen = 0;
      const char *red = ch_report_redacted(r, &rlen);
      if (!red) {
        fail(v, h, CH_E_INTERNAL, "redact", "no redacted text");
        goto out;
      }
      if (rlen != len || memcmp(red, text, len) != 0) {
        /* Copy now: the report's buffer dies with the next scan. */
        if (json_string_setn(node, red, rlen) != 0) {
          fail(v, h, CH_E_NOMEM, "redact", "cannot store the redacted text");
          goto out;
        }
        v->modified = 1;
      }
    }
  }
  v->pieces = p->pieces.n;
out:
  v->scan_ns = gw_now_ns() - t0;
}

void gw_verdict_rules(const gw_verdict *v, unsigned mask, char *out,
                      size_t size) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < v->n_rules; i++) {
    if (!(mask & (1u << v->actions[i]))) continue;
    int n = snprintf(out + used, size - used, "%s%s", used ? "," : "",
                     v->rules[i]);
    if (n < 0 || (size_t)n >= size - used) {
      out[used] = '\0'; /* keep only whole ids */
      return;
    }
    used += (size_t)n;
  }
}
