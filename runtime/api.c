/*
 * api.c — the small public functions of libcharter: status texts, version,
 * charter identity and introspection, report and finding accessors, enum
 * names.  Introspection strings that are not in the image (numbers, lists,
 * a rule's condition) are built once at load (rt_build_attrs) so accessors
 * return stable borrowed pointers and stay thread-safe.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"
#include "runtime/opcodes.h"

const char *ch_strerror(ch_status code) {
  switch (code) {
  case CH_OK: return "success";
  case CH_E_NOMEM: return "out of memory";
  case CH_E_IO: return "input/output error";
  case CH_E_NOT_CHB: return "not a compiled charter";
  case CH_E_VERSION: return "unsupported compiled-charter format version";
  case CH_E_CORRUPT: return "corrupt compiled charter";
  case CH_E_COMPILE: return "charter source has errors";
  case CH_E_ARG: return "invalid argument";
  case CH_E_LIMIT: return "input exceeds a limit";
  case CH_E_NOTFOUND: return "unknown name";
  case CH_E_MATCH: return "pattern hit its match limit";
  case CH_E_INTERNAL: return "internal error";
  }
  return "unknown status";
}

const char *ch_version(void) { return CH_VERSION_STRING; }
uint32_t ch_format_version(void) { return CHB_FORMAT_VERSION; }

const char *ch_charter_id(const ch_charter *c) { return c ? c->id.s : ""; }
const char *ch_charter_title(const ch_charter *c) { return c ? c->title.s : ""; }
const char *ch_charter_version(const ch_charter *c) { return c ? c->version.s : ""; }
const char *ch_charter_license(const ch_charter *c) { return c ? c->license.s : ""; }

const char *ch_decision_name(ch_decision d) {
  switch (d) {
  case CH_ALLOW: return "allow";
  case CH_WARN: return "warn";
  case CH_REDACT: return "redact";
  case CH_DENY: return "deny";
  }
  return "?";
}

const char *ch_severity_name(ch_severity s) {
  switch (s) {
  case CH_SEV_INFO: return "info";
  case CH_SEV_WARNING: return "warning";
  case CH_SEV_ERROR: return "error";
  }
  return "?";
}

const char *ch_action_name(ch_action a) {
  switch (a) {
  case CH_ACT_REPORT: return "report";
  case CH_ACT_WARN: return "warn";
  case CH_ACT_REDACT: return "redact";
  case CH_ACT_DENY: return "deny";
  case CH_ACT_REQUIRE: return "require";
  }
  return "?";
}

static const char *disc_name(uint32_t d) {
  return d == CHB_DISC_REQUIRED ? "required" : d == CHB_DISC_OPTIONAL ? "optional" : "inherit";
}

/* ------------------------------------------------------ build at load */

typedef struct sbuf {
  const ch_allocator *a;
  char *p;
  size_t n, cap;
  int oom;
} sbuf;

/* Append a NUL-terminated string; returns its offset. */
static size_t sb_add(sbuf *b, const char *s, size_t len) {
  if (b->oom) return 0;
  if (b->n + len + 1 > b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 4096;
    while (nc < b->n + len + 1) nc *= 2;
    char *np = ch_realloc(b->a, b->p, nc);
    if (!np) {
      b->oom = 1;
      return 0;
    }
    b->p = np;
    b->cap = nc;
  }
  size_t off = b->n;
  memcpy(b->p + off, s, len);
  b->p[off + len] = 0;
  b->n += len + 1;
  return off;
}

static size_t sb_str(sbuf *b, const char *s) { return sb_add(b, s, strlen(s)); }

