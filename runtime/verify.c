/*
 * verify.c — the bytecode verifier, run once per rule at load time.
 *
 * It proves, for each rule, what the VM then assumes without checking:
 *   1. every opcode is known and its operand lies inside the rule's code;
 *   2. every fact, tool, class and disclosure operand is in range;
 *   3. every jump goes forward and lands on an instruction of the same
 *      rule (so every rule terminates: at most one pass over its code);
 *   4. the stack depth, computed from the opcode table, is the same on
 *      every path into an instruction, never negative, never above the
 *      rule's declared maximum (itself <= CH_MAX_STACK);
 *   5. every path ends in RET with exactly one value on the stack.
 * Because jumps only go forward, one linear pass suffices: the depth at a
 * jump target is recorded when the jump is seen and checked on arrival.
 *
 * Example (`a and b`):  0 FACT a  3 JZ +6  6 FACT b  9 JMP +5  12 PUSH_INT 0
 * 17 RET — depths 0,1,0,1,1(at 17 via JMP) and 0->1 (at 12 via JZ) -> 1 at 17.
 */
#include <stdio.h>
#include <string.h>

#include "runtime/alloc.h"
#include "runtime/charter_internal.h"
#include "runtime/limits.h"
#include "runtime/opcodes.h"

#define UNSEEN 0xffu /* depths are <= CH_MAX_STACK, far below */

static ch_status bad(char *err, size_t errlen, const rt_rule *r, uint32_t pc, const char *what) {
  if (err && errlen) snprintf(err, errlen, "bad .chb: %s at pc %u in rule '%s'", what, pc, r->id.s);
  return CH_E_CORRUPT;
}

static ch_status check(const ch_charter *c, const rt_rule *r, const unsigned char *code, uint32_t n,
                       unsigned char *depth_at, unsigned char *is_insn, char *err, size_t errlen);

ch_status rt_verify_code(const ch_charter *c, const rt_rule *r, char *err, size_t errlen) {
  const unsigned char *code = r->code;
  uint32_t n = r->code_len;
  /* depth_at[pc]: depth expected at pc (from a jump), or UNSEEN; it fits
   * an unsigned char since depth is bounded by CH_MAX_STACK (64).  On the
   * heap: a rule may hold 64 KB of code and loaders run on small stacks. */
  unsigned char *depth_at = ch_malloc(c->alloc, 2 * ((size_t)n + 1));
  if (!depth_at) return CH_E_NOMEM;
  unsigned char *is_insn = depth_at + n + 1;
  memset(depth_at, UNSEEN, n + 1);
  memset(is_insn, 0, n + 1);
  ch_status st = check(c, r, code, n, depth_at, is_insn, err, errlen);
  ch_free(c->alloc, depth_at);
  return st;
}

static ch_status check(const ch_charter *c, const rt_rule *r, const unsigned char *code, uint32_t n,
                       unsigned char *depth_at, unsigned char *is_insn, char *err, size_t errlen) {
  int depth = 0, reachable = 1;
  for (uint32_t pc = 0; pc < n;) {
    const op_info *oi = &op_table[code[pc]];
    if (!oi->name) return bad(err, errlen, r, pc, "unknown opcode");
    if (pc + 1 + oi->operand_bytes > n) return bad(err, errlen, r, pc, "operand past the end of the code");
    is_insn[pc] = 1;
    /* merge with jumps that land here */
    if (depth_at[pc] != UNSEEN) {
      if (reachable && (int)depth_at[pc] != depth) return bad(err, errlen, r, pc, "stack depth differs between paths");
      depth = depth_at[pc];
      reachable = 1;
    }
    if (!reachable) return bad(err, errlen, r, pc, "unreachable code");
    const unsigned char *a = code + pc + 1;
    uint32_t v = oi->operand_bytes == 1 ? a[0] : oi->operand_bytes == 2 ? chb_rd16(a)
               : oi->operand_bytes == 4 ? chb_rd32(a) : 0;
    if ((oi->flags & OPF_FACT) && v >= c->nfacts) return bad(err, errlen, r, pc, "fact index out of range");
    if ((oi->flags & OPF_TOOL) && v >= c->ntools) return bad(err, errlen, r, pc, "tool index out of range");
    if ((oi->flags & OPF_CLASS) && v >= c->nclasses) return bad(err, errlen, r, pc, "class index out of range");
    if ((oi->flags & OPF_DISC) && v > DISC_COMPLETE) return bad(err, errlen, r, pc, "disclosure property out of range");
    if (depth < oi->pops) return bad(err, errlen, r, pc, "stack underflow");
    depth += oi->pushes - oi->pops;
    if (depth > (int)r->maxstack || depth > CH_MAX_STACK) return bad(err, errlen, r, pc, "stack depth over the declared maximum");
    uint32_t next = pc + 1 + oi->operand_bytes;
    if (oi->flags & OPF_JUMP) {
      uint64_t target = (uint64_t)next + v;
      if (target >= n) return bad(err, errlen, r, pc, "jump out of range");
      if (depth_at[target] != UNSEEN && (int)depth_at[target] != depth)
        return bad(err, errlen, r, pc, "stack depth differs between paths");
      depth_at[target] = (unsigned char)depth;
      if (code[pc] == OP_JMP) reachable = 0;
    }
    if (oi->flags & OPF_END) {
      if (depth != 0) return bad(err, errlen, r, pc, "RET with a stack depth other than one");
      reachable = 0;
    }
    pc = next;
  }
  if (reachable) return bad(err, errlen, r, n, "code falls off the end without RET");
  for (uint32_t pc = 0; pc < n; pc++)
    if (depth_at[pc] != UNSEEN && !is_insn[pc]) return bad(err, errlen, r, pc, "jump into the middle of an instruction");
  if (depth_at[n] != UNSEEN) return bad(err, errlen, r, n, "jump out of range");
  return CH_OK;
}
