/*
 * charter_internal.h — what a loaded charter and a scanner are made of.
 * Private to runtime/: the public header only declares the handles.
 *
 * A ch_charter is built once by the loader (load.c) from a verified image
 * and never changes afterwards, so any number of threads may scan with it.
 * Everything that changes during a scan lives in a ch_scanner (scan.c).
 */
#ifndef CH_CHARTER_INTERNAL_H
#define CH_CHARTER_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "charter.h"
#include "runtime/chb.h"
#include "runtime/normalize.h"

typedef struct rt_str {
  const char *s; /* points into the image copy; NUL-terminated (verified) */
  uint32_t len;
} rt_str;

typedef struct rt_tool {
  rt_str id, title;
  uint32_t cls;
} rt_tool;

typedef struct rt_level {
  rt_str id, title;
  int32_t rank;
  uint32_t disclosure;
} rt_level;

typedef struct rt_ue {
  rt_str code, title;
  int glob;
  uint32_t level, classes, disclosure;
} rt_ue;

typedef struct rt_fact {
  rt_str id, title;
  uint32_t kind, arg, min;
  uint32_t pat_first, pat_end; /* its patterns: [pat_first, pat_end) */
} rt_fact;

typedef struct rt_pattern {
  uint32_t fact, kind, flags;
  rt_str text;
  uint32_t near, near_dist, line;
  int det;            /* detector id for CHB_PAT_DETECT */
  pcre2_code *re;     /* for CHB_PAT_REGEX; shared, read-only */
  int jit;            /* re was JIT-compiled: matched by pcre2_jit_match */
  uint32_t natoms;
  uint32_t ntrig;     /* detector triggers among the atoms (load.c) */
  uint32_t reach;     /* a regex: the most bytes before any atom (the
                         atoms' largest reach), CHB_NONE if unbounded */
} rt_pattern;

typedef struct rt_rule {
  rt_str id, statement, message;
  uint32_t severity, scope, action, action_arg;
  const unsigned char *code;
  uint32_t code_len, line, maxstack;
  uint32_t code_off;
  int reads_uncertain_ok; /* reserved */
} rt_rule;

typedef struct rt_atom {
  uint32_t pattern;
  uint32_t len;
  const unsigned char *text; /* folded, in the image */
  unsigned trig;             /* a detector trigger's DET_TRIG_* flags */
  uint32_t reach;            /* CHB_ATOM_REACH */
} rt_atom;

/* The prefilter (prefilter.c): a shift-or filter over the atoms' first
 * eight folded bytes in PF_GROUPS groups, then the atoms grouped by the
 * hash of their first three bytes for the comparison. */
#define PF_GROUPS 8
#define PF_WIDTH 8        /* bytes of an atom the filter looks at */
#define PF_SC_MASK 0x1f3fu /* bits of two bytes that index the table */
#define PF_BUCKET_BITS 12
#define PF_BUCKETS (1u << PF_BUCKET_BITS)
#define PF_CHUNK 16384   /* folded bytes per chunk of the scan */
typedef struct rt_pf_entry {
  uint32_t key, mask;   /* the atom's first (up to 4) bytes, and which */
  uint32_t key2, mask2; /* its bytes 4 to 7 */
  uint64_t key3, mask3; /* its bytes 8 to 15: most atoms end there, and a
                           call to memcmp per hit was 3% of a scan */
  uint32_t atom;
} rt_pf_entry;
typedef struct rt_pf {
  /* indexed by two bytes (PF_SC_MASK): byte 7 - j of an entry has the
   * bit of group g clear when an atom of g may have those two bytes at
   * its offset j */
  uint64_t *sc;
  uint32_t *bucket;     /* PF_BUCKETS + 1 offsets into entry */
  rt_pf_entry *entry;   /* natoms */
  uint32_t bmask;       /* bytes of a position hashed for its bucket */
  uint32_t nshort;      /* entry[0..nshort): atoms of 1 or 2 bytes */
  uint32_t maxlen;
  /* norm_fold_at of U+00C0..U+00FF (0xc3 0x80..0xbf), the accented
   * letters of French: length, then up to 4 bytes */
  unsigned char latin1[64][5];
} rt_pf;

/* A scanner's fold buffer for the prefilter: PF_CHUNK + PF_SLACK folded
 * bytes, and the map from them back to input offsets in segments.  A
 * folded byte q belongs to the last segment with f <= q; in a segment of
 * ASCII and one-byte folds its code point starts at q + d, in a segment
 * marked PF_SEG_ONE (one code point folded to several bytes, "ß" to "ss")
 * at d.  A new segment begins only after a code point that is not one
 * input byte, so ASCII text needs none and the fold writes one byte per
 * byte (a 32-bit offset per folded byte was a fifth of a scan). */
