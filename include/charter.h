/*
 * charter.h — the public API of libcharter, the Charter runtime.
 *
 * A gateway or a checker embeds this library to load a compiled charter
 * (.chb), screen prompts and scan documents against it.  The runtime never
 * needs the compiler: compiling from source lives in charter_compile.h
 * (libcharterc).
 *
 * Threading: a ch_charter is immutable once loaded and may be shared by any
 * number of threads.  A ch_scanner holds all per-scan state and belongs to
 * one thread at a time; make one per thread from the shared charter.
 *
 * Ownership: every object returned through an out-parameter by a _create or
 * _load function is freed by the matching _destroy, and _destroy(NULL) does
 * nothing.  Every `const char *` returned by an accessor is borrowed: it stays
 * valid as long as the object it came from (charter strings as long as the
 * charter, report strings until the next scan on that scanner or its
 * destruction).  The library never writes to stdout or stderr.
 */
#ifndef CHARTER_H
#define CHARTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CH_BUILDING_LIBRARY) && defined(__GNUC__)
#define CH_API __attribute__((visibility("default")))
#else
#define CH_API
#endif

/* Library release version; the .chb format version is separate. */
#define CH_VERSION_MAJOR 0
#define CH_VERSION_MINOR 3
#define CH_VERSION_PATCH 0
#define CH_VERSION_STRING "0.3.0"

/*
 * Status codes.  Numbers are part of the ABI: codes are only ever appended;
 * a retired code keeps its slot and is never reused.
 */
typedef enum ch_status {
  CH_OK = 0,
  CH_E_NOMEM = 1,      /* an allocation failed */
  CH_E_IO = 2,         /* a file could not be read or written */
  CH_E_NOT_CHB = 3,    /* the data is not a compiled charter at all */
  CH_E_VERSION = 4,    /* a .chb of a format version this library does not know */
  CH_E_CORRUPT = 5,    /* a .chb that fails verification (detail in errmsg) */
  CH_E_COMPILE = 6,    /* charter source with errors (see the diagnostics) */
  CH_E_ARG = 7,        /* an invalid argument (NULL handle, bad enum value) */
  CH_E_LIMIT = 8,      /* an input exceeded a documented limit */
  CH_E_NOTFOUND = 9,   /* an unknown tool, tool class, UE or level name */
  CH_E_MATCH = 10,     /* a pattern hit its match, depth or heap limit */
  CH_E_INTERNAL = 11   /* "cannot happen": an invariant failed; please report */
} ch_status;

/* A fixed English text for a status code; never NULL. */
CH_API const char *ch_strerror(ch_status code);
/* The library release version, e.g. "0.3.0". */
CH_API const char *ch_version(void);
/* The highest .chb format version this library loads. */
CH_API uint32_t ch_format_version(void);

/*
 * Allocator hook.  Every allocation of the runtime goes through it, so an
 * embedder can account memory or inject failures.  A NULL allocator means
 * the C library's malloc/realloc/free.  The allocator must stay valid as
 * long as any object created with it; it is called from any thread that
 * uses those objects, so it must be thread-safe if they are shared.
 */
typedef struct ch_allocator {
  void *(*alloc)(void *user_data, size_t size);
  void *(*realloc)(void *user_data, void *ptr, size_t size);
  void (*free)(void *user_data, void *ptr);
  void *user_data;
} ch_allocator;

/* ---------------------------------------------------------------- charter */

typedef struct ch_charter ch_charter;

/*
 * Load a compiled charter from memory.  The bytes are copied; the caller may
 * free them afterwards.  The whole file is verified before this returns.
 *   errbuf/errlen: optional buffer (may be NULL/0) that receives a one-line
 *   message naming the failed check, e.g. "bad .chb: jump out of range at pc 41".
 * Returns CH_OK, CH_E_NOMEM, CH_E_NOT_CHB, CH_E_VERSION, CH_E_CORRUPT,
 * CH_E_LIMIT or CH_E_ARG.  On failure *out is NULL.
 */
