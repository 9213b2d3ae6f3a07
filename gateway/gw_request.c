/*
 * gw_request.c — OpenAI request parsing (see gw_request.h).
 */
#include "gw_request.h"

#include <stdio.h>
#include <string.h>

#include "gw_alloc.h"

static gw_req_status add_piece(gw_pieces *p, json_t *s, char *msg,
                               size_t msglen) {
  if (p->n == GW_MAX_PIECES) {
    snprintf(msg, msglen, "too many text parts in one request (limit %d)",
             GW_MAX_PIECES);
    return GW_REQ_INVALID;
  }
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 16;
    json_t **v = gw_realloc(p->v, cap * sizeof(json_t *));
    if (!v) return GW_REQ_NOMEM;
    p->v = v;
    p->cap = cap;
  }
  p->v[p->n++] = s;
  return GW_REQ_OK;
}

/* One element of a content array.  Only "text" parts carry text the
 * charter can read; anything else is refused or skipped by configuration. */
static gw_req_status content_part(gw_pieces *p, json_t *part, size_t mi,
                                  size_t pi, int reject_non_text, char *msg,
                                  size_t msglen) {
  if (!json_is_object(part)) {
    snprintf(msg, msglen, "messages[%zu].content[%zu] must be an object", mi, pi);
    return GW_REQ_INVALID;
  }
  const char *type = json_string_value(json_object_get(part, "type"));
  if (!type) {
    snprintf(msg, msglen, "messages[%zu].content[%zu].type must be a string",
             mi, pi);
    return GW_REQ_INVALID;
  }
  if (strcmp(type, "text") == 0) {
    json_t *text = json_object_get(part, "text");
    if (!json_is_string(text)) {
      snprintf(msg, msglen, "messages[%zu].content[%zu].text must be a string",
               mi, pi);
      return GW_REQ_INVALID;
    }
    return add_piece(p, text, msg, msglen);
  }
  if (reject_non_text) {
    char t[32];
    snprintf(t, sizeof t, "%s", type); /* a client string: keep it short */
    for (char *c = t; *c; c++)
      if ((unsigned char)*c < 0x20 || *c == '"') *c = '_';
    snprintf(msg, msglen, "messages[%zu].content[%zu] is of type '%s', which "
             "cannot be screened; this gateway forwards text only", mi, pi, t);
    return GW_REQ_UNSCREENABLE;
  }
  return GW_REQ_OK;
}

static gw_req_status chat(json_t *root, gw_pieces *p, int reject_non_text,
                          char *msg, size_t msglen) {
  json_t *messages = json_object_get(root, "messages");
  if (!json_is_array(messages)) {
    snprintf(msg, msglen, "'messages' must be an array");
    return GW_REQ_INVALID;
  }
  size_t mi;
  json_t *m;
  json_array_foreach(messages, mi, m) {
    gw_req_status st = GW_REQ_OK;
    if (!json_is_object(m)) {
      snprintf(msg, msglen, "messages[%zu] must be an object", mi);
      return GW_REQ_INVALID;
    }
    json_t *content = json_object_get(m, "content");
    if (json_is_string(content)) {
      st = add_piece(p, content, msg, msglen);
    } else if (json_is_array(content)) {
      size_t pi;
      json_t *part;
      json_array_foreach(content, pi, part) {
        st = content_part(p, part, mi, pi, reject_non_text, msg, msglen);
        if (st != GW_REQ_OK) return st;
      }
    } else if (content && !json_is_null(content)) {
      snprintf(msg, msglen, "messages[%zu].content must be a string, an "
               "array of parts or null", mi);
      return GW_REQ_INVALID;
    }
    if (st != GW_REQ_OK) return st;
    /* Earlier tool calls go back to the model as text too. */
    json_t *calls = json_object_get(m, "tool_calls");
    if (json_is_array(calls)) {
      size_t ci;
      json_t *call;
      json_array_foreach(calls, ci, call) {
        json_t *args = json_object_get(json_object_get(call, "function"),
                                       "arguments");
        if (json_is_string(args) && (st = add_piece(p, args, msg, msglen)))
          return st;
      }
    }
  }
  return GW_REQ_OK;
}