static void put_src(char *s, size_t cap, size_t *n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put_src(char *s, size_t cap, size_t *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(s + *n, cap - *n, fmt, ap);
  va_end(ap);
  if (k > 0) *n = *n + (size_t)k < cap ? *n + (size_t)k : cap - 1; /* sized below: never cut */
}

/* A fact's sources as charter text, one per line ("words exact \"M.\"",
 * "pattern /x/i near personal within 300", "detect nir", "min 2"), for
 * `charterc diff`: a word added or made exact is a change of a data
 * class.  Words are shown folded (as compiled), exact ones as written. */
static char *fact_sources(const ch_charter *c, const rt_fact *f) {
  size_t cap = 32;
  for (uint32_t p = f->pat_first; p < f->pat_end; p++) {
    const rt_pattern *q = &c->patterns[p];
    cap += q->text.len + 64 + (q->near != CHB_NONE && q->near < c->nfacts ? c->facts[q->near].id.len : 0);
  }
  char *s = ch_malloc(c->alloc, cap);
  if (!s) return NULL;
  size_t n = 0;
  s[0] = 0;
  for (uint32_t p = f->pat_first; p < f->pat_end; p++) {
    const rt_pattern *q = &c->patterns[p];
    const char *t = q->text.s;
    if (q->kind == CHB_PAT_DETECT) put_src(s, cap, &n, "detect %s", t);
    else if (q->kind == CHB_PAT_WORD) put_src(s, cap, &n, "words %s\"%s\"", q->flags & CHB_PATF_EXACT ? "exact " : "", t);
    else
      put_src(s, cap, &n, "pattern /%s/%s%s%s%s", t, q->flags & CHB_PATF_CASELESS ? "i" : "",
              q->flags & CHB_PATF_DOTALL ? "s" : "", q->flags & CHB_PATF_EXTENDED ? "x" : "",
              q->flags & CHB_PATF_MULTILINE ? "m" : "");
    if (q->near != CHB_NONE && q->near < c->nfacts)
      put_src(s, cap, &n, " near %s within %u", c->facts[q->near].id.s, (unsigned)q->near_dist);
    put_src(s, cap, &n, "\n");
  }
  if (f->min) put_src(s, cap, &n, "min %u\n", (unsigned)f->min);
  return s;
}

ch_status rt_build_attrs(ch_charter *c) {
  const ch_allocator *a = c->alloc;
  c->fact_words = (c->nfacts + 63) / 64;
  if (!c->fact_words) c->fact_words = 1;
  c->rule_facts = ch_calloc(a, (size_t)(c->nrules + 1) * c->fact_words, sizeof *c->rule_facts);
  c->rule_attr = ch_calloc(a, (size_t)(c->nrules + 1) * 4, sizeof *c->rule_attr);
  c->level_attr = ch_calloc(a, (size_t)(c->nlevels + 1) * 2, sizeof *c->level_attr);
  c->ue_attr = ch_calloc(a, (size_t)(c->nues + 1) * 3, sizeof *c->ue_attr);
  c->fact_src = ch_calloc(a, (size_t)c->nfacts + 1, sizeof *c->fact_src);
  if (!c->rule_facts || !c->rule_attr || !c->level_attr || !c->ue_attr || !c->fact_src) return CH_E_NOMEM;
  sbuf b = {a, NULL, 0, 0, 0};
  /* offsets first (the buffer may move), pointers at the end */
  size_t *roff = ch_calloc(a,
                           (size_t)(c->nrules + 1) * 4 + (size_t)(c->nlevels + 1) * 2 + (size_t)(c->nues + 1) * 3 +
                               (size_t)c->nfacts + 1,
                           sizeof *roff);
  if (!roff) return CH_E_NOMEM;
  size_t *loff = roff + (size_t)(c->nrules + 1) * 4, *uoff = loff + (size_t)(c->nlevels + 1) * 2,
         *foff = uoff + (size_t)(c->nues + 1) * 3;
  static const char *const scopes[] = {"", "prompt", "document", "both"};
  for (uint32_t i = 0; i < c->nrules; i++) {
    const rt_rule *r = &c->rules[i];
    uint64_t *bits = c->rule_facts + (size_t)i * c->fact_words;
    /* the code is verified: decode it to find the facts the rule reads */
    for (uint32_t pc = 0; pc < r->code_len;) {
      const op_info *oi = &op_table[r->code[pc]];
      if (oi->flags & OPF_FACT) {
        uint32_t f = chb_rd16(r->code + pc + 1);
        bits[f / 64] |= (uint64_t)1 << (f % 64);
      }
      pc += 1 + oi->operand_bytes;
    }
    roff[4 * i] = sb_str(&b, ch_severity_name((ch_severity)r->severity));
    roff[4 * i + 1] = sb_str(&b, scopes[r->scope & 3]);
    roff[4 * i + 2] = sb_str(&b, ch_action_name((ch_action)r->action));
    /* condition: as charter text (condition.c), which diff compares and
     * shows; the bytecode in hex for code the compiler does not emit */
    char *cond = rt_condition_text(c, r);
    if (!cond && (cond = ch_malloc(a, 2 * (size_t)r->code_len + 1)) != NULL) {
      for (uint32_t k = 0; k < r->code_len; k++) snprintf(cond + 2 * k, 3, "%02x", r->code[k]);
      cond[2 * r->code_len] = 0;
    }
    if (!cond) b.oom = 1;
    roff[4 * i + 3] = sb_str(&b, cond ? cond : "");
    ch_free(a, cond);
  }
  for (uint32_t i = 0; i < c->nlevels; i++) {
    char num[16];
    snprintf(num, sizeof num, "%d", c->levels[i].rank);
    loff[2 * i] = sb_str(&b, num);
    loff[2 * i + 1] = sb_str(&b, disc_name(c->levels[i].disclosure));
  }
  for (uint32_t i = 0; i < c->nues; i++) {
    const rt_ue *u = &c->ues[i];
    uoff[3 * i] = sb_str(&b, c->levels[u->level].id.s);
    char list[1024] = "";
    for (uint32_t k = 0; k < c->nclasses && k < 32; k++)
      if (u->classes >> k & 1) {
        if (list[0]) strncat(list, ",", sizeof list - strlen(list) - 1);
        strncat(list, c->classes_id[k].s, sizeof list - strlen(list) - 1);
      }
    uoff[3 * i + 1] = sb_str(&b, list);
    uoff[3 * i + 2] = sb_str(&b, disc_name(u->disclosure));
  }
  for (uint32_t i = 0; i < c->nfacts; i++) {
    char *src = fact_sources(c, &c->facts[i]);
    if (!src) b.oom = 1;
    foff[i] = sb_str(&b, src ? src : "");
    ch_free(a, src);
  }
  if (b.oom) {
    ch_free(a, roff);
    ch_free(a, b.p);
    return CH_E_NOMEM;
  }
  c->attr = b.p;
  for (uint32_t i = 0; i < c->nrules * 4; i++) c->rule_attr[i] = b.p + roff[i];
  for (uint32_t i = 0; i < c->nlevels * 2; i++) c->level_attr[i] = b.p + loff[i];
  for (uint32_t i = 0; i < c->nues * 3; i++) c->ue_attr[i] = b.p + uoff[i];
  for (uint32_t i = 0; i < c->nfacts; i++) c->fact_src[i] = b.p + foff[i];
  ch_free(a, roff);
  return CH_OK;
}

/* ----------------------------------------------------------- introspection */

static uint32_t nkind(const ch_charter *c, uint32_t kind) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < c->nfacts; i++) n += c->facts[i].kind == kind;
  return n;
}

