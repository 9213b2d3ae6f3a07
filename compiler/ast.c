/*
 * ast.c — node constructors called from the grammar's one-line actions.
 *
 * Constructors never fail visibly: on allocation failure they return NULL
 * with the arena marked failed, and the driver turns that into CH_E_NOMEM
 * after parsing.  Expression constructors also track nesting depth so that
 * later recursive passes are bounded (limits.h CH_MAX_NESTING).
 */
#include "compiler/ast.h"

#include "compiler/cc.h"
#include "runtime/limits.h"

ast_node *ast_new(ch_cc *cc, ast_kind kind, ch_loc loc) {
  ast_node *n = arena_alloc(&cc->arena, sizeof *n);
  if (!n) return NULL;
  n->kind = kind;
  n->loc = loc;
  return n;
}

ast_node *ast_append(ast_node *list, ast_node *item) {
  if (!item) return list;
  if (!list) {
    item->tail = item;
    return item;
  }
  list->tail->next = item;
  list->tail = item;
  return list;
}

ast_node *ast_n(ch_cc *cc, ast_kind kind, ch_loc loc, const char *s1,
                const char *s2, const char *s3, ast_node *a, ast_node *b) {
  ast_node *n = ast_new(cc, kind, loc);
  if (!n) return NULL;
  n->s1 = s1;
  n->s2 = s2;
  n->s3 = s3;
  n->a = a;
  n->b = b;
  return n;
}

ast_node *ast_num(ch_cc *cc, ast_kind kind, ch_loc loc, int64_t num) {
  ast_node *n = ast_new(cc, kind, loc);
  if (n) n->num = num;
  return n;
}

ast_node *ast_flag(ch_cc *cc, ast_kind kind, ch_loc loc, int flag,
                   const char *s1, ast_node *a) {
  ast_node *n = ast_new(cc, kind, loc);
  if (!n) return NULL;
  n->flag = flag;
  n->s1 = s1;
  n->a = a;
  return n;
}

ast_node *ast_expr(ch_cc *cc, ast_kind kind, ch_loc loc, int flag,
                   ast_node *a, ast_node *b) {
  ast_node *n = ast_new(cc, kind, loc);
  if (!n) return NULL;
  n->flag = flag;
  n->a = a;
  n->b = b;
  int d = 0;
  if (a && a->depth > d) d = a->depth;
  if (b && b->depth > d) d = b->depth;
  n->depth = d + 1;
  if (n->depth == CH_MAX_NESTING + 1)
    cc_error(cc, loc, "condition nested deeper than %d levels", CH_MAX_NESTING);
  return n;
}

ast_node *ast_override(ast_node *n) {
  if (n) n->override_ = 1;
  return n;
}

ast_node *ast_set_num(ast_node *n, int64_t num) {
  if (n) n->num = num;
  return n;
}

ast_node *ast_set_flag(ast_node *n, int flag) {
  if (n) n->flag = flag;
  return n;
}

/* After an allocation failed the head may be missing: the parse goes on to
 * its end (the failure is counted in the arena) and must not read it. */
ast_node *ast_path_join(ch_cc *cc, ch_loc loc, const ast_node *head, const char *name) {
  if (!head || !head->s1 || !name) return NULL;
  return ast_n(cc, N_PATH, loc, arena_printf(&cc->arena, "%s.%s", head->s1, name), NULL, NULL, NULL, NULL);
}

ast_node *ast_set_end(ast_node *n, ch_loc closing_brace) {
  if (n) n->end_line = (uint32_t)closing_brace.last_line;
  return n;
}
