/*
 * render.c — `charterc render`: the human-readable charter, in Markdown or
 * as one self-contained HTML page, from the same resolved model that is
 * compiled — so the text people sign and the rules that run cannot drift.
 *
 * Order: title and identity, principles, rules grouped by scope with the
 * charter's own statements, tools, data classes, levels, the UE table, and
 * the attribution and licence chain required by CC-BY-SA.
 */
#include <stdio.h>
#include <string.h>

#include "compiler/compile_internal.h"
#include "runtime/chb.h"

typedef struct rd {
  FILE *o;
  int html;
} rd;

/* Text with the target's special characters escaped. */
static void txt(rd *r, const char *s) {
  if (!s) return;
  for (; *s; s++) {
    if (r->html) {
      switch (*s) {
      case '<': fputs("&lt;", r->o); continue;
      case '>': fputs("&gt;", r->o); continue;
      case '&': fputs("&amp;", r->o); continue;
      case '"': fputs("&quot;", r->o); continue;
      }
    } else if (*s == '|' || *s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '[' || *s == ']') {
      fputc('\\', r->o);
    } else if (*s == '\n') {
      fputc(' ', r->o);
      continue;
    }
    fputc(*s, r->o);
  }
}

static void heading(rd *r, int level, const char *s) {
  if (r->html) {
    fprintf(r->o, "<h%d>", level);
    txt(r, s);
    fprintf(r->o, "</h%d>\n", level);
  } else {
    fprintf(r->o, "\n%.*s ", level, "######");
    txt(r, s);
    fputs("\n\n", r->o);
  }
}

static void para(rd *r, const char *s) {
  fputs(r->html ? "<p>" : "", r->o);
  txt(r, s);
  fputs(r->html ? "</p>\n" : "\n\n", r->o);
}

static void row(rd *r, int head, int n, const char *const *cells) {
  if (r->html) {
    fputs("<tr>", r->o);
    for (int i = 0; i < n; i++) {
      fputs(head ? "<th>" : "<td>", r->o);
      txt(r, cells[i]);
      fputs(head ? "</th>" : "</td>", r->o);
    }
    fputs("</tr>\n", r->o);
    return;
  }
  fputs("|", r->o);
  for (int i = 0; i < n; i++) {
    fputc(' ', r->o);
    txt(r, cells[i] && *cells[i] ? cells[i] : "—");
    fputs(" |", r->o);
  }
  fputc('\n', r->o);
  if (head) {
    fputs("|", r->o);
    for (int i = 0; i < n; i++) fputs(" --- |", r->o);
    fputc('\n', r->o);
  }
}

static void table_open(rd *r) { if (r->html) fputs("<table>\n", r->o); }
static void table_close(rd *r) { fputs(r->html ? "</table>\n" : "\n", r->o); }

static const char *sev_fr(int s) {
  return s == CH_SEV_ERROR ? "interdiction" : s == CH_SEV_WARNING ? "avertissement" : "recommandation";
}

static const char *act_fr(int a) {
  switch (a) {
  case CH_ACT_DENY: return "requête refusée";
  case CH_ACT_REDACT: return "données masquées";
  case CH_ACT_WARN: return "avertissement";
  case CH_ACT_REQUIRE: return "déclaration exigée";
  default: return "signalement";
  }
}

static void rules(rd *r, const model *m, int scope, const char *title) {
  int any = 0;
  for (size_t i = 0; i < m->rules.n; i++)
    if (m->rules.v[i].scope & scope) any = 1;
  if (!any) return;
  heading(r, 3, title);
  if (r->html) fputs("<ul>\n", r->o);
  for (size_t i = 0; i < m->rules.n; i++) {
    const m_rule *ru = &m->rules.v[i];
    if (!(ru->scope & scope)) continue;
    if (r->html) {
      fprintf(r->o, "<li><strong>");
      txt(r, ru->statement);
      fprintf(r->o, "</strong> <small>(%s ; %s ; règle <code>", sev_fr(ru->severity), act_fr(ru->action));
      txt(r, ru->id);
      fputs("</code>)</small></li>\n", r->o);
    } else {
      fputs("- **", r->o);
      txt(r, ru->statement);
      fprintf(r->o, "** (%s ; %s ; règle `%s`)\n", sev_fr(ru->severity), act_fr(ru->action), ru->id);
    }
  }
  fputs(r->html ? "</ul>\n" : "\n", r->o);
}

static const char *classes_of(const model *m, uint32_t mask, char *buf, size_t n) {
  buf[0] = 0;
  if (!mask) return "";
  for (size_t i = 0; i < m->classes.n && i < 32; i++)
    if (mask & (1u << i)) {
      if (buf[0]) strncat(buf, ", ", n - strlen(buf) - 1);
      strncat(buf, m->classes.v[i].id, n - strlen(buf) - 1);
    }
  return buf;
}

static const char *disc_fr(int d) {
  return d == CHB_DISC_REQUIRED ? "obligatoire" : d == CHB_DISC_OPTIONAL ? "facultative" : "selon le niveau";
}

