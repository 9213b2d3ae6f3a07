/*
 * charter_cmds.h — the subcommands of the `charter` tool, one file each:
 * screen (cli/charter_screen.c), check (cli/charter_check.c), extract
 * (cli/charter_extract.c).  Each returns the process exit status
 * (0 nothing found, 1 findings or deny, 2 usage or input error).
 */
#ifndef CH_CHARTER_CMDS_H
#define CH_CHARTER_CMDS_H

#include <stddef.h>

int cmd_screen(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_extract(int argc, char **argv);
/* The program that reads PDFs in a process of its own (this one, run as
 * `charter __pdf-text`), written into buf; NULL when it cannot be found:
 * then in this process. */
const char *cli_pdf_helper(char *buf, size_t n);

#endif
