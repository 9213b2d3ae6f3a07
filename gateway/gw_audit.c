/*
 * gw_audit.c — JSON Lines audit log (see gw_audit.h).
 */
#include "gw_audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gw_alloc.h"
#include "gw_log.h"

static int open_log(const char *path) {
  return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

int gw_audit_open(gw_audit *a, const char *path, char *err, size_t errlen) {
  a->fd = -1;
  snprintf(a->path, sizeof a->path, "%s", path);
  if (pthread_mutex_init(&a->mu, NULL) != 0) {
    snprintf(err, errlen, "cannot create the audit mutex");
    return -1;
  }
  if (!path[0]) return 0;
  a->fd = open_log(path);
  if (a->fd < 0) {
    snprintf(err, errlen, "audit log %s: cannot open: %s", path, strerror(errno));
    pthread_mutex_destroy(&a->mu);
    return -1;
  }
  return 0;
}

int gw_audit_reopen(gw_audit *a, char *err, size_t errlen) {
  if (!a->path[0]) return 0;
  int fd = open_log(a->path);
  if (fd < 0) {
    snprintf(err, errlen, "audit log %s: cannot reopen: %s (still writing to "
             "the old file)", a->path, strerror(errno));
    return -1;
  }
  pthread_mutex_lock(&a->mu);
  int old = a->fd;
  a->fd = fd;
  pthread_mutex_unlock(&a->mu);
  if (old >= 0) close(old);
  return 0;
}

void gw_audit_close(gw_audit *a) {
  if (a->fd >= 0) close(a->fd);
  a->fd = -1;
  pthread_mutex_destroy(&a->mu);
}

static json_t *id_array(const char (*ids)[GW_ID_LEN], size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++)
    if (json_array_append_new(arr, json_string(ids[i])) != 0) {
      json_decref(arr);
      return NULL;
    }
  return arr;
}

int gw_audit_write(gw_audit *a, const gw_audit_entry *e) {
  if (a->fd < 0) return 0;
  char ts[40];
  gw_rfc3339(ts, sizeof ts);
  const gw_verdict *v = e->v;
  /* json_string refuses invalid UTF-8: ids come from the charter, the
   * request id and UE were checked to be printable ASCII. */
  json_t *o = json_pack(
      "{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:o, s:o, s:s, s:I, s:I, "
      "s:b, s:b, s:b, s:b, s:{s:s, s:s, s:I}}",
      "time", ts, "request_id", e->request_id, "endpoint", e->endpoint,
      "tool", e->tool, "ue", e->ue, "role", e->role, "model", e->model,
      "decision", e->decision, "rules", id_array(v->rules, v->n_rules),
      "data_classes", id_array(v->classes, v->n_classes),
      "prompt_sha256", v->sha256, "pieces", (json_int_t)v->pieces,
      "bytes", (json_int_t)v->bytes, "redacted", v->modified,
      "stream", e->stream, "limit_hit", v->limit_hit,
      "forwarded", e->forwarded,
      "charter", "id", v->charter_id, "version", v->charter_version,
      "generation", (json_int_t)v->generation);
  if (!o) return -1;
  if ((!e->forwarded &&
       json_object_set_new(o, "status", json_integer(e->status)) != 0) ||
      (v->error && json_object_set_new(o, "error", json_string(v->error_msg)) != 0)) {
    json_decref(o);
    return -1;
  }
  char *line = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  if (!line) return -1;
  size_t len = strlen(line);
  line[len] = '\n'; /* replaces the NUL: written by length below */
  int rc = 0;
  pthread_mutex_lock(&a->mu);
  for (size_t done = 0; done < len + 1;) {
    ssize_t w = write(a->fd, line + done, len + 1 - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      rc = -1;
      break;
    }
    done += (size_t)w;
  }
  pthread_mutex_unlock(&a->mu);
  gw_free(line);
  return rc;
}
