/*
 * check.c — semantic checks of a resolved model, and the warnings that
 * keep a charter honest: unknown names (with "did you mean"), type errors in
 * conditions, regexes that do not compile (PCRE2's message at the exact
 * column), licence lineage, rules that can never fire, unused definitions,
 * slow or risky patterns.
 *
 * It also annotates the model for emit.c: class and level indices, sorted
 * levels, UE masks, and on each condition node the operand it denotes
 * (node->flag = OK_*, node->num = index or rank).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/atoms.h"
#include "compiler/cc.h"
#include "compiler/check.h"
#include "compiler/model.h"
#include "runtime/alloc.h"
#include "runtime/chb.h"
#include "runtime/normalize.h"
#include "runtime/detect.h"
#include "runtime/limits.h"
#include "runtime/opcodes.h"

typedef struct ck {
  ch_cc *cc;
  model *m;
  pcre2_compile_context *cctx; /* routes PCRE2's memory through cc->alloc */
} ck;

static void *pcre_alloc(size_t n, void *ud) { return ch_malloc(((ch_cc *)ud)->alloc, n); }
static void pcre_free(void *p, void *ud) { ch_free(((ch_cc *)ud)->alloc, p); }

static const char *did_you_mean(const char *name, const char *const *c, size_t n,
                                char *buf, size_t bl) {
  const char *s = cc_suggest(name, c, n);
  if (!s) return "";
  snprintf(buf, bl, "; did you mean '%s'?", s);
  return buf;
}

#define NAMES(vec, field, out, cnt)                                   \
  do {                                                                \
    cnt = 0;                                                          \
    for (size_t _i = 0; _i < (vec).n && cnt < 256; _i++) out[cnt++] = (vec).v[_i].field; \
  } while (0)

/* ---------------------------------------------------------------- licence */

/* "CC-BY-SA-4.0" -> 40; -1 if not a CC BY-SA id. */
static int sa_version(const char *lic) {
  if (!lic || strncmp(lic, "CC-BY-SA-", 9)) return -1;
  const char *v = lic + 9;
  if (v[0] >= '1' && v[0] <= '9' && v[1] == '.' && v[2] >= '0' && v[2] <= '9' && !v[3])
    return (v[0] - '0') * 10 + (v[2] - '0');
  return -1;
}

static void check_lineage(ck *k) {
  model *m = k->m;
  /* Every ancestor that is share-alike constrains every descendant. */
  for (size_t a = 1; a < m->nlineage; a++) {
    m_lineage *anc = &m->lineage[a];
    int av = sa_version(anc->license);
    if (!anc->license) {
      cc_warning(k->cc, anc->loc, "template '%s' declares no `license`; derived charters cannot check reuse rights", anc->id);
      continue;
    }
    if (av < 0) continue;
    for (size_t d = 0; d < a; d++) {
      m_lineage *der = &m->lineage[d];
      int dv = sa_version(der->license);
      if (!der->license)
        cc_error(k->cc, der->loc, "'%s' derives from '%s' (%s, share-alike) and must declare `license \"%s\"` or a later CC-BY-SA version",
                 der->id, anc->id, anc->license, anc->license);
      else if (dv < av)
        cc_error(k->cc, der->loc, "licence '%s' of '%s' breaks the share-alike terms of '%s' (%s): use %s or a later CC-BY-SA version",
                 der->license, der->id, anc->id, anc->license, anc->license);
    }
    if (!anc->attribution)
      cc_warning(k->cc, anc->loc, "share-alike template '%s' has no `attribution`: the rendered charter cannot credit it", anc->id);
  }
}

/* ---------------------------------------------------------------- sources */

