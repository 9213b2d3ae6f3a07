/*
 * common_io.h — reading whole inputs for the command-line tools.
 */
#ifndef CH_COMMON_IO_H
#define CH_COMMON_IO_H

#include <stddef.h>
#include <stdio.h>

/* Read all of f (at most max bytes) into a NUL-terminated buffer from
 * malloc; *len gets its length.  NULL on allocation failure or when the
 * input exceeds max (errno is then EFBIG). */
char *cli_read_stream(FILE *f, size_t max, size_t *len);
/* The same for a path; NULL with errno set when it cannot be opened. */
char *cli_read_file(const char *path, size_t max, size_t *len);

#endif
