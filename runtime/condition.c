/*
 * condition.c — a rule's condition read back from its verified bytecode as
 * charter text, with names instead of indices: what `charterc diff` shows
 * and compares, so that renumbered facts or tools change nothing and a
 * changed condition reads as a condition ("tool.class == public and
 * (personal or health)"), not as bytes.
 *
 * The compiler (compiler/emit.c) emits few shapes, and only those are read:
 *   operands     FACT, PUSH_INT, DISC, TOOL_APPROVED, LEVEL, ROLE, SCOPE,
 *                UE_DISCLOSURE, TOOL_IS / CLASS_IS (== tool or class)
 *   not a        a NOT
 *   l op r       l r EQ..GE
 *   a and b      a JZ L; b JMP M; L: PUSH_INT 0; M:   (or: JNZ, PUSH_INT 1)
 * Any other code (a hand-made .chb may hold any verified code) yields NULL
 * and the caller falls back to the bytes in hex.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"
#include "runtime/opcodes.h"

/* Stack entries: the text, and what a number beside it names (a level's
 * rank, a role, a scope) so that "level == 2" reads "level == explore". */
enum { V_ANY, V_LEVEL, V_ROLE, V_SCOPE, V_INT, V_IS };
typedef struct val {
  char *s;     /* without parentheses around it */
  int kind;
  int64_t num; /* V_INT */
  int op;      /* OP_JZ for and, OP_JNZ for or, 0 otherwise */
} val;

typedef struct dctx {
  const ch_charter *c;
  const rt_rule *r;
  const ch_allocator *a;
  int fail;
} dctx;

#define MAX_DEPTH 256 /* nested and/or read back; deeper falls back to hex */

static char *fmt(dctx *d, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int n = vsnprintf(NULL, 0, f, ap);
  va_end(ap);
  char *s = n < 0 ? NULL : ch_malloc(d->a, (size_t)n + 1);
  if (!s) {
    d->fail = 1;
    return NULL;
  }
  va_start(ap, f);
  vsnprintf(s, (size_t)n + 1, f, ap);
  va_end(ap);
  return s;
}

/* A number compared with a level, a role or a scope, by its name. */
static const char *name_of(const dctx *d, int kind, int64_t v) {
  const ch_charter *c = d->c;
  if (kind == V_LEVEL)
    for (uint32_t i = 0; i < c->nlevels; i++)
      if (c->levels[i].rank == v) return c->levels[i].id.s;
  if (kind == V_ROLE) return v == CH_ROLE_STUDENT ? "student" : v == CH_ROLE_STAFF ? "staff" : "any";
  if (kind == V_SCOPE) return v == CH_SCOPE_PROMPT ? "prompt" : v == CH_SCOPE_DOCUMENT ? "document" : NULL;
  return NULL;
}

static char *operand(dctx *d, const val *v, const val *other) {
  const char *n = v->kind == V_INT ? name_of(d, other->kind, v->num) : NULL;
  return fmt(d, "%s", n ? n : v->s);
}

static char *decompile(dctx *d, uint32_t pc, uint32_t end, int depth, int *op);

/* An and/or operand in parentheses unless it is a chain of the same
 * operator on the left (the grammar is left-associative). */
static char *wrap(dctx *d, const char *s, int inner, int outer, int left) {
  return fmt(d, inner && !(inner == outer && left) ? "(%s)" : "%s", s);
}

static void drop(dctx *d, val *st, size_t sp) {
  for (size_t i = 0; i < sp; i++) ch_free(d->a, st[i].s);
}

/* The text of the code in [pc, end), which must leave one value; *opout
 * receives its operator (val.op). */