static void check_regex(ck *k, const m_source *s) {
  uint32_t opts = PCRE2_UTF | PCRE2_UCP;
  for (const char *f = s->flags ? s->flags : ""; *f; f++) {
    switch (*f) {
    case 'i': opts |= PCRE2_CASELESS; break;
    case 's': opts |= PCRE2_DOTALL; break;
    case 'x': opts |= PCRE2_EXTENDED; break;
    case 'm': opts |= PCRE2_MULTILINE; break;
    default: {
      ch_loc l = s->loc;
      cc_error(k->cc, l, "unknown pattern flag '%c' (valid: i s x m)", *f);
    }
    }
  }
  int err;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)s->text, PCRE2_ZERO_TERMINATED, opts, &err, &off, k->cctx);
  if (!re && (err == PCRE2_ERROR_NOMEMORY || err == 121 /* ERR21: failed to allocate heap memory */)) {
    k->cc->arena.failed = 1;
    return;
  }
  if (!re) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    ch_loc l = s->loc;
    /* The literal is /source/ on one line: column of byte `off` is one
     * past the opening slash. */
    l.first_column = s->loc.first_column + 1 + (uint32_t)off;
    l.last_column = l.first_column + 1;
    l.last_line = l.first_line;
    cc_error(k->cc, l, "invalid pattern: %s", (const char *)msg);
    return;
  }
  pcre2_code_free(re);
  if (atoms_nested_quantifier(s->text))
    cc_warning(k->cc, s->loc, "nested quantifier: this pattern risks catastrophic backtracking (it will hit the match limit on long inputs)");
  char atoms[ATOM_MAX_BRANCHES][ATOM_MAX];
  uint32_t reach[ATOM_MAX_BRANCHES];
  int na = atoms_extract(s->text, (opts & PCRE2_EXTENDED) != 0, atoms, reach, ATOM_MAX_BRANCHES);
  if (na == 0) {
    cc_warning(k->cc, s->loc, "pattern has no literal for the prefilter: it will run on every scan (slow); add a literal word");
    return;
  }
  for (int i = 0; i < na; i++)
    if (strlen(atoms[i]) < CH_ATOM_MIN_QUALITY) {
      cc_warning(k->cc, s->loc, "pattern's best literal '%s' is shorter than %d bytes: the prefilter will hit almost everywhere (slow)",
                 atoms[i], CH_ATOM_MIN_QUALITY);
      break;
    }
  /* The scanner tries a regex only just before its literal's hits; a
   * literal with no bound on what precedes it sends the pattern over the
   * whole text (every line start, for ^ in multiline mode). */
  for (int i = 0; i < na; i++)
    if (reach[i] == ATOM_UNBOUNDED) {
      cc_warning(k->cc, s->loc,
                 "pattern may start any distance before its literal '%s' (a *, + or {n,} before it, or an item of "
                 "unknown length): each scan where it occurs runs the pattern over the whole text (slow on long texts); "
                 "bound the repeat, e.g. \\s{0,3} for \\s*",
                 atoms[i]);
      break;
    }
}

static void check_sources(ck *k, const m_srclist *l, const char *owner_id, int self_fact) {
  for (size_t i = 0; i < l->n; i++) {
    const m_source *s = &l->v[i];
    switch (s->kind) {
    case CHB_PAT_REGEX:
      check_regex(k, s);
      break;
    case CHB_PAT_WORD: {
      int any = 0;
      for (const unsigned char *p = (const unsigned char *)s->text; *p; p++)
        if (*p > ' ') any = 1;
      if (!any) {
        cc_error(k->cc, s->loc, "empty word in a word list");
        break;
      }
      /* the word as the scanner compares it: folded as text is, its outer
       * blanks dropped; the prefilter holds it whole, in 255 bytes */
      size_t n = strlen(s->text), fl, b = 0;
      char *f = ch_malloc(NULL, NORM_CLEAN_CAP(n));
      if (!f) break; /* emit_source reports the memory */
      fl = norm_fold_str(s->text, n, f);
      while (b < fl && f[b] == ' ') b++;
      while (fl > b && f[fl - 1] == ' ') fl--;
      ch_free(NULL, f);
      if (fl == b)
        cc_error(k->cc, s->loc, "a word of only invisible or control characters is nothing once normalised: it could never match");
      else if (fl - b > 255)
        cc_error(k->cc, s->loc, "word of %zu bytes once normalised: at most 255 (a phrase that long is better a pattern)", fl - b);
      break;
    }
    case CHB_PAT_DETECT:
      if (det_lookup(s->text) < 0) {
        const char *c[DET_COUNT_];
        char all[256];
        size_t used = 0;
        all[0] = 0;
        /* the list from the detectors' own table, so that it never lags */
        for (int d = 0; d < DET_COUNT_; d++) {
          c[d] = det_name(d);
          int w = snprintf(all + used, sizeof all - used, "%s%s", d ? ", " : "", c[d]);
          if (w > 0 && (size_t)w < sizeof all - used) used += (size_t)w;
        }
        char b[128];
        cc_error(k->cc, s->loc, "unknown detector '%s'%s (built-in: %s)", s->text,
                 did_you_mean(s->text, c, DET_COUNT_, b, sizeof b), all);
      }
      break;
    }
    if (s->near) {
      int f = model_fact(k->m, s->near);
      if (f < 0) {
        const char *c[256];
        size_t n;
        NAMES(k->m->facts, id, c, n);
        char b[128];
        cc_error(k->cc, s->loc, "`near %s`: no data class or marker named '%s'%s", s->near, s->near,
                 did_you_mean(s->near, c, n, b, sizeof b));
      } else if (f == self_fact) {
        cc_error(k->cc, s->loc, "`near %s` refers to '%s' itself", s->near, owner_id);
      } else {
        k->m->facts.v[f].used = 1;
      }
    }
  }
}