static const rt_fact *nth_fact(const ch_charter *c, uint32_t kind, size_t idx) {
  for (uint32_t i = 0; i < c->nfacts; i++)
    if (c->facts[i].kind == kind && idx-- == 0) return &c->facts[i];
  return NULL;
}

size_t ch_charter_count(const ch_charter *c, ch_item kind) {
  if (!c) return 0;
  switch (kind) {
  case CH_ITEM_RULE: return c->nrules;
  case CH_ITEM_TOOL: return c->ntools;
  case CH_ITEM_TOOL_CLASS: return c->nclasses;
  case CH_ITEM_LEVEL: return c->nlevels;
  case CH_ITEM_UE: return c->nues;
  case CH_ITEM_DATA_CLASS: return nkind(c, CHB_FACT_DATA);
  case CH_ITEM_MARKER: return nkind(c, CHB_FACT_MARKER);
  case CH_ITEM_LINEAGE: return c->nlineage;
  }
  return 0;
}

const char *ch_charter_item(const ch_charter *c, ch_item kind, size_t i, const char *key) {
  if (!c || !key || i >= ch_charter_count(c, kind)) return NULL;
  switch (kind) {
  case CH_ITEM_RULE: {
    const rt_rule *r = &c->rules[i];
    if (!strcmp(key, "id")) return r->id.s;
    if (!strcmp(key, "statement")) return r->statement.s;
    if (!strcmp(key, "message")) return r->message.s;
    if (!strcmp(key, "severity")) return c->rule_attr[4 * i];
    if (!strcmp(key, "scope")) return c->rule_attr[4 * i + 1];
    if (!strcmp(key, "action")) return c->rule_attr[4 * i + 2];
    if (!strcmp(key, "condition")) return c->rule_attr[4 * i + 3];
    if (!strcmp(key, "redact")) return r->action == CH_ACT_REDACT ? c->facts[r->action_arg].id.s : NULL;
    return NULL;
  }
  case CH_ITEM_TOOL:
    if (!strcmp(key, "id")) return c->tools[i].id.s;
    if (!strcmp(key, "title")) return c->tools[i].title.s;
    if (!strcmp(key, "class")) return c->classes_id[c->tools[i].cls].s;
    return NULL;
  case CH_ITEM_TOOL_CLASS:
    if (!strcmp(key, "id")) return c->classes_id[i].s;
    if (!strcmp(key, "title")) return c->classes_title[i].s;
    return NULL;
  case CH_ITEM_LEVEL:
    if (!strcmp(key, "id")) return c->levels[i].id.s;
    if (!strcmp(key, "title")) return c->levels[i].title.s;
    if (!strcmp(key, "rank")) return c->level_attr[2 * i];
    if (!strcmp(key, "disclosure")) return c->level_attr[2 * i + 1];
    return NULL;
  case CH_ITEM_UE:
    if (!strcmp(key, "id") || !strcmp(key, "code")) return c->ues[i].code.s;
    if (!strcmp(key, "title")) return c->ues[i].title.s;
    if (!strcmp(key, "level")) return c->ue_attr[3 * i];
    if (!strcmp(key, "tools")) return c->ue_attr[3 * i + 1];
    if (!strcmp(key, "disclosure")) return c->ue_attr[3 * i + 2];
    return NULL;
  case CH_ITEM_DATA_CLASS:
  case CH_ITEM_MARKER: {
    const rt_fact *f = nth_fact(c, kind == CH_ITEM_DATA_CLASS ? CHB_FACT_DATA : CHB_FACT_MARKER, i);
    if (!f) return NULL;
    if (!strcmp(key, "id")) return f->id.s;
    if (!strcmp(key, "title")) return f->title.s;
    if (!strcmp(key, "sources")) return c->fact_src[f - c->facts];
    return NULL;
  }
  case CH_ITEM_LINEAGE: {
    static const char *const keys[] = {"id", "title", "version", "license", "attribution", "source", "date"};
    for (int k = 0; k < 7; k++)
      if (!strcmp(key, keys[k])) return c->lineage[i][k].s;
    return NULL;
  }
  }
  return NULL;
}

