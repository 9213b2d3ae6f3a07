/*
 * charter_compile.h — compile charter source to a .chb (libcharterc).
 *
 * Separate from charter.h on purpose: a gateway links only libcharter and
 * loads a .chb; tools that accept source (charterc, `charter check
 * --charter x.charter`) link libcharterc as well.
 *
 * Diagnostics never go to stdout/stderr: they are handed to the callback,
 * which the CLIs turn into `file:line:col: error: message` plus the source
 * line and a caret.
 */
#ifndef CHARTER_COMPILE_H
#define CHARTER_COMPILE_H

#include "charter.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ch_diag_level {
  CH_DIAG_NOTE = 0,
  CH_DIAG_WARNING = 1,
  CH_DIAG_ERROR = 2
} ch_diag_level;

/* One diagnostic.  All pointers are borrowed for the duration of the
 * callback only. */
typedef struct ch_diag {
  ch_diag_level level;
  const char *file;        /* as given or as resolved for includes */
  unsigned line, column;   /* 1-based; column in bytes; 0 when unknown */
  unsigned end_column;     /* column just past the token (caret width) */
  const char *message;
  const char *source_line; /* the line quoted (possibly cut), or NULL */
  unsigned quote_column;   /* column of the caret within source_line */
} ch_diag;

typedef void (*ch_diag_fn)(void *user_data, const ch_diag *d);

typedef struct ch_compiler ch_compiler;

/* Returns CH_OK or CH_E_NOMEM.  alloc may be NULL (libc). */
CH_API ch_status ch_compiler_create(const ch_allocator *alloc,
                                    ch_compiler **out);
CH_API void ch_compiler_destroy(ch_compiler *c);
CH_API void ch_compiler_set_diag(ch_compiler *c, ch_diag_fn fn,
                                 void *user_data);
/* Treat warnings as errors (charterc --werror). */
CH_API void ch_compiler_set_werror(ch_compiler *c, int on);

/*
 * Compile the charter at `path` (or `len` bytes of `source`, named `name`
 * in diagnostics; includes then resolve against the current directory).
 * On success *chb receives the image (free it with ch_compiler_free) and
 * *chb_len its size.  Returns CH_OK, CH_E_COMPILE (errors were reported
 * through the callback), CH_E_IO (path unreadable; also reported),
 * CH_E_NOMEM.  The compiler may be reused for several compilations.
 */
CH_API ch_status ch_compiler_compile_file(ch_compiler *c, const char *path,
                                          unsigned char **chb,
                                          size_t *chb_len);
CH_API ch_status ch_compiler_compile_source(ch_compiler *c, const char *name,
                                            const char *source, size_t len,
                                            unsigned char **chb,
                                            size_t *chb_len);
CH_API void ch_compiler_free(ch_compiler *c, void *p);

/* Numbers of errors and warnings of the last compilation. */
CH_API unsigned ch_compiler_errors(const ch_compiler *c);
CH_API unsigned ch_compiler_warnings(const ch_compiler *c);

/*
 * Convenience: load a charter from either a .chb or a source file (decided
 * by content: a .chb starts with its magic).  Diagnostics go to fn (may be
 * NULL); errbuf receives a one-line summary on failure.
 */
CH_API ch_status ch_charter_open(const char *path, const ch_allocator *alloc,
                                 ch_diag_fn fn, void *user_data,
                                 ch_charter **out, char *errbuf,
                                 size_t errlen);

/* Print a diagnostic the standard way (file:line:col: level: msg, source
 * line, caret) to a FILE* passed as user_data; usable as a ch_diag_fn. */
CH_API void ch_diag_print(void *file, const ch_diag *d);

#ifdef __cplusplus
}
#endif
#endif /* CHARTER_COMPILE_H */