/* Facts ordered so that a `near` target comes before its user; cycles are
 * errors.  order[] receives model fact indices. */
int check_fact_order(ch_cc *cc, model *m, int *order) {
  size_t n = m->facts.n;
  char *state = arena_alloc(&cc->arena, n ? n : 1); /* 0 new, 1 visiting, 2 done */
  int *stack = arena_alloc(&cc->arena, (n ? n : 1) * sizeof *stack);
  size_t *it = arena_alloc(&cc->arena, (n ? n : 1) * sizeof *it);
  if (!state || !stack || !it) return -1;
  size_t out = 0;
  for (size_t s = 0; s < n; s++) {
    if (state[s]) continue;
    size_t sp = 0;
    stack[sp] = (int)s;
    it[sp] = 0;
    state[s] = 1;
    sp++;
    while (sp) {
      int f = stack[sp - 1];
      m_fact *F = &m->facts.v[f];
      int pushed = 0;
      while (it[sp - 1] < F->src.n) {
        m_source *src = &F->src.v[it[sp - 1]++];
        if (!src->near) continue;
        int g = model_fact(m, src->near);
        if (g < 0 || g == f) continue;
        if (state[g] == 1) {
          cc_error(cc, src->loc, "`near` cycle: '%s' and '%s' depend on each other", F->id, m->facts.v[g].id);
          continue;
        }
        if (state[g] == 0) {
          state[g] = 1;
          stack[sp] = g;
          it[sp] = 0;
          sp++;
          pushed = 1;
          break;
        }
      }
      if (pushed) continue;
      state[f] = 2;
      order[out++] = f;
      sp--;
    }
  }
  return 0;
}

/* ------------------------------------------------------------- conditions */

enum { T_ERR = 0, T_BOOLV, T_NUMV, T_TOOLREF, T_CLASSREF, T_LEVELREF, T_ROLEREF, T_SCOPEREF, T_NAME };

