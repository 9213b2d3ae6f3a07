/*
 * model.h — a charter after resolution: templates applied, `extends`
 * arguments bound, overrides and removals done, UE tables imported.
 *
 * resolve.c builds it from the AST; check.c validates it and fills the
 * indices (class of a tool, level of a UE, facts of a rule); emit.c writes
 * it as a .chb; render.c prints it.  Arrays keep source order (inherited
 * definitions first), which keeps the output deterministic.
 */
#ifndef CH_MODEL_H
#define CH_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/ast.h"

typedef struct m_lineage {
  const char *id, *title, *version, *license, *attribution, *source, *date;
  int is_template;
  ch_loc loc;
} m_lineage;

typedef struct m_param {
  const char *name;
  int type;           /* PT_* */
  const char *value;  /* bound value as text, NULL if unbound */
  ch_loc loc;
  int used;
} m_param;

typedef struct m_principle {
  const char *id, *title, *text;
  ch_loc loc;
  int owner; /* lineage index of the declaration that defined it */
} m_principle;

typedef struct m_class {
  const char *id, *title;
  ch_loc loc;
  int used;
  int owner; /* lineage index of the declaration that defined it */
} m_class;

/* A source of matches: a word list, a regex or a built-in detector. */
typedef struct m_source {
  int kind;              /* CHB_PAT_* */
  const char *text;      /* word (as written), regex source, detector name */
  const char *flags;     /* regex flags as written; "exact" for such words */
  const char *near;      /* fact id or NULL */
  uint32_t near_dist;
  ch_loc loc;
} m_source;

typedef struct m_srclist {
  m_source *v;
  size_t n, cap;
} m_srclist;

typedef struct m_tool {
  const char *id, *title, *class_id;
  int class_idx;
  m_srclist aliases;
  ch_loc loc;
  int used;
  int owner; /* lineage index of the declaration that defined it */
} m_tool;

typedef struct m_fact {
  const char *id, *title;
  int kind;              /* CHB_FACT_DATA or CHB_FACT_MARKER */
  m_srclist src;
  uint32_t min;
  ch_loc loc;
  int used;
  int owner; /* lineage index of the declaration that defined it */
} m_fact;

typedef struct m_field {
  const char *id;
  int required, tools;
  m_srclist src;
  ch_loc loc;
  int used;
} m_field;

typedef struct m_disclosure {
  int defined;
  m_srclist headings;
  m_srclist negatives;
  m_field *fields;
  size_t nfields, capfields;
  ch_loc loc;
  int owner;
} m_disclosure;

typedef struct m_level {
  const char *id, *title;
  int64_t rank;
  int disclosure; /* CHB_DISC_* */
  ch_loc loc;
  int used;
  int owner; /* lineage index of the declaration that defined it */
} m_level;

typedef struct m_ue {
  const char *code;       /* NULL for the default */
  const char *title;
  const char *level;      /* level id or number as text */
  int level_idx;
  const char **classes;   /* allowed tool classes, NULL = default */
  size_t nclasses;
  uint32_t class_mask;
  int disclosure;         /* CHB_DISC_* */
  ch_loc loc;
  const char *from_file;  /* CSV it came from, for messages */
  unsigned from_line;
  int owner; /* lineage index of the declaration that defined it */
} m_ue;

typedef struct m_rule {
  const char *id, *statement, *message, *severity_name;
  int severity;           /* ch_severity */
  int scope;              /* mask of CH_SCOPE_* */
  int action;             /* ch_action */
  const char *action_arg;
  int action_fact;        /* emitted fact index for redact */
  ast_node *when;
  ch_loc loc;
  int owner; /* lineage index of the declaration that defined it */
} m_rule;

typedef struct m_expect_rule {
  const char *id;
  ch_loc loc;
} m_expect_rule;

typedef struct m_example {
  const char *name;
  const char *prompt, *document, *tool, *ue, *level, *role, *redacted;
  int has_expect;
  int decision;           /* ch_decision */
  const char **rules;
  ch_loc *rule_locs;
  size_t nrules;
  ch_loc loc;
  int owner; /* lineage index of the declaration that defined it */
} m_example;

#define M_VEC(T) struct { T *v; size_t n, cap; }

typedef struct model {
  m_lineage *lineage;     /* [0] = the compiled declaration itself */
  size_t nlineage;
  int is_template;
  M_VEC(m_param) params;
  M_VEC(m_principle) principles;
  M_VEC(m_class) classes;
  M_VEC(m_tool) tools;
  M_VEC(m_fact) facts;
  m_disclosure disclosure;
  M_VEC(m_level) levels;
  m_ue ue_default;
  int has_ue_default;
  M_VEC(m_ue) ues;
  M_VEC(m_rule) rules;
  M_VEC(m_example) examples;
  uint32_t source_hash;
  int *fact_order; /* model fact indices, `near` targets first (check.c) */
} model;

struct ch_cc;
/* Build the model of the last template/charter of the root file.  Returns 0,
 * or -1 after reporting errors. */
int resolve_model(struct ch_cc *cc, model *m);
/* Validate and index the model; warnings for unused definitions, slow and
 * risky patterns, rules that can never fire.  Returns the error count. */
int check_model(struct ch_cc *cc, model *m);
/* Emit the .chb image of a checked model into a buffer from cc->alloc. */
int emit_model(struct ch_cc *cc, model *m, unsigned char **out, size_t *len);

/* Find helpers (index or -1). */
int model_class(const model *m, const char *id);
int model_tool(const model *m, const char *id);
int model_fact(const model *m, const char *id);
int model_level(const model *m, const char *id_or_rank);
int model_field(const model *m, const char *id);
int model_rule(const model *m, const char *id);

#endif
