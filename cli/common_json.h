/*
 * common_json.h — JSON string escaping for the CLIs' machine output.
 */
#ifndef CH_COMMON_JSON_H
#define CH_COMMON_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write s[0..n) as a JSON string (quotes included); invalid UTF-8 bytes
 * become U+FFFD so the output is always valid JSON. */
void json_str(FILE *o, const char *s, size_t n);
/* NUL-terminated variant; NULL prints null. */
void json_cstr(FILE *o, const char *s);

#endif