CH_API ch_status ch_charter_load_memory(const void *data, size_t len,
                                        const ch_allocator *alloc,
                                        ch_charter **out, char *errbuf,
                                        size_t errlen);
/* As ch_charter_load_memory, reading `path`; CH_E_IO if it cannot be read. */
CH_API ch_status ch_charter_load_file(const char *path,
                                      const ch_allocator *alloc,
                                      ch_charter **out, char *errbuf,
                                      size_t errlen);
CH_API void ch_charter_destroy(ch_charter *charter);

/* Identity of the charter (borrowed strings, never NULL; "" when absent). */
CH_API const char *ch_charter_id(const ch_charter *c);
CH_API const char *ch_charter_title(const ch_charter *c);
CH_API const char *ch_charter_version(const ch_charter *c);
CH_API const char *ch_charter_license(const ch_charter *c);

/*
 * Introspection, for diff tools, renderers and gateways.  Indices run from
 * 0 to count-1; an index out of range returns NULL / 0.
 */
typedef enum ch_item {
  CH_ITEM_RULE = 1,
  CH_ITEM_TOOL = 2,
  CH_ITEM_TOOL_CLASS = 3,
  CH_ITEM_LEVEL = 4,
  CH_ITEM_UE = 5,
  CH_ITEM_DATA_CLASS = 6,
  CH_ITEM_MARKER = 7,
  CH_ITEM_LINEAGE = 8 /* the charter itself, then each ancestor template */
} ch_item;
CH_API size_t ch_charter_count(const ch_charter *c, ch_item kind);
/*
 * Attribute `key` of item `index`: e.g. "id", "title", "class", "rank",
 * "severity", "scope", "action", "statement", "message", "level", "tools",
 * "disclosure", "license", "attribution", "version", "source", "date",
 * "sources" (a data class's or marker's words, patterns and detectors).
 * Returns NULL when the item or key does not exist.  docs/api.md lists the
 * keys of each kind.
 */
CH_API const char *ch_charter_item(const ch_charter *c, ch_item kind,
                                   size_t index, const char *key);

/* ---------------------------------------------------------------- scanner */

typedef struct ch_scanner ch_scanner;
typedef struct ch_report ch_report;
typedef struct ch_finding ch_finding;

typedef enum ch_scope { CH_SCOPE_PROMPT = 1, CH_SCOPE_DOCUMENT = 2 } ch_scope;
typedef enum ch_role {
  CH_ROLE_ANY = 0,
  CH_ROLE_STUDENT = 1,
  CH_ROLE_STAFF = 2
} ch_role;
/* Ordered: a report's decision is the highest of its findings' actions. */
typedef enum ch_decision {
  CH_ALLOW = 0,
  CH_WARN = 1,
  CH_REDACT = 2,
  CH_DENY = 3
} ch_decision;
typedef enum ch_severity {
  CH_SEV_INFO = 1,
  CH_SEV_WARNING = 2,
  CH_SEV_ERROR = 3
} ch_severity;
typedef enum ch_action {
  CH_ACT_REPORT = 0, /* a finding only (decision at least warn) */
  CH_ACT_WARN = 1,
  CH_ACT_REDACT = 2,
  CH_ACT_DENY = 3,
  CH_ACT_REQUIRE = 4 /* a requirement not met: reported like warn */
} ch_action;

/*
 * Make a scanner for `charter`.  All per-scan buffers are sized here and
 * reused, so a scan allocates only when an input is larger than any before
 * it.  The charter must outlive the scanner.
 * Returns CH_OK, CH_E_NOMEM or CH_E_ARG.
 */
CH_API ch_status ch_scanner_create(const ch_charter *charter,
                                   ch_scanner **out);
CH_API void ch_scanner_destroy(ch_scanner *s);

/*
 * Context of the next scans (it persists across scans).  Defaults: scope
 * prompt, no tool, the charter's default UE, role any.
 * set_tool accepts a tool id or a tool-class id ("chatgpt", "public"); NULL
 * clears it.  set_ue takes a UE code, matched against the charter's exact
 * codes and globs (unknown codes get the charter's default UE); NULL means
 * the default UE.  set_level overrides the UE's level with a level name or
 * its number ("assist", "3"); NULL clears the override.
 * Return CH_OK, CH_E_NOTFOUND (unknown name; the context is unchanged) or
 * CH_E_ARG.
 */
