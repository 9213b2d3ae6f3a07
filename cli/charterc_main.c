/*
 * charterc_main.c — the charter compiler's command line:
 *   compile, check, dump, fmt, render, test, diff.
 * Exit status: 0 success / nothing found, 1 findings (test failures, diff
 * differences, fmt --check changes), 2 usage or input error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charter.h"
#include "charter_compile.h"
#include "cli/common_io.h"
#include "compiler/cc.h"
#include "compiler/compile_internal.h"
#include "compiler/model.h"
#include "runtime/alloc.h"
#include "runtime/chb.h"

static void usage(FILE *f) {
  fputs("usage: charterc <command> [options] FILE...\n"
        "  compile FILE [-o OUT.chb] [--werror]   compile to bytecode (default OUT: FILE with .chb)\n"
        "  check FILE... [--werror]               diagnostics only\n"
        "  dump FILE                              disassemble (source or .chb)\n"
        "  fmt FILE... [-w | --check]             canonical layout (to stdout, in place, or check)\n"
        "  render FILE [--format md|html] [-o OUT] human-readable charter\n"
        "  test FILE... [-v]                      run the charter's examples\n"
        "  diff OLD NEW                           rules, tools, levels, UEs added/removed/changed\n"
        "  version\n",
        f);
}

/* Sources and images are capped at 256 MB (the compiler itself refuses
 * sources over 64 MB and the loader images over 64 MB). */
static int read_all(const char *path, unsigned char **out, size_t *len) {
  char *b = cli_read_file(path, (size_t)256 << 20, len);
  if (!b) return -1;
  *out = (unsigned char *)b;
  return 0;
}

static int is_chb_bytes(const unsigned char *b, size_t n) {
  return n >= CHB_MAGIC_LEN && !memcmp(b, CHB_MAGIC, CHB_MAGIC_LEN);
}

/* Compile `path` to an image; diagnostics to stderr. */
static ch_status compile_path(const char *path, int werror, unsigned char **img, size_t *n,
                              unsigned *errs, unsigned *warns) {
  ch_compiler *c;
  ch_status st = ch_compiler_create(NULL, &c);
  if (st) return st;
  ch_compiler_set_diag(c, ch_diag_print, stderr);
  ch_compiler_set_werror(c, werror);
  st = ch_compiler_compile_file(c, path, img, n);
  if (errs) *errs = ch_compiler_errors(c);
  if (warns) *warns = ch_compiler_warnings(c);
  ch_compiler_destroy(c);
  return st;
}

/* A source or a .chb as an image (owned by the caller, free()). */
static int image_of(const char *path, unsigned char **img, size_t *n) {
  unsigned char *b;
  size_t len;
  if (read_all(path, &b, &len)) {
    fprintf(stderr, "charterc: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (is_chb_bytes(b, len)) {
    *img = b;
    *n = len;
    return 0;
  }
  free(b);
  if (compile_path(path, 0, img, n, NULL, NULL)) {
    fprintf(stderr, "charterc: %s: not compiled\n", path);
    return -1;
  }
  return 0;
}

static int load_image(const char *path, const unsigned char *img, size_t n, ch_charter **c) {
  char err[256];
  ch_status st = ch_charter_load_memory(img, n, NULL, c, err, sizeof err);
  if (st) {
    fprintf(stderr, "charterc: %s: %s\n", path, err);
    return -1;
  }
  return 0;
}

static char *default_out(const char *in) {
  size_t n = strlen(in);
  const char *dot = strrchr(in, '.');
  const char *slash = strrchr(in, '/');
  if (dot && (!slash || dot > slash)) n = (size_t)(dot - in);
  char *o = malloc(n + 5);
  if (!o) return NULL;
  memcpy(o, in, n);
  memcpy(o + n, ".chb", 5);
  return o;
}

static int cmd_compile(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  int werror = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "--werror")) werror = 1;
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "charterc compile: unknown option '%s'\n", argv[i]);
      return 2;
    } else if (!in) in = argv[i];
    else {
      fprintf(stderr, "charterc compile: one input at a time\n");
      return 2;
    }
  }
  if (!in) {
    usage(stderr);
    return 2;
  }
  unsigned char *img;
  size_t n;
  unsigned errs = 0, warns = 0;
  ch_status st = compile_path(in, werror, &img, &n, &errs, &warns);
  if (st) {
    if (st == CH_E_COMPILE) fprintf(stderr, "%u error(s), %u warning(s)\n", errs, warns);
    else if (st != CH_E_IO) fprintf(stderr, "charterc: %s: %s\n", in, ch_strerror(st));
    return 2;
  }
  char *def = out ? NULL : default_out(in);
  const char *o = out ? out : def;
  if (!o) {
    free(img);
    return 2;
  }
  FILE *f = strcmp(o, "-") ? fopen(o, "wb") : stdout;
  int rc = 0;
  if (!f || fwrite(img, 1, n, f) != n || (f != stdout && fclose(f))) {
    fprintf(stderr, "charterc: cannot write %s: %s\n", o, strerror(errno));
    rc = 2;
  }
  free(img);
  free(def);
  return rc;
}

