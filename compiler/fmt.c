/*
 * fmt.c — `charterc fmt`: the canonical layout of a charter source.
 *
 * Printed from the AST of the root file (includes are left alone), with the
 * file's comments put back before the item that follows them.  Canonical
 * means: two-space indent, one item per line, word lists wrapped at 100
 * columns, minimal parentheses in conditions, a blank line before every
 * block and every comment group.  Running fmt on its own output changes
 * nothing (tested on every bundled charter).
 */
#include <stdio.h>
#include <string.h>

#include "compiler/compile_internal.h"

typedef struct fm {
  ch_cc *cc;
  FILE *o;
  size_t next_comment;
  int col;
} fm;

static void out(fm *f, const char *s) {
  for (const char *p = s; *p; p++) {
    fputc(*p, f->o);
    if (*p == '\n') f->col = 0;
    else if (((unsigned char)*p & 0xc0) != 0x80) f->col++;
  }
}

static void outf(fm *f, const char *fmt, const char *s) {
  char b[512];
  snprintf(b, sizeof b, fmt, s);
  out(f, b);
}

static void indent(fm *f, int n) {
  for (int i = 0; i < n; i++) out(f, "  ");
}

static void qstr(fm *f, const char *s) {
  out(f, "\"");
  char b[2] = {0, 0};
  for (const char *p = s ? s : ""; *p; p++) {
    if (p[0] == '\\' && p[1] == '$') {
      out(f, "\\$");
      p++;
      continue;
    }
    switch (*p) {
    case '"': out(f, "\\\""); break;
    case '\\': out(f, "\\\\"); break;
    case '\n': out(f, "\\n"); break;
    case '\t': out(f, "\\t"); break;
    case '\r': out(f, "\\r"); break;
    default: b[0] = *p; out(f, b);
    }
  }
  out(f, "\"");
}

/* Comments of the root file before the code that starts line `line`: on
 * earlier lines, or on that line but before any code (a comment after
 * code is that code's: see trailing()). */
static int before(const cc_comment *c, uint32_t line) { return c->line < line || (c->line == line && !c->trailing); }

static int comments_before(fm *f, uint32_t line, int ind) {
  int any = 0;
  while (f->next_comment < f->cc->ncomments && before(&f->cc->comments[f->next_comment], line)) {
    const cc_comment *c = &f->cc->comments[f->next_comment++];
    any = 1;
    indent(f, ind);
    out(f, c->text);
    out(f, "\n");
  }
  return any;
}

/* A comment written after code on its line (`tool x "X" class public  #
 * approved`) belongs to that code: the comments that follow code on the
 * lines before `bound` (where the next item starts) stay at the end of
 * the line just printed, the first one there and any other on a line of
 * its own, instead of moving before the next item.  Called just before the
 * line's newline. */
static void trailing(fm *f, uint32_t bound, int ind) {
  int first = 1;
  while (f->next_comment < f->cc->ncomments) {
    const cc_comment *c = &f->cc->comments[f->next_comment];
    if (!c->trailing || c->line >= bound) break;
    f->next_comment++;
    if (!first) {
      out(f, "\n");
      indent(f, ind);
    } else {
      out(f, " ");
    }
    out(f, c->text);
    first = 0;
  }
}

/* The line where what follows node x starts: its next sibling, or the
 * closing brace of the block that holds it. */
static uint32_t next_line(const ast_node *x, uint32_t end) { return x->next ? x->next->loc.first_line : end; }

static void regex(fm *f, const char *src, const char *flags) {
  out(f, "/");
  out(f, src);
  out(f, "/");
  out(f, flags ? flags : "");
}

/* A comma list that wraps at 100 columns, continuation indented. */
static void list(fm *f, ast_node *l, int ind) {
  for (ast_node *x = l; x; x = x->next) {
    size_t w = x->kind == N_PATTERN ? strlen(x->s1) + 4 : x->s1 ? strlen(x->s1) + 4 : 4;
    if (x != l && f->col + (int)w > 100) {
      out(f, "\n");
      indent(f, ind);
    } else if (x != l) {
      out(f, " ");
    }
    if (x->kind == N_PATTERN) regex(f, x->s1, x->s2);
    else if (x->kind == N_IDENT) out(f, x->s1);
    else qstr(f, x->s1);
    if (x->next) out(f, ",");
  }
}

