/*
 * scan.c — the scanner: context, facts, disclosure and the rule phase.
 *
 * A scan is two phases, as in YARA.  Phase one: the clean view (the input
 * itself unless it needs cleaning, normalize.h), then the pattern phase
 * (patterns.c: one prefilter pass that folds the input on the fly, words
 * confirmed at their boundaries, regexes in windows around their atoms'
 * hits, detectors at their triggers).  Matches are kept per fact (after
 * `near` and `min`) and disclosure sections are derived.  Phase two runs
 * each rule's verified bytecode (vm.c) over those facts and the context.
 *
 * Memory: every buffer belongs to the scanner and is sized for the largest
 * input seen so far; a scan of an input no larger than a previous one
 * allocates nothing.  Match storage is a bump array reset per scan.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"
#include "runtime/detect.h"
#include "runtime/limits.h"

/* ---------------------------------------------------------------- context */

ch_status ch_scanner_create(const ch_charter *c, ch_scanner **out) {
  if (!c || !out) return CH_E_ARG;
  *out = NULL;
  const ch_allocator *a = c->alloc;
  ch_scanner *s = ch_calloc(a, 1, sizeof *s);
  if (!s) return CH_E_NOMEM;
  s->c = c;
  s->alloc = a;
  s->scope = CH_SCOPE_PROMPT;
  s->tool = s->tool_class = s->ue = s->level_override = -1;
  uint32_t fw = (c->nfacts + 63) / 64;
  s->pat_candidate = ch_calloc(a, c->npatterns + 1, 1);
  s->raw_n = ch_calloc(a, c->npatterns + 1, sizeof *s->raw_n);
  s->raw_off = ch_calloc(a, c->npatterns + 1, sizeof *s->raw_off);
  s->pat_limit = ch_calloc(a, c->npatterns + 1, sizeof *s->pat_limit);
  s->place_last = ch_calloc(a, c->npatterns + 1, sizeof *s->place_last);
  s->place_all = ch_calloc(a, c->npatterns + 1, 1);
  s->place_first = ch_calloc(a, c->npatterns + 2, sizeof *s->place_first);
  s->fres = ch_calloc(a, c->nfacts + 1, sizeof *s->fres);
  s->stack = ch_calloc(a, CH_MAX_STACK + 1, sizeof *s->stack);
  s->evbits = ch_calloc(a, fw + 1, sizeof *s->evbits);
  s->sectbits = ch_calloc(a, fw + 1, sizeof *s->sectbits);
  s->tool_disclosed = ch_calloc(a, c->ntools + 1, 1);
  s->findings = ch_calloc(a, c->nrules + 1, sizeof *s->findings);
  s->spans = ch_calloc(a, (size_t)(c->nrules + 1) * CH_MAX_EVIDENCE, sizeof *s->spans);
  s->span_order = ch_calloc(a, (size_t)(c->nrules + 1) * CH_MAX_EVIDENCE, sizeof(ch_span *));
  s->raw_cap = 1024;
  s->raw = ch_malloc(a, s->raw_cap * sizeof *s->raw);
  s->kept_cap = 1024;
  s->kept = ch_malloc(a, s->kept_cap * sizeof *s->kept);
  s->sec_cap = 16;
  s->sec_start = ch_malloc(a, s->sec_cap * sizeof *s->sec_start);
  s->sec_end = ch_malloc(a, s->sec_cap * sizeof *s->sec_end);
  s->pfbuf.fb = ch_malloc(a, PF_CHUNK + PF_SLACK);
  s->pfbuf.seg = ch_malloc(a, PF_SEGS * sizeof *s->pfbuf.seg);
  s->md = pcre2_match_data_create(c->max_ovector, c->gctx);
  s->mctx = pcre2_match_context_copy(c->mctx);
  s->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, c->gctx);
  if (!s->pat_candidate || !s->raw_n || !s->raw_off || !s->pat_limit || !s->place_last || !s->place_all || !s->place_first || !s->fres || !s->stack || !s->evbits ||
      !s->sectbits || !s->tool_disclosed || !s->findings || !s->spans || !s->span_order || !s->raw || !s->kept || !s->sec_start ||
      !s->sec_end || !s->pfbuf.fb || !s->pfbuf.seg || !s->md || !s->mctx || !s->jit) {
    ch_scanner_destroy(s);
    return CH_E_NOMEM;
  }
  pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
  *out = s;
  return CH_OK;
}