static int cmd_check(int argc, char **argv) {
  int werror = 0, rc = 0, n = 0;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--werror")) werror = 1;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') continue;
    n++;
    unsigned char *img;
    size_t len;
    unsigned errs = 0, warns = 0;
    ch_status st = compile_path(argv[i], werror, &img, &len, &errs, &warns);
    if (st) {
      if (st == CH_E_COMPILE) fprintf(stderr, "%s: %u error(s), %u warning(s)\n", argv[i], errs, warns);
      rc = 2;
      continue;
    }
    free(img);
  }
  if (!n) {
    usage(stderr);
    return 2;
  }
  return rc;
}

static int cmd_dump(int argc, char **argv) {
  if (argc != 2) {
    usage(stderr);
    return 2;
  }
  unsigned char *img;
  size_t n;
  if (image_of(argv[1], &img, &n)) return 2;
  ch_charter *c;
  if (load_image(argv[1], img, n, &c)) {
    free(img);
    return 2;
  }
  ch_charter_destroy(c);
  int r = dump_chb(img, n, stdout);
  free(img);
  return r ? 2 : 0;
}

static int cmd_fmt(int argc, char **argv) {
  int write = 0, check = 0, rc = 0, n = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-w")) write = 1;
    else if (!strcmp(argv[i], "--check")) check = 1;
  }
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') continue;
    n++;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return 2;
    ch_cc cc;
    cc_init(&cc, NULL);
    cc.diag = ch_diag_print;
    cc.diag_ud = stderr;
    int r = fmt_file(&cc, argv[i], mem);
    cc_free(&cc);
    fclose(mem);
    if (r) {
      free(buf);
      rc = 2;
      continue;
    }
    if (check || write) {
      unsigned char *old;
      size_t oldn;
      if (read_all(argv[i], &old, &oldn)) {
        free(buf);
        rc = 2;
        continue;
      }
      int same = oldn == len && !memcmp(old, buf, len);
      free(old);
      if (check && !same) {
        printf("%s: not in canonical layout\n", argv[i]);
        if (rc == 0) rc = 1;
      }
      if (write && !same) {
        FILE *f = fopen(argv[i], "wb");
        if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
          fprintf(stderr, "charterc: cannot write %s\n", argv[i]);
          rc = 2;
        }
      }
    } else {
      fwrite(buf, 1, len, stdout);
    }
    free(buf);
  }
  if (!n) {
    usage(stderr);
    return 2;
  }
  return rc;
}