static int prec(const ast_node *e) {
  switch (e->kind) {
  case N_OR: return 1;
  case N_AND: return 2;
  case N_NOT: return 3;
  case N_CMP: return 4;
  default: return 5;
  }
}

static void expr(fm *f, const ast_node *e, int need) {
  int p = prec(e);
  if (p < need) out(f, "(");
  switch (e->kind) {
  case N_OR:
    expr(f, e->a, 1);
    out(f, " or ");
    expr(f, e->b, 2);
    break;
  case N_AND:
    expr(f, e->a, 2);
    out(f, " and ");
    expr(f, e->b, 3);
    break;
  case N_NOT:
    out(f, "not ");
    expr(f, e->a, 3);
    break;
  case N_CMP: {
    static const char *const ops[] = {"", "==", "!=", "<", "<=", ">", ">="};
    expr(f, e->a, 5);
    out(f, " ");
    out(f, ops[e->flag]);
    out(f, " ");
    expr(f, e->b, 5);
    break;
  }
  case N_NUM: {
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)e->num);
    out(f, b);
    break;
  }
  case N_BOOL: out(f, e->num ? "true" : "false"); break;
  case N_STR: qstr(f, e->s1); break;
  case N_COUNT: outf(f, "count(%s)", e->s1); break;
  default: out(f, e->s1 ? e->s1 : "?"); break;
  }
  if (p < need) out(f, ")");
}

static void near(fm *f, const ast_node *n, int ind) {
  if (!n) return;
  char b[200];
  snprintf(b, sizeof b, "near %s within %lld", n->s1, (long long)n->num);
  if (f->col + 1 + (int)strlen(b) > 100) {
    out(f, "\n");
    indent(f, ind);
  } else {
    out(f, " ");
  }
  out(f, b);
}

static void source_items(fm *f, ast_node *items, int ind, uint32_t end) {
  for (ast_node *x = items; x; x = x->next) {
    comments_before(f, x->loc.first_line, ind);
    indent(f, ind);
    switch (x->kind) {
    case N_DETECT: out(f, "detect "); list(f, x->a, ind + 2); break;
    case N_WORDS: out(f, x->s1 ? "words exact " : "words "); list(f, x->a, ind + 2); near(f, x->b, ind + 1); break;
    case N_PATTERN: out(f, "pattern "); regex(f, x->s1, x->s2); near(f, x->b, ind + 1); break;
    case N_MIN: {
      char b[32];
      snprintf(b, sizeof b, "min %lld", (long long)x->num);
      out(f, b);
      break;
    }
    case N_HEADING:
    case N_NEGATIVE:
      out(f, x->kind == N_HEADING ? "heading " : "negative ");
      if (x->a && x->a->kind == N_PATTERN) regex(f, x->a->s1, x->a->s2);
      else if (x->a) { out(f, "words "); list(f, x->a->a, ind + 2); }
      break;
    case N_FIELD:
      outf(f, "field %s ", x->s1);
      out(f, x->flag ? "required" : "optional");
      for (ast_node *s = x->a; s; s = s->next) {
        if (s->kind == N_TOOLS) out(f, " tools");
        else if (s->kind == N_PATTERN) { out(f, " pattern "); regex(f, s->s1, s->s2); }
        else if (s->kind == N_WORDS) { out(f, "\n"); indent(f, ind + 1); out(f, "words "); list(f, s->a, ind + 2); }
      }
      break;
    default: break;
    }
    trailing(f, next_line(x, end), ind);
    out(f, "\n");
  }
}

/* The header line of block `it`, from its " {" (the comments after it on
 * that line stay there). */
static void open_block(fm *f, const ast_node *it, int ind) {
  out(f, " {");
  trailing(f, it->a ? it->a->loc.first_line : it->end_line, ind + 1);
  out(f, "\n");
}

