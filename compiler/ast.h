/*
 * ast.h — the syntax tree the parser builds and every compiler pass reads.
 *
 * One generic node type keeps grammar actions one line long and lets error
 * recovery drop subtrees without bookkeeping: every node, string and list
 * lives in the compilation's arena (arena.h) and is freed with it, never one
 * by one.  Each node carries its source location.
 *
 * Field use per kind is listed next to each kind; unused fields are 0/NULL.
 * Lists are singly linked through `next`, in source order.
 */
#ifndef CH_AST_H
#define CH_AST_H

#include <stdint.h>

#include "compiler/arena.h"

typedef struct ch_loc {
  uint32_t file; /* index into the compiler's file table */
  uint32_t first_line, first_column, last_line, last_column;
} ch_loc;

typedef enum ast_kind {
  N_INCLUDE = 1,  /* s1 path */
  N_TEMPLATE,     /* s1 id, s2 title, a N_EXTENDS|NULL, b body items */
  N_CHARTER,      /* same as N_TEMPLATE */
  N_EXTENDS,      /* s1 parent id, a N_ARG list */
  N_ARG,          /* s1 name, a value */
  N_META,         /* flag META_*, s1 value */
  N_PARAM,        /* s1 name, flag PT_*, a default value|NULL */
  N_PRINCIPLE,    /* s1 id, s2 title, s3 text */
  N_TOOLCLASS,    /* s1 id, s2 title */
  N_TOOL,         /* s1 id, s2 title, s3 class id, a alias list (N_WORDS/N_PATTERN) */
  N_DATA,         /* s1 id, s2 title, a items */
  N_MARKER,       /* s1 id, s2 title, a items */
  N_DETECT,       /* a list of N_IDENT (detector names) */
  N_WORDS,        /* a list of N_STR, b N_NEAR|NULL */
  N_PATTERN,      /* s1 regex source, s2 flags, b N_NEAR|NULL */
  N_NEAR,         /* s1 fact id, num distance */
  N_MIN,          /* num */
  N_DISCLOSURE,   /* a items */
  N_HEADING,      /* a list of N_WORDS/N_PATTERN */
  N_FIELD,        /* s1 name, flag 1 required, a list of N_WORDS/N_PATTERN/N_TOOLS */
  N_TOOLS,        /* field satisfied by any tool mention */
  N_NEGATIVE,     /* a list of N_WORDS/N_PATTERN */
  N_LEVEL,        /* s1 id, num rank, s2 title, flag CHB_DISC_* */
  N_UE,           /* s1 code (NULL = default), s2 title, s3 level, a N_UEPROP list */
  N_UEPROP,       /* flag UP_TOOLS (a N_IDENT list) or UP_DISCLOSURE (num) */
  N_UEIMPORT,     /* s1 path */
  N_RULE,         /* s1 id, flag severity, s2 statement, a rule items */
  N_SCOPE,        /* flag mask CH_SCOPE_* */
  N_WHEN,         /* a expression */
  N_ACTION,       /* flag ch_action, s1 argument (class or "disclosure") */
  N_MESSAGE,      /* s1 */
  N_EXAMPLE,      /* s1 name, a items */
  N_EXKV,         /* flag EX_*, s1 value */
  N_EXPECT,       /* flag ch_decision, a N_IDENT list of rule ids */
  N_REMOVE,       /* flag RM_* kind, s1 id */
  N_OR,           /* a, b */
  N_AND,          /* a, b */
  N_NOT,          /* a */
  N_CMP,          /* flag CMP_*, a, b */
  N_PATH,         /* s1 dotted name, e.g. "tool.class" */
  N_COUNT,        /* s1 fact id */
  N_NUM,          /* num */
  N_STR,          /* s1 */
  N_IDENT,        /* s1 */
  N_BOOL          /* num 0/1 */
} ast_kind;

enum { META_VERSION = 1, META_LICENSE, META_ATTRIBUTION, META_SOURCE, META_DATE };
enum { PT_TEXT = 1, PT_NUMBER, PT_BOOL };
enum { UP_LEVEL = 1, UP_TOOLS, UP_DISCLOSURE };
enum { EX_PROMPT = 1, EX_DOCUMENT, EX_TOOL, EX_UE, EX_LEVEL, EX_ROLE, EX_REDACTED };
enum { RM_TOOL = 1, RM_CLASS, RM_DATA, RM_MARKER, RM_LEVEL, RM_UE, RM_RULE, RM_EXAMPLE, RM_PRINCIPLE };
enum { CMP_EQ = 1, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

typedef struct ast_node ast_node;
struct ast_node {
  ast_kind kind;
  int flag;
  int override_; /* `override` prefix given */
  int depth;     /* expression nesting depth, bounded by CH_MAX_NESTING */
  ch_loc loc;
  const char *s1, *s2, *s3;
  int64_t num;
  ast_node *a, *b;
  ast_node *next;
  ast_node *tail; /* last element, valid on a list's head only */
  uint32_t end_line; /* a block's closing brace (fmt keeps its last comments in it) */
};

struct ch_cc; /* the compilation context (compiler/cc.h) */

ast_node *ast_new(struct ch_cc *cc, ast_kind kind, ch_loc loc);
/* Append item (may be NULL, e.g. after error recovery) to list; returns the
 * list head. */
ast_node *ast_append(ast_node *list, ast_node *item);
ast_node *ast_n(struct ch_cc *cc, ast_kind kind, ch_loc loc, const char *s1,
                const char *s2, const char *s3, ast_node *a, ast_node *b);
ast_node *ast_num(struct ch_cc *cc, ast_kind kind, ch_loc loc, int64_t num);
/* Setters for grammar actions: each takes a node that may be NULL (an
 * allocation failed; the arena has recorded it) and returns it. */
ast_node *ast_set_num(ast_node *n, int64_t num);
ast_node *ast_set_flag(ast_node *n, int flag);
ast_node *ast_set_end(ast_node *n, ch_loc closing_brace);
/* head.name as one N_PATH; NULL when head is missing (allocation failed). */
ast_node *ast_path_join(struct ch_cc *cc, ch_loc loc, const ast_node *head, const char *name);
ast_node *ast_flag(struct ch_cc *cc, ast_kind kind, ch_loc loc, int flag,
                   const char *s1, ast_node *a);
ast_node *ast_expr(struct ch_cc *cc, ast_kind kind, ch_loc loc, int flag,
                   ast_node *a, ast_node *b);
ast_node *ast_override(ast_node *n);

#endif
