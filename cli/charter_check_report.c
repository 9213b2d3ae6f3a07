/*
 * charter_check_report.c — output formats of `charter check`: text, JSON Lines,
 * SARIF 2.1.0, CSV and a self-contained HTML page.  Every format reads the
 * same per-submission results (check.h), written in input order.
 *
 * Privacy: only the evidence excerpt (a short window around each span) is
 * ever printed, never a whole document.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/check.h"
#include "cli/common_json.h"
#include "runtime/normalize.h"

static const char *sev_sarif(ch_severity s) {
  return s == CH_SEV_ERROR ? "error" : s == CH_SEV_WARNING ? "warning" : "note";
}

/* Text from a submission (a file or zip entry name, an excerpt, an error
 * naming them) on a terminal: control characters (a newline in a name, an
 * escape sequence, C1 controls) become '?', each byte of invalid UTF-8
 * becomes U+FFFD, as in the JSON output; nothing a file says can move the
 * cursor or fake a line. */
static void put_safe(FILE *o, const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t n = strlen((const char *)p);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = norm_decode(p + i, n - i, &cp);
    if (!k) fputs("\xef\xbf\xbd", o);
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) fputc('?', o);
    else fwrite(p + i, 1, k, o);
    i += k ? k : 1;
  }
}

static void where_text(FILE *o, const chk_ev *e) {
  if (e->page) fprintf(o, "%s %u, ", e->slide ? "slide" : "page", e->page);
  if (e->para) fprintf(o, "paragraph %u", e->para);
  else fprintf(o, "line %u", e->line);
  if (e->part && strcmp(e->part, "body")) fprintf(o, " (%s)", e->part);
}

/* ------------------------------------------------------------------ text */

static void out_text(FILE *o, const chk_result *r, size_t n, int color) {
  for (size_t i = 0; i < n; i++) {
    const chk_result *s = &r[i];
    if (s->error) {
      /* the message names the file already (JSON and SARIF keep it whole) */
      const char *msg = s->error;
      size_t nl = strlen(s->name);
      if (!strncmp(msg, s->name, nl) && msg[nl] == ':' && msg[nl + 1] == ' ') msg += nl + 2;
      put_safe(o, s->name);
      fputs(": error: ", o);
      put_safe(o, msg);
      fputc('\n', o);
      continue;
    }
    for (size_t j = 0; j < s->nfindings; j++) {
      const chk_finding *f = &s->findings[j];
      const chk_ev *e = f->nev ? &f->ev[0] : NULL;
      put_safe(o, s->name);
      fputc(':', o);
      if (e) {
        where_text(o, e);
        fputc(':', o);
      }
      const char *sev = ch_severity_name(f->severity);
      if (color) fprintf(o, " \033[%sm%s\033[0m: %s [%s]\n", f->severity == CH_SEV_ERROR ? "1;31" : "1;33", sev, f->message, f->rule);
      else fprintf(o, " %s: %s [%s]\n", sev, f->message, f->rule);
      for (size_t k = 0; k < f->nev && k < 3; k++)
        if (f->ev && f->ev[k].excerpt) {
          fputs("    > ", o);
          put_safe(o, f->ev[k].excerpt);
          fputc('\n', o);
        }
    }
    if (s->nfindings == 0) {
      put_safe(o, s->name);
      fprintf(o, ": ok (level %s", s->level_name ? s->level_name : "?");
      if (s->student) {
        fputs(", ", o);
        put_safe(o, s->student);
      }
      fputs(")\n", o);
    }
  }
}

/* ------------------------------------------------------------------ json */

static void json_finding(FILE *o, const chk_finding *f) {
  fputs("{\"rule\":", o);
  json_cstr(o, f->rule);
  fprintf(o, ",\"severity\":\"%s\",\"action\":\"%s\",\"message\":", ch_severity_name(f->severity), ch_action_name(f->action));
  json_cstr(o, f->message);
  fputs(",\"statement\":", o);
  json_cstr(o, f->statement);
  fputs(",\"evidence\":[", o);
  for (size_t k = 0; k < f->nev; k++) {
    const chk_ev *e = &f->ev[k];
    if (k) fputc(',', o);
    fputs("{\"class\":", o);
    json_cstr(o, e->fact);
    fprintf(o, ",\"start\":%zu,\"end\":%zu,\"line\":%u,\"page\":%u,\"paragraph\":%u,\"part\":", e->start, e->end, e->line, e->page, e->para);
    json_cstr(o, e->part);
    fputs(",\"excerpt\":", o);
    json_cstr(o, e->excerpt);
    fputc('}', o);
  }
  fputs("]}", o);
}