static int is_block(const ast_node *n) {
  return n->kind == N_DATA || n->kind == N_MARKER || n->kind == N_DISCLOSURE || n->kind == N_RULE ||
         n->kind == N_EXAMPLE || n->kind == N_PRINCIPLE;
}

/* Item `it`; what follows it starts on line `bound`. */
static void item(fm *f, ast_node *it, int ind, uint32_t bound) {
  if (it->override_) out(f, "override ");
  switch (it->kind) {
  case N_META: {
    static const char *const k[] = {"", "version", "license", "attribution", "source", "date"};
    out(f, k[it->flag]);
    out(f, " ");
    qstr(f, it->s1);
    break;
  }
  case N_PARAM:
    outf(f, "param %s : ", it->s1);
    out(f, it->s2);
    if (it->a) {
      out(f, " = ");
      expr(f, it->a, 0);
    }
    break;
  case N_PRINCIPLE:
    outf(f, "principle %s ", it->s1);
    qstr(f, it->s2);
    out(f, "\n");
    indent(f, ind + 1);
    qstr(f, it->s3);
    break;
  case N_TOOLCLASS:
    outf(f, "tool class %s ", it->s1);
    qstr(f, it->s2);
    break;
  case N_TOOL:
    outf(f, "tool %s ", it->s1);
    qstr(f, it->s2);
    outf(f, " class %s", it->s3);
    if (it->a) {
      out(f, "\n");
      indent(f, ind + 1);
      out(f, "aliases ");
      list(f, it->a, ind + 2);
    }
    break;
  case N_DATA:
  case N_MARKER:
    outf(f, it->kind == N_DATA ? "data %s " : "marker %s ", it->s1);
    qstr(f, it->s2);
    open_block(f, it, ind);
    source_items(f, it->a, ind + 1, it->end_line);
    comments_before(f, it->end_line, ind + 1);
    indent(f, ind);
    out(f, "}");
    break;
  case N_DISCLOSURE:
    out(f, "disclosure");
    open_block(f, it, ind);
    source_items(f, it->a, ind + 1, it->end_line);
    comments_before(f, it->end_line, ind + 1); /* the block's last comments stay in it */
    indent(f, ind);
    out(f, "}");
    break;
  case N_LEVEL: {
    char b[32];
    snprintf(b, sizeof b, " %lld ", (long long)it->num);
    outf(f, "level %s", it->s1);
    out(f, b);
    qstr(f, it->s2);
    if (it->flag) out(f, it->flag == 1 ? " disclosure required" : " disclosure optional");
    break;
  }
  case N_UE:
    if (it->s1) {
      out(f, "ue ");
      qstr(f, it->s1);
      if (it->s2) {
        out(f, " ");
        qstr(f, it->s2);
      }
    } else {
      out(f, "ue default");
    }
    outf(f, " level %s", it->s3);
    for (ast_node *p = it->a; p; p = p->next) {
      if (p->flag == UP_TOOLS) {
        out(f, " tools ");
        list(f, p->a, ind + 2);
      } else {
        out(f, p->num ? " disclosure required" : " disclosure optional");
      }
    }
    break;
  case N_UEIMPORT:
    out(f, "ue import ");
    qstr(f, it->s1);
    break;
  case N_REMOVE: {
    static const char *const k[] = {"", "tool", "class", "data", "marker", "level", "ue", "rule", "example", "principle"};
    out(f, "remove ");
    out(f, k[it->flag]);
    out(f, " ");
    if (it->flag == RM_UE || it->flag == RM_EXAMPLE) qstr(f, it->s1);
    else out(f, it->s1);
    break;
  }
  case N_RULE:
    outf(f, "rule %s ", it->s1);
    out(f, it->s3);
    out(f, "\n");
    indent(f, ind + 1);
    qstr(f, it->s2);
    open_block(f, it, ind);
    for (ast_node *x = it->a; x; x = x->next) {
      comments_before(f, x->loc.first_line, ind + 1);
      indent(f, ind + 1);
      switch (x->kind) {
      case N_SCOPE: outf(f, "scope %s", x->s1); break;
      case N_WHEN: out(f, "when "); expr(f, x->a, 0); break;
      case N_ACTION:
        out(f, x->flag == CH_ACT_DENY ? "deny" : x->flag == CH_ACT_WARN ? "warn" : x->flag == CH_ACT_REDACT ? "redact " : "require ");
        if (x->s1) out(f, x->s1);
        break;
      case N_MESSAGE: out(f, "message "); qstr(f, x->s1); break;
      default: break;
      }
      trailing(f, next_line(x, it->end_line), ind + 1);
      out(f, "\n");
    }
    comments_before(f, it->end_line, ind + 1);
    indent(f, ind);
    out(f, "}");
    break;
  case N_EXAMPLE:
    out(f, "example ");
    qstr(f, it->s1);
    open_block(f, it, ind);
    for (ast_node *x = it->a; x; x = x->next) {
      comments_before(f, x->loc.first_line, ind + 1);
      indent(f, ind + 1);
      if (x->kind == N_EXPECT) {
        static const char *const d[] = {"allow", "warn", "redact", "deny"};
        out(f, "expect ");
        out(f, d[x->flag & 3]);
        if (x->a) {
          out(f, " ");
          list(f, x->a, ind + 2);
        }
      } else {
        static const char *const k[] = {"", "prompt", "document", "tool", "ue", "level", "role", "redacted"};
        out(f, k[x->flag]);
        out(f, " ");
        if (x->flag == EX_PROMPT || x->flag == EX_DOCUMENT || x->flag == EX_UE || x->flag == EX_REDACTED) qstr(f, x->s1);
        else out(f, x->s1);
      }
      trailing(f, next_line(x, it->end_line), ind + 1);
      out(f, "\n");
    }
    comments_before(f, it->end_line, ind + 1);
    indent(f, ind);
    out(f, "}");
    break;
  default:
    break;
  }
  trailing(f, bound, ind);
  out(f, "\n");
}

