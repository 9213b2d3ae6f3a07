/*
 * check.h — what check.c leaves on condition nodes for emit.c.
 * node->flag of an operand is one of OK_*; node->num holds its index
 * (model fact, field, disclosure property, tool, class) or its value
 * (number, level rank, role, scope).
 */
#ifndef CH_CHECK_H
#define CH_CHECK_H

#include "compiler/cc.h"
#include "compiler/model.h"

enum {
  OK_NUM = 1,       /* num: literal value (also resolved level ranks, roles, scopes) */
  OK_FACT,          /* num: model fact index */
  OK_FIELD,         /* num: disclosure field index */
  OK_DISC,          /* num: DISC_* property */
  OK_TOOL_APPROVED,
  OK_UE_DISC,
  OK_TOOLREF,       /* `tool` */
  OK_CLASSREF,      /* `tool.class` */
  OK_LEVELREF,      /* `level` */
  OK_ROLEREF,       /* `role` */
  OK_SCOPEREF,      /* `scope` */
  OK_NAME,          /* an unresolved name (right side of a comparison) */
  OK_VAL_TOOL,      /* num: tool index */
  OK_VAL_CLASS      /* num: class index */
};

/* Order model facts so that every `near` target precedes its user.
 * order[] receives m->facts.n indices.  Reports cycles; -1 on NOMEM. */
int check_fact_order(ch_cc *cc, model *m, int *order);

#endif
