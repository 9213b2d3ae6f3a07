/*
 * atoms.c — literal atoms of a regex, for the runtime's prefilter.
 *
 * An atom is a literal that every match of the pattern must contain.  The
 * runtime runs one prefilter pass over the folded text for all atoms and
 * calls PCRE2 only for patterns whose atom hit, so the better the atom the
 * less PCRE2 runs.  Example:
 *
 *   /\bn°\s*étudiant\s*:?\s*\d{8}\b/i   ->  runs "n°" and "étudiant"; the
 *                                           longest, "étudiant", is kept.
 *   /utm_source=chatgpt\.com/           ->  "utm_source=chatgpt.com"
 *   /(déclaration|statement) d'usage/   ->  " d'usage" (after the group)
 *   /\b(?:invente[rsz]?|fabrique)\b/   ->  {"invente", "fabrique"}: a group
 *                                           whose every branch has an atom
 *                                           gives the set (quality = the
 *                                           shortest member)
 *   /ai[- ]use (statement|disclosure)/  ->  {"statement", "disclosure"}
 *   /\d{15}/                            ->  no atom: runs on every scan
 *
 * A top-level alternation a|b gets the union of its branches' sets.
 * The analysis is conservative: anything it does not understand (classes,
 * escapes like \d, groups, lookarounds) ends the current literal run, and
 * an optional item (? * {0,n}) removes the character before it from the
 * run.  Atoms are returned as written; the caller folds them (case, accents)
 * exactly as the runtime folds text, which keeps them necessary even for
 * case-insensitive patterns.
 *
 * Each atom also gets its reach: the most bytes a match can span before
 * the atom starts (ATOM_UNBOUNDED when a * + {n,} or anything not
 * understood comes first).  The runtime then only tries match starts in
 * [hit - reach, hit] around each hit instead of the whole text:
 *
 *   /\b(?:note|grade)\b[^.]{0,40}\bessay/  ->  {"note", "grade"} reach 0
 *   /\bn°\s*étudiant/                    ->  "n°" reach 0 is preferred to
 *                                            "étudiant" (after \s*: unbounded)
 *
 * Widths count every code point as 4 bytes, the most UTF-8 needs, so that
 * case-insensitive matching (k matches the 3-byte Kelvin sign) stays inside.
 */
#include "compiler/atoms.h"

#include <string.h>

typedef struct atomset {
  int n;
  char v[ATOM_MAX_BRANCHES][ATOM_MAX];
  uint32_t reach[ATOM_MAX_BRANCHES];
} atomset;

/* Widths and reaches saturate at ATOM_UNBOUNDED; past this they are no use. */
#define WIDTH_CAP (1u << 16)
static uint32_t wadd(uint32_t a, uint32_t b) {
  return a == ATOM_UNBOUNDED || b == ATOM_UNBOUNDED || a + b > WIDTH_CAP ? ATOM_UNBOUNDED : a + b;
}
static uint32_t wmul(uint32_t a, uint32_t k) {
  if (a == 0 || k == 0) return 0;
  return a == ATOM_UNBOUNDED || k == ATOM_UNBOUNDED || a > WIDTH_CAP / k ? ATOM_UNBOUNDED : a * k;
}

/* Quality of a set: its shortest atom (the prefilter hits as often as its
 * weakest member); 0 for an empty set. */
static size_t quality(const atomset *s) {
  size_t q = 0;
  for (int i = 0; i < s->n; i++) {
    size_t l = strlen(s->v[i]);
    if (i == 0 || l < q) q = l;
  }
  return s->n ? q : 0;
}

static int bounded(const atomset *s) {
  for (int i = 0; i < s->n; i++)
    if (s->reach[i] == ATOM_UNBOUNDED) return 0;
  return s->n > 0;
}

static uint32_t max_reach(const atomset *s) {
  uint32_t r = 0;
  for (int i = 0; i < s->n; i++)
    if (s->reach[i] > r) r = s->reach[i];
  return r;
}