static int type_operand(ck *k, ast_node *n, int as_value) {
  model *m = k->m;
  if (n->kind == N_NUM) {
    n->flag = OK_NUM;
    return T_NUMV;
  }
  if (n->kind == N_BOOL) {
    n->flag = OK_NUM;
    return T_BOOLV;
  }
  if (n->kind == N_STR) {
    cc_error(k->cc, n->loc, "a string cannot be used in a condition; names are written without quotes");
    return T_ERR;
  }
  if (n->kind == N_COUNT) {
    int f = model_fact(m, n->s1);
    if (f < 0) {
      const char *c[256];
      size_t cnt;
      NAMES(m->facts, id, c, cnt);
      char b[128];
      cc_error(k->cc, n->loc, "count(%s): no data class or marker named '%s'%s", n->s1, n->s1, did_you_mean(n->s1, c, cnt, b, sizeof b));
      return T_ERR;
    }
    m->facts.v[f].used = 1;
    n->flag = OK_FACT;
    n->num = f;
    return T_NUMV;
  }
  const char *p = n->s1;
  if (!strcmp(p, "tool")) { n->flag = OK_TOOLREF; return T_TOOLREF; }
  if (!strcmp(p, "tool.class")) { n->flag = OK_CLASSREF; return T_CLASSREF; }
  if (!strcmp(p, "tool.approved")) { n->flag = OK_TOOL_APPROVED; return T_BOOLV; }
  if (!strcmp(p, "level")) {
    if (!m->levels.n) {
      cc_error(k->cc, n->loc, "`level` used but the charter defines no levels");
      return T_ERR;
    }
    n->flag = OK_LEVELREF;
    return T_LEVELREF;
  }
  if (!strcmp(p, "role")) { n->flag = OK_ROLEREF; return T_ROLEREF; }
  if (!strcmp(p, "scope")) { n->flag = OK_SCOPEREF; return T_SCOPEREF; }
  if (!strcmp(p, "ue.disclosure")) { n->flag = OK_UE_DISC; return T_BOOLV; }
  if (!strncmp(p, "disclosure", 10) && (p[10] == 0 || p[10] == '.')) {
    if (!m->disclosure.defined) {
      cc_error(k->cc, n->loc, "`%s` used but the charter has no `disclosure` block", p);
      return T_ERR;
    }
    const char *prop = p[10] ? p + 11 : "present";
    static const char *const props[] = {"present", "negative", "used", "complete"};
    for (int i = 0; i < 4; i++)
      if (!strcmp(prop, props[i])) {
        n->flag = OK_DISC;
        n->num = i;
        return T_BOOLV;
      }
    int f = model_field(m, prop);
    if (f >= 0) {
      m->disclosure.fields[f].used = 1;
      n->flag = OK_FIELD;
      n->num = f;
      return T_BOOLV;
    }
    const char *c[64];
    size_t cnt = 0;
    for (int i = 0; i < 4; i++) c[cnt++] = props[i];
    for (size_t i = 0; i < m->disclosure.nfields && cnt < 64; i++) c[cnt++] = m->disclosure.fields[i].id;
    char b[128];
    cc_error(k->cc, n->loc, "unknown disclosure property '%s' (present, negative, used, complete or a field)%s", prop,
             did_you_mean(prop, c, cnt, b, sizeof b));
    return T_ERR;
  }
  if (!strchr(p, '.')) {
    int f = model_fact(m, p);
    if (f >= 0) {
      m->facts.v[f].used = 1;
      n->flag = OK_FACT;
      n->num = f;
      return T_NUMV;
    }
    if (as_value) {
      n->flag = OK_NAME;
      return T_NAME;
    }
  }
  const char *c[300];
  size_t cnt;
  NAMES(m->facts, id, c, cnt);
  static const char *const builtins[] = {"tool", "tool.class", "tool.approved", "level", "role", "scope",
                                         "ue.disclosure", "disclosure", "disclosure.used", "disclosure.complete",
                                         "disclosure.negative", "disclosure.present"};
  for (size_t i = 0; i < sizeof builtins / sizeof *builtins && cnt < 300; i++) c[cnt++] = builtins[i];
  char b[128];
  cc_error(k->cc, n->loc, "unknown name '%s' in condition%s", p, did_you_mean(p, c, cnt, b, sizeof b));
  return T_ERR;
}

static int resolve_value(ck *k, int reftype, ast_node *v) {
  model *m = k->m;
  const char *name = v->kind == N_PATH ? v->s1 : NULL;
  char b[128];
  const char *c[256];
  size_t cnt;
  switch (reftype) {
  case T_TOOLREF: {
    if (!name) break;
    int t = model_tool(m, name);
    if (t >= 0) { v->flag = OK_VAL_TOOL; v->num = t; m->tools.v[t].used = 1; return 0; }
    int cl = model_class(m, name);
    if (cl >= 0) { v->flag = OK_VAL_CLASS; v->num = cl; m->classes.v[cl].used = 1; return 0; }
    NAMES(m->tools, id, c, cnt);
    cc_error(k->cc, v->loc, "no tool or tool class named '%s'%s", name, did_you_mean(name, c, cnt, b, sizeof b));
    return -1;
  }
  case T_CLASSREF: {
    if (!name) break;
    int cl = model_class(m, name);
    if (cl >= 0) { v->flag = OK_VAL_CLASS; v->num = cl; m->classes.v[cl].used = 1; return 0; }
    NAMES(m->classes, id, c, cnt);
    cc_error(k->cc, v->loc, "no tool class named '%s'%s", name, did_you_mean(name, c, cnt, b, sizeof b));
    return -1;
  }
  case T_LEVELREF: {
    int l = v->kind == N_NUM ? -2 : name ? model_level(m, name) : -1;
    if (v->kind == N_NUM) {
      v->flag = OK_NUM;
      return 0;
    }
    if (l >= 0) { v->flag = OK_NUM; v->num = m->levels.v[l].rank; m->levels.v[l].used = 1; return 0; }
    if (!name) break;
    NAMES(m->levels, id, c, cnt);
    cc_error(k->cc, v->loc, "no level named '%s'%s", name, did_you_mean(name, c, cnt, b, sizeof b));
    return -1;
  }
  case T_ROLEREF:
    if (!name) break;
    if (!strcmp(name, "student")) { v->flag = OK_NUM; v->num = CH_ROLE_STUDENT; return 0; }
    if (!strcmp(name, "staff")) { v->flag = OK_NUM; v->num = CH_ROLE_STAFF; return 0; }
    if (!strcmp(name, "any")) { v->flag = OK_NUM; v->num = CH_ROLE_ANY; return 0; }
    cc_error(k->cc, v->loc, "unknown role '%s' (expected student, staff or any)", name);
    return -1;
  case T_SCOPEREF:
    if (!name) break;
    if (!strcmp(name, "prompt")) { v->flag = OK_NUM; v->num = CH_SCOPE_PROMPT; return 0; }
    if (!strcmp(name, "document")) { v->flag = OK_NUM; v->num = CH_SCOPE_DOCUMENT; return 0; }
    cc_error(k->cc, v->loc, "unknown scope '%s' (expected prompt or document)", name);
    return -1;
  }
  cc_error(k->cc, v->loc, "expected a name here");
  return -1;
}

