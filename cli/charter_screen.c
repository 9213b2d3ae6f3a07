/*
 * charter_screen.c — `charter screen`: screen prompts against a charter,
 * as a gateway would, from the command line.
 *
 *   one prompt:  stdin or --file, context from flags, text or --json output
 *   a stream:    --jsonl, one request object per input line, one decision
 *                object per output line, flushed line by line
 *
 * Exit status: 0 allow/warn/redact, 1 deny (any, in --jsonl), 2 error.
 * Privacy: the prompt is never printed; only rule ids, data classes,
 * positions and, for a redact decision, the redacted text.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charter.h"
#include "charter_compile.h"
#include "cli/charter_cmds.h"
#include "cli/common_io.h"
#include "cli/common_json.h"
#include "cli/common_opt.h"

static void usage(FILE *f) {
  fputs("usage: charter screen --charter FILE (.charter or .chb) --tool ID [--ue CODE | --level NAME|NUMBER]\n"
        "                      [--role student|staff] [--json] [--file PROMPT.txt] [--jsonl]   (--name=VALUE too)\n"
        "  reads one prompt from stdin (or --file); with --jsonl, one JSON request per line:\n"
        "  {\"id\": ..., \"prompt\": \"...\", \"tool\": \"chatgpt\", \"ue\": \"...\", \"level\": \"3\", \"role\": \"student\"}\n"
        "  (a request's \"tool\" defaults to --tool; one of them is required)\n"
        "exit status: 0 allow, warn or redact; 1 deny; 2 usage or input error\n",
        f);
}

static void tools_hint(const ch_charter *c) {
  fputs("known tools:", stderr);
  for (size_t i = 0; i < ch_charter_count(c, CH_ITEM_TOOL); i++)
    fprintf(stderr, " %s", ch_charter_item(c, CH_ITEM_TOOL, i, "id"));
  fputs("; classes:", stderr);
  for (size_t i = 0; i < ch_charter_count(c, CH_ITEM_TOOL_CLASS); i++)
    fprintf(stderr, " %s", ch_charter_item(c, CH_ITEM_TOOL_CLASS, i, "id"));
  fputc('\n', stderr);
}

static int set_context(ch_scanner *s, const ch_charter *c, const char *tool, const char *ue, const char *level,
                       const char *role, char *err, size_t errlen) {
  /* the library's "no tool" is a document's context: a prompt screened
   * without one would pass every rule about public tools (fail open) */
  if (!tool || !*tool) {
    snprintf(err, errlen, "no tool: a prompt is screened for the tool it goes to (--tool ID, or \"tool\" in the request)");
    return -1;
  }
  if (ch_scanner_set_tool(s, tool)) {
    snprintf(err, errlen, "unknown tool '%s'", tool);
    return -1;
  }
  ch_scanner_set_ue(s, ue);
  if (ch_scanner_set_level(s, level)) {
    snprintf(err, errlen, "unknown level '%s'", level);
    return -1;
  }
  ch_role r = CH_ROLE_ANY;
  if (role && !strcmp(role, "student")) r = CH_ROLE_STUDENT;
  else if (role && !strcmp(role, "staff")) r = CH_ROLE_STAFF;
  else if (role && strcmp(role, "any")) {
    snprintf(err, errlen, "unknown role '%s' (student, staff or any)", role);
    return -1;
  }
  ch_scanner_set_role(s, r);
  (void)c;
  return 0;
}

/* The decision as one JSON object (no newline). */
static void print_json(FILE *o, const ch_report *r, const char *id_json) {
  fputc('{', o);
  if (id_json) fprintf(o, "\"id\":%s,", id_json);
  fprintf(o, "\"decision\":\"%s\",\"rules\":[", ch_decision_name(ch_report_decision(r)));
  size_t n = ch_report_finding_count(r);
  for (size_t i = 0; i < n; i++) {
    if (i) fputc(',', o);
    json_cstr(o, ch_finding_rule(ch_report_finding(r, i)));
  }
  fputs("],\"findings\":[", o);
  for (size_t i = 0; i < n; i++) {
    const ch_finding *f = ch_report_finding(r, i);
    if (i) fputc(',', o);
    fputs("{\"rule\":", o);
    json_cstr(o, ch_finding_rule(f));
    fprintf(o, ",\"severity\":\"%s\",\"action\":\"%s\",\"message\":", ch_severity_name(ch_finding_severity(f)),
            ch_action_name(ch_finding_action(f)));
    json_cstr(o, ch_finding_message(f));
    fputs(",\"statement\":", o);
    json_cstr(o, ch_finding_statement(f));
    fputs(",\"evidence\":[", o);
    for (size_t k = 0; k < ch_finding_evidence_count(f); k++) {
      ch_span sp;
      ch_finding_evidence(f, k, &sp);
      if (k) fputc(',', o);
      fputs("{\"class\":", o);
      json_cstr(o, sp.fact);
      fputs(",\"detector\":", o);
      json_cstr(o, sp.detector);
      fprintf(o, ",\"start\":%zu,\"end\":%zu,\"line\":%u,\"column\":%u}", sp.start, sp.end, sp.line, sp.column);
    }
    fputs("]}", o);
  }
  fputc(']', o);
  if (ch_report_decision(r) == CH_REDACT) {
    size_t len;
    const char *red = ch_report_redacted(r, &len);
    fputs(",\"redacted\":", o);
    json_str(o, red, len);
  }
  if (ch_report_limit_hit(r)) fputs(",\"limit_hit\":true", o);
  fputc('}', o);
}

