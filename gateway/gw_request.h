/*
 * gw_request.h — the OpenAI request shapes the gateway understands: which
 * JSON strings of a request body are prompt text, and the error bodies it
 * answers with.
 *
 * Stage: gateway.  Screened text, by endpoint:
 *   /v1/chat/completions  messages[].content when a string; each part of
 *                         type "text" (its .text) when an array; and
 *                         messages[].tool_calls[].function.arguments.
 *   /v1/completions       prompt (a string or an array of strings), suffix.
 * Everything the model reads as text is screened; a body that carries text
 * in a form we cannot read (token-id prompts, and with non_text_parts =
 * reject, image or audio parts) is refused rather than forwarded unseen.
 *
 * The body is parsed strictly (jansson with JSON_REJECT_DUPLICATES and its
 * UTF-8 and NUL checks): a duplicate key would let the gateway screen one
 * value while the upstream reads the other.
 */
#ifndef GW_REQUEST_H
#define GW_REQUEST_H

#include <jansson.h>
#include <stddef.h>

typedef enum gw_route {
  GW_R_NONE = 0,
  GW_R_CHAT,        /* POST /v1/chat/completions (screened) */
  GW_R_COMPLETIONS, /* POST /v1/completions (screened) */
  GW_R_MODELS,      /* GET /v1/models[/...] (passed through) */
  GW_R_HEALTHZ,
  GW_R_METRICS
} gw_route;

/* Most text pieces accepted in one request; more is refused as invalid,
 * since each piece costs a scan and a hostile body could hold millions. */
#define GW_MAX_PIECES 4096

typedef struct gw_pieces {
  json_t **v; /* borrowed string nodes of the parsed body */
  size_t n, cap;
} gw_pieces;

typedef enum gw_req_status {
  GW_REQ_OK = 0,
  GW_REQ_MALFORMED,    /* not JSON at all -> 400 */
  GW_REQ_INVALID,      /* JSON, but not the endpoint's shape -> 400 */
  GW_REQ_UNSCREENABLE, /* text we cannot read -> 400 */
  GW_REQ_NOMEM         /* -> 503 */
} gw_req_status;

typedef struct gw_parsed {
  json_t *root;      /* owned; json_decref */
  gw_pieces pieces;  /* string nodes inside root */
  int stream;        /* "stream": true */
  const char *model; /* borrowed from root, or "" */
} gw_parsed;

/*
 * Parse `len` bytes of `body` for `route` (GW_R_CHAT or GW_R_COMPLETIONS)
 * and collect the pieces to screen into [out] p.  Returns GW_REQ_OK (free
 * p with gw_parsed_free), or another status with p holding nothing to free
 * and msg a message for the client that never quotes the body.
 * Reentrant; p belongs to the calling thread.
 */
gw_req_status gw_request_parse(const char *body, size_t len, gw_route route,
                               int reject_non_text, gw_parsed *p, char *msg,
                               size_t msglen);
void gw_parsed_free(gw_parsed *p);

/*
 * An OpenAI-style error body:
 *   {"error":{"message":M,"type":T,"param":null,"code":C}}
 * `code` may be NULL (JSON null).  Returns a gw_malloc'd NUL-terminated
 * string (free with gw_free) and its length, or NULL when out of memory.
 */
char *gw_error_json(const char *type, const char *code, const char *message,
                    size_t *len);

#endif
