/*
 * vm.c — the rule VM: one function, a switch over the verified bytecode.
 *
 * pc, sp and the stack base are locals.  The verifier (verify.c) has
 * proved every operand in range, every jump forward onto an instruction,
 * and the stack depth on every path, so the VM only asserts; the single
 * `fault` exit exists for "cannot happen" states and reports them instead
 * of crashing a gateway.
 *
 * The VM reads facts and context only (phase two of a scan), never text.
 * FACT also marks the fact as evidence for the rule (when its count is
 * non-zero), so a finding can quote the spans that made it fire.
 */
#include <assert.h>

#include "runtime/charter_internal.h"
#include "runtime/limits.h"
#include "runtime/opcodes.h"

#define MARK(bits, f) ((bits)[(f) / 64] |= (uint64_t)1 << ((f) % 64))

/* In document scope, tool facts stand for "tools named in the disclosure":
 * mark every disclosed tool's mentions (inside sections) as evidence. */
static void mark_disclosed(ch_scanner *s, int unapproved_only) {
  const ch_charter *c = s->c;
  uint32_t allowed = rt_allowed_classes(s);
  for (uint32_t f = 0; f < c->nfacts; f++) {
    const rt_fact *F = &c->facts[f];
    if (F->kind != CHB_FACT_TOOL || !s->tool_disclosed[F->arg]) continue;
    if (unapproved_only && (allowed >> c->tools[F->arg].cls & 1)) continue;
    MARK(s->evbits, f);
    MARK(s->sectbits, f);
  }
}

static void mark_kind(ch_scanner *s, uint32_t kind) {
  const ch_charter *c = s->c;
  for (uint32_t f = 0; f < c->nfacts; f++)
    if (c->facts[f].kind == kind && s->fres[f].count) {
      MARK(s->evbits, f);
      if (kind != CHB_FACT_DISC_NEGATIVE || s->nsec) MARK(s->sectbits, f);
    }
}