static void print_text(FILE *o, const ch_report *r) {
  fprintf(o, "%s\n", ch_decision_name(ch_report_decision(r)));
  for (size_t i = 0; i < ch_report_finding_count(r); i++) {
    const ch_finding *f = ch_report_finding(r, i);
    fprintf(o, "  %s %s: %s\n", ch_finding_rule(f), ch_severity_name(ch_finding_severity(f)), ch_finding_message(f));
    for (size_t k = 0; k < ch_finding_evidence_count(f); k++) {
      ch_span sp;
      ch_finding_evidence(f, k, &sp);
      fprintf(o, "    %s (%s) at %u:%u\n", sp.fact, sp.detector, sp.line, sp.column);
    }
  }
  if (ch_report_decision(r) == CH_REDACT) {
    size_t len;
    const char *red = ch_report_redacted(r, &len);
    fputs("redacted: ", o);
    fwrite(red, 1, len, o);
    fputc('\n', o);
  }
  if (ch_report_limit_hit(r)) fputs("note: a pattern hit its match limit on this input\n", o);
}

static const char *jstr(json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

static int run_jsonl(ch_scanner *s, const ch_charter *c, const char *tool, const char *ue, const char *level,
                     const char *role) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0;
  int any_deny = 0, any_error = 0;
  char num[32];
  while ((n = getline(&line, &cap, stdin)) >= 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0) continue;
    json_error_t je;
    /* \u0000 is valid JSON: a prompt holding one is scanned whole (by
     * its length); the other fields are read as C strings, so a NUL in a
     * tool name cuts it short and the name is then unknown */
    json_t *req = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    char *idj = NULL;
    const char *idp = NULL;
    if (req && json_object_get(req, "id")) {
      idj = json_dumps(json_object_get(req, "id"), JSON_ENCODE_ANY | JSON_COMPACT);
      idp = idj;
    }
    snprintf(num, sizeof num, "%lu", lineno);
    if (!req || !json_is_object(req) || !json_is_string(json_object_get(req, "prompt"))) {
      printf("{%s%s%s\"error\":", idp ? "\"id\":" : "", idp ? idp : "", idp ? "," : "");
      char msg[300];
      if (!req) snprintf(msg, sizeof msg, "line %lu: invalid JSON: %s", lineno, je.text);
      else snprintf(msg, sizeof msg, "line %lu: a request needs a string \"prompt\"", lineno);
      json_cstr(stdout, msg);
      puts("}");
      fflush(stdout);
      any_error = 1;
      json_decref(req);
      free(idj);
      continue;
    }
    char err[200];
    const char *t = jstr(req, "tool") ? jstr(req, "tool") : tool;
    const char *u = jstr(req, "ue") ? jstr(req, "ue") : ue;
    const char *lv = jstr(req, "level") ? jstr(req, "level") : level;
    json_t *lvn = json_object_get(req, "level");
    char lvbuf[32];
    if (json_is_integer(lvn)) {
      snprintf(lvbuf, sizeof lvbuf, "%lld", (long long)json_integer_value(lvn));
      lv = lvbuf;
    }
    const char *ro = jstr(req, "role") ? jstr(req, "role") : role;
    const ch_report *rep = NULL;
    if (set_context(s, c, t, u, lv, ro, err, sizeof err) == 0) {
      json_t *p = json_object_get(req, "prompt");
      if (ch_scanner_scan(s, json_string_value(p), json_string_length(p), &rep))
        snprintf(err, sizeof err, "%s", ch_scanner_errmsg(s));
    }
    if (rep) {
      print_json(stdout, rep, idp);
      putchar('\n');
      if (ch_report_decision(rep) == CH_DENY) any_deny = 1;
    } else {
      printf("{%s%s%s\"error\":", idp ? "\"id\":" : "", idp ? idp : "", idp ? "," : "");
      json_cstr(stdout, err);
      puts("}");
      any_error = 1;
    }
    fflush(stdout);
    json_decref(req);
    free(idj);
  }
  free(line);
  return any_error ? 2 : any_deny ? 1 : 0;
}