void ch_scanner_destroy(ch_scanner *s) {
  if (!s) return;
  const ch_allocator *a = s->alloc;
  norm_view_free(&s->clean, a);
  ch_free(a, s->pat_candidate);
  ch_free(a, s->pfbuf.fb);
  ch_free(a, s->pfbuf.seg);
  ch_free(a, s->raw_n);
  ch_free(a, s->pat_limit);
  ch_free(a, s->place_last);
  ch_free(a, s->digits);
  ch_free(a, s->place_all);
  ch_free(a, s->place_first);
  ch_free(a, s->place_order);
  ch_free(a, s->place);
  ch_free(a, s->place_lo);
  ch_free(a, s->place_hi);
  ch_free(a, s->fres);
  ch_free(a, s->stack);
  ch_free(a, s->evbits);
  ch_free(a, s->sectbits);
  ch_free(a, s->tool_disclosed);
  ch_free(a, s->findings);
  ch_free(a, s->spans);
  ch_free(a, s->span_order);
  ch_free(a, s->raw);
  ch_free(a, s->raw_tmp);
  ch_free(a, s->raw_off);
  ch_free(a, s->kept);
  ch_free(a, s->near_m);
  ch_free(a, s->near_maxend);
  ch_free(a, s->sec_start);
  ch_free(a, s->sec_end);
  ch_free(a, s->red);
  pcre2_match_data_free(s->md);
  pcre2_match_context_free(s->mctx);
  pcre2_jit_stack_free(s->jit);
  ch_free(a, s);
}

const char *ch_scanner_errmsg(const ch_scanner *s) { return s ? s->errmsg : ""; }

ch_status ch_scanner_set_scope(ch_scanner *s, ch_scope scope) {
  if (!s || (scope != CH_SCOPE_PROMPT && scope != CH_SCOPE_DOCUMENT)) return CH_E_ARG;
  s->scope = scope;
  return CH_OK;
}

ch_status ch_scanner_set_role(ch_scanner *s, ch_role role) {
  if (!s || role < CH_ROLE_ANY || role > CH_ROLE_STAFF) return CH_E_ARG;
  s->role = role;
  return CH_OK;
}

ch_status ch_scanner_set_tool(ch_scanner *s, const char *tool) {
  if (!s) return CH_E_ARG;
  if (!tool) {
    s->tool = s->tool_class = -1;
    return CH_OK;
  }
  const ch_charter *c = s->c;
  for (uint32_t i = 0; i < c->ntools; i++)
    if (!strcmp(c->tools[i].id.s, tool)) {
      s->tool = (int)i;
      s->tool_class = (int)c->tools[i].cls;
      return CH_OK;
    }
  for (uint32_t i = 0; i < c->nclasses; i++)
    if (!strcmp(c->classes_id[i].s, tool)) {
      s->tool = -1;
      s->tool_class = (int)i;
      return CH_OK;
    }
  snprintf(s->errmsg, sizeof s->errmsg, "unknown tool '%s'", tool);
  return CH_E_NOTFOUND;
}

ch_status ch_scanner_set_ue(ch_scanner *s, const char *code) {
  if (!s) return CH_E_ARG;
  s->ue = -1;
  if (!code) return CH_OK;
  const ch_charter *c = s->c;
  for (uint32_t i = 0; i < c->nues; i++)
    if (!c->ues[i].glob && !strcmp(c->ues[i].code.s, code)) {
      s->ue = (int)i;
      return CH_OK;
    }
  for (uint32_t i = 0; i < c->nues; i++)
    if (c->ues[i].glob && fnmatch(c->ues[i].code.s, code, 0) == 0) {
      s->ue = (int)i;
      return CH_OK;
    }
  return CH_OK; /* an unknown UE gets the default permission */
}