/* A set whose every atom has a bounded reach wins over one that has not
 * when it is not too weak (3 bytes): windows around its hits beat running
 * the pattern over the whole text.  Among bounded sets of 4 bytes or more,
 * one whose matches start at or right before the atom (reach <= 16) wins
 * over one far after the start (reach > 64): each hit of the latter makes
 * PCRE2 try every start in a window of that many bytes, as in
 * /\b(?:invente|fabrique)\b[^.]{0,50}\b(?:données|résultats)/, where
 * "truque" (reach 0) beats "données" (reach 236) although shorter.
 * Otherwise the longer shortest atom. */
static void take_if_better(atomset *best, const atomset *cand) {
  size_t qb = quality(best), qc = quality(cand);
  int bb = bounded(best), bc = bounded(cand);
  if (bc != bb && qc >= 3 && qb >= 3) {
    if (bc) *best = *cand;
    return;
  }
  if (bb && bc && qb >= 4 && qc >= 4) {
    uint32_t rb = max_reach(best), rc = max_reach(cand);
    if (rc <= 16 && rb > 64) *best = *cand;
    if ((rc <= 16 && rb > 64) || (rb <= 16 && rc > 64)) return;
  }
  if (qc > qb || (qc == qb && qc && cand->n < best->n)) *best = *cand;
}

/* End of the class starting at p[i] == '['. */
static size_t class_end(const char *p, size_t n, size_t i) {
  size_t j = i + 1;
  if (j < n && p[j] == '^') j++;
  if (j < n && p[j] == ']') j++;
  while (j < n && p[j] != ']') {
    if (p[j] == '\\') j++;
    j++;
  }
  return j < n ? j + 1 : n;
}

/* End of the group starting at p[i] == '('. */
static size_t group_end(const char *p, size_t n, size_t i) {
  int depth = 0;
  for (size_t j = i; j < n; j++) {
    if (p[j] == '\\') {
      j++;
      continue;
    }
    if (p[j] == '[') {
      j = class_end(p, n, j) - 1;
      continue;
    }
    if (p[j] == '(') depth++;
    if (p[j] == ')' && --depth == 0) return j + 1;
  }
  return n;
}

static int is_quant(char c) { return c == '*' || c == '+' || c == '?' || c == '{'; }

static void alternatives(const char *p, size_t n, int extended, int depth, atomset *out, uint32_t *width);

/* The bound of a {n}, {n,m}, {,m} quantifier at p[i] == '{', or
 * ATOM_UNBOUNDED for {n,}. */
static uint32_t brace_max(const char *p, size_t n, size_t i) {
  uint32_t v = 0;
  int digits = 0, comma = 0;
  for (size_t j = i + 1; j < n && p[j] != '}'; j++) {
    if (p[j] == ',') {
      comma = 1;
      v = 0;
      digits = 0;
    } else if (p[j] >= '0' && p[j] <= '9') {
      v = v > WIDTH_CAP ? v : v * 10 + (uint32_t)(p[j] - '0');
      digits = 1;
    } else {
      return ATOM_UNBOUNDED;
    }
  }
  return comma && !digits ? ATOM_UNBOUNDED : v;
}

/* Best atom set of a sequence (no top-level '|'), and the sequence's
 * maximum width in *width. */
