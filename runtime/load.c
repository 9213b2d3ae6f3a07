/*
 * load.c — load a .chb: copy it, check every byte that will ever be used,
 * then build the in-memory charter (tables, compiled regexes, prefilter).
 *
 * The file is untrusted.  Checks run in this order and each names itself
 * in the error: header (magic -> CH_E_NOT_CHB; version -> CH_E_VERSION;
 * probe, size, CRC -> CH_E_CORRUPT), section table (known kinds, no
 * duplicates, in bounds, 4-byte aligned, whole records), every string,
 * every index and enum, then each rule's bytecode (verify.c).  After this
 * the scanner and the VM trust the charter and use asserts only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"
#include "runtime/detect.h"
#include "runtime/limits.h"
#include "runtime/under_valgrind.h"

typedef struct ld {
  ch_charter *c;
  const unsigned char *sec[CHB_SEC_MAX_];
  uint32_t len[CHB_SEC_MAX_];
  char *err;
  size_t errlen;
  uint32_t version; /* the file's format version */
} ld;

static ch_status fail(ld *l, ch_status st, const char *fmt, ...) {
  if (l->err && l->errlen) {
    int n = snprintf(l->err, l->errlen, "bad .chb: ");
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < l->errlen) vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return st;
}

static uint32_t count(const ld *l, unsigned kind) {
  return l->len[kind] / (4 * chb_record_words(kind));
}

static const unsigned char *rec(const ld *l, unsigned kind, uint32_t i) {
  return l->sec[kind] + (size_t)i * 4 * chb_record_words(kind);
}

static int utf8_ok(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned c = p[i];
    if (c < 0x80) {
      if (c == 0) return 0;
      i++;
      continue;
    }
    size_t k = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (!k || i + k > n) return 0;
    for (size_t j = 1; j < k; j++)
      if ((p[i + j] & 0xc0) != 0x80) return 0;
    i += k;
  }
  return 1;
}

/* A string pair at word `field` of record r. */
static ch_status str_at(ld *l, const unsigned char *r, unsigned field, rt_str *out, const char *what, uint32_t idx) {
  uint32_t off = chb_rd32(r + 4 * field), len = chb_rd32(r + 4 * (field + 1));
  uint32_t strn = l->len[CHB_SEC_STR];
  if ((uint64_t)off + len >= strn)
    return fail(l, CH_E_CORRUPT, "string out of range in %s %u", what, idx);
  const unsigned char *s = l->sec[CHB_SEC_STR] + off;
  if (s[len] != 0) return fail(l, CH_E_CORRUPT, "string not terminated in %s %u", what, idx);
  if (!utf8_ok(s, len)) return fail(l, CH_E_CORRUPT, "invalid UTF-8 string in %s %u", what, idx);
  out->s = (const char *)s;
  out->len = len;
  return CH_OK;
}

#define TRY(x)                                                                 \
  do {                                                                         \
    ch_status st_ = (x);                                                       \
    if (st_ != CH_OK) return st_;                                              \
  } while (0)

static void *pcre_alloc(size_t n, void *ud) { return ch_malloc((const ch_allocator *)ud, n); }
static void pcre_free(void *p, void *ud) { ch_free((const ch_allocator *)ud, p); }