ch_status ch_scanner_set_level(ch_scanner *s, const char *level) {
  if (!s) return CH_E_ARG;
  if (!level) {
    s->level_override = -1;
    return CH_OK;
  }
  const ch_charter *c = s->c;
  for (uint32_t i = 0; i < c->nlevels; i++)
    if (!strcmp(c->levels[i].id.s, level)) {
      s->level_override = (int)i;
      return CH_OK;
    }
  char *end;
  long v = strtol(level, &end, 10);
  if (*level && !*end)
    for (uint32_t i = 0; i < c->nlevels; i++)
      if (c->levels[i].rank == v) {
        s->level_override = (int)i;
        return CH_OK;
      }
  snprintf(s->errmsg, sizeof s->errmsg, "unknown level '%s'", level);
  return CH_E_NOTFOUND;
}

int rt_level_index(const ch_scanner *s) {
  if (s->level_override >= 0) return s->level_override;
  if (s->ue >= 0) return (int)s->c->ues[s->ue].level;
  return s->c->default_level == CHB_NONE ? -1 : (int)s->c->default_level;
}

uint32_t rt_allowed_classes(const ch_scanner *s) {
  if (s->ue >= 0 && s->c->ues[s->ue].classes) return s->c->ues[s->ue].classes;
  return s->c->default_classes;
}

int rt_tool_class_of(const ch_scanner *s) { return s->tool_class; }

int rt_disclosure_required(const ch_scanner *s) {
  const ch_charter *c = s->c;
  int li = rt_level_index(s);
  uint32_t lvl = li >= 0 ? c->levels[li].disclosure : CHB_DISC_INHERIT;
  if (s->level_override >= 0) return lvl == CHB_DISC_REQUIRED;
  uint32_t d = s->ue >= 0 ? c->ues[s->ue].disclosure : c->default_disclosure;
  if (d != CHB_DISC_INHERIT) return d == CHB_DISC_REQUIRED;
  return lvl == CHB_DISC_REQUIRED;
}

/* ---------------------------------------------------------------- facts */

/* Grow *p (of *cap elements of sz bytes) to hold `need`, doubling. */
ch_status rt_grow(ch_scanner *s, void **p, size_t *cap, size_t need, size_t sz) {
  if (need <= *cap) return CH_OK;
  size_t nc = *cap ? *cap * 2 : need; /* an empty buffer starts at need */
  while (nc < need) nc *= 2;
  void *np = ch_realloc(s->alloc, *p, nc * sz);
  if (!np) return CH_E_NOMEM;
  *p = np;
  *cap = nc;
  return CH_OK;
}