CH_API ch_status ch_scanner_set_scope(ch_scanner *s, ch_scope scope);
CH_API ch_status ch_scanner_set_tool(ch_scanner *s, const char *tool);
CH_API ch_status ch_scanner_set_ue(ch_scanner *s, const char *ue_code);
CH_API ch_status ch_scanner_set_level(ch_scanner *s, const char *level);
CH_API ch_status ch_scanner_set_role(ch_scanner *s, ch_role role);

/*
 * Scan `len` bytes of `text` (any bytes; invalid UTF-8 is tolerated) with
 * the current context.  *report is owned by the scanner and valid until the
 * next scan or ch_scanner_destroy.  The text is never copied anywhere but
 * the scanner's own buffers and is never logged.
 * Returns CH_OK (including when a pattern hit its PCRE2 limit: see
 * ch_report_limit_hit), CH_E_NOMEM, CH_E_LIMIT (text over CH_MAX_INPUT) or
 * CH_E_ARG.  On error *report is NULL and ch_scanner_errmsg says why.
 */
CH_API ch_status ch_scanner_scan(ch_scanner *s, const char *text, size_t len,
                                 const ch_report **report);
/* Detail of the last failure on this scanner ("" if none). */
CH_API const char *ch_scanner_errmsg(const ch_scanner *s);

/* ----------------------------------------------------------------- report */

CH_API ch_decision ch_report_decision(const ch_report *r);
/* Nonzero when a pattern hit its match/depth/heap limit during the scan.  A
 * prompt-scope deny rule that depends on such a pattern fails closed. */
CH_API int ch_report_limit_hit(const ch_report *r);
/* The effective context: level number and name, UE pattern that matched. */
CH_API int ch_report_level(const ch_report *r);
CH_API const char *ch_report_level_name(const ch_report *r);
CH_API const char *ch_report_ue(const ch_report *r);
CH_API size_t ch_report_finding_count(const ch_report *r);
CH_API const ch_finding *ch_report_finding(const ch_report *r, size_t i);
/*
 * The text with every span of every `redact CLASS` rule that fired replaced
 * by a placeholder such as [EMAIL] or [NIR]; every other byte is kept.
 * When no redaction applies it is the scanned text itself.  *len receives
 * its length; the buffer is NUL-terminated.
 */
CH_API const char *ch_report_redacted(const ch_report *r, size_t *len);
/* Disclosure summary (document scope): bit 0 present, 1 negative, 2 used,
 * 3 complete. */
CH_API unsigned ch_report_disclosure(const ch_report *r);

CH_API const char *ch_finding_rule(const ch_finding *f);
CH_API ch_severity ch_finding_severity(const ch_finding *f);
CH_API ch_action ch_finding_action(const ch_finding *f);
CH_API const char *ch_finding_statement(const ch_finding *f);
CH_API const char *ch_finding_message(const ch_finding *f);
/* Evidence spans: byte offsets in the scanned text, 1-based line/column
 * (column in bytes), and the data class, marker or fact that matched. */
CH_API size_t ch_finding_evidence_count(const ch_finding *f);
typedef struct ch_span {
  size_t start, end; /* [start, end) in the scanned text */
  uint32_t line, column;
  const char *fact;  /* data class / marker id, e.g. "personal" */
  const char *detector; /* built-in detector or "words"/"pattern" */
} ch_span;
CH_API ch_status ch_finding_evidence(const ch_finding *f, size_t i,
                                     ch_span *out);

/* Names of enum values, for JSON output ("deny", "error", ...). */
CH_API const char *ch_decision_name(ch_decision d);
CH_API const char *ch_severity_name(ch_severity s);
CH_API const char *ch_action_name(ch_action a);

#ifdef __cplusplus
}
#endif
#endif /* CHARTER_H */