static ch_status parse_header(ld *l, const unsigned char *p, size_t n) {
  if (n < CHB_MAGIC_LEN || memcmp(p, CHB_MAGIC, CHB_MAGIC_LEN))
    return fail(l, CH_E_NOT_CHB, "not a compiled charter (wrong magic)");
  if (n < CHB_HEADER_SIZE) return fail(l, CH_E_CORRUPT, "truncated header (%zu bytes)", n);
  uint32_t ver = chb_rd32(p + 8);
  if (ver < CHB_FORMAT_VERSION_MIN || ver > CHB_FORMAT_VERSION)
    return fail(l, CH_E_VERSION, "format version %u, this library reads versions %u to %u", ver, CHB_FORMAT_VERSION_MIN,
                CHB_FORMAT_VERSION);
  l->version = ver;
  if (chb_rd32(p + 12) != CHB_PROBE) return fail(l, CH_E_CORRUPT, "byte-order probe mismatch");
  if (chb_rd32(p + 16) != n) return fail(l, CH_E_CORRUPT, "size mismatch (header says %u, file has %zu bytes: truncated?)", chb_rd32(p + 16), n);
  if (chb_rd32(p + 28) != 0) return fail(l, CH_E_CORRUPT, "unknown flags %u", chb_rd32(p + 28));
  if (chb_rd32(p + 24) != chb_crc32(p + CHB_HEADER_SIZE, n - CHB_HEADER_SIZE))
    return fail(l, CH_E_CORRUPT, "checksum mismatch");
  uint32_t nsec = chb_rd32(p + 20);
  if (nsec > CH_MAX_SECTIONS || CHB_HEADER_SIZE + (uint64_t)nsec * 12 > n)
    return fail(l, CH_E_CORRUPT, "section table out of range (%u sections)", nsec);
  uint64_t table_end = CHB_HEADER_SIZE + (uint64_t)nsec * 12;
  for (uint32_t i = 0; i < nsec; i++) {
    const unsigned char *t = p + CHB_HEADER_SIZE + 12 * i;
    uint32_t k = chb_rd32(t), off = chb_rd32(t + 4), len = chb_rd32(t + 8);
    if (k == 0 || k >= CHB_SEC_MAX_) return fail(l, CH_E_CORRUPT, "unknown section kind %u", k);
    if (l->sec[k]) return fail(l, CH_E_CORRUPT, "duplicate section %u", k);
    if (off < table_end || (uint64_t)off + len > n || off % 4)
      return fail(l, CH_E_CORRUPT, "section %u out of range", k);
    uint32_t w = chb_record_words(k);
    if (w && len % (4 * w)) return fail(l, CH_E_CORRUPT, "section %u is not a whole number of records", k);
    l->sec[k] = p + off;
    l->len[k] = len;
  }
  /* sections must not overlap: a hostile file could alias code and strings */
  for (unsigned a = 1; a < CHB_SEC_MAX_; a++)
    for (unsigned b = a + 1; b < CHB_SEC_MAX_; b++) {
      if (!l->sec[a] || !l->sec[b] || !l->len[a] || !l->len[b]) continue;
      const unsigned char *x = l->sec[a], *y = l->sec[b];
      if (x < y + l->len[b] && y < x + l->len[a]) return fail(l, CH_E_CORRUPT, "sections %u and %u overlap", a, b);
    }
  static const unsigned required[] = {CHB_SEC_STR, CHB_SEC_META, CHB_SEC_LINEAGE, CHB_SEC_RULE, CHB_SEC_CODE};
  for (size_t i = 0; i < sizeof required / sizeof *required; i++)
    if (!l->sec[required[i]]) return fail(l, CH_E_CORRUPT, "missing section %u", required[i]);
  if (l->len[CHB_SEC_META] != 4 * CHB_META_N) return fail(l, CH_E_CORRUPT, "META must hold one record");
  if (l->len[CHB_SEC_STR] == 0) return fail(l, CH_E_CORRUPT, "empty string pool");
  return CH_OK;
}

/* Detectors with triggers (detect.h) get them as extra atoms after the
 * image's own, so the one prefilter pass also finds where they may fire
 * and they run only there instead of over the whole text. */
static ch_status add_triggers(ch_charter *c) {
  const ch_allocator *a = c->alloc;
  char buf[256];
  unsigned fl;
  size_t n = 0, bytes = 0;
  for (uint32_t i = 0; i < c->npatterns; i++) {
    if (c->patterns[i].kind != CHB_PAT_DETECT) continue;
    for (size_t k = 0, l; (l = det_trigger(c->patterns[i].det, k, buf, &fl)) > 0; k++) n++, bytes += l;
  }
  if (!n) return CH_OK;
  rt_atom *at = ch_realloc(a, c->atoms, (c->natoms + n + 1) * sizeof *at);
  if (!at) return CH_E_NOMEM;
  c->atoms = at;
  c->trig_text = ch_malloc(a, bytes);
  if (!c->trig_text) return CH_E_NOMEM;
  unsigned char *w = c->trig_text;
  for (uint32_t i = 0; i < c->npatterns; i++) {
    if (c->patterns[i].kind != CHB_PAT_DETECT) continue;
    for (size_t k = 0, l; (l = det_trigger(c->patterns[i].det, k, buf, &fl)) > 0; k++) {
      memcpy(w, buf, l);
      c->atoms[c->natoms++] = (rt_atom){i, (uint32_t)l, w, fl, 0};
      c->patterns[i].ntrig++;
      w += l;
    }
  }
  return CH_OK;
}

