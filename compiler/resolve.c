/*
 * resolve.c — from declarations to one flat model (model.h).
 *
 * The compiled declaration is the last `template` or `charter` of the root
 * file.  Its `extends` chain is followed to the root template; bodies are
 * then applied from the oldest ancestor down, so a derived charter sees
 * every inherited definition and must say `override` to replace one or
 * `remove` to drop one: silently redefining is an error, because a
 * governance officer must see what their charter changes from the model.
 * Parameters bind along the chain (the most derived `extends` argument
 * wins, then the default) and are substituted in every string as ${name}.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/cc.h"
#include "compiler/model.h"
#include "compiler/resolve_internal.h"
#include "runtime/chb.h"
#include "runtime/limits.h"

int rs_vgrow(ch_cc *cc, void **v, size_t *cap, size_t n, size_t sz) {
  size_t nc = *cap ? *cap * 2 : 8;
  void *nv = arena_alloc(&cc->arena, nc * sz);
  if (!nv) return -1;
  if (n) memcpy(nv, *v, n * sz);
  *v = nv;
  *cap = nc;
  return 0;
}

/* ------------------------------------------------------------- parameters */

static m_param *find_param(model *m, const char *name) {
  for (size_t i = 0; i < m->params.n; i++)
    if (!strcmp(m->params.v[i].name, name)) return &m->params.v[i];
  return NULL;
}

static const char *value_text(ch_cc *cc, ast_node *v, int *type) {
  if (!v) return NULL;
  switch (v->kind) {
  case N_STR: *type = PT_TEXT; return v->s1;
  case N_NUM: *type = PT_NUMBER; return arena_printf(&cc->arena, "%lld", (long long)v->num);
  case N_BOOL: *type = PT_BOOL; return v->num ? "true" : "false";
  default: *type = 0; return NULL;
  }
}

static const char *type_name(int t) {
  return t == PT_TEXT ? "text" : t == PT_NUMBER ? "number" : t == PT_BOOL ? "bool" : "?";
}

/* Substitute ${name} with bound parameter values; "\$" is a literal '$'. */
static const char *interp(rs *r, ch_loc loc, const char *s) {
  if (!s || !strchr(s, '$')) return s;
  ch_cc *cc = r->cc;
  size_t cap = strlen(s) + 1, n = 0;
  for (const char *p = s; *p; p++)
    if (*p == '$') {
      const char *e = strchr(p, '}');
      if (e && p[1] == '{') {
        const char *name = arena_strndup(&cc->arena, p + 2, (size_t)(e - p - 2));
        m_param *pm = name ? find_param(r->m, name) : NULL;
        if (pm && pm->value) cap += strlen(pm->value);
      }
    }
  char *o = arena_alloc(&cc->arena, cap);
  if (!o) return s;
  for (const char *p = s; *p;) {
    if (p[0] == '\\' && p[1] == '$') {
      o[n++] = '$';
      p += 2;
      continue;
    }
    if (p[0] == '$' && p[1] == '{') {
      const char *e = strchr(p, '}');
      if (!e) {
        cc_error(cc, loc, "unterminated ${...} in string");
        break;
      }
      char name[130];
      size_t nl = (size_t)(e - p - 2);
      if (nl >= sizeof name) nl = sizeof name - 1;
      memcpy(name, p + 2, nl);
      name[nl] = 0;
      m_param *pm = find_param(r->m, name);
      if (!pm) {
        const char *c[64];
        size_t k = 0;
        for (size_t i = 0; i < r->m->params.n && k < 64; i++) c[k++] = r->m->params.v[i].name;
        const char *sug = cc_suggest(name, c, k);
        cc_error(cc, loc, "unknown parameter '${%s}'%s%s%s", name, sug ? "; did you mean '" : "",
                 sug ? sug : "", sug ? "'?" : "");
      } else if (pm->value) {
        pm->used = 1;
        size_t vl = strlen(pm->value);
        memcpy(o + n, pm->value, vl);
        n += vl;
      } else {
        pm->used = 1;
      }
      p = e + 1;
      continue;
    }
    o[n++] = *p++;
  }
  o[n] = 0;
  return o;
}

