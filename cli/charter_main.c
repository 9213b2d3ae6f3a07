/*
 * charter_main.c — entry point of `charter`, the user-facing tool: dispatches
 * to screen (prompts), check (documents) and extract (what check sees).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "charter.h"
#include "cli/charter_cmds.h"
#include "extract/extract.h"

/* The executable's own path (not "/proc/self/exe" itself, which under a
 * tool such as valgrind names the tool). */
const char *cli_pdf_helper(char *buf, size_t n) {
  ssize_t k = n ? readlink("/proc/self/exe", buf, n - 1) : -1;
  if (k <= 0 || (size_t)k >= n - 1) return NULL;
  buf[k] = 0;
  return access(buf, X_OK) == 0 ? buf : NULL;
}

static void usage(FILE *f) {
  fputs("usage: charter <command> [options]\n"
        "  screen   screen prompts against a charter (stdin, --file, --jsonl)\n"
        "  check    check documents or assignment exports against a charter\n"
        "  extract  print the text the checker sees in a document\n"
        "  version  print the version\n"
        "Run `charter <command> --help` for the options of a command.\n",
        f);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  /* internal: PDF text for check and extract, in a process they limit */
  if (!strcmp(cmd, "__pdf-text")) return chx_pdf_helper_main(argc - 1, argv + 1);
  if (!strcmp(cmd, "screen")) return cmd_screen(argc - 1, argv + 1);
  if (!strcmp(cmd, "check")) return cmd_check(argc - 1, argv + 1);
  if (!strcmp(cmd, "extract")) return cmd_extract(argc - 1, argv + 1);
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("charter %s (.chb format %u)\n", ch_version(), (unsigned)ch_format_version());
    return 0;
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    usage(stdout);
    return 0;
  }
  fprintf(stderr, "charter: unknown command '%s'\n", cmd);
  usage(stderr);
  return 2;
}