int fmt_file(ch_cc *cc, const char *path, FILE *o) {
  cc->keep_comments = 1;
  if (cc_load(cc, path, NULL, 0) || cc->errors || cc->nfiles == 0) return -1;
  fm f = {cc, o, 0, 0};
  int first = 1;
  for (ast_node *d = cc->files[0].decls; d; d = d->next) {
    if (!first) out(&f, "\n");
    comments_before(&f, d->loc.first_line, 0);
    first = 0;
    if (d->kind == N_INCLUDE) {
      out(&f, "include ");
      qstr(&f, d->s1);
      trailing(&f, d->next ? d->next->loc.first_line : 0xffffffffu, 0);
      out(&f, "\n");
      continue;
    }
    out(&f, d->kind == N_TEMPLATE ? "template " : "charter ");
    out(&f, d->s1);
    if (d->s2) {
      out(&f, " ");
      qstr(&f, d->s2);
    }
    if (d->a) {
      outf(&f, " extends %s", d->a->s1);
      if (d->a->a) {
        out(&f, "(");
        for (ast_node *a = d->a->a; a; a = a->next) {
          outf(&f, "%s: ", a->s1);
          expr(&f, a->a, 0);
          if (a->next) out(&f, ", ");
        }
        out(&f, ")");
      }
    }
    out(&f, " {");
    trailing(&f, d->b ? d->b->loc.first_line : d->end_line, 1);
    out(&f, "\n");
    ast_kind prev = 0;
    for (ast_node *it = d->b; it; it = it->next) {
      int blank = prev && (is_block(it) || it->kind != prev ||
                           (f.next_comment < cc->ncomments && before(&cc->comments[f.next_comment], it->loc.first_line)));
      if (blank) out(&f, "\n");
      comments_before(&f, it->loc.first_line, 1);
      indent(&f, 1);
      item(&f, it, 1, next_line(it, d->end_line));
      prev = it->kind;
    }
    comments_before(&f, d->end_line, 1); /* the last comments inside the braces stay there */
    out(&f, "}");
    trailing(&f, d->next ? d->next->loc.first_line : 0xffffffffu, 0);
    out(&f, "\n");
  }
  comments_before(&f, 0xffffffffu, 0);
  return ferror(o) ? -1 : 0;
}