static ch_status build_tables(ld *l) {
  ch_charter *c = l->c;
  const ch_allocator *a = c->alloc;
  const unsigned char *m = l->sec[CHB_SEC_META];
  TRY(str_at(l, m, CHB_META_ID, &c->id, "META", 0));
  TRY(str_at(l, m, CHB_META_TITLE, &c->title, "META", 0));
  TRY(str_at(l, m, CHB_META_VERSION, &c->version, "META", 0));
  TRY(str_at(l, m, CHB_META_LICENSE, &c->license, "META", 0));

  c->nlineage = count(l, CHB_SEC_LINEAGE);
  if (!c->nlineage) return fail(l, CH_E_CORRUPT, "empty lineage");
  c->lineage = ch_calloc(a, c->nlineage, sizeof *c->lineage);
  if (!c->lineage) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->nlineage; i++)
    for (unsigned f = 0; f < 7; f++) TRY(str_at(l, rec(l, CHB_SEC_LINEAGE, i), 2 * f, &c->lineage[i][f], "lineage", i));

  c->nclasses = l->sec[CHB_SEC_CLASS] ? count(l, CHB_SEC_CLASS) : 0;
  if (c->nclasses > CH_MAX_TOOL_CLASSES) return fail(l, CH_E_CORRUPT, "%u tool classes (limit %d)", c->nclasses, CH_MAX_TOOL_CLASSES);
  c->classes_id = ch_calloc(a, c->nclasses + 1, sizeof *c->classes_id);
  c->classes_title = ch_calloc(a, c->nclasses + 1, sizeof *c->classes_title);
  if (!c->classes_id || !c->classes_title) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->nclasses; i++) {
    TRY(str_at(l, rec(l, CHB_SEC_CLASS, i), CHB_CLASS_ID, &c->classes_id[i], "class", i));
    TRY(str_at(l, rec(l, CHB_SEC_CLASS, i), CHB_CLASS_TITLE, &c->classes_title[i], "class", i));
  }
  uint32_t allmask = c->nclasses >= 32 ? 0xffffffffu : (1u << c->nclasses) - 1;

  c->ntools = l->sec[CHB_SEC_TOOL] ? count(l, CHB_SEC_TOOL) : 0;
  if (c->ntools > CH_MAX_TOOLS) return fail(l, CH_E_CORRUPT, "%u tools (limit %d)", c->ntools, CH_MAX_TOOLS);
  c->tools = ch_calloc(a, c->ntools + 1, sizeof *c->tools);
  if (!c->tools) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->ntools; i++) {
    const unsigned char *r = rec(l, CHB_SEC_TOOL, i);
    TRY(str_at(l, r, CHB_TOOL_ID, &c->tools[i].id, "tool", i));
    TRY(str_at(l, r, CHB_TOOL_TITLE, &c->tools[i].title, "tool", i));
    c->tools[i].cls = chb_rd32(r + 4 * CHB_TOOL_CLASS);
    if (c->tools[i].cls >= c->nclasses) return fail(l, CH_E_CORRUPT, "class index out of range in tool %u", i);
  }

  c->nlevels = l->sec[CHB_SEC_LEVEL] ? count(l, CHB_SEC_LEVEL) : 0;
  if (c->nlevels > CH_MAX_LEVELS) return fail(l, CH_E_CORRUPT, "%u levels (limit %d)", c->nlevels, CH_MAX_LEVELS);
  c->levels = ch_calloc(a, c->nlevels + 1, sizeof *c->levels);
  if (!c->levels) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->nlevels; i++) {
    const unsigned char *r = rec(l, CHB_SEC_LEVEL, i);
    TRY(str_at(l, r, CHB_LEVEL_ID, &c->levels[i].id, "level", i));
    TRY(str_at(l, r, CHB_LEVEL_TITLE, &c->levels[i].title, "level", i));
    c->levels[i].rank = (int32_t)chb_rd32(r + 4 * CHB_LEVEL_RANK);
    c->levels[i].disclosure = chb_rd32(r + 4 * CHB_LEVEL_DISCLOSURE);
    if (c->levels[i].rank < 0 || c->levels[i].rank > 1000000) return fail(l, CH_E_CORRUPT, "rank out of range in level %u", i);
    if (i && c->levels[i].rank <= c->levels[i - 1].rank) return fail(l, CH_E_CORRUPT, "level ranks not increasing at level %u", i);
    if (c->levels[i].disclosure > CHB_DISC_OPTIONAL) return fail(l, CH_E_CORRUPT, "bad disclosure value in level %u", i);
  }

  c->default_level = chb_rd32(m + 4 * CHB_META_DEFAULT_LEVEL);
  c->default_classes = chb_rd32(m + 4 * CHB_META_DEFAULT_CLASSES);
  c->default_disclosure = chb_rd32(m + 4 * CHB_META_DEFAULT_DISCLOSURE);
  if (c->default_level != CHB_NONE && c->default_level >= c->nlevels) return fail(l, CH_E_CORRUPT, "default level out of range");
  if (c->default_classes & ~allmask) return fail(l, CH_E_CORRUPT, "default class mask names unknown classes");
  if (c->default_disclosure > CHB_DISC_OPTIONAL) return fail(l, CH_E_CORRUPT, "bad default disclosure value");

  c->nues = l->sec[CHB_SEC_UE] ? count(l, CHB_SEC_UE) : 0;
  if (c->nues > CH_MAX_UES) return fail(l, CH_E_CORRUPT, "%u UEs (limit %d)", c->nues, CH_MAX_UES);
  c->ues = ch_calloc(a, c->nues + 1, sizeof *c->ues);
  if (!c->ues) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->nues; i++) {
    const unsigned char *r = rec(l, CHB_SEC_UE, i);
    rt_ue *u = &c->ues[i];
    TRY(str_at(l, r, CHB_UE_CODE, &u->code, "ue", i));
    TRY(str_at(l, r, CHB_UE_TITLE, &u->title, "ue", i));
    u->glob = (int)chb_rd32(r + 4 * CHB_UE_GLOB);
    u->level = chb_rd32(r + 4 * CHB_UE_LEVEL);
    u->classes = chb_rd32(r + 4 * CHB_UE_CLASSES);
    u->disclosure = chb_rd32(r + 4 * CHB_UE_DISCLOSURE);
    if (u->glob > 1) return fail(l, CH_E_CORRUPT, "bad glob flag in ue %u", i);
    if (u->level >= c->nlevels) return fail(l, CH_E_CORRUPT, "level index out of range in ue %u", i);
    if (u->classes & ~allmask) return fail(l, CH_E_CORRUPT, "class mask names unknown classes in ue %u", i);
    if (u->disclosure > CHB_DISC_OPTIONAL) return fail(l, CH_E_CORRUPT, "bad disclosure value in ue %u", i);
  }

  c->nfacts = l->sec[CHB_SEC_FACT] ? count(l, CHB_SEC_FACT) : 0;
  if (c->nfacts > CH_MAX_FACTS) return fail(l, CH_E_CORRUPT, "%u facts (limit %d)", c->nfacts, CH_MAX_FACTS);
  c->facts = ch_calloc(a, c->nfacts + 1, sizeof *c->facts);
  if (!c->facts) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->nfacts; i++) {
    const unsigned char *r = rec(l, CHB_SEC_FACT, i);
    rt_fact *f = &c->facts[i];
    TRY(str_at(l, r, CHB_FACT_ID, &f->id, "fact", i));
    TRY(str_at(l, r, CHB_FACT_TITLE, &f->title, "fact", i));
    f->kind = chb_rd32(r + 4 * CHB_FACT_KIND);
    f->arg = chb_rd32(r + 4 * CHB_FACT_ARG);
    f->min = chb_rd32(r + 4 * CHB_FACT_MIN);
    if (f->kind < CHB_FACT_DATA || f->kind > CHB_FACT_DISC_NEGATIVE) return fail(l, CH_E_CORRUPT, "bad kind in fact %u", i);
    if (f->kind == CHB_FACT_TOOL && f->arg >= c->ntools) return fail(l, CH_E_CORRUPT, "tool index out of range in fact %u", i);
    if (f->kind == CHB_FACT_DISC_FIELD && (f->arg & ~3u)) return fail(l, CH_E_CORRUPT, "bad field flags in fact %u", i);
  }

  c->npatterns = l->sec[CHB_SEC_PATTERN] ? count(l, CHB_SEC_PATTERN) : 0;
  if (c->npatterns > CH_MAX_PATTERNS) return fail(l, CH_E_CORRUPT, "%u patterns (limit %d)", c->npatterns, CH_MAX_PATTERNS);
  c->patterns = ch_calloc(a, c->npatterns + 1, sizeof *c->patterns);
  if (!c->patterns) return CH_E_NOMEM;
  uint32_t prev_fact = 0;
  for (uint32_t i = 0; i < c->npatterns; i++) {
    const unsigned char *r = rec(l, CHB_SEC_PATTERN, i);
    rt_pattern *p = &c->patterns[i];
    p->fact = chb_rd32(r + 4 * CHB_PAT_FACT);
    p->kind = chb_rd32(r + 4 * CHB_PAT_KIND);
    p->flags = chb_rd32(r + 4 * CHB_PAT_FLAGS);
    TRY(str_at(l, r, CHB_PAT_TEXT, &p->text, "pattern", i));
    p->near = chb_rd32(r + 4 * CHB_PAT_NEAR_FACT);
    p->near_dist = chb_rd32(r + 4 * CHB_PAT_NEAR_DIST);
    p->line = chb_rd32(r + 4 * CHB_PAT_LINE);
    p->det = -1;
    if (p->fact >= c->nfacts) return fail(l, CH_E_CORRUPT, "fact index out of range in pattern %u", i);
    if (p->fact < prev_fact) return fail(l, CH_E_CORRUPT, "patterns not grouped by fact at pattern %u", i);
    prev_fact = p->fact;
    if (p->kind < CHB_PAT_REGEX || p->kind > CHB_PAT_DETECT) return fail(l, CH_E_CORRUPT, "bad kind in pattern %u", i);
    if (p->flags & ~63u) return fail(l, CH_E_CORRUPT, "bad flags in pattern %u", i);
    if ((p->flags & CHB_PATF_EXACT) && (p->kind != CHB_PAT_WORD || l->version < 3))
      return fail(l, CH_E_CORRUPT, "exact flag on a %s in pattern %u", p->kind != CHB_PAT_WORD ? "non-word" : "version 2 file", i);
    /* `near` must point backwards: facts are computed in index order */
    if (p->near != CHB_NONE && p->near >= p->fact) return fail(l, CH_E_CORRUPT, "near fact must precede its user in pattern %u", i);
    if (p->kind == CHB_PAT_DETECT && (p->det = det_lookup(p->text.s)) < 0)
      return fail(l, CH_E_CORRUPT, "unknown detector '%s' in pattern %u", p->text.s, i);
    if (p->kind == CHB_PAT_WORD && p->text.len == 0) return fail(l, CH_E_CORRUPT, "empty word in pattern %u", i);
  }
  for (uint32_t i = 0, pi = 0; i < c->nfacts; i++) {
    c->facts[i].pat_first = pi;
    while (pi < c->npatterns && c->patterns[pi].fact == i) pi++;
    c->facts[i].pat_end = pi;
  }

  c->natoms = l->sec[CHB_SEC_ATOM] ? count(l, CHB_SEC_ATOM) : 0;
  c->atoms = ch_calloc(a, c->natoms + 1, sizeof *c->atoms);
  if (!c->atoms) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->natoms; i++) {
    const unsigned char *r = rec(l, CHB_SEC_ATOM, i);
    rt_str s;
    TRY(str_at(l, r, CHB_ATOM_TEXT, &s, "atom", i));
    c->atoms[i].pattern = chb_rd32(r + 4 * CHB_ATOM_PATTERN);
    c->atoms[i].len = s.len;
    c->atoms[i].text = (const unsigned char *)s.s;
    c->atoms[i].reach = chb_rd32(r + 4 * CHB_ATOM_REACH);
    if (c->atoms[i].reach != CHB_NONE && c->atoms[i].reach > CH_MAX_REACH)
      return fail(l, CH_E_CORRUPT, "bad reach %u in atom %u", c->atoms[i].reach, i);
    if (c->atoms[i].pattern >= c->npatterns) return fail(l, CH_E_CORRUPT, "pattern index out of range in atom %u", i);
    if (s.len == 0 || s.len > 255) return fail(l, CH_E_CORRUPT, "bad atom length in atom %u", i);
    if (i && c->atoms[i].pattern < c->atoms[i - 1].pattern) return fail(l, CH_E_CORRUPT, "atoms not sorted at atom %u", i);
    c->patterns[c->atoms[i].pattern].natoms++;
  }
  for (uint32_t i = 0; i < c->natoms; i++) {
    rt_pattern *p = &c->patterns[c->atoms[i].pattern];
    uint32_t r = c->atoms[i].reach;
    if (r == CHB_NONE || (p->reach != CHB_NONE && r > p->reach)) p->reach = r;
  }
  for (uint32_t i = 0; i < c->npatterns; i++) {
    rt_pattern *p = &c->patterns[i];
    if (!p->natoms) p->reach = CHB_NONE;
    /* a word's only atom must be the word itself, or boundary checks lie */
    if (p->kind == CHB_PAT_WORD && p->natoms != 1) return fail(l, CH_E_CORRUPT, "word pattern %u needs exactly one atom", i);
  }
  TRY(add_triggers(c));

  c->nrules = count(l, CHB_SEC_RULE);
  if (c->nrules > CH_MAX_RULES) return fail(l, CH_E_CORRUPT, "%u rules (limit %d)", c->nrules, CH_MAX_RULES);
  c->rules = ch_calloc(a, c->nrules + 1, sizeof *c->rules);
  if (!c->rules) return CH_E_NOMEM;
  uint32_t codelen = l->len[CHB_SEC_CODE];
  for (uint32_t i = 0; i < c->nrules; i++) {
    const unsigned char *r = rec(l, CHB_SEC_RULE, i);
    rt_rule *ru = &c->rules[i];
    TRY(str_at(l, r, CHB_RULE_ID, &ru->id, "rule", i));
    TRY(str_at(l, r, CHB_RULE_STATEMENT, &ru->statement, "rule", i));
    TRY(str_at(l, r, CHB_RULE_MESSAGE, &ru->message, "rule", i));
    ru->severity = chb_rd32(r + 4 * CHB_RULE_SEVERITY);
    ru->scope = chb_rd32(r + 4 * CHB_RULE_SCOPE);
    ru->action = chb_rd32(r + 4 * CHB_RULE_ACTION);
    ru->action_arg = chb_rd32(r + 4 * CHB_RULE_ACTION_ARG);
    ru->code_off = chb_rd32(r + 4 * CHB_RULE_CODE_OFF);
    ru->code_len = chb_rd32(r + 4 * CHB_RULE_CODE_LEN);
    ru->line = chb_rd32(r + 4 * CHB_RULE_LINE);
    ru->maxstack = chb_rd32(r + 4 * CHB_RULE_MAXSTACK);
    if (ru->severity < CH_SEV_INFO || ru->severity > CH_SEV_ERROR) return fail(l, CH_E_CORRUPT, "bad severity in rule '%s'", ru->id.s);
    if (ru->scope < 1 || ru->scope > 3) return fail(l, CH_E_CORRUPT, "bad scope in rule '%s'", ru->id.s);
    if (ru->action > CH_ACT_REQUIRE) return fail(l, CH_E_CORRUPT, "bad action in rule '%s'", ru->id.s);
    if (ru->action == CH_ACT_REDACT ? ru->action_arg >= c->nfacts : ru->action_arg != CHB_NONE)
      return fail(l, CH_E_CORRUPT, "bad action argument in rule '%s'", ru->id.s);
    if (ru->code_len == 0 || (uint64_t)ru->code_off + ru->code_len > codelen || ru->code_len > CH_MAX_CODE_PER_RULE)
      return fail(l, CH_E_CORRUPT, "code out of range in rule '%s'", ru->id.s);
    if (ru->maxstack > CH_MAX_STACK) return fail(l, CH_E_CORRUPT, "stack depth %u over the limit in rule '%s'", ru->maxstack, ru->id.s);
    ru->code = l->sec[CHB_SEC_CODE] + ru->code_off;
  }
  c->lines = l->sec[CHB_SEC_LINE];
  c->nlines = l->sec[CHB_SEC_LINE] ? count(l, CHB_SEC_LINE) : 0;
  for (uint32_t i = 1; i < c->nlines; i++)
    if (chb_rd32(rec(l, CHB_SEC_LINE, i)) < chb_rd32(rec(l, CHB_SEC_LINE, i - 1)))
      return fail(l, CH_E_CORRUPT, "line table not sorted at entry %u", i);
  return CH_OK;
}

