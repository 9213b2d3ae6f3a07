/*
 * opcodes.c — the opcode table, expanded from the one list in opcodes.h.
 */
#include "runtime/opcodes.h"

const op_info op_table[256] = {
#define X(name, num, opb, pop, push, fl) [num] = {#name, opb, pop, push, fl},
    CH_OPCODES(X)
#undef X
};

/* The list must stay dense up to OP_MAX_: a gap means a renumbering. */
#define X(name, num, opb, pop, push, fl) +1
_Static_assert(0 CH_OPCODES(X) == OP_MAX_ - 1, "opcode list and OP_MAX_ disagree");
#undef X