#define PF_SLACK 64
#define PF_SEG_ONE 0x80000000u
#define PF_SEGS (PF_CHUNK + PF_SLACK + 1) /* at most one per folded byte, and the first */
typedef struct rt_pfseg {
  uint32_t f; /* the first folded byte, PF_SEG_ONE or-ed in */
  uint32_t d;
} rt_pfseg;
typedef struct rt_pfbuf {
  unsigned char *fb;
  rt_pfseg *seg;
  int clean; /* after pf_run: 1 when the input was clean (norm_is_clean), 0
              * when not, -1 when pf_run did not read it all */
} rt_pfbuf;

/* A hit of atom `at` at input offsets [start, end); prev and next are the
 * folded bytes around it (0 at either end of the text). */
typedef ch_status (*pf_hit_fn)(void *ud, const rt_atom *at, uint32_t start, uint32_t end, unsigned prev,
                               unsigned next);

struct ch_charter {
  ch_allocator alloc_copy;
  const ch_allocator *alloc;
  unsigned char *img;
  size_t img_len;
  rt_str id, title, version, license;
  uint32_t default_level, default_classes, default_disclosure;
  rt_str (*lineage)[7];
  uint32_t nlineage;
  rt_str *classes_id, *classes_title;
  uint32_t nclasses;
  rt_tool *tools;
  uint32_t ntools;
  rt_level *levels;
  uint32_t nlevels;
  rt_ue *ues;
  uint32_t nues;
  rt_fact *facts;
  uint32_t nfacts;
  rt_pattern *patterns;
  uint32_t npatterns;
  rt_atom *atoms;     /* the image's atoms, then detector triggers */
  uint32_t natoms;
  unsigned char *trig_text;
  rt_rule *rules;
  uint32_t nrules;
  const unsigned char *lines; /* LINE section records */
  uint32_t nlines;
  /* facts each rule reads, as a bitset of nfacts bits per rule */
  uint64_t *rule_facts;
  uint32_t fact_words;
  uint32_t max_ovector;
  uint32_t max_stack;
  rt_pf pf;
  uint8_t *cand0; /* per pattern: a candidate of every scan (rt_build_candidates) */
  pcre2_general_context *gctx;
  pcre2_match_context *mctx; /* limits; copied into each scanner */
  /* precomputed attribute strings for ch_charter_item */
  char *attr;
  const char **rule_attr;   /* per rule: severity, scope, action, condition */
  const char **level_attr;  /* per level: rank, disclosure */
  const char **ue_attr;     /* per ue: level, tools, disclosure */
  const char **fact_src;    /* per fact: its sources as charter text, a line each */
};

/* A match of a pattern, in ORIGINAL text offsets. */
typedef struct rt_match {
  uint32_t start, end;
  uint32_t pattern;
} rt_match;

typedef struct rt_finding_ev {
  ch_span span;
} rt_finding_ev;

struct ch_finding {
  const rt_rule *rule;
  const char *message;
  ch_span *ev;
  size_t nev;
};

struct ch_report {
  ch_decision decision;
  int limit_hit;
  int level;
  const char *level_name;
  const char *ue;
  unsigned disclosure;
  ch_finding *findings;
  size_t nfindings;
  const char *redacted;
  size_t redacted_len;
};

/* Per-fact result of a scan. */
typedef struct rt_factres {
  uint32_t count;       /* kept matches (after near and min) */
  uint32_t first, n;    /* kept matches in scanner->kept[first..first+n) */
  int uncertain;        /* a pattern of the fact hit a PCRE2 limit */
  uint32_t in_section;  /* matches inside disclosure sections */
} rt_factres;