static ch_status compile_regexes(ld *l) {
  ch_charter *c = l->c;
  c->gctx = pcre2_general_context_create(pcre_alloc, pcre_free, (void *)c->alloc);
  if (!c->gctx) return CH_E_NOMEM;
  pcre2_compile_context *cc = pcre2_compile_context_create(c->gctx);
  c->mctx = pcre2_match_context_create(c->gctx);
  if (!cc || !c->mctx) {
    pcre2_compile_context_free(cc);
    return CH_E_NOMEM;
  }
  pcre2_set_match_limit(c->mctx, CH_PCRE2_MATCH_LIMIT);
  pcre2_set_depth_limit(c->mctx, CH_PCRE2_DEPTH_LIMIT);
  pcre2_set_heap_limit(c->mctx, CH_PCRE2_HEAP_LIMIT_KIB);
  ch_status st = CH_OK;
  for (uint32_t i = 0; i < c->npatterns && st == CH_OK; i++) {
    rt_pattern *p = &c->patterns[i];
    if (p->kind != CHB_PAT_REGEX) continue;
    uint32_t o = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK;
    if (p->flags & CHB_PATF_CASELESS) o |= PCRE2_CASELESS;
    if (p->flags & CHB_PATF_DOTALL) o |= PCRE2_DOTALL;
    if (p->flags & CHB_PATF_EXTENDED) o |= PCRE2_EXTENDED;
    if (p->flags & CHB_PATF_MULTILINE) o |= PCRE2_MULTILINE;
    if (p->reach != CHB_NONE) o |= PCRE2_USE_OFFSET_LIMIT; /* run in windows (scan.c) */
    int err;
    PCRE2_SIZE off;
    p->re = pcre2_compile((PCRE2_SPTR)p->text.s, p->text.len, o, &err, &off, cc);
    if (!p->re) {
      if (err == PCRE2_ERROR_NOMEMORY || err == 121 /* ERR21: no heap memory */) st = CH_E_NOMEM;
      else {
        PCRE2_UCHAR msg[128];
        pcre2_get_error_message(err, msg, sizeof msg);
        st = fail(l, CH_E_CORRUPT, "pattern %u (source line %u) does not compile: %s", i, p->line, (char *)msg);
      }
      break;
    }
    /* JIT is an optimisation: if it is unavailable the interpreter runs
     * with the same limits.  Under memcheck the interpreter is used: JIT
     * code reads ahead on purpose and memcheck cannot tell. */
    if (!CH_UNDER_VALGRIND()) p->jit = pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE) == 0;
    uint32_t cap = 0;
    pcre2_pattern_info(p->re, PCRE2_INFO_CAPTURECOUNT, &cap);
    if (cap + 1 > c->max_ovector) c->max_ovector = cap + 1;
  }
  pcre2_compile_context_free(cc);
  if (!c->max_ovector) c->max_ovector = 1;
  return st;
}