static void sequence(const char *p, size_t n, int extended, int depth, atomset *best, uint32_t *width) {
  char run[ATOM_MAX];
  size_t rl = 0;
  uint32_t w = 0, run_w = 0; /* width so far; width where the run began */
  best->n = 0;
#define FLUSH()                                                              \
  do {                                                                       \
    if (rl) {                                                                \
      atomset c1;                                                            \
      c1.n = 1;                                                              \
      memcpy(c1.v[0], run, rl);                                              \
      c1.v[0][rl] = 0;                                                       \
      c1.reach[0] = run_w;                                                   \
      take_if_better(best, &c1);                                             \
    }                                                                        \
    rl = 0;                                                                  \
  } while (0)
  for (size_t i = 0; i < n;) {
    char c = p[i];
    size_t adv = 1;
    int literal = 0;
    char lit[4];
    size_t litn = 0;
    uint32_t iw = 4; /* the item's width: one code point unless said */
    atomset group;
    group.n = 0;
    if (extended && (c == ' ' || c == '\t' || c == '\n')) {
      i++;
      continue;
    }
    if (extended && c == '#') {
      while (i < n && p[i] != '\n') i++;
      continue;
    }
    if (c == '\\') {
      char e = i + 1 < n ? p[i + 1] : 0;
      adv = 2;
      if (e && strchr(".\\/-+*?()[]{}|^$#&~ :'\"!=<>,@%;", e)) {
        literal = 1;
        lit[0] = e;
        litn = 1;
      } else if (e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z') {
        i += 2; /* zero-width: does not break a run */
        continue;
      } else if (e == 'G') {
        /* \G holds at the start offset, which windows move: no reach */
        i += 2;
        w = ATOM_UNBOUNDED;
        continue;
      } else if (e && strchr("dDwWsShHvVNntrfea", e)) {
        iw = 4;
      } else if (e == 'R') {
        iw = 8; /* \r\n */
      } else {
        iw = ATOM_UNBOUNDED; /* \p{..}, \x{..}, \K, back references... */
      }
    } else if (c == '(') {
      size_t e = group_end(p, n, i);
      adv = e - i;
      /* (?:...) and (...) may give a set of atoms; lookarounds, inline
       * flags and other (?X forms give nothing.  Widths: lookarounds and
       * comments take none, option settings none, named and atomic groups
       * their content's, anything else (recursion, conditions) unknown. */
      const char *in = p + i + 1;
      size_t inl = e > i + 2 ? e - i - 2 : 0;
      int content = 1;
      if (inl >= 2 && in[0] == '?' && in[1] == ':') {
        in += 2;
        inl -= 2;
      } else if (inl && in[0] == '?') {
        content = 0;
        if (inl >= 2 && (in[1] == '=' || in[1] == '!' || in[1] == '#')) iw = 0;
        else if (inl >= 3 && in[1] == '<' && (in[2] == '=' || in[2] == '!')) iw = 0;
        else if (inl >= 2 && (in[1] == '>' || in[1] == '|')) {
          uint32_t gw;
          atomset none;
          alternatives(in + 2, inl - 2, extended, depth + 1, &none, &gw);
          iw = depth < 8 ? gw : ATOM_UNBOUNDED;
        } else {
          size_t k = 1;
          while (k < inl && strchr("imnsxJU-^", in[k])) k++;
          iw = k == inl ? 0 : ATOM_UNBOUNDED; /* (?i) alone; (?i:...) etc. unknown */
        }
        inl = 0;
      }
      if (content) {
        if (inl && depth < 8) alternatives(in, inl, extended, depth + 1, &group, &iw);
        else iw = inl ? ATOM_UNBOUNDED : 0;
      }
    } else if (c == '[') {
      adv = class_end(p, n, i) - i;
    } else if (c == '^' || c == '$') {
      i++;
      continue;
    } else if (c == '.' || c == '|' || is_quant(c)) {
      /* breaks the run */
      if (c != '.') iw = ATOM_UNBOUNDED;
    } else {
      unsigned char u = (unsigned char)c;
      size_t k = u < 0x80 ? 1 : u >= 0xf0 ? 4 : u >= 0xe0 ? 3 : 2;
      if (i + k > n) k = n - i;
      literal = 1;
      memcpy(lit, p + i, k);
      litn = k;
      adv = k;
    }
    i += adv;
    if (i > n) i = n;
    int optional = 0, repeated = 0;
    uint32_t times = 1; /* the most times the item repeats */
    if (i < n && is_quant(p[i])) {
      char q = p[i];
      optional = q == '*' || q == '?' || (q == '{' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == ','));
      repeated = 1;
      times = q == '?' ? 1 : q == '{' ? brace_max(p, n, i) : ATOM_UNBOUNDED;
      if (q == '{') {
        while (i < n && p[i] != '}') i++;
        i++;
      } else {
        i++;
      }
      if (i < n && (p[i] == '?' || p[i] == '+')) i++;
    }
    uint32_t before = w; /* where this item starts, at the most */
    w = wadd(w, wmul(iw, times));
    if (literal && !optional && rl + litn < ATOM_MAX) {
      if (!rl) run_w = before;
      memcpy(run + rl, lit, litn);
      rl += litn;
      if (repeated) FLUSH();
      continue;
    }
    FLUSH();
    if (!optional && group.n) {
      for (int k = 0; k < group.n; k++) group.reach[k] = wadd(before, group.reach[k]);
      take_if_better(best, &group);
    }
  }
  FLUSH();
