/*
 * gw_audit.h — the audit log: one JSON object per screened request, one
 * line each (JSON Lines).
 *
 * Stage: gateway.  A record holds the time, the request id, the decision,
 * the rule ids and data classes that decided, the SHA-256 of the prompt
 * and the charter that decided — never the prompt text (GDPR
 * minimisation; DESIGN.md "Privacy").  Each record is written with one
 * write(2) on an O_APPEND descriptor, so records never interleave.
 * SIGUSR1 reopens the file (after logrotate has moved it).
 */
#ifndef GW_AUDIT_H
#define GW_AUDIT_H

#include <pthread.h>

#include "gw_screen.h"

typedef struct gw_audit {
  pthread_mutex_t mu; /* guards fd against a concurrent reopen */
  int fd;             /* -1 when no audit log is configured */
  char path[1024];
} gw_audit;

/* Open `path` (create, append, mode 0640); "" means no audit log.
 * Returns 0 or -1 with a message naming the file. */
int gw_audit_open(gw_audit *a, const char *path, char *err, size_t errlen);
/* Reopen the same path; on failure the old descriptor stays in use.
 * 0 / -1 with a message. */
int gw_audit_reopen(gw_audit *a, char *err, size_t errlen);
void gw_audit_close(gw_audit *a);

typedef struct gw_audit_entry {
  const char *request_id, *endpoint, *tool, *ue, *role, *model;
  const char *decision; /* "allow" ... "deny", or "error" */
  int forwarded;        /* sent upstream (its status is not known yet) */
  int status;           /* when refused: the HTTP status answered */
  int stream;
  const gw_verdict *v;
} gw_audit_entry;

/* Write one record.  0, or -1 if it could not be written (counted by the
 * caller; the request itself is not failed for it). */
int gw_audit_write(gw_audit *a, const gw_audit_entry *e);

#endif
