/*
 * common_opt.c — "--name=value" and "-jN", the spellings users of
 * getopt_long tools type.  Not getopt_long itself: it would reorder the
 * arguments, and the tools read options and paths in one ordered pass.
 */
#include "cli/common_opt.h"

#include <string.h>

void cli_opt_split(const char *arg, const char *short_with_value, cli_opt *out) {
  out->value = NULL;
  size_t n = strlen(arg);
  if (arg[0] == '-' && arg[1] == '-') {
    const char *eq = strchr(arg, '=');
    if (eq) {
      n = (size_t)(eq - arg);
      out->value = eq + 1;
    }
  } else if (arg[0] == '-' && arg[1] && arg[2] && strchr(short_with_value, arg[1])) {
    n = 2;
    out->value = arg + 2;
  }
  /* a name longer than any option is kept whole: it is unknown anyway,
   * and the message then quotes it as given */
  if (n >= sizeof out->name) {
    n = sizeof out->name - 1;
    out->value = NULL;
  }
  memcpy(out->name, arg, n);
  out->name[n] = 0;
}

const cli_optdef *cli_opt_find(const cli_optdef *defs, size_t n, const char *name) {
  for (size_t k = 0; k < n; k++)
    if (!strcmp(defs[k].name, name)) return &defs[k];
  return NULL;
}