int render_model(const model *m, int html, FILE *out) {
  rd r = {out, html};
  const m_lineage *self = &m->lineage[0];
  if (html) {
    fputs("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>", out);
    txt(&r, self->title);
    fputs("</title>\n<style>body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;"
          "line-height:1.5;color:#222}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;"
          "padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f0f0f0}code{background:#f4f4f4;"
          "padding:0 .2em}.meta{color:#555}footer{margin-top:3em;border-top:1px solid #ccc;color:#555}</style>\n"
          "</head><body>\n",
          out);
  }
  heading(&r, 1, self->title);
  char line[1024];
  snprintf(line, sizeof line, "Identifiant %s — version %s — licence %s%s%s", self->id,
           self->version ? self->version : "non précisée", self->license ? self->license : "non précisée",
           self->date ? " — " : "", self->date ? self->date : "");
  if (html) fputs("<p class=\"meta\">", out);
  txt(&r, line);
  fputs(html ? "</p>\n" : "\n\n", out);

  if (m->principles.n) {
    heading(&r, 2, "Principes");
    for (size_t i = 0; i < m->principles.n; i++) {
      heading(&r, 3, m->principles.v[i].title);
      para(&r, m->principles.v[i].text);
    }
  }
  heading(&r, 2, "Règles");
  rules(&r, m, CH_SCOPE_PROMPT, "Usage des outils d'IA (requêtes)");
  rules(&r, m, CH_SCOPE_DOCUMENT, "Travaux et productions (documents)");

  if (m->tools.n) {
    heading(&r, 2, "Outils");
    table_open(&r);
    const char *h[] = {"Outil", "Catégorie", "Identifiant"};
    row(&r, 1, 3, h);
    for (size_t i = 0; i < m->tools.n; i++) {
      const m_tool *t = &m->tools.v[i];
      const char *ct = t->class_idx >= 0 ? m->classes.v[t->class_idx].title : t->class_id;
      const char *c[] = {t->title, ct, t->id};
      row(&r, 0, 3, c);
    }
    table_close(&r);
  }
  int nd = 0;
  for (size_t i = 0; i < m->facts.n; i++) nd += m->facts.v[i].kind == CHB_FACT_DATA;
  if (nd) {
    heading(&r, 2, "Données sensibles");
    if (html) fputs("<ul>\n", out);
    for (size_t i = 0; i < m->facts.n; i++) {
      if (m->facts.v[i].kind != CHB_FACT_DATA) continue;
      fputs(html ? "<li>" : "- ", out);
      txt(&r, m->facts.v[i].title);
      fputs(html ? " (<code>" : " (`", out);
      txt(&r, m->facts.v[i].id);
      fputs(html ? "</code>)</li>\n" : "`)\n", out);
    }
    fputs(html ? "</ul>\n" : "\n", out);
  }
  if (m->levels.n) {
    heading(&r, 2, "Niveaux d'autorisation de l'IA");
    table_open(&r);
    const char *h[] = {"Niveau", "Nom", "Description", "Déclaration"};
    row(&r, 1, 4, h);
    for (size_t i = 0; i < m->levels.n; i++) {
      char rank[16];
      snprintf(rank, sizeof rank, "%lld", (long long)m->levels.v[i].rank);
      const char *c[] = {rank, m->levels.v[i].id, m->levels.v[i].title,
                         m->levels.v[i].disclosure == CHB_DISC_REQUIRED ? "obligatoire" : "—"};
      row(&r, 0, 4, c);
    }
    table_close(&r);
  }
  if (m->levels.n) {
    heading(&r, 2, "Autorisations par UE (MCCC)");
    table_open(&r);
    const char *h[] = {"UE", "Intitulé", "Niveau", "Outils approuvés", "Déclaration"};
    row(&r, 1, 5, h);
    char cls[512];
    const m_ue *d = &m->ue_default;
    const char *dl = d->level_idx >= 0 ? m->levels.v[d->level_idx].id : "";
    const char *c0[] = {"(par défaut)", "toute UE non listée", dl,
                        d->class_mask ? classes_of(m, d->class_mask, cls, sizeof cls) : "toutes", disc_fr(d->disclosure)};
    row(&r, 0, 5, c0);
    for (size_t i = 0; i < m->ues.n; i++) {
      const m_ue *u = &m->ues.v[i];
      char cls2[512];
      const char *c[] = {u->code, u->title ? u->title : "", u->level_idx >= 0 ? m->levels.v[u->level_idx].id : u->level,
                         u->class_mask ? classes_of(m, u->class_mask, cls2, sizeof cls2) : "(par défaut)",
                         disc_fr(u->disclosure)};
      row(&r, 0, 5, c);
    }
    table_close(&r);
  }
  heading(&r, 2, "Filiation, attribution et licence");
  if (html) fputs("<ul>\n", out);
  for (size_t i = 0; i < m->nlineage; i++) {
    const m_lineage *l = &m->lineage[i];
    snprintf(line, sizeof line, "%s « %s » (%s), version %s, licence %s%s%s%s%s",
             i == 0 ? "Ce document :" : "Dérivé de :", l->title, l->id, l->version ? l->version : "?",
             l->license ? l->license : "non précisée", l->attribution ? " — attribution : " : "",
             l->attribution ? l->attribution : "", l->source ? " — source : " : "", l->source ? l->source : "");
    fputs(html ? "<li>" : "- ", out);
    txt(&r, line);
    fputs(html ? "</li>\n" : "\n", out);
  }
  fputs(html ? "</ul>\n" : "\n", out);
  if (m->nlineage > 1 && self->license)
    para(&r, "Ce document est une adaptation ; conformément à la licence de ses sources, il est diffusé sous la même licence, "
             "avec l'attribution de chacune d'elles.");
  if (html) fputs("<footer>Rendu par charterc depuis la source de la charte.</footer>\n</body></html>\n", out);
  return ferror(out) ? -1 : 0;
}