int64_t vm_run(ch_scanner *s, const rt_rule *r, int *fault) {
  const ch_charter *c = s->c;
  const unsigned char *code = r->code;
  const uint32_t n = r->code_len;
  int64_t *base = s->stack;
  int64_t *sp = base; /* points past the top */
  uint32_t pc = 0;
  *fault = 0;
#define POP() (*--sp)
#define PUSH(v) (*sp++ = (int64_t)(v))
#define U8() (code[pc + 1])
#define U16() ((uint32_t)code[pc + 1] | (uint32_t)code[pc + 2] << 8)
#define I32() ((int32_t)chb_rd32(code + pc + 1))
  while (pc < n) {
    uint8_t op = code[pc];
    assert(sp - base <= CH_MAX_STACK);
    switch (op) {
    /* RET: -> ; value -> (end).  The rule fires when the value != 0. */
    case OP_RET:
      return POP();
    /* PUSH_INT i32: -> i */
    case OP_PUSH_INT:
      PUSH(I32());
      break;
    /* FACT u16 f: -> count(f).  Marks f as evidence when count > 0. */
    case OP_FACT: {
      uint32_t f = U16();
      uint32_t cnt = s->fres[f].count;
      if (cnt) MARK(s->evbits, f);
      PUSH(cnt);
      break;
    }
    /* TOOL_IS u16 t: -> bool.  Prompt: the context tool is t.  Document:
     * t is named in a disclosure section. */
    case OP_TOOL_IS: {
      uint32_t t = U16();
      int v = s->scope == CH_SCOPE_DOCUMENT ? s->tool_disclosed[t] : s->tool == (int)t;
      if (v && s->scope == CH_SCOPE_DOCUMENT) mark_disclosed(s, 0);
      PUSH(v);
      break;
    }
    /* CLASS_IS u8 k: -> bool.  Prompt: the context tool's class is k.
     * Document: some disclosed tool has class k. */
    case OP_CLASS_IS: {
      uint32_t k = U8();
      int v = 0;
      if (s->scope == CH_SCOPE_DOCUMENT) {
        for (uint32_t t = 0; t < c->ntools; t++)
          if (s->tool_disclosed[t] && c->tools[t].cls == k) v = 1;
        if (v) mark_disclosed(s, 0);
      } else {
        v = s->tool_class == (int)k;
      }
      PUSH(v);
      break;
    }
    /* TOOL_APPROVED: -> bool.  Prompt: no tool, or its class is allowed by
     * the UE.  Document: every disclosed tool is (true when none). */
    case OP_TOOL_APPROVED: {
      uint32_t allowed = rt_allowed_classes(s);
      int v = 1;
      if (s->scope == CH_SCOPE_DOCUMENT) {
        for (uint32_t t = 0; t < c->ntools; t++)
          if (s->tool_disclosed[t] && !(allowed >> c->tools[t].cls & 1)) v = 0;
        if (!v) mark_disclosed(s, 1);
      } else if (s->tool_class >= 0) {
        v = (int)(allowed >> s->tool_class & 1);
      }
      PUSH(v);
      break;
    }
    /* LEVEL: -> rank of the effective level (0 when the charter has none) */
    case OP_LEVEL: {
      int li = rt_level_index(s);
      PUSH(li >= 0 ? c->levels[li].rank : 0);
      break;
    }
    /* ROLE: -> 0 any, 1 student, 2 staff */
    case OP_ROLE:
      PUSH(s->role);
      break;
    /* UE_DISCLOSURE: -> 1 when the UE (or level) requires a disclosure */
    case OP_UE_DISCLOSURE:
      PUSH(rt_disclosure_required(s));
      break;
    /* DISC u8 p: -> disclosure property p (present, negative, used,
     * complete); always 0 in prompt scope.  Marks the heading (and
     * negative phrases) as evidence when true. */
    case OP_DISC: {
      uint32_t p = U8();
      int v = (int)(s->disclosure >> p & 1);
      if (v) {
        mark_kind(s, CHB_FACT_DISC_HEADING);
        if (p == DISC_NEGATIVE || p == DISC_PRESENT) mark_kind(s, CHB_FACT_DISC_NEGATIVE);
        if (p == DISC_USED || p == DISC_COMPLETE) mark_disclosed(s, 0);
      }
      PUSH(v);
      break;
    }
    /* NOT: a -> !a */
    case OP_NOT:
      sp[-1] = !sp[-1];
      break;
    /* EQ NE LT LE GT GE: a b -> (a op b) */
    case OP_EQ: { int64_t b = POP(); sp[-1] = sp[-1] == b; break; }
    case OP_NE: { int64_t b = POP(); sp[-1] = sp[-1] != b; break; }
    case OP_LT: { int64_t b = POP(); sp[-1] = sp[-1] < b; break; }
    case OP_LE: { int64_t b = POP(); sp[-1] = sp[-1] <= b; break; }
    case OP_GT: { int64_t b = POP(); sp[-1] = sp[-1] > b; break; }
    case OP_GE: { int64_t b = POP(); sp[-1] = sp[-1] >= b; break; }
    /* JZ u16 d: a -> ; jumps forward d bytes (from the next instruction)
     * when a == 0 */
    case OP_JZ: {
      uint32_t d = U16();
      int64_t a = POP();
      pc += 3;
      if (!a) pc += d;
      continue;
    }
    /* JNZ u16 d: a -> ; jumps when a != 0 */
    case OP_JNZ: {
      uint32_t d = U16();
      int64_t a = POP();
      pc += 3;
      if (a) pc += d;
      continue;
    }
    /* JMP u16 d: -> ; always jumps */
    case OP_JMP:
      pc += 3 + U16();
      continue;
    /* SCOPE: -> 1 prompt, 2 document */
    case OP_SCOPE:
      PUSH(s->scope);
      break;
    default:
      goto fault; /* cannot happen: the verifier refuses unknown opcodes */
    }
    pc += 1 + op_table[op].operand_bytes;
  }
fault:
  *fault = 1;
  return 0;
#undef POP
#undef PUSH
#undef U8
#undef U16
#undef I32
}