static void out_json(FILE *o, const chk_result *r, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const chk_result *s = &r[i];
    fputs("{\"file\":", o);
    json_cstr(o, s->name);
    fputs(",\"student\":", o);
    json_cstr(o, s->student);
    fputs(",\"student_id\":", o);
    json_cstr(o, s->student_id);
    if (s->error) {
      fputs(",\"error\":", o);
      json_cstr(o, s->error);
      fputs("}\n", o);
      continue;
    }
    fputs(",\"format\":", o);
    json_cstr(o, s->format);
    fprintf(o, ",\"ue\":");
    json_cstr(o, s->ue);
    fprintf(o, ",\"level\":%d,\"level_name\":", s->level);
    json_cstr(o, s->level_name);
    fprintf(o, ",\"decision\":\"%s\",\"disclosure\":{\"present\":%s,\"negative\":%s,\"used\":%s,\"complete\":%s},\"findings\":[",
            ch_decision_name(s->decision), s->disclosure & 1 ? "true" : "false", s->disclosure & 2 ? "true" : "false",
            s->disclosure & 4 ? "true" : "false", s->disclosure & 8 ? "true" : "false");
    for (size_t j = 0; j < s->nfindings; j++) {
      if (j) fputc(',', o);
      json_finding(o, &s->findings[j]);
    }
    fputs("]}\n", o);
  }
}

/* ----------------------------------------------------------------- sarif */

static void out_sarif(FILE *o, const chk_result *r, size_t n, const ch_charter *c) {
  fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":"
        "{\"name\":\"charter\",\"informationUri\":\"https://example.invalid/charter\",\"version\":",
        o);
  json_cstr(o, ch_version());
  fputs(",\"rules\":[", o);
  size_t nr = ch_charter_count(c, CH_ITEM_RULE);
  for (size_t i = 0; i < nr; i++) {
    if (i) fputc(',', o);
    fputs("{\"id\":", o);
    json_cstr(o, ch_charter_item(c, CH_ITEM_RULE, i, "id"));
    fputs(",\"shortDescription\":{\"text\":", o);
    json_cstr(o, ch_charter_item(c, CH_ITEM_RULE, i, "statement"));
    fputs("},\"defaultConfiguration\":{\"level\":", o);
    const char *sv = ch_charter_item(c, CH_ITEM_RULE, i, "severity");
    json_cstr(o, sv && !strcmp(sv, "info") ? "note" : sv ? sv : "warning");
    fputs("}}", o);
  }
  fputs("]}},\"results\":[", o);
  int first = 1;
  for (size_t i = 0; i < n; i++) {
    const chk_result *s = &r[i];
    for (size_t j = 0; j < s->nfindings; j++) {
      const chk_finding *f = &s->findings[j];
      if (!first) fputc(',', o);
      first = 0;
      fputs("{\"ruleId\":", o);
      json_cstr(o, f->rule);
      fprintf(o, ",\"level\":\"%s\",\"message\":{\"text\":", sev_sarif(f->severity));
      json_cstr(o, f->message);
      fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", o);
      json_cstr(o, s->uri);
      fputs("}", o);
      if (f->nev) {
        const chk_ev *e = &f->ev[0];
        fprintf(o, ",\"region\":{\"startLine\":%u,\"charOffset\":%zu,\"charLength\":%zu", e->line ? e->line : 1, e->start,
                e->end - e->start);
        if (e->excerpt) {
          fputs(",\"snippet\":{\"text\":", o);
          json_cstr(o, e->excerpt);
          fputc('}', o);
        }
        fputc('}', o);
      } else {
        /* a finding about the whole document (a missing disclosure) */
        fputs(",\"region\":{\"startLine\":1}", o);
      }
      fputs("}}]", o);
      if (s->student) {
        fputs(",\"properties\":{\"student\":", o);
        json_cstr(o, s->student);
        fputs(",\"studentId\":", o);
        json_cstr(o, s->student_id);
        fputc('}', o);
      }
      fputc('}', o);
    }
  }
  fputs("],\"invocations\":[{\"executionSuccessful\":true,\"toolExecutionNotifications\":[", o);
  first = 1;
  for (size_t i = 0; i < n; i++) {
    if (!r[i].error) continue;
    if (!first) fputc(',', o);
    first = 0;
    fputs("{\"level\":\"error\",\"message\":{\"text\":", o);
    json_cstr(o, r[i].error);
    fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", o);
    json_cstr(o, r[i].uri);
    fputs("}}}]}", o);
  }
  fputs("]}]}]}\n", o);
}