static int type_expr(ck *k, ast_node *e) {
  switch (e->kind) {
  case N_OR:
  case N_AND: {
    int a = type_expr(k, e->a), b = type_expr(k, e->b);
    if (a == T_ERR || b == T_ERR) return T_ERR;
    return T_BOOLV;
  }
  case N_NOT:
    return type_expr(k, e->a) == T_ERR ? T_ERR : T_BOOLV;
  case N_CMP: {
    int lt = type_operand(k, e->a, 1);
    int rt = type_operand(k, e->b, 1);
    if (lt == T_ERR || rt == T_ERR) return T_ERR;
    /* Allow `public == tool.class`: put the reference on the left. */
    if ((lt == T_NAME || lt == T_NUMV) && rt >= T_TOOLREF && rt <= T_SCOPEREF) {
      ast_node *t = e->a;
      e->a = e->b;
      e->b = t;
      int tt = lt;
      lt = rt;
      rt = tt;
      static const int flip[] = {0, CMP_EQ, CMP_NE, CMP_GT, CMP_GE, CMP_LT, CMP_LE};
      e->flag = flip[e->flag];
    }
    if (lt >= T_TOOLREF && lt <= T_SCOPEREF) {
      if (lt != T_LEVELREF && e->flag != CMP_EQ && e->flag != CMP_NE) {
        cc_error(k->cc, e->loc, "only == and != compare %s", lt == T_TOOLREF ? "tools" : lt == T_CLASSREF ? "tool classes"
                 : lt == T_ROLEREF ? "roles" : "scopes");
        return T_ERR;
      }
      if (rt != T_NAME && !(lt == T_LEVELREF && rt == T_NUMV && e->b->kind == N_NUM)) {
        cc_error(k->cc, e->b->loc, "expected a name to compare with");
        return T_ERR;
      }
      return resolve_value(k, lt, e->b) ? T_ERR : T_BOOLV;
    }
    if (lt == T_NAME) {
      cc_error(k->cc, e->a->loc, "unknown name '%s' in condition", e->a->s1);
      return T_ERR;
    }
    if (rt == T_NAME) {
      cc_error(k->cc, e->b->loc, "unknown name '%s' in condition", e->b->s1);
      return T_ERR;
    }
    return T_BOOLV;
  }
  default: {
    int t = type_operand(k, e, 0);
    if (t == T_TOOLREF || t == T_CLASSREF || t == T_LEVELREF || t == T_ROLEREF || t == T_SCOPEREF) {
      cc_error(k->cc, e->loc, "'%s' must be compared (e.g. %s == ...)", e->s1, e->s1);
      return T_ERR;
    }
    return t;
  }
  }
}

