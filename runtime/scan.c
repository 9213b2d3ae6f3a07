/*
 * scan.c — the scanner: context, the pattern phase and the rule phase.
 *
 * A scan is two phases, as in YARA.  Phase one: the clean view (the input
 * itself unless it needs cleaning, normalize.h), one prefilter pass that
 * folds the input on the fly, then only the patterns whose atom hit (or
 * that have none) —
 * words are confirmed at word boundaries, regexes run with PCRE2's limits,
 * detectors validate checksums.  Matches are kept per fact (after `near`
 * and `min`) and disclosure sections are derived.  Phase two runs each
 * rule's verified bytecode (vm.c) over those facts and the context.
 *
 * Memory: every buffer belongs to the scanner and is sized for the largest
 * input seen so far; a scan of an input no larger than a previous one
 * allocates nothing.  Match storage is a bump array reset per scan.
 */
#define _GNU_SOURCE 1 /* memmem */
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
  s->raw_first = ch_calloc(a, c->npatterns + 1, sizeof *s->raw_first);
  s->raw_n = ch_calloc(a, c->npatterns + 1, sizeof *s->raw_n);
  s->pat_limit = ch_calloc(a, c->npatterns + 1, sizeof *s->pat_limit);
  s->place_last = ch_calloc(a, c->npatterns + 1, sizeof *s->place_last);
  s->place_all = ch_calloc(a, c->npatterns + 1, 1);
  s->place_cap = 64;
  s->place = ch_malloc(a, s->place_cap * sizeof *s->place);
  s->place_lo = ch_malloc(a, s->place_cap * sizeof *s->place_lo);
  s->place_hi = ch_malloc(a, s->place_cap * sizeof *s->place_hi);
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
  s->md = pcre2_match_data_create(c->max_ovector, c->gctx);
  s->mctx = pcre2_match_context_copy(c->mctx);
  s->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, c->gctx);
  if (!s->pat_candidate || !s->raw_first || !s->raw_n || !s->pat_limit || !s->place_last || !s->place_all || !s->place ||
      !s->place_lo || !s->place_hi || !s->fres || !s->stack || !s->evbits ||
      !s->sectbits || !s->tool_disclosed || !s->findings || !s->spans || !s->span_order || !s->raw || !s->kept || !s->sec_start ||
      !s->sec_end || !s->md || !s->mctx || !s->jit) {
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
  ch_free(a, s->raw_first);
  ch_free(a, s->raw_n);
  ch_free(a, s->pat_limit);
  ch_free(a, s->place_last);
  ch_free(a, s->digits);
  ch_free(a, s->place_all);
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
  ch_free(a, s->kept);
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

/* ---------------------------------------------------------- pattern phase */

static ch_status grow(ch_scanner *s, void **p, size_t *cap, size_t need, size_t sz) {
  if (need <= *cap) return CH_OK;
  size_t nc = *cap * 2;
  while (nc < need) nc *= 2;
  void *np = ch_realloc(s->alloc, *p, nc * sz);
  if (!np) return CH_E_NOMEM;
  *p = np;
  *cap = nc;
  return CH_OK;
}

static ch_status add_raw(ch_scanner *s, uint32_t pat, uint32_t start, uint32_t end) {
  if (s->raw_n[pat] >= CH_MAX_MATCHES_PER_PATTERN) return CH_OK;
  if (grow(s, (void **)&s->raw, &s->raw_cap, s->raw_len + 1, sizeof *s->raw)) return CH_E_NOMEM;
  s->raw[s->raw_len++] = (rt_match){start, end, pat};
  s->raw_n[pat]++;
  return CH_OK;
}

/* Matches of one pattern must be contiguous in raw[]: patterns are run one
 * after the other, except words, which the prefilter finds interleaved;
 * those go through a per-pattern pass below. */

/* Input offset of clean offset i (the clean view is often the input). */
static inline uint32_t cmap_at(const ch_scanner *s, size_t i) { return s->cmap ? s->cmap[i] : (uint32_t)i; }

typedef struct det_ctx {
  ch_scanner *s;
  uint32_t pat;
  ch_status st;
} det_ctx;

static int det_cb(void *ud, size_t start, size_t end) {
  det_ctx *d = ud;
  d->st = add_raw(d->s, d->pat, cmap_at(d->s, start), cmap_at(d->s, end));
  return d->st != CH_OK || d->s->raw_n[d->pat] >= CH_MAX_MATCHES_PER_PATTERN;
}

/* A detector cannot match a text that lacks its trigger: an e-mail needs an
 * '@', a key block "-----BEGIN", the numeric identifiers a digit.  Checked
 * once per scan with memchr-speed scans before running the detector. */
static int detector_may_match(ch_scanner *s, int det, int *has_digit, ch_status *st) {
  const char *t = s->ct;
  size_t n = s->ctlen;
  switch (det) {
  case DET_EMAIL: return memchr(t, '@', n) != NULL;
  case DET_PRIVATE_KEY: return n >= 10 && memmem(t, n, "-----BEGIN", 10) != NULL;
  case DET_PHONE_FR: case DET_PHONE: case DET_NIR: case DET_INE: case DET_IBAN: case DET_CARD:
  case DET_SIREN: case DET_SIRET:
    /* the digit bitmap, built once for all of them (det_digit_bits), in a
     * buffer kept for the next scans: only charters with digit detectors
     * pay its n/8 bytes */
    if (*has_digit < 0) {
      size_t dw = (n + 63) / 64 + 1;
      if (dw > s->digits_cap) {
        uint64_t *d = ch_realloc(s->alloc, s->digits, dw * sizeof *d);
        if (!d) {
          *st = CH_E_NOMEM;
          return 0;
        }
        s->digits = d;
        s->digits_cap = dw;
      }
      *has_digit = det_digit_bits(t, n, s->digits);
      s->digits_ok = 1;
    }
    return *has_digit;
  default: return 1;
  }
}

/* Clean offset of input offset `at`: the first clean byte that comes from
 * it or after it (cmap is non-decreasing). */
static uint32_t clean_offset(const ch_scanner *s, uint32_t at) {
  if (!s->cmap) return at;
  size_t lo = 0, hi = s->ctlen;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->cmap[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return (uint32_t)lo;
}

/* Pattern pi's places in the clean view, in place_lo/place_hi sorted by
 * start: each place [start, end] of atom starts becomes [start - back,
 * end].  Returns how many. */
static size_t places_of(ch_scanner *s, uint32_t pi, uint32_t back) {
  size_t np = 0;
  for (size_t k = 0; k < s->place_len; k++) {
    if (s->place[k].pattern != pi) continue;
    uint32_t lo = clean_offset(s, s->place[k].start);
    s->place_lo[np] = lo > back ? lo - back : 0;
    s->place_hi[np++] = clean_offset(s, s->place[k].end);
  }
  /* hits come in order of their end: a longer atom may start first */
  for (size_t i = 1; i < np; i++) {
    uint32_t lo = s->place_lo[i], hi = s->place_hi[i];
    size_t j = i;
    for (; j > 0 && s->place_lo[j - 1] > lo; j--) {
      s->place_lo[j] = s->place_lo[j - 1];
      s->place_hi[j] = s->place_hi[j - 1];
    }
    s->place_lo[j] = lo;
    s->place_hi[j] = hi;
  }
  return np;
}

/* Detector pattern pi: at its triggers only when it has triggers and they
 * all found a place, over the whole clean view otherwise. */
static ch_status run_detector(ch_scanner *s, uint32_t pi) {
  const rt_pattern *p = &s->c->patterns[pi];
  det_ctx d = {s, pi, CH_OK};
  if (!p->ntrig || s->place_all[pi] || s->no_places) {
    det_scan_bits(p->det, s->ct, s->ctlen, s->digits_ok ? s->digits : NULL, det_cb, &d);
    return d.st;
  }
  size_t np = places_of(s, pi, 0);
  det_scan_at(p->det, s->ct, s->ctlen, s->place_lo, np, det_cb, &d);
  return d.st;
}

/* Matches of regex pi whose start lies in [from, limit] (limit
 * PCRE2_UNSET: anywhere after from), from left to right as one whole-text
 * pass finds them; *next receives where the next search starts.  Returns
 * 1 when the pattern is done with this scan (limit or match cap). */
static int regex_from(ch_scanner *s, uint32_t pi, size_t from, PCRE2_SIZE limit, size_t *next, ch_status *st,
                      ch_report *rep) {
  const rt_pattern *p = &s->c->patterns[pi];
  const unsigned char *t = (const unsigned char *)s->ct;
  size_t n = s->ctlen, off = from;
  /* always set: a limit left by a previous pattern would make PCRE2 refuse
   * one compiled without PCRE2_USE_OFFSET_LIMIT */
  pcre2_set_offset_limit(s->mctx, limit);
  while (off <= n && (limit == PCRE2_UNSET || off <= limit)) {
    int rc = pcre2_match(p->re, t, n, off, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      if (rc == PCRE2_ERROR_NOMEMORY) {
        *st = CH_E_NOMEM;
        return 1;
      }
      /* match, depth, heap or JIT stack limit: report, mark the fact
       * uncertain so prompt-scope deny rules fail closed */
      s->pat_limit[pi] = 1;
      rep->limit_hit = 1;
      return 1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
    size_t ms = ov[0], me = ov[1];
    if (me > ms) {
      if ((*st = add_raw(s, pi, cmap_at(s, ms), cmap_at(s, me))) != CH_OK) return 1;
      if (s->raw_n[pi] >= CH_MAX_MATCHES_PER_PATTERN) return 1;
      off = me;
    } else {
      /* empty match: step one code point */
      off = me + 1;
      while (off < n && (t[off] & 0xc0) == 0x80) off++;
    }
  }
  *next = off;
  return 0;
}

/* A regex runs over the whole text, or, when every match must start at
 * most `reach` bytes before an atom (compiler/atoms.c), only at the
 * starts [place - reach, place] around its atoms' hits: no match can start
 * elsewhere, and PCRE2 still sees the whole subject for lookarounds and
 * for how far a match runs, so the matches are the same. */
static ch_status run_regex(ch_scanner *s, uint32_t pi, ch_report *rep) {
  const rt_pattern *p = &s->c->patterns[pi];
  ch_status st = CH_OK;
  size_t next = 0;
  if (p->reach == CHB_NONE || s->place_all[pi] || s->no_places) {
    regex_from(s, pi, 0, PCRE2_UNSET, &next, &st, rep);
    return st;
  }
  size_t np = places_of(s, pi, p->reach);
  for (size_t k = 0; k < np; k++) {
    if (s->place_hi[k] < next) continue;
    size_t from = s->place_lo[k] > next ? s->place_lo[k] : next;
    if (regex_from(s, pi, from, s->place_hi[k], &next, &st, rep)) break;
  }
  return st;
}

/* The first folded byte at or after input offset i, or 0 at the end: what
 * follows a prefilter hit, for its word boundary.  Dropped characters and
 * combining marks fold to nothing and are skipped. */
static unsigned char folded_byte_from(const unsigned char *t, size_t n, size_t i) {
  char o[4];
  size_t adv;
  while (i < n) {
    if (norm_fold_at(t, n, i, o, &adv)) return (unsigned char)o[0];
    i += adv;
  }
  return 0;
}

static int ascii_alnum(unsigned c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'); }

/* An atom of pattern `pat` starts at input offset `at`: keep the place
 * for run_regex or run_detector, merged with the pattern's last place when
 * within `near` bytes of it.  Past CH_MAX_PLACES the pattern runs over the
 * whole text instead. */
static ch_status add_place(ch_scanner *s, uint32_t pat, uint32_t at, uint32_t near) {
  s->pat_candidate[pat] = 1;
  if (s->place_all[pat]) return CH_OK;
  if (s->place_last[pat]) {
    rt_match *m = &s->place[s->place_last[pat] - 1];
    if ((uint64_t)at + near >= m->start && at <= (uint64_t)m->end + near) {
      if (at < m->start) m->start = at;
      if (at > m->end) m->end = at;
      return CH_OK;
    }
  }
  if (s->place_len >= CH_MAX_PLACES(s->text_len)) {
    s->place_all[pat] = 1;
    return CH_OK;
  }
  if (s->place_len == s->place_cap) {
    size_t nc = s->place_cap * 2;
    rt_match *np = ch_realloc(s->alloc, s->place, nc * sizeof *np);
    if (!np) return CH_E_NOMEM;
    s->place = np;
    uint32_t *lo = ch_realloc(s->alloc, s->place_lo, nc * sizeof *lo);
    if (!lo) return CH_E_NOMEM;
    s->place_lo = lo;
    uint32_t *hi = ch_realloc(s->alloc, s->place_hi, nc * sizeof *hi);
    if (!hi) return CH_E_NOMEM;
    s->place_hi = hi;
    s->place_cap = nc;
  }
  s->place[s->place_len++] = (rt_match){at, at, pat};
  s->place_last[pat] = (uint32_t)s->place_len;
  return CH_OK;
}

/* A prefilter hit of atom `at` whose last byte is folded byte f-1, ending
 * at input offset `end`; `next` is the folded byte after it (0 at the end
 * of the text).  Words are checked at their boundaries and recorded as
 * matches; a regex becomes a candidate. */
static ch_status hit(ch_scanner *s, const rt_atom *at, size_t f, size_t end, unsigned next) {
  const ch_charter *c = s->c;
  const rt_pattern *p = &c->patterns[at->pattern];
  size_t b = f - at->len;
  if (s->no_places && p->kind != CHB_PAT_WORD) {
    s->pat_candidate[at->pattern] = 1;
    return CH_OK;
  }
  if (p->kind == CHB_PAT_DETECT) {
    /* a letter or digit the detector cannot have next to its trigger (the
     * input's ASCII letters and digits are the clean view's too) */
    uint32_t o = s->ring_org[b % CH_RING];
    const unsigned char *t = (const unsigned char *)s->text;
    if ((at->trig & DET_TRIG_START) && o > 0 && ascii_alnum(t[o - 1])) return CH_OK;
    if ((at->trig & DET_TRIG_END) && end < s->text_len && ascii_alnum(t[end])) return CH_OK;
    return add_place(s, at->pattern, o, 0);
  }
  if (p->kind == CHB_PAT_REGEX) {
    if (p->reach == CHB_NONE) {
      s->pat_candidate[at->pattern] = 1;
      return CH_OK;
    }
    return add_place(s, at->pattern, s->ring_org[b % CH_RING], p->reach);
  }
  /* boundaries only matter where the word itself starts/ends with a word
   * character ("c++" or "l'" may sit next to letters) */
  if (norm_is_word_byte(at->text[0]) && b > 0 && norm_is_word_byte(s->ring_b[(b - 1) % CH_RING])) return CH_OK;
  if (norm_is_word_byte(at->text[at->len - 1]) && next && norm_is_word_byte((unsigned char)next)) return CH_OK;
  return add_raw(s, at->pattern, s->ring_org[b % CH_RING], (uint32_t)end);
}

/* Every atom that ends at the automaton state whose row is `row`. */
static ch_status hits(ch_scanner *s, uint32_t row, size_t f, size_t end, unsigned next) {
  const rt_ac *ac = &s->c->ac;
  for (uint32_t o = ac->out_first[row / ac->nclass]; o != CHB_NONE; o = ac->out_next[o]) {
    ch_status r = hit(s, &s->c->atoms[ac->out_atom[o]], f, end, next);
    if (r) return r;
  }
  return CH_OK;
}

/* Prefilter pass over the input, folding it on the fly exactly as the
 * folded view would (norm_fold_at): ASCII goes straight through the
 * automaton, whose byte classes fold case; other code points are folded
 * first.  Marks candidate regexes and records word matches (in any
 * pattern order; facts() sorts them). */
static ch_status prefilter(ch_scanner *s) {
  const ch_charter *c = s->c;
  const rt_ac *ac = &c->ac;
  const unsigned char *t = (const unsigned char *)s->text;
  size_t n = s->text_len;
  if (!ac->nstates || !c->natoms) return CH_OK;
  const uint32_t *delta = ac->delta;
  const uint8_t *cls = ac->cls;
  const uint32_t out_row = ac->out_row;
  uint32_t row = 0; /* current state * nclass */
  size_t f = 0;     /* folded bytes so far */
  for (size_t i = 0; i < n;) {
    unsigned char b = t[i];
    if (b < 0x80) {
      /* the byte's column is found off the chain; the chain is one load */
      const uint32_t *col = delta + cls[b];
      row = col[row];
      s->ring_org[f % CH_RING] = (uint32_t)i;
      s->ring_b[f % CH_RING] = b;
      f++;
      i++;
      if (row < out_row) continue;
      unsigned next = i < n && t[i] < 0x80 ? t[i] : folded_byte_from(t, n, i);
      ch_status r = hits(s, row, f, i, next);
      if (r) return r;
      continue;
    }
    char fb[4];
    size_t adv, l = norm_fold_at(t, n, i, fb, &adv);
    for (size_t j = 0; j < l; j++) {
      row = delta[row + cls[(unsigned char)fb[j]]];
      s->ring_org[f % CH_RING] = (uint32_t)i;
      s->ring_b[f % CH_RING] = (unsigned char)fb[j];
      f++;
      if (row < out_row) continue;
      /* a hit inside the fold of one code point ("ss" of "ß") ends where
       * the code point starts, as the folded view's map says */
      size_t end = j + 1 < l ? i : i + adv;
      unsigned next = j + 1 < l ? (unsigned char)fb[j + 1] : folded_byte_from(t, n, i + adv);
      ch_status r = hits(s, row, f, end, next);
      if (r) return r;
    }
    i += adv;
  }
  return CH_OK;
}

static int cmp_match(const void *a, const void *b) {
  const rt_match *x = a, *y = b;
  if (x->pattern != y->pattern) return x->pattern < y->pattern ? -1 : 1;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

static int near_ok(const ch_scanner *s, const rt_match *m, uint32_t nf, uint32_t dist) {
  const rt_factres *r = &s->fres[nf];
  for (uint32_t k = 0; k < r->n; k++) {
    const rt_match *o = &s->kept[r->first + k];
    uint64_t gap = o->end <= m->start ? m->start - o->end : m->end <= o->start ? o->start - m->end : 0;
    if (gap <= dist) return 1;
  }
  return 0;
}

static ch_status facts(ch_scanner *s) {
  const ch_charter *c = s->c;
  /* raw[] holds word matches from the prefilter (any order) followed by
   * regex/detector matches; sort once by (pattern, start) so each
   * pattern's matches form a slice. */
  if (s->raw_len) qsort(s->raw, s->raw_len, sizeof *s->raw, cmp_match);
  for (size_t i = 0; i < s->raw_len;) {
    uint32_t p = s->raw[i].pattern;
    s->raw_first[p] = (uint32_t)i;
    size_t j = i;
    while (j < s->raw_len && s->raw[j].pattern == p) j++;
    s->raw_n[p] = (uint32_t)(j - i);
    i = j;
  }
  s->kept_len = 0;
  for (uint32_t f = 0; f < c->nfacts; f++) {
    const rt_fact *F = &c->facts[f];
    rt_factres *r = &s->fres[f];
    r->first = (uint32_t)s->kept_len;
    r->n = 0;
    r->uncertain = 0;
    for (uint32_t p = F->pat_first; p < F->pat_end; p++) {
      const rt_pattern *P = &c->patterns[p];
      if (s->pat_limit[p]) r->uncertain = 1;
      for (uint32_t k = 0; k < s->raw_n[p]; k++) {
        const rt_match *m = &s->raw[s->raw_first[p] + k];
        if (P->near != CHB_NONE && !near_ok(s, m, P->near, P->near_dist)) continue;
        if (grow(s, (void **)&s->kept, &s->kept_cap, s->kept_len + 1, sizeof *s->kept)) return CH_E_NOMEM;
        s->kept[s->kept_len++] = *m;
        r->n++;
      }
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

static int cmp_start(const void *a, const void *b) {
  const rt_match *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
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
      if (grow(s, (void **)&s->raw, &s->raw_cap, s->raw_len + 1, sizeof *s->raw)) return CH_E_NOMEM;
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
 * offset map, in a buffer kept for the next scans. */
static ch_status clean_view(ch_scanner *s, const char *text, size_t len) {
  if (norm_is_clean(text, len)) {
    s->ct = text;
    s->ctlen = len;
    s->cmap = NULL;
    return CH_OK;
  }
  ch_status st = norm_reserve(&s->clean, NORM_CLEAN_CAP(len), s->alloc);
  if (st) return st;
  norm_clean(text, len, &s->clean);
  s->ct = s->clean.text;
  s->ctlen = s->clean.len;
  s->cmap = s->clean.map;
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
  ch_status st = clean_view(s, text, len);
  if (st) {
    snprintf(s->errmsg, sizeof s->errmsg, "out of memory for a %zu-byte input", len);
    return st;
  }
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
  /* a detector with triggers becomes a candidate when one hits */
  for (uint32_t i = 0; i < c->npatterns; i++)
    s->pat_candidate[i] = c->patterns[i].kind != CHB_PAT_WORD && !c->patterns[i].ntrig &&
                          (c->patterns[i].natoms == 0 || (c->patterns[i].flags & CHB_PATF_ALWAYS));
  st = prefilter(s);
  int has_digit = -1;
  for (uint32_t i = 0; st == CH_OK && i < c->npatterns; i++) {
    if (!s->pat_candidate[i]) continue;
    const rt_pattern *p = &c->patterns[i];
    if (p->kind == CHB_PAT_REGEX) st = run_regex(s, i, rep);
    else if (p->kind == CHB_PAT_DETECT && detector_may_match(s, p->det, &has_digit, &st) && st == CH_OK)
      st = run_detector(s, i);
  }
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