struct ch_scanner {
  const ch_charter *c;
  const ch_allocator *alloc;
  /* context */
  ch_scope scope;
  int tool;            /* tool index or -1 */
  int tool_class;      /* class index or -1 */
  int ue;              /* ue index or -1 (default) */
  int level_override;  /* level index or -1 */
  ch_role role;
  /* buffers, sized for the largest input so far */
  norm_view clean;        /* built only when the input needs cleaning */
  const char *ct;         /* the clean text: clean.text or the input */
  size_t ctlen;
  int cleaned;            /* ct is clean.text (else the input: identity map) */
  size_t origin_hint;     /* norm_origin's hint for clean.seg */
  rt_pfbuf pfbuf;          /* the prefilter's folded chunk */
  uint8_t *pat_candidate; /* per pattern: 1 when its atom hit or ALWAYS */
  /* places where a regex or a detector with triggers must run: from the
   * prefilter's hits, as input offsets [start, end] of atom starts (near
   * hits of one regex are merged); see add_place in scan.c */
  rt_match *place;
  size_t place_cap, place_len;
  uint32_t *place_last;   /* per pattern: 1 + index of its last place, or 0 */
  uint8_t *place_all;     /* per pattern: run over the whole text instead */
  uint32_t *place_lo, *place_hi; /* one pattern's places in the clean view */
  size_t place_lo_cap, place_hi_cap;
  /* the places grouped by pattern, once per scan (places_of): pattern p's
   * are place[place_order[place_first[p] .. place_first[p + 1])], in
   * the order they were found */
  uint32_t *place_first;  /* npatterns + 2 (the counting sort's sums) */
  uint32_t *place_order;
  size_t place_order_cap;
  int places_grouped;
  int no_places;          /* tests: run every candidate over the whole text */
  uint64_t *digits;       /* the clean view's digit map (det_digit_bits) */
  size_t digits_cap;      /* in words */
  int digits_ok;          /* digits is this scan's */
  rt_match *raw;          /* matches per pattern, bump-allocated */
  uint32_t *raw_n;        /* per pattern: its matches in raw */
  size_t raw_cap, raw_len;
  uint32_t *raw_off;      /* per pattern: where its slice starts (rt_sort_raw) */
  rt_match *raw_tmp;      /* rt_sort_raw's other buffer, swapped with raw */
  size_t raw_tmp_cap;
  rt_match *kept;         /* per fact kept matches */
  size_t kept_cap, kept_len;
  rt_match *near_m;       /* near_index: one fact's kept matches by start */
  uint32_t *near_maxend;  /* and the largest end up to each */
  size_t near_cap, near_me_cap;
  uint32_t near_fact;     /* whose (CHB_NONE: none yet this scan) */
  rt_factres *fres;
  int *pat_limit;         /* per pattern: limit hit this scan */
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit;
  int64_t *stack;
  uint64_t *evbits;       /* facts touched by the current rule */
  uint64_t *sectbits;     /* tool facts whose evidence is section-only */
  /* disclosure */
  uint32_t *sec_start, *sec_end;
  size_t nsec, sec_cap;
  uint8_t *tool_disclosed;
  unsigned disclosure;
  /* report */
  ch_report report;
  ch_finding *findings;
  ch_span *spans;         /* nrules x CH_MAX_EVIDENCE */
  ch_span **span_order;   /* the report's spans by start (place_lines) */
  char *red;
  size_t red_cap;
  const char *text;
  size_t text_len;
  char errmsg[256];
};

/* load.c */
ch_status rt_verify_code(const ch_charter *c, const rt_rule *r, char *err, size_t errlen);
/* prefilter.c: build at load; run over the input, calling fn per hit in
 * the order of the hits' starts */
ch_status pf_build(ch_charter *c);
void pf_free(ch_charter *c);
ch_status pf_run(const ch_charter *c, rt_pfbuf *buf, const unsigned char *t, size_t n, pf_hit_fn fn, void *ud);
/* patterns.c: the pattern phase, in two steps: the prefilter's pass over
 * the input (word matches, candidates, places; it also learns whether the
 * input is clean), then, on the clean view, regexes and detectors */
ch_status rt_prefilter_phase(ch_scanner *s);
ch_status rt_pattern_phase(ch_scanner *s, ch_report *rep);
/* scan.c: grow *p of *cap elements of sz bytes to hold need (doubling;
 * *cap may be 0 with *p NULL) */
ch_status rt_grow(ch_scanner *s, void **p, size_t *cap, size_t need, size_t sz);
/* vm.c: run one rule; returns its result; *fault set on an impossible state */
int64_t vm_run(ch_scanner *s, const rt_rule *r, int *fault);
/* api.c */
ch_status rt_build_attrs(ch_charter *c);
ch_status rt_build_candidates(ch_charter *c);
ch_status rt_sort_raw(ch_scanner *s);
/* condition.c: rule r's condition as charter text (allocated with the
 * charter's allocator), or NULL for code the compiler does not emit or
 * on allocation failure */
char *rt_condition_text(const ch_charter *c, const rt_rule *r);
/* scan.c helpers used by the VM */
int rt_tool_class_of(const ch_scanner *s);
uint32_t rt_allowed_classes(const ch_scanner *s);
int rt_level_index(const ch_scanner *s);
int rt_disclosure_required(const ch_scanner *s);

#endif