/* ------------------------------------------------------------------- csv */

static void csv_field(FILE *o, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\n\r;")) {
    fputs(s, o);
    return;
  }
  fputc('"', o);
  for (; *s; s++) {
    if (*s == '"') fputc('"', o);
    fputc(*s, o);
  }
  fputc('"', o);
}

static void out_csv(FILE *o, const chk_result *r, size_t n) {
  fputs("student,student_id,file,level,decision,findings,error\n", o);
  for (size_t i = 0; i < n; i++) {
    const chk_result *s = &r[i];
    csv_field(o, s->student);
    fputc(',', o);
    csv_field(o, s->student_id);
    fputc(',', o);
    csv_field(o, s->name);
    fputc(',', o);
    if (!s->error) fprintf(o, "%d", s->level);
    fputc(',', o);
    if (!s->error) fputs(ch_decision_name(s->decision), o);
    fputc(',', o);
    char ids[1024] = "";
    for (size_t j = 0; j < s->nfindings; j++) {
      if (j) strncat(ids, " ", sizeof ids - strlen(ids) - 1);
      strncat(ids, s->findings[j].rule, sizeof ids - strlen(ids) - 1);
    }
    csv_field(o, ids);
    fputc(',', o);
    csv_field(o, s->error);
    fputc('\n', o);
  }
}

/* ------------------------------------------------------------------ html */

static void h(FILE *o, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", o); break;
    case '>': fputs("&gt;", o); break;
    case '&': fputs("&amp;", o); break;
    case '"': fputs("&quot;", o); break;
    default: fputc(*s, o);
    }
  }
}

/* The excerpt with the evidence span highlighted. */
static void h_excerpt(FILE *o, const chk_ev *e) {
  if (!e->excerpt) return;
  size_t n = strlen(e->excerpt);
  size_t a = e->hl_start <= n ? e->hl_start : n, b = e->hl_end <= n && e->hl_end >= a ? e->hl_end : a;
  char tmp[1024];
  size_t l = a < sizeof tmp - 1 ? a : sizeof tmp - 1;
  memcpy(tmp, e->excerpt, l);
  tmp[l] = 0;
  h(o, tmp);
  fputs("<mark>", o);
  l = b - a < sizeof tmp - 1 ? b - a : sizeof tmp - 1;
  memcpy(tmp, e->excerpt + a, l);
  tmp[l] = 0;
  h(o, tmp);
  fputs("</mark>", o);
  h(o, e->excerpt + b);
}