/* Three-valued constant folding for "can never fire": -1 unknown. */
static int fold(const model *m, const ast_node *e, int scope) {
  switch (e->kind) {
  case N_OR: {
    int a = fold(m, e->a, scope), b = fold(m, e->b, scope);
    if (a == 1 || b == 1) return 1;
    if (a == 0 && b == 0) return 0;
    return -1;
  }
  case N_AND: {
    int a = fold(m, e->a, scope), b = fold(m, e->b, scope);
    if (a == 0 || b == 0) return 0;
    if (a == 1 && b == 1) return 1;
    return -1;
  }
  case N_NOT: {
    int a = fold(m, e->a, scope);
    return a < 0 ? -1 : !a;
  }
  case N_CMP:
    if (e->a->flag == OK_SCOPEREF) {
      int eq = scope == e->b->num;
      return e->flag == CMP_EQ ? eq : !eq;
    }
    if (e->a->flag == OK_LEVELREF && m->levels.n) {
      int64_t lo = m->levels.v[0].rank, hi = m->levels.v[m->levels.n - 1].rank, v = e->b->num;
      int t = 0, f = 0; /* can be true / can be false over all ranks */
      for (size_t i = 0; i < m->levels.n; i++) {
        int64_t r = m->levels.v[i].rank;
        int res = e->flag == CMP_EQ ? r == v : e->flag == CMP_NE ? r != v : e->flag == CMP_LT ? r < v
                : e->flag == CMP_LE ? r <= v : e->flag == CMP_GT ? r > v : r >= v;
        if (res) t = 1; else f = 1;
      }
      (void)lo;
      (void)hi;
      return t && !f ? 1 : !t && f ? 0 : -1;
    }
    return -1;
  case N_BOOL:
    return (int)e->num;
  case N_PATH:
    if ((e->flag == OK_DISC || e->flag == OK_FIELD) && scope == CH_SCOPE_PROMPT) return 0;
    return -1;
  default:
    return -1;
  }
}

/* ------------------------------------------------------------------ model */