/* ------------------------------------------------------------------ report */

ch_decision ch_report_decision(const ch_report *r) { return r ? r->decision : CH_ALLOW; }
int ch_report_limit_hit(const ch_report *r) { return r ? r->limit_hit : 0; }
int ch_report_level(const ch_report *r) { return r ? r->level : 0; }
const char *ch_report_level_name(const ch_report *r) { return r && r->level_name ? r->level_name : ""; }
const char *ch_report_ue(const ch_report *r) { return r && r->ue ? r->ue : ""; }
unsigned ch_report_disclosure(const ch_report *r) { return r ? r->disclosure : 0; }
size_t ch_report_finding_count(const ch_report *r) { return r ? r->nfindings : 0; }
const ch_finding *ch_report_finding(const ch_report *r, size_t i) {
  return r && i < r->nfindings ? &r->findings[i] : NULL;
}
const char *ch_report_redacted(const ch_report *r, size_t *len) {
  if (!r) {
    if (len) *len = 0;
    return "";
  }
  if (len) *len = r->redacted_len;
  return r->redacted ? r->redacted : "";
}

const char *ch_finding_rule(const ch_finding *f) { return f ? f->rule->id.s : ""; }
ch_severity ch_finding_severity(const ch_finding *f) { return f ? (ch_severity)f->rule->severity : CH_SEV_INFO; }
ch_action ch_finding_action(const ch_finding *f) { return f ? (ch_action)f->rule->action : CH_ACT_REPORT; }
const char *ch_finding_statement(const ch_finding *f) { return f ? f->rule->statement.s : ""; }
const char *ch_finding_message(const ch_finding *f) { return f ? f->message : ""; }
size_t ch_finding_evidence_count(const ch_finding *f) { return f ? f->nev : 0; }
ch_status ch_finding_evidence(const ch_finding *f, size_t i, ch_span *out) {
  if (!f || !out || i >= f->nev) return CH_E_ARG;
  *out = f->ev[i];
  return CH_OK;
}
