/*
 * emit.c — write a checked model as a .chb image (format: runtime/chb.h).
 *
 * Deterministic by construction: everything is emitted in model order
 * (source order, inherited first), strings are interned in first-use order,
 * and nothing depends on pointers or hashing order, so the same source
 * always gives byte-identical output.
 *
 * Fact numbering: tools first (fact i = mentions of tool i), then data
 * classes and markers with every `near` target before its user, then the
 * disclosure heading, negative phrases and fields.  Conditions compile to
 * stack code with forward jumps only (and/or short-circuit), ending in RET.
 */
#include <string.h>

#include "compiler/atoms.h"
#include "compiler/cc.h"
#include "compiler/check.h"
#include "compiler/model.h"
#include "runtime/alloc.h"
#include "runtime/chb.h"
#include "runtime/limits.h"
#include "runtime/normalize.h"
#include "runtime/opcodes.h"

typedef struct buf {
  unsigned char *p;
  size_t n, cap;
} buf;

typedef struct em {
  ch_cc *cc;
  model *m;
  buf sec[CHB_SEC_MAX_];
  /* string interning: open addressing over offsets into sec[STR] */
  uint32_t *tab;
  size_t tabcap, tabn;
  int *fact_of_model;  /* model fact index -> emitted fact index */
  uint32_t heading_fact, negative_fact, field_base;
  uint32_t nfacts;
  uint32_t npatterns;
  int exact; /* an exact word was emitted: the file needs format version 3 */
  int oom;
  /* per-rule code generation */
  size_t code_start;
  int depth, maxdepth;
} em;

static int grow(em *e, buf *b, size_t need) {
  if (b->n + need <= b->cap) return 0;
  size_t nc = b->cap ? b->cap * 2 : 256;
  while (nc < b->n + need) nc *= 2;
  unsigned char *np = arena_alloc(&e->cc->arena, nc);
  if (!np) {
    e->oom = 1;
    return -1;
  }
  if (b->n) memcpy(np, b->p, b->n);
  b->p = np;
  b->cap = nc;
  return 0;
}

static void put(em *e, buf *b, const void *p, size_t n) {
  if (n == 0 || grow(e, b, n)) return;
  memcpy(b->p + b->n, p, n);
  b->n += n;
}

static void put32(em *e, buf *b, uint32_t v) {
  unsigned char x[4];
  chb_wr32(x, v);
  put(e, b, x, 4);
}