static int cmp_match(const void *a, const void *b) {
  const rt_match *x = a, *y = b;
  if (x->pattern != y->pattern) return x->pattern < y->pattern ? -1 : 1;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

static int cmp_start(const void *a, const void *b) {
  const rt_match *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

/* The kept matches of fact nf sorted by start, with the running maximum
 * of their ends, built once per scan and fact (facts() asks fact by fact;
 * the last one is kept). */
static ch_status near_index(ch_scanner *s, uint32_t nf) {
  if (s->near_fact == nf) return CH_OK;
  const rt_factres *r = &s->fres[nf];
  s->near_fact = nf;
  if (!r->n) return CH_OK; /* near_ok finds no match before the first */
  if (rt_grow(s, (void **)&s->near_m, &s->near_cap, r->n, sizeof *s->near_m) ||
      rt_grow(s, (void **)&s->near_maxend, &s->near_me_cap, r->n, sizeof *s->near_maxend))
    return CH_E_NOMEM;
  memcpy(s->near_m, s->kept + r->first, r->n * sizeof *s->near_m);
  qsort(s->near_m, r->n, sizeof *s->near_m, cmp_start);
  uint32_t me = 0;
  for (uint32_t k = 0; k < r->n; k++) s->near_maxend[k] = me = s->near_m[k].end > me ? s->near_m[k].end : me;
  return CH_OK;
}

/* Is a kept match o of fact nf within dist bytes of m?  Their gap is at
 * most dist exactly when o starts at most dist after m ends and ends at
 * most dist before m starts: among the matches starting early enough (a
 * prefix by start), the latest end decides.  O(log n) per match, where
 * comparing with each was quadratic on long texts. */
static int near_ok(const ch_scanner *s, const rt_match *m, uint32_t dist) {
  size_t lo = 0, hi = s->fres[s->near_fact].n;
  uint64_t last_start = (uint64_t)m->end + dist;
  while (lo < hi) { /* the first match starting after last_start */
    size_t mid = lo + (hi - lo) / 2;
    if (s->near_m[mid].start <= last_start) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && (uint64_t)s->near_maxend[lo - 1] + dist >= m->start;
}

/* raw[] in (pattern, start, end) order, for facts().  It holds word
 * matches from the prefilter in start order, then each regex's and
 * detector's in start order: a stable counting sort by pattern (raw_n
 * holds the counts) leaves each pattern's slice sorted but where atoms of
 * one word hit at one start or a detector emits out of order; only such
 * slices get a qsort. */
ch_status rt_sort_raw(ch_scanner *s) {
  const ch_charter *c = s->c;
  size_t n = s->raw_len;
  if (n <= 32) { /* a short prompt's few matches: insertion sort */
    for (size_t i = 1; i < n; i++) {
      rt_match m = s->raw[i];
      size_t j = i;
      for (; j > 0 && cmp_match(&s->raw[j - 1], &m) > 0; j--) s->raw[j] = s->raw[j - 1];
      s->raw[j] = m;
    }
    return CH_OK;
  }
  if (rt_grow(s, (void **)&s->raw_tmp, &s->raw_tmp_cap, n, sizeof *s->raw_tmp)) return CH_E_NOMEM;
  size_t sum = 0;
  for (uint32_t p = 0; p < c->npatterns; p++) {
    s->raw_off[p] = (uint32_t)sum;
    sum += s->raw_n[p];
  }
  if (sum != n) { /* counts out of step with raw would scatter out of bounds */
    qsort(s->raw, n, sizeof *s->raw, cmp_match);
    return CH_OK;
  }
  for (size_t i = 0; i < n; i++) s->raw_tmp[s->raw_off[s->raw[i].pattern]++] = s->raw[i];
  rt_match *t = s->raw;
  size_t tc = s->raw_cap;
  s->raw = s->raw_tmp, s->raw_cap = s->raw_tmp_cap;
  s->raw_tmp = t, s->raw_tmp_cap = tc;
  for (size_t i = 1; i < n; i++) {
    if (s->raw[i].pattern != s->raw[i - 1].pattern || cmp_match(&s->raw[i - 1], &s->raw[i]) <= 0) continue;
    uint32_t p = s->raw[i].pattern; /* raw_off[p] is now where its slice ends */
    size_t first = s->raw_off[p] - s->raw_n[p];
    qsort(s->raw + first, s->raw_n[p], sizeof *s->raw, cmp_match);
    i = s->raw_off[p];
  }
  return CH_OK;
}

static ch_status facts(ch_scanner *s) {
  const ch_charter *c = s->c;
  if (rt_sort_raw(s)) return CH_E_NOMEM;
  s->kept_len = 0;
  s->near_fact = CHB_NONE;
  for (uint32_t f = 0; f < c->nfacts; f++) {
    const rt_fact *F = &c->facts[f];
    rt_factres *r = &s->fres[f];
    r->first = (uint32_t)s->kept_len;
    r->n = 0;
    r->uncertain = 0;
    if (s->report.limit_hit)
      for (uint32_t p = F->pat_first; p < F->pat_end; p++)
        if (s->pat_limit[p]) r->uncertain = 1;
    /* the fact's patterns are a range, so its matches are one slice of
     * raw (sorted by pattern): the first at or after pat_first */
    size_t lo = 0, hi = s->raw_len;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (s->raw[mid].pattern < F->pat_first) lo = mid + 1;
      else hi = mid;
    }
    for (size_t i = lo; i < s->raw_len && s->raw[i].pattern < F->pat_end; i++) {
      const rt_match *m = &s->raw[i];
      const rt_pattern *P = &c->patterns[m->pattern];
      if (P->near != CHB_NONE) {
        if (near_index(s, P->near)) return CH_E_NOMEM;
        if (!near_ok(s, m, P->near_dist)) continue;
      }
      if (rt_grow(s, (void **)&s->kept, &s->kept_cap, s->kept_len + 1, sizeof *s->kept)) return CH_E_NOMEM;
      s->kept[s->kept_len++] = *m;
      r->n++;
    }
    r->count = r->n;
    if (F->min && r->count < F->min) {
      r->count = 0;
      r->n = 0;
      s->kept_len = r->first;
    }
  }
  return CH_OK;
}

/* ---------------------------------------------------------- disclosure */

/* Heading level of the markdown heading line containing offset `at`, or 0. */
static int heading_level_at(const char *t, size_t n, size_t at, size_t *line_start) {
  size_t b = at;
  while (b > 0 && t[b - 1] != '\n') b--;
  *line_start = b;
  int lv = 0;
  while (b + (size_t)lv < n && t[b + (size_t)lv] == '#' && lv < 7) lv++;
  return lv >= 1 && lv <= 6 && b + (size_t)lv < n && t[b + (size_t)lv] == ' ' ? lv : 0;
}

static ch_status sections(ch_scanner *s) {
  const ch_charter *c = s->c;
  const char *t = s->text;
  size_t n = s->text_len;
  s->nsec = 0;
  for (uint32_t f = 0; f < c->nfacts; f++) {
    if (c->facts[f].kind != CHB_FACT_DISC_HEADING) continue;
    const rt_factres *r = &s->fres[f];
    for (uint32_t k = 0; k < r->n; k++) {
      const rt_match *m = &s->kept[r->first + k];
      size_t ls, first = m->start;
      while (first < m->end && (t[first] == ' ' || t[first] == '\n' || t[first] == '\r' || t[first] == '\t')) first++;
      int lv = heading_level_at(t, n, first, &ls);
      size_t end = m->end + CH_DISCLOSURE_REACH < n ? m->end + CH_DISCLOSURE_REACH : n;
      /* the next heading line of the same or a higher level ends it */
      for (size_t i = m->end; i < end; i++) {
        if (t[i] != '\n') continue;
        size_t ls2;
        int lv2 = heading_level_at(t, n, i + 1, &ls2);
        if (lv2 && (lv == 0 || lv2 <= lv)) {
          end = i + 1;
          break;
        }
      }
      if (s->nsec == s->sec_cap) {
        size_t nc = s->sec_cap * 2;
        uint32_t *a = ch_realloc(s->alloc, s->sec_start, nc * sizeof *a);
        if (!a) return CH_E_NOMEM;
        s->sec_start = a;
        uint32_t *b = ch_realloc(s->alloc, s->sec_end, nc * sizeof *b);
        if (!b) return CH_E_NOMEM;
        s->sec_end = b;
        s->sec_cap = nc;
      }
      s->sec_start[s->nsec] = m->start;
      s->sec_end[s->nsec] = (uint32_t)end;
      s->nsec++;
    }
  }
  return CH_OK;
}

static int in_section(const ch_scanner *s, const rt_match *m) {
  for (size_t i = 0; i < s->nsec; i++)
    if (m->start >= s->sec_start[i] && m->start < s->sec_end[i]) return 1;
  return 0;
}

static void disclosure(ch_scanner *s) {
  const ch_charter *c = s->c;
  s->disclosure = 0;
  memset(s->tool_disclosed, 0, c->ntools);
  if (s->scope != CH_SCOPE_DOCUMENT) {
    for (uint32_t f = 0; f < c->nfacts; f++) {
      uint32_t k = c->facts[f].kind;
      if (k == CHB_FACT_DISC_HEADING || k == CHB_FACT_DISC_FIELD || k == CHB_FACT_DISC_NEGATIVE) s->fres[f].count = 0;
    }
    return;
  }
  int heading = s->nsec > 0, negative = 0, anytool = 0, anyfield = 0, complete = 1;
  for (uint32_t f = 0; f < c->nfacts; f++) {
    const rt_fact *F = &c->facts[f];
    rt_factres *r = &s->fres[f];
    uint32_t in = 0;
    for (uint32_t k = 0; k < r->n; k++) in += (uint32_t)in_section(s, &s->kept[r->first + k]);
    r->in_section = in;
    if (F->kind == CHB_FACT_TOOL && in) {
      s->tool_disclosed[F->arg] = 1;
      anytool = 1;
    }
    if (F->kind == CHB_FACT_DISC_NEGATIVE && (heading ? in : r->count)) negative = 1;
  }
  for (uint32_t f = 0; f < c->nfacts; f++) {
    const rt_fact *F = &c->facts[f];
    if (F->kind != CHB_FACT_DISC_FIELD) continue;
    rt_factres *r = &s->fres[f];
    /* a field counts only inside a section; "tools" fields also count
     * any tool mention there */
    r->count = r->in_section + ((F->arg & CHB_FIELD_TOOLS) && anytool ? 1 : 0);
    if (r->count) anyfield = 1;
    if ((F->arg & CHB_FIELD_REQUIRED) && !r->count) complete = 0;
  }
  int present = heading || negative;
  int used = present && !negative && (anytool || anyfield);
  s->disclosure = (unsigned)present | (unsigned)negative << 1 | (unsigned)used << 2 | (unsigned)(used && complete) << 3;
}

/* ------------------------------------------------------------- rule phase */

static int cmp_span_ptr(const void *a, const void *b) {
  const ch_span *x = *(const ch_span *const *)a, *y = *(const ch_span *const *)b;
  return (x->start > y->start) - (x->start < y->start);
}

/* Line and column of every evidence span of the report, in one pass over
 * the text up to the last span (newline to newline with memchr), instead
 * of a walk from the start per finding: a 100 MB document with findings
 * near its end is read once. */
static void place_lines(ch_scanner *s) {
  const ch_report *rep = &s->report;
  size_t n = 0;
  for (size_t i = 0; i < rep->nfindings; i++)
    for (size_t k = 0; k < rep->findings[i].nev; k++) s->span_order[n++] = &rep->findings[i].ev[k];
  if (!n) return;
  qsort(s->span_order, n, sizeof(ch_span *), cmp_span_ptr);
  const char *t = s->text;
  size_t pos = 0, ls = 0; /* newlines before pos are counted; ls: start of that line */
  uint32_t line = 1;
  for (size_t k = 0; k < n; k++) {
    ch_span *sp = s->span_order[k];
    const char *nl;
    while (pos < sp->start && (nl = memchr(t + pos, '\n', sp->start - pos)) != NULL) {
      line++;
      pos = ls = (size_t)(nl - t) + 1;
    }
    pos = sp->start;
    sp->line = line;
    sp->column = (uint32_t)(sp->start - ls + 1);
  }
}

static const char *detector_of(const ch_charter *c, uint32_t pat) {
  const rt_pattern *p = &c->patterns[pat];
  return p->kind == CHB_PAT_DETECT ? p->text.s : p->kind == CHB_PAT_WORD ? "words" : "pattern";
}

static void collect_evidence(ch_scanner *s, uint32_t ri, ch_finding *fd, ch_span *spans) {
  const ch_charter *c = s->c;
  /* Conditions short-circuit, so `personal or health` may not have read
   * `health`; evidence covers every fact the rule reads that matched. */
  const uint64_t *reads = c->rule_facts + (size_t)ri * c->fact_words;
  for (uint32_t w = 0; w < c->fact_words; w++) s->evbits[w] |= reads[w];
  fd->ev = spans;
  fd->nev = 0;
  for (uint32_t f = 0; f < c->nfacts && fd->nev < CH_MAX_EVIDENCE; f++) {
    if (!(s->evbits[f / 64] >> (f % 64) & 1)) continue;
    int sect_only = (int)(s->sectbits[f / 64] >> (f % 64) & 1);
    const rt_factres *r = &s->fres[f];
    for (uint32_t k = 0; k < r->n && fd->nev < CH_MAX_EVIDENCE; k++) {
      const rt_match *m = &s->kept[r->first + k];
      if (sect_only && !in_section(s, m)) continue;
      ch_span *sp = &spans[fd->nev++];
      sp->start = m->start;
      sp->end = m->end; /* line and column: place_lines, once all are known */
      const char *id = c->facts[f].id.s;
      sp->fact = id;
      sp->detector = detector_of(c, m->pattern);
    }
  }
}

/* Does rule r read a fact that hit a PCRE2 limit? */
static int reads_uncertain(const ch_scanner *s, uint32_t ri) {
  const ch_charter *c = s->c;
  const uint64_t *bits = c->rule_facts + (size_t)ri * c->fact_words;
  for (uint32_t f = 0; f < c->nfacts; f++)
    if ((bits[f / 64] >> (f % 64) & 1) && s->fres[f].uncertain) return 1;
  return 0;
}

static const char *placeholder(const ch_charter *c, uint32_t pat, char *buf, size_t n) {
  const rt_pattern *p = &c->patterns[pat];
  const char *l;
  if (p->kind == CHB_PAT_DETECT) l = det_label(p->det);
  else {
    l = c->facts[p->fact].id.s;
  }
  size_t k = 0;
  buf[k++] = '[';
  for (; *l && k + 2 < n; l++) buf[k++] = (char)(*l >= 'a' && *l <= 'z' ? *l - 32 : *l == '-' ? '_' : *l);
  buf[k++] = ']';
  buf[k] = 0;
  return buf;
}

static ch_status redact(ch_scanner *s) {
  const ch_charter *c = s->c;
  ch_report *rep = &s->report;
  /* gather the spans of every fired redact rule's fact; reuse raw[] as
   * scratch (the pattern phase is over) */
  s->raw_len = 0;
  for (size_t i = 0; i < rep->nfindings; i++) {
    const rt_rule *r = rep->findings[i].rule;
    if (r->action != CH_ACT_REDACT) continue;
    const rt_factres *fr = &s->fres[r->action_arg];
    for (uint32_t k = 0; k < fr->n; k++) {
      if (rt_grow(s, (void **)&s->raw, &s->raw_cap, s->raw_len + 1, sizeof *s->raw)) return CH_E_NOMEM;
      s->raw[s->raw_len++] = s->kept[fr->first + k];
    }
  }
  if (!s->raw_len) {
    rep->redacted = s->text;
    rep->redacted_len = s->text_len;
    return CH_OK;
  }
  qsort(s->raw, s->raw_len, sizeof *s->raw, cmp_start);
  size_t need = s->text_len + 1;
  for (size_t i = 0; i < s->raw_len; i++) need += 16;
  if (need > s->red_cap) {
    char *nr = ch_realloc(s->alloc, s->red, need);
    if (!nr) return CH_E_NOMEM;
    s->red = nr;
    s->red_cap = need;
  }
  size_t w = 0, pos = 0;
  char ph[24];
  for (size_t i = 0; i < s->raw_len; i++) {
    const rt_match *m = &s->raw[i];
    if (m->end <= pos) continue; /* inside a span already replaced */
    size_t st = m->start < pos ? pos : m->start;
    memcpy(s->red + w, s->text + pos, st - pos);
    w += st - pos;
    /* merge overlapping spans into one placeholder */
    size_t en = m->end;
    while (i + 1 < s->raw_len && s->raw[i + 1].start < en) {
      if (s->raw[i + 1].end > en) en = s->raw[i + 1].end;
      i++;
    }
    const char *p = placeholder(c, m->pattern, ph, sizeof ph);
    size_t pl = strlen(p);
    memcpy(s->red + w, p, pl);
    w += pl;
    pos = en;
  }
  memcpy(s->red + w, s->text + pos, s->text_len - pos);
  w += s->text_len - pos;
  s->red[w] = 0;
  rep->redacted = s->red;
  rep->redacted_len = w;
  return CH_OK;
}

static ch_decision decision_of(uint32_t action) {
  switch (action) {
  case CH_ACT_DENY: return CH_DENY;
  case CH_ACT_REDACT: return CH_REDACT;
  default: return CH_WARN;
  }
}

static ch_status rules(ch_scanner *s) {
  const ch_charter *c = s->c;
  ch_report *rep = &s->report;
  for (uint32_t i = 0; i < c->nrules; i++) {
    const rt_rule *r = &c->rules[i];
    if (!(r->scope & (uint32_t)s->scope)) continue;
    memset(s->evbits, 0, c->fact_words * sizeof *s->evbits);
    memset(s->sectbits, 0, c->fact_words * sizeof *s->sectbits);
    int fault = 0;
    int64_t v = vm_run(s, r, &fault);
    if (fault) {
      snprintf(s->errmsg, sizeof s->errmsg, "internal fault in rule '%s' (source line %u)", r->id.s, r->line);
      return CH_E_INTERNAL;
    }
    const char *msg = r->message.s;
    if (!v && s->scope == CH_SCOPE_PROMPT && r->action == CH_ACT_DENY && rep->limit_hit && reads_uncertain(s, i)) {
      /* fail closed: a pattern this deny rule depends on could not finish */
      v = 1;
      msg = "A pattern of this rule hit its time limit on this prompt; the prompt is refused as a precaution.";
    }
    if (!v) continue;
    ch_finding *fd = &s->findings[rep->nfindings++];
    fd->rule = r;
    fd->message = msg;
    collect_evidence(s, i, fd, s->spans + (size_t)i * CH_MAX_EVIDENCE);
    ch_decision d = decision_of(r->action);
    if (d > rep->decision) rep->decision = d;
  }
  place_lines(s);
  return CH_OK;
}

/* ------------------------------------------------------------------ scan */

/* The clean view regexes and detectors read: the input itself when
 * cleaning would change nothing (most texts), else a built view with its
 * offset map, in a buffer kept for the next scans.  clean: what the
 * prefilter's pass learnt (1, 0, or -1 when it did not read the input). */
static ch_status clean_view(ch_scanner *s, const char *text, size_t len, int clean) {
  if (clean < 0) clean = norm_is_clean(text, len);
  if (clean) {
    s->ct = text;
    s->ctlen = len;
    s->cleaned = 0;
    return CH_OK;
  }
  ch_status st = norm_reserve(&s->clean, NORM_CLEAN_CAP(len), s->alloc);
  if (st == CH_OK) st = norm_clean(text, len, &s->clean, s->alloc);
  if (st) return st;
  s->ct = s->clean.text;
  s->ctlen = s->clean.len;
  s->cleaned = 1;
  s->origin_hint = 0;
  return CH_OK;
}

ch_status ch_scanner_scan(ch_scanner *s, const char *text, size_t len, const ch_report **report) {
  if (report) *report = NULL;
  if (!s || !report || (!text && len)) return CH_E_ARG;
  s->errmsg[0] = 0;
  if (len > CH_MAX_INPUT) {
    snprintf(s->errmsg, sizeof s->errmsg, "input of %zu bytes exceeds the %zu-byte limit", len, (size_t)CH_MAX_INPUT);
    return CH_E_LIMIT;
  }
  if (!text) text = "";
  const ch_charter *c = s->c;
  s->digits_ok = 0;
  s->text = text;
  s->text_len = len;
  ch_report *rep = &s->report;
  memset(rep, 0, sizeof *rep);
  rep->findings = s->findings;
  s->raw_len = 0;
  memset(s->raw_n, 0, c->npatterns * sizeof *s->raw_n);
  memset(s->pat_limit, 0, c->npatterns * sizeof *s->pat_limit);
  memset(s->place_last, 0, c->npatterns * sizeof *s->place_last);
  memset(s->place_all, 0, c->npatterns);
  s->place_len = 0;
  s->places_grouped = 0;
  /* the prefilter reads the input before anything else, and tells
   * whether it needs cleaning: no pass of its own for that */
  ch_status st = rt_prefilter_phase(s);
  if (st == CH_OK && (st = clean_view(s, text, len, s->pfbuf.clean)) != CH_OK) {
    snprintf(s->errmsg, sizeof s->errmsg, "out of memory for a %zu-byte input", len);
    return st;
  }
  if (st == CH_OK) st = rt_pattern_phase(s, rep);
  if (st == CH_OK) st = facts(s);
  if (st == CH_OK) st = sections(s);
  if (st == CH_OK) {
    disclosure(s);
    st = rules(s);
  }
  if (st == CH_OK) st = redact(s);
  if (st != CH_OK) {
    if (!s->errmsg[0]) snprintf(s->errmsg, sizeof s->errmsg, "%s", ch_strerror(st));
    return st;
  }
  int li = rt_level_index(s);
  rep->level = li >= 0 ? c->levels[li].rank : 0;
  rep->level_name = li >= 0 ? c->levels[li].id.s : "";
  rep->ue = s->ue >= 0 ? c->ues[s->ue].code.s : "";
  rep->disclosure = s->disclosure;
  *report = rep;
  return CH_OK;
}