#undef FLUSH
  *width = w;
}

/* Atom set of an alternation: the union of each branch's best set; empty
 * if any branch has none (that branch could match without an atom).
 * *width: the widest branch's width. */
static void alternatives(const char *p, size_t n, int extended, int depth, atomset *out, uint32_t *width) {
  out->n = 0;
  *width = 0;
  int none = 0;
  size_t start = 0;
  int d = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && p[i] == '\\') {
      i++;
      continue;
    }
    if (i < n && p[i] == '[') {
      i = class_end(p, n, i) - 1;
      continue;
    }
    if (i < n && p[i] == '(') d++;
    if (i < n && p[i] == ')') d--;
    if (i == n || (p[i] == '|' && d == 0)) {
      atomset b;
      uint32_t bw;
      sequence(p + start, i - start, extended, depth, &b, &bw);
      if (bw > *width) *width = bw; /* ATOM_UNBOUNDED is the largest */
      if (b.n == 0 || out->n + b.n > ATOM_MAX_BRANCHES) none = 1;
      for (int k = 0; !none && k < b.n; k++) {
        memcpy(out->v[out->n], b.v[k], ATOM_MAX);
        out->reach[out->n++] = b.reach[k];
      }
      start = i + 1;
    }
  }
  if (none) out->n = 0;
}

int atoms_extract(const char *re, int extended, char atoms[][ATOM_MAX],
                  uint32_t *reach, int max_atoms) {
  atomset s;
  uint32_t w;
  alternatives(re, strlen(re), extended, 0, &s, &w);
  if (s.n > max_atoms) return 0;
  for (int i = 0; i < s.n; i++) {
    memcpy(atoms[i], s.v[i], ATOM_MAX);
    if (reach) reach[i] = s.reach[i];
  }
  return s.n;
}

int atoms_nested_quantifier(const char *re) {
  /* A group that contains a quantifier and is itself repeated: (a+)+,
   * (\w*x)*, (?:a|b+){2,}.  Classic catastrophic-backtracking shape. */
  size_t n = strlen(re);
  int stack_q[64];
  int sp = 0;
  int cur_q = 0;
  for (size_t i = 0; i < n; i++) {
    char c = re[i];
    if (c == '\\') {
      i++;
      continue;
    }
    if (c == '[') {
      size_t j = i + 1;
      if (j < n && re[j] == '^') j++;
      if (j < n && re[j] == ']') j++;
      while (j < n && re[j] != ']') {
        if (re[j] == '\\') j++;
        j++;
      }
      i = j;
      if (i + 1 < n && (re[i + 1] == '*' || re[i + 1] == '+' || re[i + 1] == '{')) cur_q = 1;
      continue;
    }
    if (c == '(') {
      if (sp < 64) stack_q[sp] = cur_q;
      sp++;
      cur_q = 0;
      continue;
    }
    if (c == ')') {
      int inner = cur_q;
      sp--;
      if (sp < 0) return 0;
      cur_q = sp < 64 ? stack_q[sp] : 1;
      if (i + 1 < n && (re[i + 1] == '*' || re[i + 1] == '+' || (re[i + 1] == '{' && strchr(re + i + 1, ',')))) {
        if (inner) return 1;
        cur_q = 1;
      }
      continue;
    }
    if (c == '*' || c == '+' || (c == '{' && i + 1 < n && re[i + 1] >= '0' && re[i + 1] <= '9')) cur_q = 1;
  }
  return 0;
}