static int with_model(const char *path, int (*fn)(const model *, void *), void *ud) {
  ch_cc cc;
  cc_init(&cc, NULL);
  cc.diag = ch_diag_print;
  cc.diag_ud = stderr;
  model m;
  int r = cc_front(&cc, path, NULL, 0, &m) ? -1 : fn(&m, ud);
  if (cc.nfiles == 0 || cc.errors) r = -1;
  cc_free(&cc);
  return r;
}

typedef struct render_args {
  int html;
  FILE *out;
} render_args;

static int do_render(const model *m, void *ud) {
  render_args *a = ud;
  return render_model(m, a->html, a->out);
}

static int cmd_render(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  render_args a = {0, stdout};
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--format") && i + 1 < argc) {
      const char *f = argv[++i];
      if (!strcmp(f, "html")) a.html = 1;
      else if (strcmp(f, "md") && strcmp(f, "markdown")) {
        fprintf(stderr, "charterc render: unknown format '%s' (md or html)\n", f);
        return 2;
      }
    } else if (!strcmp(argv[i], "--html")) a.html = 1;
    else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else if (!in) in = argv[i];
  }
  if (!in) {
    usage(stderr);
    return 2;
  }
  if (out && !(a.out = fopen(out, "w"))) {
    fprintf(stderr, "charterc: cannot write %s: %s\n", out, strerror(errno));
    return 2;
  }
  int r = with_model(in, do_render, &a);
  if (out) fclose(a.out);
  return r ? 2 : 0;
}

typedef struct test_args {
  const char *path;
  int verbose;
  int failures;
} test_args;

static int do_test(const model *m, void *ud) {
  test_args *t = ud;
  unsigned char *img;
  size_t n;
  if (compile_path(t->path, 0, &img, &n, NULL, NULL)) return -1;
  ch_charter *c;
  if (load_image(t->path, img, n, &c)) {
    free(img);
    return -1;
  }
  free(img);
  printf("%s:\n", t->path);
  t->failures = examples_run(m, c, stdout, t->verbose);
  ch_charter_destroy(c);
  return 0;
}

static int cmd_test(int argc, char **argv) {
  int verbose = 0, rc = 0, n = 0;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "-v")) verbose = 1;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') continue;
    n++;
    test_args t = {argv[i], verbose, 0};
    if (with_model(argv[i], do_test, &t)) rc = 2;
    else if (t.failures && rc == 0) rc = 1;
  }
  if (!n) {
    usage(stderr);
    return 2;
  }
  return rc;
}

static int cmd_diff(int argc, char **argv) {
  if (argc != 3) {
    usage(stderr);
    return 2;
  }
  ch_charter *c[2] = {NULL, NULL};
  for (int i = 0; i < 2; i++) {
    unsigned char *img;
    size_t n;
    if (image_of(argv[1 + i], &img, &n)) goto fail;
    int r = load_image(argv[1 + i], img, n, &c[i]);
    free(img);
    if (r) goto fail;
  }
  int d = diff_charters(c[0], c[1], stdout);
  ch_charter_destroy(c[0]);
  ch_charter_destroy(c[1]);
  return d ? 1 : 0;
fail:
  ch_charter_destroy(c[0]);
  ch_charter_destroy(c[1]);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  argc--;
  argv++;
  if (!strcmp(cmd, "compile")) return cmd_compile(argc, argv);
  if (!strcmp(cmd, "check")) return cmd_check(argc, argv);
  if (!strcmp(cmd, "dump")) return cmd_dump(argc, argv);
  if (!strcmp(cmd, "fmt")) return cmd_fmt(argc, argv);
  if (!strcmp(cmd, "render")) return cmd_render(argc, argv);
  if (!strcmp(cmd, "test")) return cmd_test(argc, argv);
  if (!strcmp(cmd, "diff")) return cmd_diff(argc, argv);
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("charterc %s (.chb format %u)\n", ch_version(), (unsigned)ch_format_version());
    return 0;
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    usage(stdout);
    return 0;
  }
  fprintf(stderr, "charterc: unknown command '%s'\n", cmd);
  usage(stderr);
  return 2;
}