static void out_html(FILE *o, const chk_result *r, size_t n, const ch_charter *c, const char *ue, const char *level) {
  size_t nerr = 0, nwarn = 0, nok = 0, nbad = 0;
  for (size_t i = 0; i < n; i++) {
    if (r[i].error) nbad++;
    else if (r[i].worst == CH_SEV_ERROR) nerr++;
    else if (r[i].nfindings) nwarn++;
    else nok++;
  }
  fputs("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Charter — rapport de vérification</title>\n"
        "<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}"
        "th,td{border-bottom:1px solid #ddd;padding:.4em .6em;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
        "th{background:#f3f3f3}table{table-layout:fixed}th:nth-child(1){width:13%}th:nth-child(2){width:27%}"
        "th:nth-child(3){width:8%}th:nth-child(4){width:8%}"
        ".error{color:#b00020;font-weight:600}.warning{color:#a05a00;font-weight:600}.ok{color:#1b7a2a}.info{color:#555}"
        "details{margin:.2em 0}summary{cursor:pointer}mark{background:#ffe066}blockquote{margin:.3em 0 .3em 1em;"
        "padding:.2em .6em;border-left:3px solid #ccc;background:#fafafa;font-size:.95em}.meta{color:#555}"
        ".counts span{margin-right:1.5em}</style></head><body>\n<h1>Rapport de vérification</h1>\n<p class=\"meta\">",
        o);
  h(o, ch_charter_title(c));
  fputs(" (", o);
  h(o, ch_charter_id(c));
  fputs(" ", o);
  h(o, ch_charter_version(c));
  fputs(")", o);
  if (ue) {
    fputs(" — UE ", o);
    h(o, ue);
  }
  if (level) {
    fputs(" — niveau ", o);
    h(o, level);
  }
  time_t now = time(NULL);
  struct tm tmv;
  char when[64];
  localtime_r(&now, &tmv);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tmv);
  fprintf(o, " — %s</p>\n<p class=\"counts\"><span class=\"error\">%zu avec erreur</span><span class=\"warning\">%zu avec "
             "avertissement</span><span class=\"ok\">%zu sans remarque</span><span>%zu illisible(s)</span></p>\n"
             "<p class=\"meta\">Chaque constat est un indice à examiner, jamais un verdict.</p>\n"
             "<table><thead><tr><th>Étudiant·e</th><th>Fichier</th><th>Niveau</th><th>Décision</th><th>Constats</th></tr></thead><tbody>\n",
          when, nerr, nwarn, nok, nbad);
  for (size_t i = 0; i < n; i++) {
    const chk_result *s = &r[i];
    fputs("<tr><td>", o);
    h(o, s->student ? s->student : "—");
    if (s->student_id) {
      fputs(" <small>(", o);
      h(o, s->student_id);
      fputs(")</small>", o);
    }
    fputs("</td><td>", o);
    h(o, s->name);
    fputs("</td>", o);
    if (s->error) {
      fputs("<td></td><td class=\"error\">illisible</td><td>", o);
      h(o, s->error);
      fputs("</td></tr>\n", o);
      continue;
    }
    fputs("<td>", o);
    h(o, s->level_name);
    fprintf(o, "</td><td class=\"%s\">%s</td><td>", s->worst == CH_SEV_ERROR ? "error" : s->nfindings ? "warning" : "ok",
            s->nfindings ? ch_decision_name(s->decision) : "ok");
    for (size_t j = 0; j < s->nfindings; j++) {
      const chk_finding *f = &s->findings[j];
      fprintf(o, "<details><summary><span class=\"%s\">%s</span> ", ch_severity_name(f->severity), ch_severity_name(f->severity));
      h(o, f->message);
      fputs(" <code>", o);
      h(o, f->rule);
      fputs("</code></summary>", o);
      if (f->statement) {
        fputs("<p class=\"meta\">", o);
        h(o, f->statement);
        fputs("</p>", o);
      }
      for (size_t k = 0; k < f->nev; k++) {
        const chk_ev *e = &f->ev[k];
        fputs("<blockquote><small>", o);
        char w[128];
        if (e->page) snprintf(w, sizeof w, "%s %u, paragraphe %u", e->slide ? "diapositive" : "page", e->page, e->para);
        else if (e->para) snprintf(w, sizeof w, "paragraphe %u", e->para);
        else snprintf(w, sizeof w, "ligne %u", e->line);
        h(o, w);
        if (e->part && strcmp(e->part, "body")) {
          fputs(" (", o);
          h(o, e->part);
          fputs(")", o);
        }
        fputs("</small><br>", o);
        h_excerpt(o, e);
        fputs("</blockquote>", o);
      }
      fputs("</details>", o);
    }
    if (!s->nfindings) fputs("—", o);
    fputs("</td></tr>\n", o);
  }
  fputs("</tbody></table>\n</body></html>\n", o);
}

void chk_write(FILE *o, int format, const chk_result *r, size_t n, const ch_charter *c, const char *ue,
               const char *level, int color) {
  switch (format) {
  case CHK_JSON: out_json(o, r, n); break;
  case CHK_SARIF: out_sarif(o, r, n, c); break;
  case CHK_CSV: out_csv(o, r, n); break;
  case CHK_HTML: out_html(o, r, n, c, ue, level); break;
  default: out_text(o, r, n, color); break;
  }
}
