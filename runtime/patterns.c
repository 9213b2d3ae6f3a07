/*
 * patterns.c — the pattern phase of a scan (scan.c runs it first): the
 * prefilter's pass over the input folded on the fly, word matches checked
 * at their boundaries, and the places where each regex and each detector
 * with triggers must run; then the regexes, in windows of match starts
 * around their atoms' hits (PCRE2's offset limit) or over the whole clean
 * view, and the detectors, at their triggers or over the whole view.
 * Every match lands in scanner->raw, in input offsets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"
#include "runtime/detect.h"
#include "runtime/detect_util.h" /* is_alpha, is_alnum */
#include "runtime/limits.h"

static ch_status add_raw(ch_scanner *s, uint32_t pat, uint32_t start, uint32_t end) {
  if (s->raw_n[pat] >= CH_MAX_MATCHES_PER_PATTERN) return CH_OK;
  if (rt_grow(s, (void **)&s->raw, &s->raw_cap, s->raw_len + 1, sizeof *s->raw)) return CH_E_NOMEM;
  s->raw[s->raw_len++] = (rt_match){start, end, pat};
  s->raw_n[pat]++;
  return CH_OK;
}

/* Matches of one pattern must be contiguous in raw[]: patterns are run one
 * after the other, except words, which the prefilter finds interleaved;
 * those go through a per-pattern pass below. */

/* Input offset of clean offset i (the clean view is often the input). */
static inline uint32_t origin_at(ch_scanner *s, size_t i) {
  return s->cleaned ? norm_origin(&s->clean, i, &s->origin_hint) : (uint32_t)i;
}

typedef struct det_ctx {
  ch_scanner *s;
  uint32_t pat;
  ch_status st;
} det_ctx;

static int det_cb(void *ud, size_t start, size_t end) {
  det_ctx *d = ud;
  d->st = add_raw(d->s, d->pat, origin_at(d->s, start), origin_at(d->s, end));
  return d->st != CH_OK || d->s->raw_n[d->pat] >= CH_MAX_MATCHES_PER_PATTERN;
}

/* A detector cannot match a text that lacks its trigger: an e-mail needs an
 * '@', the numeric identifiers a digit.  Checked once per scan with
 * memchr-speed scans before running the detector.  (A private key needs
 * "-----BEGIN ", a prefilter trigger: the detector is a candidate only
 * where that hit.) */
static int detector_may_match(ch_scanner *s, int det, int *has_digit, ch_status *st) {
  const char *t = s->ct;
  size_t n = s->ctlen;
  switch (det) {
  case DET_EMAIL: return memchr(t, '@', n) != NULL;
  case DET_PHONE_FR: case DET_PHONE: case DET_NIR: case DET_INE: case DET_IBAN: case DET_CARD:
  case DET_SIREN: case DET_SIRET: case DET_RIB:
    /* the digit map, built once for all of them (det_digit_bits), in a
     * buffer kept for the next scans: only charters with digit detectors
     * pay its n/64 bytes */
    if (*has_digit < 0) {
      if (rt_grow(s, (void **)&s->digits, &s->digits_cap, DET_MAP_WORDS(n), sizeof *s->digits)) {
        *st = CH_E_NOMEM;
        return 0;
      }
      *has_digit = det_digit_bits(t, n, s->digits);
      s->digits_ok = 1;
    }
    return *has_digit;
  default: return 1;
  }
}

/* Clean offset of input offset `at`: the first clean byte that comes from
 * it or after it.  A pattern's places come nearly in order, so the search
 * of the segment map gallops from the previous answer *hint. */
static uint32_t clean_offset(const ch_scanner *s, uint32_t at, size_t *hint) {
  return s->cleaned ? (uint32_t)norm_inverse(&s->clean, at, hint) : at;
}

/* The places grouped by pattern (a counting sort), once per scan: each
 * pattern then reads its own, instead of every pattern reading all of
 * them (on the bench text, 2% of a scan). */
static ch_status group_places(ch_scanner *s) {
  uint32_t np = s->c->npatterns, *first = s->place_first;
  if (rt_grow(s, (void **)&s->place_order, &s->place_order_cap, s->place_len + 1, sizeof *s->place_order))
    return CH_E_NOMEM;
  memset(first, 0, (np + 2) * sizeof *first);
  for (size_t k = 0; k < s->place_len; k++) first[s->place[k].pattern + 2]++;
  for (uint32_t p = 0; p < np; p++) first[p + 2] += first[p + 1];
  /* first[p + 1] is now where pattern p's places go: fill upwards, in
   * the order found, and first[p + 1] ends as the end of p, which is the
   * start of p + 1 */
  for (size_t k = 0; k < s->place_len; k++) s->place_order[first[s->place[k].pattern + 1]++] = (uint32_t)k;
  s->places_grouped = 1;
  return CH_OK;
}

/* Pattern pi's places in the clean view, in place_lo/place_hi sorted by
 * start: each place [start, end] of atom starts becomes [start - back,
 * end]; *count receives how many. */