enum { SO_HELP, SO_JSON, SO_JSONL, SO_CHARTER, SO_TOOL, SO_UE, SO_LEVEL, SO_ROLE, SO_FILE };
static const cli_optdef screen_opts[] = {
    {"--help", SO_HELP, 0},       {"-h", SO_HELP, 0},       {"--json", SO_JSON, 0},   {"--jsonl", SO_JSONL, 0},
    {"--charter", SO_CHARTER, 1}, {"--tool", SO_TOOL, 1},   {"--ue", SO_UE, 1},       {"--level", SO_LEVEL, 1},
    {"--role", SO_ROLE, 1},       {"--file", SO_FILE, 1},
};

int cmd_screen(int argc, char **argv) {
  const char *charter = NULL, *tool = NULL, *ue = NULL, *level = NULL, *role = NULL, *file = NULL;
  int json = 0, jsonl = 0;
  for (int i = 1; i < argc; i++) {
    cli_opt o;
    cli_opt_split(argv[i], "", &o);
    const char *a = o.name;
    const char *v = o.value ? o.value : i + 1 < argc ? argv[i + 1] : NULL;
    const cli_optdef *d = cli_opt_find(screen_opts, sizeof screen_opts / sizeof *screen_opts, a);
    if (!d) {
      fprintf(stderr, "charter screen: unknown argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
    if (!d->valued) { /* --help, --json, --jsonl */
      if (o.value) {
        fprintf(stderr, "charter screen: %s takes no value\n", a);
        return 2;
      }
      if (d->id == SO_HELP) {
        usage(stdout);
        return 0;
      }
      if (d->id == SO_JSON) json = 1;
      else jsonl = 1;
      continue;
    }
    if (!v || !*v) {
      fprintf(stderr, "charter screen: %s needs a value\n", a);
      return 2;
    }
    i += !o.value;
    switch (d->id) {
    case SO_CHARTER: charter = v; break;
    case SO_TOOL: tool = v; break;
    case SO_UE: ue = v; break;
    case SO_LEVEL: level = v; break;
    case SO_ROLE: role = v; break;
    default: file = v; /* SO_FILE */
    }
  }
  if (!charter) {
    fprintf(stderr, "charter screen: --charter FILE is required\n");
    usage(stderr);
    return 2;
  }
  if (ue && level) {
    fprintf(stderr, "charter screen: give --ue or --level, not both\n");
    return 2;
  }
  ch_charter *c;
  char err[512];
  if (ch_charter_open(charter, NULL, ch_diag_print, stderr, &c, err, sizeof err)) {
    fprintf(stderr, "charter screen: %s\n", err);
    return 2;
  }
  ch_scanner *s;
  if (ch_scanner_create(c, &s)) {
    fprintf(stderr, "charter screen: out of memory\n");
    ch_charter_destroy(c);
    return 2;
  }
  int rc;
  if (jsonl) {
    rc = run_jsonl(s, c, tool, ue, level, role);
  } else if (set_context(s, c, tool, ue, level, role, err, sizeof err)) {
    fprintf(stderr, "charter screen: %s\n", err);
    if (strstr(err, "tool")) tools_hint(c);
    rc = 2;
  } else {
    FILE *in = file ? fopen(file, "rb") : stdin;
    size_t len = 0;
    char *text = in ? cli_read_stream(in, (size_t)1 << 30, &len) : NULL;
    if (in && in != stdin) fclose(in);
    const ch_report *rep = NULL;
    if (!text) {
      fprintf(stderr, "charter screen: cannot read %s: %s\n", file ? file : "stdin",
              errno == EFBIG ? "larger than 1 GB" : strerror(errno));
      rc = 2;
    } else if (ch_scanner_scan(s, text, len, &rep)) {
      fprintf(stderr, "charter screen: %s: %s\n", file ? file : "stdin", ch_scanner_errmsg(s));
      rc = 2;
    } else {
      if (json) {
        print_json(stdout, rep, NULL);
        putchar('\n');
      } else {
        print_text(stdout, rep);
      }
      rc = ch_report_decision(rep) == CH_DENY ? 1 : 0;
    }
    free(text);
  }
  ch_scanner_destroy(s);
  ch_charter_destroy(c);
  return rc;
}
