/*
 * opcodes.h — the one list of rule-VM opcodes.
 *
 * Everything else (the enum, names, operand sizes, stack effects, flags used
 * by the verifier, the disassembler and the doc check) is expanded from
 * CH_OPCODES.  Opcode numbers are part of the .chb format: never renumber;
 * a removed opcode keeps its slot as RESERVED.  Any change here bumps
 * CHB_FORMAT_VERSION.
 *
 * Instruction encoding: one opcode byte, then its operand (0, 1, 2 or 4
 * bytes, little-endian).  The stack holds int64 values.
 *
 * X(name, number, operand bytes, pops, pushes, flags)
 */
#ifndef CH_OPCODES_H
#define CH_OPCODES_H

#include <stdint.h>

/* Operand kinds the verifier range-checks. */
#define OPF_NONE 0u
#define OPF_JUMP 1u   /* operand: forward offset from the next instruction */
#define OPF_FACT 2u   /* operand: fact index */
#define OPF_TOOL 4u   /* operand: tool index */
#define OPF_CLASS 8u  /* operand: tool-class index */
#define OPF_END 16u   /* terminator: no fall-through */
#define OPF_DISC 32u  /* operand: disclosure property 0..3 */
#define OPF_IMM 64u   /* operand: signed immediate */

#define CH_OPCODES(X)                                                     \
  X(RET, 0x01, 0, 1, 0, OPF_END)         /* rule result: fires if != 0 */ \
  X(PUSH_INT, 0x02, 4, 0, 1, OPF_IMM)    /* push a signed 32-bit value */ \
  X(FACT, 0x03, 2, 0, 1, OPF_FACT)       /* push a fact's match count  */ \
  X(TOOL_IS, 0x04, 2, 0, 1, OPF_TOOL)    /* push context tool == t     */ \
  X(CLASS_IS, 0x05, 1, 0, 1, OPF_CLASS)  /* push tool class == c       */ \
  X(TOOL_APPROVED, 0x06, 0, 0, 1, OPF_NONE) /* tool's class allowed by UE */ \
  X(LEVEL, 0x07, 0, 0, 1, OPF_NONE)      /* push the effective level   */ \
  X(ROLE, 0x08, 0, 0, 1, OPF_NONE)       /* push the role              */ \
  X(UE_DISCLOSURE, 0x09, 0, 0, 1, OPF_NONE) /* UE requires disclosure */  \
  X(DISC, 0x0a, 1, 0, 1, OPF_DISC)       /* push a disclosure property */ \
  X(NOT, 0x0b, 0, 1, 1, OPF_NONE)                                         \
  X(EQ, 0x0c, 0, 2, 1, OPF_NONE)                                          \
  X(NE, 0x0d, 0, 2, 1, OPF_NONE)                                          \
  X(LT, 0x0e, 0, 2, 1, OPF_NONE)                                          \
  X(LE, 0x0f, 0, 2, 1, OPF_NONE)                                          \
  X(GT, 0x10, 0, 2, 1, OPF_NONE)                                          \
  X(GE, 0x11, 0, 2, 1, OPF_NONE)                                          \
  X(JZ, 0x12, 2, 1, 0, OPF_JUMP)         /* pop; jump if zero          */ \
  X(JNZ, 0x13, 2, 1, 0, OPF_JUMP)        /* pop; jump if nonzero       */ \
  X(JMP, 0x14, 2, 0, 0, OPF_JUMP)        /* jump always                */ \
  X(SCOPE, 0x15, 0, 0, 1, OPF_NONE)      /* push the scan scope        */

enum ch_opcode {
#define X(name, num, opb, pop, push, fl) OP_##name = num,
  CH_OPCODES(X)
#undef X
  OP_MAX_ = 0x16
};

/* Disclosure properties (operand of DISC). */
enum { DISC_PRESENT = 0, DISC_NEGATIVE = 1, DISC_USED = 2, DISC_COMPLETE = 3 };

typedef struct op_info {
  const char *name; /* NULL for an unassigned number */
  uint8_t operand_bytes;
  uint8_t pops, pushes;
  uint8_t flags;
} op_info;

/* Indexed by opcode number; entries for unassigned numbers have name NULL. */
extern const op_info op_table[256];

#endif /* CH_OPCODES_H */