static gw_req_status completions(json_t *root, gw_pieces *p, char *msg,
                                 size_t msglen) {
  gw_req_status st;
  json_t *prompt = json_object_get(root, "prompt");
  if (json_is_string(prompt)) {
    if ((st = add_piece(p, prompt, msg, msglen))) return st;
  } else if (json_is_array(prompt)) {
    size_t i;
    json_t *e;
    json_array_foreach(prompt, i, e) {
      if (json_is_string(e)) {
        if ((st = add_piece(p, e, msg, msglen))) return st;
      } else if (json_is_integer(e) || json_is_array(e)) {
        /* Token ids are text we cannot decode: refusing is the only way
         * not to forward an unscreened prompt. */
        snprintf(msg, msglen, "prompt[%zu] holds token ids, which cannot be "
                 "screened; send the prompt as text", i);
        return GW_REQ_UNSCREENABLE;
      } else {
        snprintf(msg, msglen, "prompt[%zu] must be a string", i);
        return GW_REQ_INVALID;
      }
    }
  } else if (prompt && !json_is_null(prompt)) {
    snprintf(msg, msglen, "'prompt' must be a string or an array of strings");
    return GW_REQ_INVALID;
  }
  json_t *suffix = json_object_get(root, "suffix");
  if (json_is_string(suffix)) {
    if ((st = add_piece(p, suffix, msg, msglen))) return st;
  } else if (suffix && !json_is_null(suffix)) {
    snprintf(msg, msglen, "'suffix' must be a string");
    return GW_REQ_INVALID;
  }
  return GW_REQ_OK;
}

gw_req_status gw_request_parse(const char *body, size_t len, gw_route route,
                               int reject_non_text, gw_parsed *p, char *msg,
                               size_t msglen) {
  memset(p, 0, sizeof *p);
  json_error_t je;
  /* \u0000 is allowed: gw_screen takes control characters out */
  p->root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  if (!p->root) {
    if (json_error_code(&je) == json_error_out_of_memory) return GW_REQ_NOMEM;
    /* jansson appends " near '<token>'": the token is client text, maybe a
     * piece of the prompt, so it is cut off (never echo the prompt). */
    char *near = strstr(je.text, " near ");
    if (near) *near = '\0';
    snprintf(msg, msglen, "request body is not valid JSON: %s (line %d, "
             "column %d)", je.text, je.line, je.column);
    return GW_REQ_MALFORMED;
  }
  if (!json_is_object(p->root)) {
    snprintf(msg, msglen, "request body must be a JSON object");
    gw_parsed_free(p);
    return GW_REQ_INVALID;
  }
  gw_req_status st = route == GW_R_CHAT
                         ? chat(p->root, &p->pieces, reject_non_text, msg, msglen)
                         : completions(p->root, &p->pieces, msg, msglen);
  if (st != GW_REQ_OK) {
    if (st == GW_REQ_NOMEM) snprintf(msg, msglen, "out of memory");
    gw_parsed_free(p);
    return st;
  }
  json_t *stream = json_object_get(p->root, "stream");
  p->stream = json_is_true(stream);
  p->model = json_string_value(json_object_get(p->root, "model"));
  if (!p->model) p->model = "";
  return GW_REQ_OK;
}

void gw_parsed_free(gw_parsed *p) {
  json_decref(p->root);
  gw_free(p->pieces.v);
  memset(p, 0, sizeof *p);
}

char *gw_error_json(const char *type, const char *code, const char *message,
                    size_t *len) {
  json_t *o = json_pack("{s:{s:s, s:s, s:n, s:s?}}", "error", "message",
                        message, "type", type, "param", "code", code);
  if (!o) return NULL;
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  if (s && len) *len = strlen(s);
  return s;
}
