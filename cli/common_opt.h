/*
 * common_opt.h — the option spellings the command-line tools accept
 * beside "--name value": "--name=value" and, for short options, "-jN".
 */
#ifndef CH_COMMON_OPT_H
#define CH_COMMON_OPT_H

#include <stddef.h>

/* One argument, split.  name is the option's name without its attached
 * value ("--format" for "--format=csv", "-j" for "-j2"); value is the
 * attached value or NULL when the value, if any, is the next argument.
 * short_with_value lists the short options that take a value ("jo"). */
typedef struct cli_opt {
  char name[64];
  const char *value;
} cli_opt;
void cli_opt_split(const char *arg, const char *short_with_value, cli_opt *out);

/* A tool's options, one row per spelling ("-o" and "--output" share an
 * id): the one table both says which names exist and which take a value,
 * and gives the id the tool dispatches on. */
typedef struct cli_optdef {
  const char *name;
  int id;
  int valued;
} cli_optdef;
const cli_optdef *cli_opt_find(const cli_optdef *defs, size_t n, const char *name);

#endif