static char *decompile(dctx *d, uint32_t pc, uint32_t end, int depth, int *opout) {
  static const char *const cmp[] = {"==", "!=", "<", "<=", ">", ">="};
  static const char *const disc[] = {"disclosure", "disclosure.negative", "disclosure.used", "disclosure.complete"};
  const ch_charter *c = d->c;
  const unsigned char *code = d->r->code;
  size_t cap = d->r->maxstack + 1, sp = 0;
  if (depth > MAX_DEPTH || !(cap < 4096)) {
    d->fail = 1;
    return NULL;
  }
  val *st = ch_calloc(d->a, cap, sizeof *st);
  if (!st) {
    d->fail = 1;
    return NULL;
  }
  while (pc < end && !d->fail) {
    int op = code[pc];
    uint32_t u16 = pc + 2 < d->r->code_len ? chb_rd16(code + pc + 1) : 0;
    val v = {NULL, V_ANY, 0, 0};
    int pushes = 1;
    switch (op) {
    case OP_RET: end = pc, pushes = 0; break;
    case OP_PUSH_INT:
      v.num = (int32_t)chb_rd32(code + pc + 1);
      v.kind = V_INT;
      v.s = fmt(d, "%lld", (long long)v.num);
      break;
    case OP_FACT: v.s = u16 < c->nfacts ? fmt(d, "%s", c->facts[u16].id.s) : NULL; break;
    case OP_TOOL_IS: v.s = u16 < c->ntools ? fmt(d, "tool == %s", c->tools[u16].id.s) : NULL, v.kind = V_IS; break;
    case OP_CLASS_IS:
      v.s = code[pc + 1] < c->nclasses ? fmt(d, "tool.class == %s", c->classes_id[code[pc + 1]].s) : NULL;
      v.kind = V_IS;
      break;
    case OP_DISC: v.s = fmt(d, "%s", disc[code[pc + 1] & 3]); break;
    case OP_TOOL_APPROVED: v.s = fmt(d, "tool.approved"); break;
    case OP_UE_DISCLOSURE: v.s = fmt(d, "ue.disclosure"); break;
    case OP_LEVEL: v.s = fmt(d, "level"), v.kind = V_LEVEL; break;
    case OP_ROLE: v.s = fmt(d, "role"), v.kind = V_ROLE; break;
    case OP_SCOPE: v.s = fmt(d, "scope"), v.kind = V_SCOPE; break;
    case OP_NOT: /* "tool != x" is TOOL_IS then NOT */
      if (sp < 1) break;
      if (st[sp - 1].kind == V_IS) {
        char *eq = strstr(st[sp - 1].s, " == ");
        if (eq) eq[1] = '!';
        v.s = st[--sp].s;
        break;
      }
      v.s = fmt(d, st[sp - 1].op ? "not (%s)" : "not %s", st[sp - 1].s);
      ch_free(d->a, st[--sp].s);
      break;
    case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE: {
      if (sp < 2) break;
      val *l = &st[sp - 2], *r = &st[sp - 1];
      char *ls = operand(d, l, r), *rs = operand(d, r, l);
      if (ls && rs) v.s = fmt(d, "%s %s %s", ls, cmp[op - OP_EQ], rs);
      ch_free(d->a, ls), ch_free(d->a, rs);
      ch_free(d->a, st[--sp].s), ch_free(d->a, st[--sp].s);
      break;
    }
    case OP_JZ: case OP_JNZ: {
      /* a JZ L; b JMP M; L: PUSH_INT k; M:  with k 0 for and, 1 for or */
      uint32_t l = pc + 3 + u16, j = l - 3;
      if (sp < 1 || l < pc + 6 || l + 5 > end || code[j] != OP_JMP || j + 3 + chb_rd16(code + j + 1) != l + 5 ||
          code[l] != OP_PUSH_INT || chb_rd32(code + l + 1) != (op == OP_JNZ))
        break;
      int bop = 0;
      char *b = decompile(d, pc + 3, j, depth + 1, &bop);
      char *x = wrap(d, st[sp - 1].s, st[sp - 1].op, op, 1), *y = b ? wrap(d, b, bop, op, 0) : NULL;
      if (x && y) v.s = fmt(d, "%s %s %s", x, op == OP_JZ ? "and" : "or", y);
      v.op = op;
      ch_free(d->a, x), ch_free(d->a, y), ch_free(d->a, b);
      ch_free(d->a, st[--sp].s);
      pc = l + 5;
      if (v.s && sp < cap) st[sp++] = v;
      else d->fail = 1;
      continue;
    }
    default: break;
    }
    if (pushes) {
      if (!v.s || sp >= cap) {
        ch_free(d->a, v.s);
        d->fail = 1;
        break;
      }
      st[sp++] = v;
    }
    pc += 1 + op_table[op].operand_bytes;
  }
  char *out = NULL;
  if (!d->fail && sp == 1) {
    out = st[0].s;
    *opout = st[0].op;
    sp = 0;
  } else {
    d->fail = 1;
  }
  drop(d, st, sp);
  ch_free(d->a, st);
  return out;
}

char *rt_condition_text(const ch_charter *c, const rt_rule *r) {
  dctx d = {c, r, c->alloc, 0};
  int op = 0;
  char *s = decompile(&d, 0, r->code_len, 0, &op);
  if (d.fail) {
    ch_free(c->alloc, s);
    return NULL;
  }
  return s;
}