static int bind_params(rs *r) {
  ch_cc *cc = r->cc;
  model *m = r->m;
  /* Declarations, oldest ancestor first. */
  for (size_t k = r->nchain; k-- > 0;) {
    for (ast_node *it = r->chain[k]->b; it; it = it->next) {
      if (it->kind != N_PARAM) continue;
      if (find_param(m, it->s1)) {
        cc_error(cc, it->loc, "parameter '%s' is already declared", it->s1);
        continue;
      }
      m_param *p = VPUSH(cc, m->params);
      if (!p) return -1;
      p->name = it->s1;
      p->loc = it->loc;
      p->type = !strcmp(it->s2, "text") ? PT_TEXT : !strcmp(it->s2, "number") ? PT_NUMBER
              : !strcmp(it->s2, "bool") ? PT_BOOL : 0;
      if (!p->type) cc_error(cc, it->loc, "unknown parameter type '%s' (expected text, number or bool)", it->s2);
      if (it->a) {
        int t = 0;
        p->value = value_text(cc, it->a, &t);
        if (p->type && t != p->type)
          cc_error(cc, it->a->loc, "default of parameter '%s' is a %s, expected %s", it->s1, type_name(t), type_name(p->type));
      }
    }
  }
  /* Arguments: the most derived binding wins, so apply oldest first. */
  for (size_t k = r->nchain; k-- > 0;) {
    ast_node *ext = r->chain[k]->a;
    if (!ext) continue;
    for (ast_node *a = ext->a; a; a = a->next) {
      m_param *p = find_param(m, a->s1);
      if (!p) {
        const char *c[64];
        size_t n = 0;
        for (size_t i = 0; i < m->params.n && n < 64; i++) c[n++] = m->params.v[i].name;
        const char *sug = cc_suggest(a->s1, c, n);
        cc_error(cc, a->loc, "template '%s' has no parameter '%s'%s%s%s", ext->s1, a->s1,
                 sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
        continue;
      }
      int t = 0;
      const char *v = value_text(cc, a->a, &t);
      if (p->type && t != p->type) {
        cc_error(cc, a->a->loc, "parameter '%s' is a %s, got a %s", a->s1, type_name(p->type), type_name(t));
        continue;
      }
      p->value = v;
    }
  }
  for (size_t i = 0; i < m->params.n; i++)
    if (!m->params.v[i].value)
      cc_error(cc, r->chain[0]->loc, "parameter '%s' has no value: pass it in `extends` or give it a default",
               m->params.v[i].name);
  return 0;
}

/* ------------------------------------------------------------ definitions */

static const char *owner_name(rs *r, int owner) {
  return owner >= 0 && (size_t)owner < r->nchain ? r->chain[owner]->s1 : "?";
}

/* Common override/redefinition logic.  idx: existing index or -1.
 * Returns 1 to append, 0 to replace existing, -1 to skip. */
static int define(rs *r, const char *what, const char *id, int idx,
                  int existing_owner, ch_loc existing_loc, ast_node *it) {
  ch_cc *cc = r->cc;
  if (idx >= 0) {
    if (existing_owner == r->cur) {
      cc_error(cc, it->loc, "%s '%s' is defined twice in '%s'", what, id, owner_name(r, r->cur));
      cc_note(cc, existing_loc, "first definition of '%s' is here", id);
      return -1;
    }
    if (!it->override_) {
      cc_error(cc, it->loc, "%s '%s' is already defined by '%s'; write `override` to replace it or `remove` to drop it",
               what, id, owner_name(r, existing_owner));
      cc_note(cc, existing_loc, "inherited definition of '%s' is here", id);
      return -1;
    }
    return 0;
  }
  if (it->override_) {
    cc_error(cc, it->loc, "`override` of %s '%s', but no template '%s' extends defines it", what, id,
             owner_name(r, r->cur));
    return -1;
  }
  return 1;
}

static int add_sources(rs *r, m_srclist *l, ast_node *items, int allow_near);

static int add_source(rs *r, m_srclist *l, int kind, const char *text,
                      const char *flags, ast_node *near, ch_loc loc) {
  m_source *s = VPUSH(r->cc, *l);
  if (!s) return -1;
  s->kind = kind;
  s->text = kind == CHB_PAT_REGEX || kind == CHB_PAT_DETECT ? text : interp(r, loc, text);
  s->flags = flags;
  s->loc = loc;
  if (near) {
    s->near = near->s1;
    if (near->num <= 0 || near->num > 1000000)
      cc_error(r->cc, near->loc, "`within` distance must be between 1 and 1000000 bytes");
    s->near_dist = (uint32_t)near->num;
  }
  return 0;
}

static int add_sources(rs *r, m_srclist *l, ast_node *items, int allow_near) {
  for (ast_node *it = items; it; it = it->next) {
    switch (it->kind) {
    case N_WORDS:
      for (ast_node *w = it->a; w; w = w->next)
        if (add_source(r, l, CHB_PAT_WORD, w->s1, it->s1 ? "exact" : NULL, allow_near ? it->b : NULL, w->loc)) return -1;
      break;
    case N_STR:
      if (add_source(r, l, CHB_PAT_WORD, it->s1, NULL, NULL, it->loc)) return -1;
      break;
    case N_PATTERN:
      if (add_source(r, l, CHB_PAT_REGEX, it->s1, it->s2, allow_near ? it->b : NULL, it->loc)) return -1;
      break;
    case N_DETECT:
      for (ast_node *d = it->a; d; d = d->next)
        if (add_source(r, l, CHB_PAT_DETECT, d->s1, NULL, NULL, d->loc)) return -1;
      break;
    default:
      break;
    }
  }
  return 0;
}

int rs_find_by(const void *base, size_t n, size_t sz, size_t off, const char *id) {
  if (!id) return -1;
  for (size_t k = 0; k < n; k++) {
    const char *v = *(const char *const *)((const char *)base + k * sz + off);
    if (v && !strcmp(v, id)) return (int)k;
  }
  return -1;
}

int model_class(const model *m, const char *id) { return FIND(m->classes, m_class, id, id); }
int model_tool(const model *m, const char *id) { return FIND(m->tools, m_tool, id, id); }
int model_fact(const model *m, const char *id) { return FIND(m->facts, m_fact, id, id); }
int model_rule(const model *m, const char *id) { return FIND(m->rules, m_rule, id, id); }
int model_level(const model *m, const char *id) {
  int i = FIND(m->levels, m_level, id, id);
  if (i >= 0 || !id) return i;
  char *end;
  long v = strtol(id, &end, 10);
  if (*id && !*end)
    for (size_t k = 0; k < m->levels.n; k++)
      if (m->levels.v[k].rank == v) return (int)k;
  return -1;
}
int model_field(const model *m, const char *id) {
  for (size_t k = 0; k < m->disclosure.nfields; k++)
    if (!strcmp(m->disclosure.fields[k].id, id)) return (int)k;
  return -1;
}

#define REPLACE_OR_APPEND(r, vec, what, id, idx, it, out)                      \
  do {                                                                         \
    int _d = define(r, what, id, idx, idx >= 0 ? (vec).v[idx].owner : 0,      \
                    idx >= 0 ? (vec).v[idx].loc : (it)->loc, it);              \
    if (_d < 0) { out = NULL; break; }                                         \
    if (_d == 0) { out = &(vec).v[idx]; memset(out, 0, sizeof *out); }         \
    else { out = VPUSH((r)->cc, vec); if (!out) return -1; }                   \
  } while (0)

static int apply_ue_props(rs *r, m_ue *u, ast_node *props) {
  for (ast_node *p = props; p; p = p->next) {
    if (p->flag == UP_TOOLS) {
      size_t n = 0;
      for (ast_node *c = p->a; c; c = c->next) n++;
      u->classes = arena_alloc(&r->cc->arena, (n ? n : 1) * sizeof *u->classes);
      if (!u->classes) return -1;
      for (ast_node *c = p->a; c; c = c->next) u->classes[u->nclasses++] = c->s1;
    } else if (p->flag == UP_DISCLOSURE) {
      u->disclosure = p->num ? CHB_DISC_REQUIRED : CHB_DISC_OPTIONAL;
    }
  }
  return 0;
}


static int apply_item(rs *r, ast_node *it) {
  ch_cc *cc = r->cc;
  model *m = r->m;
  m_lineage *lin = &m->lineage[r->cur];
  switch (it->kind) {
  case N_META: {
    const char *v = interp(r, it->loc, it->s1);
    switch (it->flag) {
    case META_VERSION: lin->version = v; break;
    case META_LICENSE: lin->license = v; break;
    case META_ATTRIBUTION: lin->attribution = v; break;
    case META_SOURCE: lin->source = v; break;
    case META_DATE: lin->date = v; break;
    }
    return 0;
  }
  case N_PARAM:
    return 0;
  case N_PRINCIPLE: {
    int idx = FIND(m->principles, m_principle, id, it->s1);
    m_principle *p;
    REPLACE_OR_APPEND(r, m->principles, "principle", it->s1, idx, it, p);
    if (!p) return 0;
    p->id = it->s1;
    p->title = interp(r, it->loc, it->s2);
    p->text = interp(r, it->loc, it->s3);
    p->loc = it->loc;
    p->owner = r->cur;
    return 0;
  }
  case N_TOOLCLASS: {
    int idx = model_class(m, it->s1);
    m_class *c;
    REPLACE_OR_APPEND(r, m->classes, "tool class", it->s1, idx, it, c);
    if (!c) return 0;
    c->id = it->s1;
    c->title = interp(r, it->loc, it->s2);
    c->loc = it->loc;
    c->owner = r->cur;
    return 0;
  }
  case N_TOOL: {
    int idx = model_tool(m, it->s1);
    m_tool *t;
    REPLACE_OR_APPEND(r, m->tools, "tool", it->s1, idx, it, t);
    if (!t) return 0;
    t->id = it->s1;
    t->title = interp(r, it->loc, it->s2);
    t->class_id = it->s3;
    t->loc = it->loc;
    t->owner = r->cur;
    return add_sources(r, &t->aliases, it->a, 0);
  }
  case N_DATA:
  case N_MARKER: {
    int idx = model_fact(m, it->s1);
    m_fact *f;
    REPLACE_OR_APPEND(r, m->facts, it->kind == N_DATA ? "data class" : "marker", it->s1, idx, it, f);
    if (!f) return 0;
    f->id = it->s1;
    f->title = interp(r, it->loc, it->s2);
    f->kind = it->kind == N_DATA ? CHB_FACT_DATA : CHB_FACT_MARKER;
    f->loc = it->loc;
    f->owner = r->cur;
    for (ast_node *d = it->a; d; d = d->next)
      if (d->kind == N_MIN) {
        if (d->num < 1) cc_error(cc, d->loc, "`min` must be at least 1");
        f->min = (uint32_t)d->num;
      }
    return add_sources(r, &f->src, it->a, 1);
  }
  case N_DISCLOSURE: {
    m_disclosure *d = &m->disclosure;
    int d2 = define(r, "disclosure", "disclosure", d->defined ? 0 : -1, d->owner, d->loc, it);
    if (d2 < 0) return 0;
    memset(d, 0, sizeof *d);
    d->defined = 1;
    d->loc = it->loc;
    d->owner = r->cur;
    for (ast_node *x = it->a; x; x = x->next) {
      if (x->kind == N_HEADING) {
        if (add_sources(r, &d->headings, x->a, 0)) return -1;
      } else if (x->kind == N_NEGATIVE) {
        if (add_sources(r, &d->negatives, x->a, 0)) return -1;
      } else if (x->kind == N_FIELD) {
        if (model_field(m, x->s1) >= 0) {
          cc_error(cc, x->loc, "disclosure field '%s' is defined twice", x->s1);
          continue;
        }
        if (d->nfields == d->capfields && rs_vgrow(cc, (void **)&d->fields, &d->capfields, d->nfields, sizeof *d->fields))
          return -1;
        m_field *f = &d->fields[d->nfields++];
        memset(f, 0, sizeof *f);
        f->id = x->s1;
        f->required = x->flag;
        f->loc = x->loc;
        for (ast_node *s = x->a; s; s = s->next)
          if (s->kind == N_TOOLS) f->tools = 1;
        if (!x->a && (!strcmp(x->s1, "tool") || !strcmp(x->s1, "tools"))) f->tools = 1;
        if (add_sources(r, &f->src, x->a, 0)) return -1;
        if (!f->tools && f->src.n == 0)
          cc_error(cc, x->loc, "disclosure field '%s' has nothing to match: give `words`, `pattern` or `tools`", x->s1);
      }
    }
    return 0;
  }
  case N_LEVEL: {
    int idx = FIND(m->levels, m_level, id, it->s1);
    m_level *l;
    REPLACE_OR_APPEND(r, m->levels, "level", it->s1, idx, it, l);
    if (!l) return 0;
    l->id = it->s1;
    l->rank = it->num;
    l->title = interp(r, it->loc, it->s2);
    l->disclosure = it->flag;
    l->loc = it->loc;
    l->owner = r->cur;
    return 0;
  }
  case N_UE: {
    m_ue *u;
    if (!it->s1) {
      int d = define(r, "UE", "default", m->has_ue_default ? 0 : -1, m->ue_default.owner, m->ue_default.loc, it);
      if (d < 0) return 0;
      u = &m->ue_default;
      memset(u, 0, sizeof *u);
      m->has_ue_default = 1;
    } else {
      int idx = FIND(m->ues, m_ue, code, it->s1);
      REPLACE_OR_APPEND(r, m->ues, "UE", it->s1, idx, it, u);
      if (!u) return 0;
      u->code = it->s1;
      u->title = interp(r, it->loc, it->s2);
    }
    u->level = it->s3;
    u->loc = it->loc;
    u->owner = r->cur;
    return apply_ue_props(r, u, it->a);
  }
  case N_UEIMPORT: {
    const char *base = cc->files[it->loc.file].path;
    const char *slash = strrchr(base, '/');
    const char *path = it->s1[0] == '/' || !slash ? it->s1
                     : arena_printf(&cc->arena, "%.*s/%s", (int)(slash - base), base, it->s1);
    if (!path) return -1;
    return resolve_csv(r, path, it->loc);
  }
  case N_RULE: {
    int idx = model_rule(m, it->s1);
    m_rule *ru;
    REPLACE_OR_APPEND(r, m->rules, "rule", it->s1, idx, it, ru);
    if (!ru) return 0;
    ru->id = it->s1;
    ru->severity_name = it->s3;
    ru->statement = interp(r, it->loc, it->s2);
    ru->loc = it->loc;
    ru->owner = r->cur;
    ru->action = CH_ACT_REPORT;
    ru->scope = 0;
    int nwhen = 0, nact = 0;
    for (ast_node *x = it->a; x; x = x->next) {
      switch (x->kind) {
      case N_SCOPE:
        if (ru->scope) cc_error(cc, x->loc, "rule '%s' has two `scope` lines", it->s1);
        ru->scope = !strcmp(x->s1, "prompt") ? CH_SCOPE_PROMPT : !strcmp(x->s1, "document") ? CH_SCOPE_DOCUMENT
                  : !strcmp(x->s1, "both") ? (CH_SCOPE_PROMPT | CH_SCOPE_DOCUMENT) : 0;
        if (!ru->scope) cc_error(cc, x->loc, "unknown scope '%s' (expected prompt, document or both)", x->s1);
        break;
      case N_WHEN:
        if (nwhen++) cc_error(cc, x->loc, "rule '%s' has two `when` conditions; combine them with `and`", it->s1);
        ru->when = x->a;
        break;
      case N_ACTION:
        if (nact++) cc_error(cc, x->loc, "rule '%s' has two actions", it->s1);
        ru->action = x->flag;
        ru->action_arg = x->s1;
        break;
      case N_MESSAGE:
        ru->message = interp(r, x->loc, x->s1);
        break;
      default:
        break;
      }
    }
    if (!ru->scope) ru->scope = CH_SCOPE_PROMPT | CH_SCOPE_DOCUMENT;
    if (!nwhen) cc_error(cc, it->loc, "rule '%s' has no `when` condition", it->s1);
    return 0;
  }
  case N_EXAMPLE: {
    int idx = FIND(m->examples, m_example, name, it->s1);
    m_example *e;
    REPLACE_OR_APPEND(r, m->examples, "example", it->s1, idx, it, e);
    if (!e) return 0;
    e->name = it->s1;
    e->loc = it->loc;
    e->owner = r->cur;
    e->decision = -1;
    for (ast_node *x = it->a; x; x = x->next) {
      if (x->kind == N_EXPECT) {
        if (e->has_expect) cc_error(cc, x->loc, "example has two `expect` lines");
        e->has_expect = 1;
        e->decision = x->flag;
        size_t n = 0;
        for (ast_node *y = x->a; y; y = y->next) n++;
        e->rules = arena_alloc(&cc->arena, (n ? n : 1) * sizeof *e->rules);
        e->rule_locs = arena_alloc(&cc->arena, (n ? n : 1) * sizeof *e->rule_locs);
        if (!e->rules || !e->rule_locs) return -1;
        for (ast_node *y = x->a; y; y = y->next) {
          e->rule_locs[e->nrules] = y->loc;
          e->rules[e->nrules++] = y->s1;
        }
        continue;
      }
      const char *v = interp(r, x->loc, x->s1);
      switch (x->flag) {
      case EX_PROMPT: e->prompt = v; break;
      case EX_DOCUMENT: e->document = v; break;
      case EX_TOOL: e->tool = v; break;
      case EX_UE: e->ue = v; break;
      case EX_LEVEL: e->level = v; break;
      case EX_ROLE: e->role = v; break;
      case EX_REDACTED: e->redacted = v; break;
      }
    }
    if (!e->prompt == !e->document)
      cc_error(cc, it->loc, "example '%s' needs exactly one of `prompt` or `document`", it->s1);
    if (!e->has_expect) cc_error(cc, it->loc, "example '%s' has no `expect` line", it->s1);
    return 0;
  }
  case N_REMOVE: {
    static const char *const kinds[] = {"", "tool", "tool class", "data class", "marker", "level", "UE", "rule", "example", "principle"};
    int idx = -1;
    void *base = NULL;
    size_t *n = NULL, sz = 0;
    switch (it->flag) {
#define RM(K, vec, T, field)                                                  \
  case K: idx = FIND(m->vec, T, field, it->s1); base = m->vec.v; n = &m->vec.n; sz = sizeof *m->vec.v; break;
      RM(RM_TOOL, tools, m_tool, id)
      RM(RM_CLASS, classes, m_class, id)
      RM(RM_DATA, facts, m_fact, id)
      RM(RM_MARKER, facts, m_fact, id)
      RM(RM_LEVEL, levels, m_level, id)
      RM(RM_UE, ues, m_ue, code)
      RM(RM_RULE, rules, m_rule, id)
      RM(RM_EXAMPLE, examples, m_example, name)
      RM(RM_PRINCIPLE, principles, m_principle, id)
#undef RM
    }
    if (idx < 0 || !base) {
      cc_error(cc, it->loc, "cannot remove %s '%s': no template '%s' extends defines it", kinds[it->flag], it->s1,
               owner_name(r, r->cur));
      return 0;
    }
    char *b = base;
    memmove(b + (size_t)idx * sz, b + ((size_t)idx + 1) * sz, (*n - (size_t)idx - 1) * sz);
    (*n)--;
    return 0;
  }
  default:
    return 0;
  }
}

/* ------------------------------------------------------------------ chain */

static ast_node *find_decl(ch_cc *cc, const char *id, ast_node **dup) {
  ast_node *found = NULL;
  *dup = NULL;
  for (size_t f = 0; f < cc->nfiles; f++)
    for (ast_node *d = cc->files[f].decls; d; d = d->next)
      if ((d->kind == N_TEMPLATE || d->kind == N_CHARTER) && d->s1 && id && !strcmp(d->s1, id)) {
        if (found && !*dup) *dup = d;
        if (!found) found = d;
      }
  return found;
}

int resolve_model(ch_cc *cc, model *m) {
  memset(m, 0, sizeof *m);
  ast_node *root = NULL;
  for (ast_node *d = cc->files[0].decls; d; d = d->next)
    if (d->kind == N_TEMPLATE || d->kind == N_CHARTER) root = d;
  if (!root) {
    ch_loc l = {0, 1, 1, 1, 1};
    cc_error(cc, l, "no `template` or `charter` declaration in this file");
    return -1;
  }
  /* Every declaration id must be unique across the root file and includes. */
  for (size_t f = 0; f < cc->nfiles; f++)
    for (ast_node *d = cc->files[f].decls; d; d = d->next) {
      if (d->kind != N_TEMPLATE && d->kind != N_CHARTER) continue;
      ast_node *dup;
      ast_node *first = find_decl(cc, d->s1, &dup);
      if (dup == d) {
        cc_error(cc, d->loc, "'%s' is declared twice", d->s1);
        cc_note(cc, first->loc, "first declaration is here");
      }
    }
  ast_node *chain[CH_MAX_EXTENDS_DEPTH + 1];
  size_t n = 0;
  chain[n++] = root;
  for (ast_node *cur = root; cur->a;) {
    ast_node *dup;
    ast_node *parent = find_decl(cc, cur->a->s1, &dup);
    if (!parent) {
      const char *c[128];
      size_t k = 0;
      for (size_t f = 0; f < cc->nfiles; f++)
        for (ast_node *d = cc->files[f].decls; d && k < 128; d = d->next)
          if (d->kind == N_TEMPLATE) c[k++] = d->s1;
      const char *sug = cc_suggest(cur->a->s1, c, k);
      cc_error(cc, cur->a->loc, "unknown template '%s'%s%s%s (is its file included?)", cur->a->s1,
               sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
      return -1;
    }
    if (parent->kind != N_TEMPLATE) {
      cc_error(cc, cur->a->loc, "'%s' is a charter; only a template can be extended", parent->s1);
      return -1;
    }
    for (size_t i = 0; i < n; i++)
      if (chain[i] == parent) {
        cc_error(cc, cur->a->loc, "template cycle: '%s' extends itself through '%s'", parent->s1, cur->s1);
        return -1;
      }
    if (n > CH_MAX_EXTENDS_DEPTH) {
      cc_error(cc, cur->a->loc, "`extends` chain longer than %d", CH_MAX_EXTENDS_DEPTH);
      return -1;
    }
    chain[n++] = parent;
    cur = parent;
  }
  rs r = {cc, m, chain, n, 0};
  m->lineage = arena_alloc(&cc->arena, n * sizeof *m->lineage);
  if (!m->lineage) return -1;
  m->nlineage = n;
  m->is_template = root->kind == N_TEMPLATE;
  if (bind_params(&r)) return -1;
  for (size_t k = 0; k < n; k++) {
    m_lineage *l = &m->lineage[k];
    l->id = chain[k]->s1;
    l->title = interp(&r, chain[k]->loc, chain[k]->s2 ? chain[k]->s2 : chain[k]->s1);
    l->is_template = chain[k]->kind == N_TEMPLATE;
    l->loc = chain[k]->loc;
  }
  for (size_t k = n; k-- > 0;) {
    r.cur = (int)k;
    for (ast_node *it = chain[k]->b; it; it = it->next)
      if (apply_item(&r, it)) return -1;
  }
  return cc->errors ? -1 : 0;
}