void ch_charter_destroy(ch_charter *c) {
  if (!c) return;
  const ch_allocator *a = c->alloc;
  if (c->patterns)
    for (uint32_t i = 0; i < c->npatterns; i++) pcre2_code_free(c->patterns[i].re);
  pcre2_match_context_free(c->mctx);
  pcre2_general_context_free(c->gctx);
  pf_free(c);
  ch_free(a, c->cand0);
  ch_free(a, c->lineage);
  ch_free(a, c->classes_id);
  ch_free(a, c->classes_title);
  ch_free(a, c->tools);
  ch_free(a, c->levels);
  ch_free(a, c->ues);
  ch_free(a, c->facts);
  ch_free(a, c->patterns);
  ch_free(a, c->atoms);
  ch_free(a, c->trig_text);
  ch_free(a, c->rules);
  ch_free(a, c->rule_facts);
  ch_free(a, c->attr);
  ch_free(a, c->rule_attr);
  ch_free(a, c->level_attr);
  ch_free(a, c->ue_attr);
  ch_free(a, c->fact_src);
  ch_free(a, c->img);
  ch_free(a, c);
}

ch_status ch_charter_load_memory(const void *data, size_t len, const ch_allocator *alloc, ch_charter **out,
                                 char *errbuf, size_t errlen) {
  if (errbuf && errlen) errbuf[0] = 0;
  if (!out || (!data && len)) return CH_E_ARG;
  *out = NULL;
  if (len > CH_MAX_CHB_SIZE) {
    if (errbuf && errlen) snprintf(errbuf, errlen, "bad .chb: file of %zu bytes exceeds the %zu-byte limit", len, (size_t)CH_MAX_CHB_SIZE);
    return CH_E_LIMIT;
  }
  ch_charter *c = ch_calloc(alloc, 1, sizeof *c);
  if (!c) return CH_E_NOMEM;
  if (alloc) {
    c->alloc_copy = *alloc;
    c->alloc = &c->alloc_copy;
  }
  c->img = ch_malloc(c->alloc, len ? len : 1);
  if (!c->img) {
    ch_charter_destroy(c);
    return CH_E_NOMEM;
  }
  if (len) memcpy(c->img, data, len);
  c->img_len = len;
  ld l;
  memset(&l, 0, sizeof l);
  l.c = c;
  l.err = errbuf;
  l.errlen = errlen;
  ch_status st = parse_header(&l, c->img, len);
  if (st == CH_OK) st = build_tables(&l);
  for (uint32_t i = 0; st == CH_OK && i < c->nrules; i++) st = rt_verify_code(c, &c->rules[i], errbuf, errlen);
  if (st == CH_OK) st = compile_regexes(&l);
  if (st == CH_OK) st = pf_build(c);
  if (st == CH_OK) st = rt_build_candidates(c);
  if (st == CH_OK) st = rt_build_attrs(c);
  if (st != CH_OK) {
    if (st == CH_E_NOMEM && errbuf && errlen) snprintf(errbuf, errlen, "out of memory loading the charter");
    ch_charter_destroy(c);
    return st;
  }
  *out = c;
  return CH_OK;
}