static int cmp_level(const void *a, const void *b) {
  const m_level *x = a, *y = b;
  return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static uint32_t class_mask(ck *k, const char **cls, size_t n, ch_loc loc, const char *where) {
  uint32_t mask = 0;
  for (size_t i = 0; i < n; i++) {
    int c = model_class(k->m, cls[i]);
    if (c < 0) {
      const char *names[256];
      size_t cnt;
      NAMES(k->m->classes, id, names, cnt);
      char b[128];
      if (model_tool(k->m, cls[i]) >= 0)
        cc_error(k->cc, loc, "%s: '%s' is a tool; UE permissions list tool classes", where, cls[i]);
      else
        cc_error(k->cc, loc, "%s: no tool class named '%s'%s", where, cls[i], did_you_mean(cls[i], names, cnt, b, sizeof b));
      continue;
    }
    k->m->classes.v[c].used = 1;
    mask |= 1u << c;
  }
  return mask;
}

static void check_ue(ck *k, m_ue *u, const char *what) {
  model *m = k->m;
  u->level_idx = -1;
  if (!u->level) return;
  int l = model_level(m, u->level);
  if (l < 0) {
    const char *c[256];
    size_t cnt;
    NAMES(m->levels, id, c, cnt);
    char b[128];
    if (u->from_file)
      cc_error_at(k->cc, u->from_file, u->from_line, 1, "UE '%s': no level '%s'%s", u->code, u->level,
                  did_you_mean(u->level, c, cnt, b, sizeof b));
    else
      cc_error(k->cc, u->loc, "%s: no level '%s'%s", what, u->level, did_you_mean(u->level, c, cnt, b, sizeof b));
    return;
  }
  u->level_idx = l;
  m->levels.v[l].used = 1;
  if (u->nclasses) {
    if (u->from_file) {
      ch_loc none = u->loc;
      (void)none;
      for (size_t i = 0; i < u->nclasses; i++)
        if (model_class(m, u->classes[i]) < 0) {
          cc_error_at(k->cc, u->from_file, u->from_line, 1, "UE '%s': no tool class named '%s'", u->code, u->classes[i]);
          return;
        }
    }
    u->class_mask = class_mask(k, u->classes, u->nclasses, u->loc, what);
  }
}

static int check_all(ck *kp);

int check_model(ch_cc *cc, model *m) {
  ck k = {cc, m, NULL};
  pcre2_general_context *g = pcre2_general_context_create(pcre_alloc, pcre_free, cc);
  if (g) k.cctx = pcre2_compile_context_create(g);
  if (!k.cctx) {
    pcre2_general_context_free(g);
    cc->arena.failed = 1;
    return 1;
  }
  int r = check_all(&k);
  pcre2_compile_context_free(k.cctx);
  pcre2_general_context_free(g);
  return cc->arena.failed ? r + 1 : r;
}

static int check_all(ck *kp) {
  ck k = *kp;
  ch_cc *cc = k.cc;
  model *m = k.m;
  unsigned before = cc->errors;
  check_lineage(&k);
  if (m->classes.n > CH_MAX_TOOL_CLASSES) cc_error(cc, m->classes.v[CH_MAX_TOOL_CLASSES].loc, "more than %d tool classes", CH_MAX_TOOL_CLASSES);
  if (m->tools.n > CH_MAX_TOOLS) cc_error(cc, m->tools.v[CH_MAX_TOOLS].loc, "more than %d tools", CH_MAX_TOOLS);
  if (m->rules.n > CH_MAX_RULES) cc_error(cc, m->rules.v[CH_MAX_RULES].loc, "more than %d rules", CH_MAX_RULES);
  if (m->levels.n > CH_MAX_LEVELS) cc_error(cc, m->levels.v[CH_MAX_LEVELS].loc, "more than %d levels", CH_MAX_LEVELS);
  if (m->ues.n > CH_MAX_UES) cc_error(cc, m->ues.v[0].loc, "more than %d UEs", CH_MAX_UES);
  if (cc->errors > before) return (int)(cc->errors - before);

  /* tools */
  for (size_t i = 0; i < m->tools.n; i++) {
    m_tool *t = &m->tools.v[i];
    t->class_idx = model_class(m, t->class_id);
    if (t->class_idx < 0) {
      const char *c[256];
      size_t cnt;
      NAMES(m->classes, id, c, cnt);
      char b[128];
      cc_error(cc, t->loc, "tool '%s': no tool class named '%s'%s", t->id, t->class_id, did_you_mean(t->class_id, c, cnt, b, sizeof b));
    } else {
      m->classes.v[t->class_idx].used = 1;
    }
    if (model_class(m, t->id) >= 0) cc_error(cc, t->loc, "'%s' names both a tool and a tool class", t->id);
    check_sources(&k, &t->aliases, t->id, -1);
  }
  /* facts */
  for (size_t i = 0; i < m->facts.n; i++) {
    m_fact *f = &m->facts.v[i];
    if (f->src.n == 0) cc_error(cc, f->loc, "'%s' has nothing to match: give `detect`, `words` or `pattern`", f->id);
    check_sources(&k, &f->src, f->id, (int)i);
  }
  m->fact_order = arena_alloc(&cc->arena, (m->facts.n ? m->facts.n : 1) * sizeof *m->fact_order);
  if (!m->fact_order || check_fact_order(cc, m, m->fact_order)) return (int)(cc->errors - before) + 1;
  /* disclosure */
  if (m->disclosure.defined) {
    if (!m->disclosure.headings.n && !m->disclosure.negatives.n)
      cc_error(cc, m->disclosure.loc, "the disclosure block needs a `heading` (or at least a `negative` phrase)");
    check_sources(&k, &m->disclosure.headings, "heading", -1);
    check_sources(&k, &m->disclosure.negatives, "negative", -1);
    for (size_t i = 0; i < m->disclosure.nfields; i++) check_sources(&k, &m->disclosure.fields[i].src, m->disclosure.fields[i].id, -1);
  }
  /* levels: unique ranks, sorted */
  if (m->levels.n) qsort(m->levels.v, m->levels.n, sizeof *m->levels.v, cmp_level);
  for (size_t i = 0; i < m->levels.n; i++) {
    if (m->levels.v[i].rank < 0 || m->levels.v[i].rank > 1000)
      cc_error(cc, m->levels.v[i].loc, "level rank must be between 0 and 1000");
    if (i && m->levels.v[i].rank == m->levels.v[i - 1].rank) {
      cc_error(cc, m->levels.v[i].loc, "levels '%s' and '%s' have the same rank %lld", m->levels.v[i - 1].id,
               m->levels.v[i].id, (long long)m->levels.v[i].rank);
    }
  }
  /* UEs */
  if (m->has_ue_default) check_ue(&k, &m->ue_default, "ue default");
  else if (m->levels.n) {
    cc_warning(cc, m->lineage[0].loc, "no `ue default`: UEs without an entry get the lowest level '%s'", m->levels.v[0].id);
    m->ue_default.level_idx = 0;
  } else {
    m->ue_default.level_idx = -1;
  }
  for (size_t i = 0; i < m->ues.n; i++) check_ue(&k, &m->ues.v[i], "ue");
  /* rules */
  for (size_t i = 0; i < m->rules.n; i++) {
    m_rule *r = &m->rules.v[i];
    r->severity = !r->severity_name ? 0 : !strcmp(r->severity_name, "error") ? CH_SEV_ERROR
                : !strcmp(r->severity_name, "warning") ? CH_SEV_WARNING : !strcmp(r->severity_name, "info") ? CH_SEV_INFO : 0;
    if (!r->severity) {
      static const char *const sevs[] = {"error", "warning", "info"};
      char b[128];
      cc_error(cc, r->loc, "rule '%s': unknown severity '%s' (expected error, warning or info)%s", r->id,
               r->severity_name, did_you_mean(r->severity_name, sevs, 3, b, sizeof b));
    }
    r->action_fact = -1;
    if (r->action == CH_ACT_REDACT) {
      int f = r->action_arg ? model_fact(m, r->action_arg) : -1;
      if (f < 0 || m->facts.v[f].kind != CHB_FACT_DATA) {
        const char *c[256];
        size_t cnt;
        NAMES(m->facts, id, c, cnt);
        char b[128];
        cc_error(cc, r->loc, "rule '%s': `redact %s` needs a data class%s", r->id, r->action_arg ? r->action_arg : "",
                 did_you_mean(r->action_arg ? r->action_arg : "", c, cnt, b, sizeof b));
      } else {
        r->action_fact = f;
        m->facts.v[f].used = 1;
      }
    }
    if (r->action == CH_ACT_REQUIRE && (!r->action_arg || strcmp(r->action_arg, "disclosure")))
      cc_error(cc, r->loc, "rule '%s': only `require disclosure` is supported", r->id);
    if (r->action == CH_ACT_REDACT && !(r->scope & CH_SCOPE_PROMPT))
      cc_warning(cc, r->loc, "rule '%s': `redact` only changes prompts, but the rule's scope is document", r->id);
    if (!r->when) continue;
    if (type_expr(&k, r->when) == T_ERR) continue;
    int can = 0;
    for (int s = CH_SCOPE_PROMPT; s <= CH_SCOPE_DOCUMENT; s++)
      if ((r->scope & s) && fold(m, r->when, s) != 0) can = 1;
    if (!can && r->owner == 0) cc_warning(cc, r->loc, "rule '%s' can never fire (its condition is always false in its scope)", r->id);
  }
  /* examples */
  for (size_t i = 0; i < m->examples.n; i++) {
    m_example *e = &m->examples.v[i];
    char b[128];
    const char *c[256];
    size_t cnt;
    if (e->tool && model_tool(m, e->tool) < 0 && model_class(m, e->tool) < 0) {
      NAMES(m->tools, id, c, cnt);
      cc_error(cc, e->loc, "example '%s': no tool '%s'%s", e->name, e->tool, did_you_mean(e->tool, c, cnt, b, sizeof b));
    }
    if (e->level && model_level(m, e->level) < 0) cc_error(cc, e->loc, "example '%s': no level '%s'", e->name, e->level);
    if (e->role && strcmp(e->role, "student") && strcmp(e->role, "staff") && strcmp(e->role, "any"))
      cc_error(cc, e->loc, "example '%s': unknown role '%s'", e->name, e->role);
    for (size_t j = 0; j < e->nrules; j++)
      if (model_rule(m, e->rules[j]) < 0) {
        NAMES(m->rules, id, c, cnt);
        cc_error(cc, e->rule_locs[j], "example '%s' expects rule '%s', which does not exist%s", e->name, e->rules[j],
                 did_you_mean(e->rules[j], c, cnt, b, sizeof b));
      }
  }
  /* unused definitions of the compiled declaration itself */
  for (size_t i = 0; i < m->facts.n; i++)
    if (!m->facts.v[i].used && m->facts.v[i].owner == 0)
      cc_warning(cc, m->facts.v[i].loc, "%s '%s' is never used by a rule", m->facts.v[i].kind == CHB_FACT_DATA ? "data class" : "marker",
                 m->facts.v[i].id);
  for (size_t i = 0; i < m->classes.n; i++)
    if (!m->classes.v[i].used && m->classes.v[i].owner == 0)
      cc_warning(cc, m->classes.v[i].loc, "tool class '%s' is never used", m->classes.v[i].id);
  for (size_t i = 0; i < m->params.n; i++)
    if (!m->params.v[i].used) cc_warning(cc, m->params.v[i].loc, "parameter '%s' is never used", m->params.v[i].name);
  return (int)(cc->errors - before);
}