static uint32_t fnv1a(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* Intern a string; returns its offset in STR.  Offsets are written with the
 * length as a pair. */
static uint32_t intern(em *e, const char *s, size_t n) {
  buf *str = &e->sec[CHB_SEC_STR];
  if (e->tabn * 2 >= e->tabcap) {
    size_t nc = e->tabcap ? e->tabcap * 2 : 1024;
    uint32_t *nt = arena_alloc(&e->cc->arena, nc * sizeof *nt);
    if (!nt) {
      e->oom = 1;
      return 0;
    }
    memset(nt, 0xff, nc * sizeof *nt);
    for (size_t i = 0; i < e->tabcap; i++) {
      uint32_t off = e->tab[i];
      if (off == CHB_NONE) continue;
      const char *t = (const char *)str->p + off;
      size_t j = fnv1a(t, strlen(t)) & (nc - 1);
      while (nt[j] != CHB_NONE) j = (j + 1) & (nc - 1);
      nt[j] = off;
    }
    e->tab = nt;
    e->tabcap = nc;
  }
  size_t j = fnv1a(s, n) & (e->tabcap - 1);
  while (e->tab[j] != CHB_NONE && str->p) {
    const char *t = (const char *)str->p + e->tab[j];
    if (strlen(t) == n && !memcmp(t, s, n)) return e->tab[j];
    j = (j + 1) & (e->tabcap - 1);
  }
  uint32_t off = (uint32_t)str->n;
  put(e, str, s, n);
  put(e, str, "", 1);
  if (e->oom) return 0;
  e->tab[j] = off;
  e->tabn++;
  return off;
}

static void put_str(em *e, buf *b, const char *s) {
  if (!s) s = "";
  size_t n = strlen(s);
  put32(e, b, intern(e, s, n));
  put32(e, b, (uint32_t)n);
}

/* --------------------------------------------------------------- patterns */

static uint32_t regex_flags(const char *f) {
  uint32_t r = 0;
  for (; f && *f; f++) {
    if (*f == 'i') r |= CHB_PATF_CASELESS;
    if (*f == 's') r |= CHB_PATF_DOTALL;
    if (*f == 'x') r |= CHB_PATF_EXTENDED;
    if (*f == 'm') r |= CHB_PATF_MULTILINE;
  }
  return r;
}

static void put_atom(em *e, uint32_t pat, const char *text, uint32_t reach) {
  size_t n = strlen(text);
  char *folded = arena_alloc(&e->cc->arena, NORM_CLEAN_CAP(n));
  if (!folded) {
    e->oom = 1;
    return;
  }
  size_t fl = norm_fold_str(text, n, folded);
  /* a prefix of a necessary literal is necessary too: the prefilter holds
   * 255 bytes of an atom (emit_source has dropped atoms that fold to
   * nothing) */
  if (fl > 255) fl = 255;
  /* A hit starts at the first character that folds to something: if the
   * atom's first one folds to nothing, the hit lies further than reach. */
  char first[16];
  size_t cl = 1;
  while (cl < n && ((unsigned char)text[cl] & 0xc0) == 0x80) cl++;
  if (norm_fold_str(text, cl, first) == 0) reach = CHB_NONE;
  buf *a = &e->sec[CHB_SEC_ATOM];
  put32(e, a, pat);
  put32(e, a, intern(e, folded, fl));
  put32(e, a, (uint32_t)fl);
  put32(e, a, reach);
}

static void emit_source(em *e, uint32_t fact, const m_source *s) {
  buf *p = &e->sec[CHB_SEC_PATTERN];
  uint32_t idx = e->npatterns++;
  uint32_t flags = 0;
  const char *text = s->text;
  size_t tlen = strlen(text);
  char atoms[ATOM_MAX_BRANCHES][ATOM_MAX];
  uint32_t reach[ATOM_MAX_BRANCHES];
  int na = 0;
  const char *atom_text = NULL; /* a word's atom: its folded text */
  size_t atom_len = 0;
  if (s->kind == CHB_PAT_WORD) {
    char *folded = arena_alloc(&e->cc->arena, NORM_CLEAN_CAP(tlen));
    if (!folded) {
      e->oom = 1;
      return;
    }
    /* Outer blanks never match across a word boundary: drop them. */
    size_t fl = norm_fold_str(text, tlen, folded);
    size_t b0 = 0;
    while (b0 < fl && folded[b0] == ' ') b0++;
    while (fl > b0 && folded[fl - 1] == ' ') fl--;
    folded[fl] = 0;
    atom_text = folded + b0;
    atom_len = fl - b0;
    if (s->flags && !strcmp(s->flags, "exact")) {
      /* the pattern keeps the word as written, whose letters' case the
       * scanner compares; the atom stays folded */
      flags |= CHB_PATF_EXACT;
      e->exact = 1;
      while (tlen && (text[0] == ' ' || text[0] == '\t')) text++, tlen--;
      while (tlen && (text[tlen - 1] == ' ' || text[tlen - 1] == '\t')) tlen--;
    } else {
      text = atom_text;
      tlen = atom_len;
    }
  } else if (s->kind == CHB_PAT_REGEX) {
    flags = regex_flags(s->flags);
    na = atoms_extract(text, (flags & CHB_PATF_EXTENDED) != 0, atoms, reach, ATOM_MAX_BRANCHES);
    /* an atom of control or invisible characters folds to nothing, as the
     * text's do: no prefix of the text proves the pattern absent, so it
     * runs on every scan (the verifier refuses an empty atom) */
    for (int i = 0; i < na; i++) {
      char f[NORM_CLEAN_CAP(ATOM_MAX)];
      if (norm_fold_str(atoms[i], strlen(atoms[i]), f) == 0) na = 0;
    }
    if (na == 0) flags |= CHB_PATF_ALWAYS;
  } else {
    flags |= CHB_PATF_ALWAYS;
  }
  uint32_t near = CHB_NONE;
  if (s->near) {
    int mf = model_fact(e->m, s->near);
    if (mf >= 0) near = (uint32_t)e->fact_of_model[mf];
  }
  put32(e, p, fact);
  put32(e, p, (uint32_t)s->kind);
  put32(e, p, flags);
  put32(e, p, intern(e, text, tlen));
  put32(e, p, (uint32_t)tlen);
  put32(e, p, near);
  put32(e, p, near == CHB_NONE ? 0 : s->near_dist);
  put32(e, p, s->loc.first_line);
  if (s->kind == CHB_PAT_WORD && atom_len) {
    buf *a = &e->sec[CHB_SEC_ATOM];
    put32(e, a, idx);
    put32(e, a, intern(e, atom_text, atom_len));
    put32(e, a, (uint32_t)atom_len);
    put32(e, a, 0); /* a word is its own match */
  }
  for (int i = 0; i < na; i++) put_atom(e, idx, atoms[i], reach[i] == ATOM_UNBOUNDED ? CHB_NONE : reach[i]);
}

static uint32_t emit_fact(em *e, const char *id, const char *title, uint32_t kind,
                          uint32_t arg, uint32_t min, const m_srclist *src) {
  uint32_t idx = e->nfacts++;
  buf *f = &e->sec[CHB_SEC_FACT];
  put_str(e, f, id);
  put_str(e, f, title);
  put32(e, f, kind);
  put32(e, f, arg);
  put32(e, f, min);
  if (src)
    for (size_t i = 0; i < src->n; i++) emit_source(e, idx, &src->v[i]);
  return idx;
}

/* ------------------------------------------------------------------- code */

static void op(em *e, int opc, ch_loc loc) {
  buf *c = &e->sec[CHB_SEC_CODE];
  const op_info *oi = &op_table[opc];
  e->depth += oi->pushes - oi->pops;
  if (e->depth > e->maxdepth) e->maxdepth = e->depth;
  /* line table: one entry per source line change */
  buf *l = &e->sec[CHB_SEC_LINE];
  uint32_t last = l->n >= 8 ? chb_rd32(l->p + l->n - 4) : 0;
  if (loc.first_line && loc.first_line != last) {
    put32(e, l, (uint32_t)c->n);
    put32(e, l, loc.first_line);
  }
  unsigned char b = (unsigned char)opc;
  put(e, c, &b, 1);
}

static void op_u8(em *e, int opc, unsigned v, ch_loc loc) {
  op(e, opc, loc);
  unsigned char b = (unsigned char)v;
  put(e, &e->sec[CHB_SEC_CODE], &b, 1);
}

static void op_u16(em *e, int opc, unsigned v, ch_loc loc) {
  op(e, opc, loc);
  unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  put(e, &e->sec[CHB_SEC_CODE], b, 2);
}

static void op_i32(em *e, int opc, int64_t v, ch_loc loc) {
  op(e, opc, loc);
  unsigned char b[4];
  chb_wr32(b, (uint32_t)(int32_t)v);
  put(e, &e->sec[CHB_SEC_CODE], b, 4);
}

/* Emit a jump with a placeholder; returns the operand position to patch. */
static size_t jump(em *e, int opc, ch_loc loc) {
  op_u16(e, opc, 0, loc);
  return e->sec[CHB_SEC_CODE].n - 2;
}

static void patch(em *e, size_t at) {
  buf *c = &e->sec[CHB_SEC_CODE];
  if (e->oom) return;
  size_t off = c->n - (at + 2);
  if (off > 0xffff) {
    cc_error(e->cc, (ch_loc){0, 0, 0, 0, 0}, "rule condition too long (jump over 64 KB)");
    return;
  }
  c->p[at] = (unsigned char)off;
  c->p[at + 1] = (unsigned char)(off >> 8);
}

static int cmp_op(int f) {
  switch (f) {
  case CMP_EQ: return OP_EQ;
  case CMP_NE: return OP_NE;
  case CMP_LT: return OP_LT;
  case CMP_LE: return OP_LE;
  case CMP_GT: return OP_GT;
  default: return OP_GE;
  }
}

static void gen(em *e, const ast_node *n);

static void gen_operand(em *e, const ast_node *n) {
  switch (n->flag) {
  case OK_NUM: op_i32(e, OP_PUSH_INT, n->num, n->loc); break;
  case OK_FACT: op_u16(e, OP_FACT, (unsigned)e->fact_of_model[n->num], n->loc); break;
  case OK_FIELD: op_u16(e, OP_FACT, e->field_base + (unsigned)n->num, n->loc); break;
  case OK_DISC: op_u8(e, OP_DISC, (unsigned)n->num, n->loc); break;
  case OK_TOOL_APPROVED: op(e, OP_TOOL_APPROVED, n->loc); break;
  case OK_UE_DISC: op(e, OP_UE_DISCLOSURE, n->loc); break;
  case OK_LEVELREF: op(e, OP_LEVEL, n->loc); break;
  case OK_ROLEREF: op(e, OP_ROLE, n->loc); break;
  case OK_SCOPEREF: op(e, OP_SCOPE, n->loc); break;
  default: op_i32(e, OP_PUSH_INT, 0, n->loc); break; /* cannot happen after check */
  }
}

static void gen(em *e, const ast_node *n) {
  switch (n->kind) {
  case N_OR:
  case N_AND: {
    int is_or = n->kind == N_OR;
    gen(e, n->a);
    size_t j1 = jump(e, is_or ? OP_JNZ : OP_JZ, n->loc);
    gen(e, n->b);
    size_t j2 = jump(e, OP_JMP, n->loc);
    patch(e, j1);
    e->depth--; /* the short-circuit path arrives without b's value */
    op_i32(e, OP_PUSH_INT, is_or ? 1 : 0, n->loc);
    patch(e, j2);
    return;
  }
  case N_NOT:
    gen(e, n->a);
    op(e, OP_NOT, n->loc);
    return;
  case N_CMP: {
    const ast_node *l = n->a, *r = n->b;
    if (l->flag == OK_TOOLREF || l->flag == OK_CLASSREF) {
      if (r->flag == OK_VAL_TOOL) op_u16(e, OP_TOOL_IS, (unsigned)r->num, n->loc);
      else op_u8(e, OP_CLASS_IS, (unsigned)r->num, n->loc);
      if (n->flag == CMP_NE) op(e, OP_NOT, n->loc);
      return;
    }
    gen_operand(e, l);
    gen_operand(e, r);
    op(e, cmp_op(n->flag), n->loc);
    return;
  }
  default:
    gen_operand(e, n);
    return;
  }
}

/* ------------------------------------------------------------------ model */

static int is_glob(const char *s) { return strpbrk(s, "*?[") != NULL; }

static void emit_ue(em *e, const m_ue *u) {
  buf *b = &e->sec[CHB_SEC_UE];
  put_str(e, b, u->code);
  put_str(e, b, u->title);
  put32(e, b, (uint32_t)is_glob(u->code));
  put32(e, b, u->level_idx >= 0 ? (uint32_t)u->level_idx : 0);
  put32(e, b, u->class_mask);
  put32(e, b, (uint32_t)u->disclosure);
}

int emit_model(ch_cc *cc, model *m, unsigned char **out, size_t *outlen) {
  em e;
  memset(&e, 0, sizeof e);
  e.cc = cc;
  e.m = m;
  e.fact_of_model = arena_alloc(&cc->arena, (m->facts.n ? m->facts.n : 1) * sizeof(int));
  if (!e.fact_of_model) return -1;
  intern(&e, "", 0);

  /* META */
  buf *b = &e.sec[CHB_SEC_META];
  m_lineage *self = &m->lineage[0];
  put_str(&e, b, self->id);
  put_str(&e, b, self->title);
  put_str(&e, b, self->version);
  put_str(&e, b, self->license);
  uint32_t all_classes = m->classes.n >= 32 ? 0xffffffffu : (1u << m->classes.n) - 1;
  put32(&e, b, m->ue_default.level_idx >= 0 ? (uint32_t)m->ue_default.level_idx : CHB_NONE);
  put32(&e, b, m->ue_default.class_mask ? m->ue_default.class_mask : all_classes);
  put32(&e, b, (uint32_t)m->ue_default.disclosure);
  put32(&e, b, m->source_hash);

  for (size_t i = 0; i < m->nlineage; i++) {
    m_lineage *l = &m->lineage[i];
    b = &e.sec[CHB_SEC_LINEAGE];
    put_str(&e, b, l->id);
    put_str(&e, b, l->title);
    put_str(&e, b, l->version);
    put_str(&e, b, l->license);
    put_str(&e, b, l->attribution);
    put_str(&e, b, l->source);
    put_str(&e, b, l->date);
  }
  for (size_t i = 0; i < m->classes.n; i++) {
    b = &e.sec[CHB_SEC_CLASS];
    put_str(&e, b, m->classes.v[i].id);
    put_str(&e, b, m->classes.v[i].title);
  }
  for (size_t i = 0; i < m->tools.n; i++) {
    b = &e.sec[CHB_SEC_TOOL];
    put_str(&e, b, m->tools.v[i].id);
    put_str(&e, b, m->tools.v[i].title);
    put32(&e, b, (uint32_t)m->tools.v[i].class_idx);
  }
  for (size_t i = 0; i < m->levels.n; i++) {
    b = &e.sec[CHB_SEC_LEVEL];
    put_str(&e, b, m->levels.v[i].id);
    put_str(&e, b, m->levels.v[i].title);
    put32(&e, b, (uint32_t)m->levels.v[i].rank);
    put32(&e, b, (uint32_t)m->levels.v[i].disclosure);
  }
  for (size_t i = 0; i < m->ues.n; i++)
    if (!is_glob(m->ues.v[i].code)) emit_ue(&e, &m->ues.v[i]);
  for (size_t i = 0; i < m->ues.n; i++)
    if (is_glob(m->ues.v[i].code)) emit_ue(&e, &m->ues.v[i]);

  /* FACT + PATTERN + ATOM */
  for (size_t i = 0; i < m->tools.n; i++)
    emit_fact(&e, m->tools.v[i].id, m->tools.v[i].title, CHB_FACT_TOOL, (uint32_t)i, 0, &m->tools.v[i].aliases);
  for (size_t k = 0; k < m->facts.n; k++) {
    int mi = m->fact_order[k];
    e.fact_of_model[mi] = (int)e.nfacts;
    m_fact *f = &m->facts.v[mi];
    emit_fact(&e, f->id, f->title, (uint32_t)f->kind, 0, f->min, &f->src);
  }
  if (m->disclosure.defined) {
    e.heading_fact = emit_fact(&e, "disclosure.heading", "Disclosure heading", CHB_FACT_DISC_HEADING, 0, 0, &m->disclosure.headings);
    e.negative_fact = emit_fact(&e, "disclosure.negative", "Negative disclosure", CHB_FACT_DISC_NEGATIVE, 0, 0, &m->disclosure.negatives);
    e.field_base = e.nfacts;
    for (size_t i = 0; i < m->disclosure.nfields; i++) {
      m_field *f = &m->disclosure.fields[i];
      const char *id = arena_printf(&cc->arena, "disclosure.%s", f->id);
      uint32_t flags = (f->required ? CHB_FIELD_REQUIRED : 0) | (f->tools ? CHB_FIELD_TOOLS : 0);
      emit_fact(&e, id, f->id, CHB_FACT_DISC_FIELD, flags, 0, &f->src);
    }
  }
  if (e.nfacts > CH_MAX_FACTS || e.npatterns > CH_MAX_PATTERNS) {
    cc_error(cc, m->lineage[0].loc, "charter too large: %u facts and %u patterns (limits %d and %d)", e.nfacts,
             e.npatterns, CH_MAX_FACTS, CH_MAX_PATTERNS);
    return -1;
  }

  /* RULE + CODE */
  for (size_t i = 0; i < m->rules.n; i++) {
    m_rule *r = &m->rules.v[i];
    e.code_start = e.sec[CHB_SEC_CODE].n;
    e.depth = e.maxdepth = 0;
    if (r->when) gen(&e, r->when);
    op(&e, OP_RET, r->loc);
    size_t len = e.sec[CHB_SEC_CODE].n - e.code_start;
    if (e.maxdepth > CH_MAX_STACK || len > CH_MAX_CODE_PER_RULE) {
      cc_error(cc, r->loc, "rule '%s': condition too large (stack %d, %zu bytes of code)", r->id, e.maxdepth, len);
      continue;
    }
    b = &e.sec[CHB_SEC_RULE];
    put_str(&e, b, r->id);
    put_str(&e, b, r->statement);
    put_str(&e, b, r->message ? r->message : r->statement);
    put32(&e, b, (uint32_t)r->severity);
    put32(&e, b, (uint32_t)r->scope);
    put32(&e, b, (uint32_t)r->action);
    put32(&e, b, r->action_fact >= 0 ? (uint32_t)e.fact_of_model[r->action_fact] : CHB_NONE);
    put32(&e, b, (uint32_t)e.code_start);
    put32(&e, b, (uint32_t)len);
    put32(&e, b, r->loc.first_line);
    put32(&e, b, (uint32_t)e.maxdepth);
  }
  if (e.oom || cc->errors) return -1;

  /* Assemble: header, section table, sections (4-byte aligned). */
  static const int order[] = {CHB_SEC_STR, CHB_SEC_META, CHB_SEC_LINEAGE, CHB_SEC_CLASS, CHB_SEC_TOOL,
                              CHB_SEC_LEVEL, CHB_SEC_UE, CHB_SEC_FACT, CHB_SEC_PATTERN, CHB_SEC_ATOM,
                              CHB_SEC_RULE, CHB_SEC_CODE, CHB_SEC_LINE};
  size_t nsec = sizeof order / sizeof *order;
  size_t off = CHB_HEADER_SIZE + nsec * 12;
  size_t offs[16];
  for (size_t i = 0; i < nsec; i++) {
    off = (off + 3) & ~(size_t)3;
    offs[i] = off;
    off += e.sec[order[i]].n;
  }
  size_t total = (off + 3) & ~(size_t)3;
  if (total > CH_MAX_CHB_SIZE) {
    cc_error(cc, m->lineage[0].loc, "compiled charter would be %zu bytes (limit %zu)", total, (size_t)CH_MAX_CHB_SIZE);
    return -1;
  }
  unsigned char *img = ch_calloc(cc->alloc, 1, total);
  if (!img) {
    cc->arena.failed = 1;
    return -1;
  }
  memcpy(img, CHB_MAGIC, CHB_MAGIC_LEN);
  chb_wr32(img + 8, e.exact ? CHB_FORMAT_VERSION : CHB_FORMAT_VERSION_MIN);
  chb_wr32(img + 12, CHB_PROBE);
  chb_wr32(img + 16, (uint32_t)total);
  chb_wr32(img + 20, (uint32_t)nsec);
  chb_wr32(img + 28, 0);
  for (size_t i = 0; i < nsec; i++) {
    unsigned char *t = img + CHB_HEADER_SIZE + i * 12;
    chb_wr32(t, (uint32_t)order[i]);
    chb_wr32(t + 4, (uint32_t)offs[i]);
    chb_wr32(t + 8, (uint32_t)e.sec[order[i]].n);
    if (e.sec[order[i]].n) memcpy(img + offs[i], e.sec[order[i]].p, e.sec[order[i]].n);
  }
  chb_wr32(img + 24, chb_crc32(img + CHB_HEADER_SIZE, total - CHB_HEADER_SIZE));
  *out = img;
  *outlen = total;
  return 0;
}