ch_status ch_charter_load_file(const char *path, const ch_allocator *alloc, ch_charter **out, char *errbuf,
                               size_t errlen) {
  if (!path || !out) return CH_E_ARG;
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errbuf && errlen) snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
    return CH_E_IO;
  }
  size_t cap = 65536, n = 0;
  unsigned char *buf = ch_malloc(alloc, cap);
  ch_status st = buf ? CH_OK : CH_E_NOMEM;
  while (st == CH_OK) {
    if (n == cap) {
      if (cap > CH_MAX_CHB_SIZE) {
        st = CH_E_LIMIT;
        if (errbuf && errlen) snprintf(errbuf, errlen, "%s: larger than the %zu-byte limit for a .chb", path, (size_t)CH_MAX_CHB_SIZE);
        break;
      }
      unsigned char *nb = ch_realloc(alloc, buf, cap * 2);
      if (!nb) {
        st = CH_E_NOMEM;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    if (r == 0) {
      if (ferror(f)) {
        st = CH_E_IO;
        if (errbuf && errlen) snprintf(errbuf, errlen, "%s: read error", path);
      }
      break;
    }
    n += r;
  }
  fclose(f);
  if (st == CH_OK) {
    char inner[200];
    st = ch_charter_load_memory(buf, n, alloc, out, inner, sizeof inner);
    if (st && errbuf && errlen) snprintf(errbuf, errlen, "%s: %s", path, inner);
  }
  ch_free(alloc, buf);
  return st;
}