static ch_status places_of(ch_scanner *s, uint32_t pi, uint32_t back, size_t *count) {
  if (rt_grow(s, (void **)&s->place_lo, &s->place_lo_cap, s->place_len, sizeof *s->place_lo) ||
      rt_grow(s, (void **)&s->place_hi, &s->place_hi_cap, s->place_len, sizeof *s->place_hi))
    return CH_E_NOMEM;
  if (!s->places_grouped && group_places(s)) return CH_E_NOMEM;
  size_t np = 0, hint = 0;
  for (uint32_t q = s->place_first[pi]; q < s->place_first[pi + 1]; q++) {
    size_t k = s->place_order[q];
    uint32_t lo = clean_offset(s, s->place[k].start, &hint);
    s->place_lo[np] = lo > back ? lo - back : 0;
    s->place_hi[np++] = clean_offset(s, s->place[k].end, &hint);
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
  *count = np;
  return CH_OK;
}

/* Does detector pattern pi run over the whole clean view?  Not when it
 * has triggers and they all found a place. */
static int whole_text(const ch_scanner *s, uint32_t pi) {
  return !s->c->patterns[pi].ntrig || s->place_all[pi] || s->no_places;
}

/* The digit detectors (NIR, card, SIREN, SIRET, phone_fr, IBAN) among
 * the candidates from pattern pi on, in one walk over the digits
 * (det_scan_digits) instead of one each.  The others of the group are
 * taken off the candidates: the pattern phase has done them. */
static ch_status run_digit_group(ch_scanner *s, uint32_t pi) {
  const ch_charter *c = s->c;
  det_ctx ctx[8];
  void *ud[8];
  int ids[8];
  size_t k = 0;
  for (uint32_t j = pi; j < c->npatterns && k < 8; j++) {
    const rt_pattern *p = &c->patterns[j];
    if (!s->pat_candidate[j] || p->kind != CHB_PAT_DETECT || !det_walks_digits(p->det) || !whole_text(s, j)) continue;
    ctx[k] = (det_ctx){s, j, CH_OK};
    ud[k] = &ctx[k];
    ids[k++] = p->det;
    if (j > pi) s->pat_candidate[j] = 0;
  }
  det_scan_digits(k, ids, s->ct, s->ctlen, s->digits_ok ? s->digits : NULL, det_cb, ud);
  for (size_t j = 0; j < k; j++)
    if (ctx[j].st) return ctx[j].st;
  return CH_OK;
}

/* Detector pattern pi: at its triggers only when it has triggers and they
 * all found a place, over the whole clean view otherwise. */
static ch_status run_detector(ch_scanner *s, uint32_t pi) {
  const rt_pattern *p = &s->c->patterns[pi];
  det_ctx d = {s, pi, CH_OK};
  if (whole_text(s, pi) && det_walks_digits(p->det)) return run_digit_group(s, pi);
  if (whole_text(s, pi)) {
    det_scan_bits(p->det, s->ct, s->ctlen, s->digits_ok ? s->digits : NULL, det_cb, &d);
    return d.st;
  }
  size_t np;
  if (places_of(s, pi, 0, &np)) return CH_E_NOMEM;
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
    /* the JIT's own entry skips pcre2_match's checks of the arguments,
     * which are ours (the same limits apply: match limit, JIT stack) */
    int rc = p->jit ? pcre2_jit_match(p->re, t, n, off, 0, s->md, s->mctx)
                    : pcre2_match(p->re, t, n, off, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
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
      if ((*st = add_raw(s, pi, origin_at(s, ms), origin_at(s, me))) != CH_OK) return 1;
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

#define PLACE_AHEAD 4

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
  size_t np;
  if (places_of(s, pi, p->reach, &np)) return CH_E_NOMEM;
  for (size_t k = 0; k < np; k++) {
    /* in a long text the places were found long before and left the
     * cache: fetch a few ahead (as the digit detectors do, detect.c) */
    if (k + PLACE_AHEAD < np) __builtin_prefetch(s->ct + s->place_lo[k + PLACE_AHEAD]);
    if (s->place_hi[k] < next) continue;
    size_t from = s->place_lo[k] > next ? s->place_lo[k] : next;
    /* `reach` bytes back may land inside a character, where no match
     * starts and where PCRE2 (told the text is valid UTF-8) must not be
     * started: its Unicode property lookups would read a continuation
     * byte as a code point */
    while (from < s->ctlen && ((unsigned char)s->ct[from] & 0xc0) == 0x80) from++;
    if (regex_from(s, pi, from, s->place_hi[k], &next, &st, rep)) break;
  }
  return st;
}


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
  if (rt_grow(s, (void **)&s->place, &s->place_cap, s->place_len + 1, sizeof *s->place)) return CH_E_NOMEM;
  s->place[s->place_len++] = (rt_match){at, at, pat};
  s->place_last[pat] = (uint32_t)s->place_len;
  return CH_OK;
}

/* An exact word (CHB_PATF_EXACT): the ASCII letters of the matched input
 * and of the word as written, in order, must be the same letters in the
 * same case ("M." is not the "m." of "3 m."); accented letters and the
 * rest still match as the fold says. */
static int exact_case(const unsigned char *t, size_t n, const rt_str *w) {
  const unsigned char *v = (const unsigned char *)w->s;
  size_t i = 0, j = 0;
  for (;;) {
    while (i < n && !is_alpha(t[i])) i++;
    while (j < w->len && !is_alpha(v[j])) j++;
    if (i == n || j == w->len) return i == n && j == w->len;
    if (t[i++] != v[j++]) return 0;
  }
}

/* A prefilter hit (pf_hit_fn): words are checked at their boundaries and
 * recorded as matches; a regex or a detector becomes a candidate, at a
 * place when it runs in windows or at triggers. */
static ch_status hit(void *ud, const rt_atom *at, uint32_t start, uint32_t end, unsigned prev, unsigned next) {
  ch_scanner *s = ud;
  const rt_pattern *p = &s->c->patterns[at->pattern];
  if (s->no_places && p->kind != CHB_PAT_WORD) {
    s->pat_candidate[at->pattern] = 1;
    return CH_OK;
  }
  if (p->kind == CHB_PAT_DETECT) {
    /* a letter or digit the detector cannot have next to its trigger (the
     * input's ASCII letters and digits are the clean view's too) */
    const unsigned char *t = (const unsigned char *)s->text;
    if ((at->trig & DET_TRIG_START) && start > 0 && is_alnum(t[start - 1])) return CH_OK;
    if ((at->trig & DET_TRIG_END) && end < s->text_len && is_alnum(t[end])) return CH_OK;
    return add_place(s, at->pattern, start, 0);
  }
  if (p->kind == CHB_PAT_REGEX) {
    if (p->reach == CHB_NONE) {
      s->pat_candidate[at->pattern] = 1;
      return CH_OK;
    }
    return add_place(s, at->pattern, start, p->reach);
  }
  /* boundaries only matter where the word itself starts/ends with a word
   * character ("c++" or "l'" may sit next to letters) */
  if (norm_is_word_byte(at->text[0]) && prev && norm_is_word_byte((unsigned char)prev)) return CH_OK;
  if (norm_is_word_byte(at->text[at->len - 1]) && next && norm_is_word_byte((unsigned char)next)) return CH_OK;
  if ((p->flags & CHB_PATF_EXACT) && !exact_case((const unsigned char *)s->text + start, end - start, &p->text))
    return CH_OK;
  return add_raw(s, at->pattern, start, end);
}

/* The patterns every scan runs: regexes and detectors without atoms or
 * marked ALWAYS (a detector with triggers becomes a candidate when one
 * hits).  Built at load, so a scan copies a few hundred bytes instead of
 * reading every pattern's record. */
ch_status rt_build_candidates(ch_charter *c) {
  c->cand0 = ch_calloc(c->alloc, c->npatterns + 1, 1);
  if (!c->cand0) return CH_E_NOMEM;
  for (uint32_t i = 0; i < c->npatterns; i++)
    c->cand0[i] = c->patterns[i].kind != CHB_PAT_WORD && !c->patterns[i].ntrig &&
                  (c->patterns[i].natoms == 0 || (c->patterns[i].flags & CHB_PATF_ALWAYS));
  return CH_OK;
}

/* The pattern phase, first step: the prefilter pass over the input (word
 * matches, candidates and places, and whether the input is clean). */
ch_status rt_prefilter_phase(ch_scanner *s) {
  memcpy(s->pat_candidate, s->c->cand0, s->c->npatterns);
  return pf_run(s->c, &s->pfbuf, (const unsigned char *)s->text, s->text_len, hit, s);
}

/* Second step, on the clean view: every candidate regex (at its places or
 * over the text) and detector (at its triggers, or over the text when its
 * trigger character is there). */
ch_status rt_pattern_phase(ch_scanner *s, ch_report *rep) {
  const ch_charter *c = s->c;
  ch_status st = CH_OK;
  int has_digit = -1;
  for (uint32_t i = 0; st == CH_OK && i < c->npatterns; i++) {
    if (i + 8 <= c->npatterns) { /* most patterns are not candidates: skip 8 at once */
      uint64_t w;
      memcpy(&w, s->pat_candidate + i, 8);
      if (!w) {
        i += 7;
        continue;
      }
    }
    if (!s->pat_candidate[i]) continue;
    const rt_pattern *p = &c->patterns[i];
    if (p->kind == CHB_PAT_REGEX) st = run_regex(s, i, rep);
    else if (p->kind == CHB_PAT_DETECT && detector_may_match(s, p->det, &has_digit, &st) && st == CH_OK)
      st = run_detector(s, i);
  }
  return st;
}
