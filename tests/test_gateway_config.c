/*
 * test_gateway_config.c — unit tests of the gateway's pure modules:
 * configuration (file, flags, validation), SHA-256, the byte buffer, the
 * runtime memory budget and log sanitising.
 *
 * The gateway's objects are not in any library the test runners link
 * (the Makefile links the gateway sources into charter-gateway only), so the
 * modules under test are compiled into this runner directly.  They depend
 * on libc only; the HTTP, curl and jansson parts are covered end to end by
 * tests/e2e/gateway.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "gateway/gw_alloc.c"
#include "gateway/gw_buf.c"
#include "gateway/gw_config.c"
#include "gateway/gw_log.c"
#include "gateway/sha256.c"

/* A configuration with the defaults, on the caller's stack. */
#define FRESH(c)       \
  gw_config c##_store; \
  gw_config *c = &c##_store; \
  gw_config_defaults(c)

static void set_ok(gw_config *c, const char *k, const char *v) {
  char err[256] = "";
  int rc = gw_config_set(c, k, v, err, sizeof err);
  if (rc != 0) fail_msg("%s = %s: %s", k, v, err);
}

static void set_err(gw_config *c, const char *k, const char *v, const char *want) {
  char err[256] = "";
  assert_int_equal(gw_config_set(c, k, v, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("%s = %s: got '%s', want '%s'", k, v, err, want);
}

static void required(gw_config *c) {
  set_ok(c, "charter", "/x.chb");
  set_ok(c, "upstream", "http://127.0.0.1:9000");
  set_ok(c, "tool", "lechat");
}

/* ------------------------------------------------------------- defaults */

static void test_defaults(void **state) {
  (void)state;
  FRESH(c);
  assert_string_equal(c->listen, "127.0.0.1:8080");
  assert_int_equal(c->max_body, 1u << 20);
  assert_int_equal(c->fail_mode, GW_FAIL_503);
  assert_int_equal(c->reject_non_text, 1);
  assert_int_equal(c->trust_context_headers, 0);
  assert_int_equal(c->default_role, CH_ROLE_ANY);
  assert_int_equal(c->header_timeout, 10);
  assert_int_equal(c->body_timeout, 30);
  assert_int_equal(c->upstream_timeout, 600);
  assert_int_equal(c->max_connections, 1024);
  assert_int_equal(c->threads, 0);
  assert_int_equal(c->log_level, GW_LOG_INFO);
  assert_string_equal(c->charter, "");
  /* Defaults alone are not enough: the gateway never runs unscreened. */
  char err[256];
  assert_int_equal(gw_config_validate(c, err, sizeof err), -1);
  assert_non_null(strstr(err, "no charter configured"));
  required(c);
  assert_int_equal(gw_config_validate(c, err, sizeof err), 0);
}

/* ------------------------------------------------------------ key types */

static void test_sizes(void **state) {
  (void)state;
  FRESH(c);
  set_ok(c, "max_body", "512k");
  assert_int_equal(c->max_body, 512 * 1024);
  set_ok(c, "max_body", "2M");
  assert_int_equal(c->max_body, 2 << 20);
  set_ok(c, "max_body", "4096");
  assert_int_equal(c->max_body, 4096);
  set_ok(c, "runtime_memory_limit", "0");
  set_ok(c, "runtime_memory_limit", "1g");
  assert_int_equal(c->runtime_memory_limit, (size_t)1 << 30);
  set_err(c, "max_body", "12q", "is not a size");
  set_err(c, "max_body", "-1", "is not a size");
  set_err(c, "max_body", "", "is not a size");
  set_err(c, "max_body", "1 m", "is not a size");
  set_err(c, "max_body", "100", "out of range");          /* < 1k */
  set_err(c, "max_body", "2g", "out of range");           /* > 1g */
  set_err(c, "max_body", "99999999999999999999", "is not a size");
  set_err(c, "max_body", "18014398509481984g", "is not a size"); /* overflow */
  assert_int_equal(c->max_body, 4096); /* a refused value changes nothing */
}

static void test_uints_bools_enums(void **state) {
  (void)state;
  FRESH(c);
  set_ok(c, "threads", "8");
  assert_int_equal(c->threads, 8);
  set_err(c, "threads", "8x", "not a whole number");
  set_err(c, "header_timeout", "0", "out of range");
  set_err(c, "max_connections", "+5", "not a whole number");
  set_ok(c, "trust_context_headers", "yes");
  assert_int_equal(c->trust_context_headers, 1);
  set_ok(c, "trust_context_headers", "off");
  assert_int_equal(c->trust_context_headers, 0);
  set_err(c, "trust_context_headers", "maybe", "not yes or no");
  set_ok(c, "fail_mode", "403");
  assert_int_equal(c->fail_mode, GW_FAIL_403);
  set_err(c, "fail_mode", "500", "403 or 503");
  set_ok(c, "default_role", "staff");
  assert_int_equal(c->default_role, CH_ROLE_STAFF);
  set_err(c, "default_role", "admin", "any, student or staff");
  set_ok(c, "log_level", "debug");
  assert_int_equal(c->log_level, GW_LOG_DEBUG);
  set_err(c, "log_level", "loud", "debug, info, warn or error");
  set_ok(c, "non_text_parts", "forward");
  assert_int_equal(c->reject_non_text, 0);
  set_err(c, "non_text_parts", "drop", "reject or forward");
  set_err(c, "no_such_key", "1", "unknown key 'no_such_key'");
  char longv[GW_ID_MAX + 10];
  memset(longv, 'a', sizeof longv - 1);
  longv[sizeof longv - 1] = '\0';
  set_err(c, "tool", longv, "longer than");
}

/* ------------------------------------------------------------------ file */

static void test_file_syntax(void **state) {
  (void)state;
  FRESH(c);
  char err[512] = "";
  const char *text =
      "# a comment\n"
      "\n"
      "   listen = 0.0.0.0:9090   \n"
      "upstream=https://api.mistral.ai # trailing comment\r\n"
      "tool = \"lechat\"  # quoted\n"
      "charter = \"/etc/charter/a #1.chb\"\n"
      "default_ue = \"UE \\\"X\\\" \\\\ 1\"\n"
      "audit_log = /var/log/a#b.jsonl\n"
      "max_body = 2m\n";
  assert_int_equal(gw_config_load_text(c, "t.conf", text, err, sizeof err), 0);
  assert_string_equal(c->listen, "0.0.0.0:9090");
  assert_string_equal(c->upstream, "https://api.mistral.ai");
  assert_string_equal(c->tool, "lechat");
  assert_string_equal(c->charter, "/etc/charter/a #1.chb"); /* '#' kept in quotes */
  assert_string_equal(c->default_ue, "UE \"X\" \\ 1");
  assert_string_equal(c->audit_log, "/var/log/a#b.jsonl"); /* no space before # */
  assert_int_equal(c->max_body, 2 << 20);
  /* Quotes are fine in the file but not in a UE code (it is audited). */
  assert_int_equal(gw_config_validate(c, err, sizeof err), -1);
  assert_non_null(strstr(err, "default_ue"));
  set_ok(c, "default_ue", "UE-INF-301");
  assert_int_equal(gw_config_validate(c, err, sizeof err), 0);
}

static void file_err(const char *text, const char *want) {
  FRESH(c);
  char err[512] = "";
  assert_int_equal(gw_config_load_text(c, "t.conf", text, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("got '%s', want '%s'", err, want);
}

static void test_file_errors(void **state) {
  (void)state;
  file_err("tool lechat\n", "t.conf:1: expected 'key = value'");
  file_err("\n\nmax_bodyy = 1m\n", "t.conf:3: unknown key 'max_bodyy'");
  file_err("tool = \"lechat\n", "t.conf:1: unterminated quoted value");
  file_err("tool = \"lechat\" x\n", "t.conf:1: unexpected text after the quoted value");
  file_err("= 4\n", "t.conf:1: missing key");
  file_err("tool = a\ntool = b\n", "t.conf:2: key 'tool' given twice");
  file_err("threads = many\n", "t.conf:1: threads: 'many' is not a whole number");
}

static void test_file_io(void **state) {
  (void)state;
  FRESH(c);
  char err[512] = "", path[] = "/tmp/gwcfgXXXXXX";
  assert_int_equal(gw_config_load_file(c, "/nonexistent/gw.conf", err, sizeof err), -1);
  assert_non_null(strstr(err, "/nonexistent/gw.conf: cannot open"));
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "tool = x\n\0junk", 14), 14);
  close(fd);
  assert_int_equal(gw_config_load_file(c, path, err, sizeof err), -1);
  assert_non_null(strstr(err, "NUL byte"));
  fd = open(path, O_WRONLY | O_TRUNC);
  assert_int_equal(write(fd, "tool = x\nthreads = 3", 20), 20); /* no final \n */
  close(fd);
  assert_int_equal(gw_config_load_file(c, path, err, sizeof err), 0);
  assert_string_equal(c->tool, "x");
  assert_int_equal(c->threads, 3);
  unlink(path);
}

/* ----------------------------------------------------------------- flags */

static void test_flags(void **state) {
  (void)state;
  FRESH(c);
  gw_cli cli;
  char err[512] = "";
  char *argv[] = {"gw", "--config", "/etc/gw.conf", "--max-body=64k", "--tool",
                  "chatgpt", "--trust-context-headers", "--check", NULL};
  int argc = 8;
  /* Pass 0 only finds --config and the actions. */
  assert_int_equal(gw_config_args(c, argc, argv, 0, &cli, err, sizeof err), 0);
  assert_string_equal(cli.config_path, "/etc/gw.conf");
  assert_int_equal(cli.check, 1);
  assert_int_equal(c->max_body, 1 << 20);
  /* The file is read in between: the flags must then override it. */
  assert_int_equal(gw_config_load_text(c, "f", "max_body = 2m\ntool = lechat\n",
                                       err, sizeof err), 0);
  assert_int_equal(gw_config_args(c, argc, argv, 1, &cli, err, sizeof err), 0);
  assert_int_equal(c->max_body, 64 * 1024);
  assert_string_equal(c->tool, "chatgpt");
  assert_int_equal(c->trust_context_headers, 1);

  char *bad1[] = {"gw", "--max-bodyy=1", NULL};
  assert_int_equal(gw_config_args(c, 2, bad1, 1, &cli, err, sizeof err), -1);
  assert_non_null(strstr(err, "unknown option '--max-bodyy=1'"));
  char *bad2[] = {"gw", "--tool", NULL};
  assert_int_equal(gw_config_args(c, 2, bad2, 1, &cli, err, sizeof err), -1);
  assert_non_null(strstr(err, "--tool needs a value"));
  char *bad3[] = {"gw", "stray", NULL};
  assert_int_equal(gw_config_args(c, 2, bad3, 1, &cli, err, sizeof err), -1);
  assert_non_null(strstr(err, "unexpected argument 'stray'"));
  char *bad4[] = {"gw", "--threads=lots", NULL};
  assert_int_equal(gw_config_args(c, 2, bad4, 1, &cli, err, sizeof err), -1);
  assert_non_null(strstr(err, "threads: 'lots' is not a whole number"));
  char *help[] = {"gw", "-h", "--version", NULL};
  assert_int_equal(gw_config_args(c, 3, help, 0, &cli, err, sizeof err), 0);
  assert_true(cli.help && cli.version);
}

/* ------------------------------------------------------------ validation */

static void validate_err(void (*tweak)(gw_config *), const char *want) {
  FRESH(c);
  required(c);
  tweak(c);
  char err[512] = "";
  assert_int_equal(gw_config_validate(c, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("got '%s', want '%s'", err, want);
}
static void no_upstream(gw_config *c) { c->upstream[0] = '\0'; }
static void ftp_upstream(gw_config *c) { set_ok(c, "upstream", "ftp://x"); }
static void query_upstream(gw_config *c) { set_ok(c, "upstream", "http://x/?a=1"); }
static void no_tool(gw_config *c) { c->tool[0] = '\0'; }
static void bad_listen(gw_config *c) { set_ok(c, "listen", "localhost"); }

static void test_validate(void **state) {
  (void)state;
  validate_err(no_upstream, "no upstream configured");
  validate_err(ftp_upstream, "must start with http:// or https://");
  validate_err(query_upstream, "without query");
  validate_err(no_tool, "no tool configured");
  validate_err(bad_listen, "is not address:port");
}

static void test_listen(void **state) {
  (void)state;
  char host[64], err[256];
  unsigned port;
  assert_int_equal(gw_parse_listen("127.0.0.1:8080", host, sizeof host, &port, err, sizeof err), 0);
  assert_string_equal(host, "127.0.0.1");
  assert_int_equal(port, 8080);
  assert_int_equal(gw_parse_listen("[::1]:0", host, sizeof host, &port, err, sizeof err), 0);
  assert_string_equal(host, "::1");
  assert_int_equal(port, 0);
  assert_int_equal(gw_parse_listen("gw.example:443", host, sizeof host, &port, err, sizeof err), 0);
  assert_int_equal(gw_parse_listen("::1:80", host, sizeof host, &port, err, sizeof err), -1);
  assert_int_equal(gw_parse_listen(":80", host, sizeof host, &port, err, sizeof err), -1);
  assert_int_equal(gw_parse_listen("a:65536", host, sizeof host, &port, err, sizeof err), -1);
  assert_int_equal(gw_parse_listen("a:8o", host, sizeof host, &port, err, sizeof err), -1);
  assert_int_equal(gw_parse_listen("[::1]80", host, sizeof host, &port, err, sizeof err), -1);
}

static void test_usage_lists_every_key(void **state) {
  (void)state;
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_non_null(f);
  gw_config_usage(f, "charter-gateway");
  fclose(f);
  for (size_t i = 0; i < NKEYS; i++)
    if (!strstr(text, KEYS[i].name)) fail_msg("--help misses %s", KEYS[i].name);
  free(text);
}

/* --------------------------------------------------------------- SHA-256 */

static void hex_of(const void *p, size_t n, char out[SHA256_HEX_LEN]) {
  uint8_t d[SHA256_DIGEST_LEN];
  sha256(p, n, d);
  sha256_hex(d, out);
}

/* FIPS 180-2 appendix B (B.1, B.2, B.3) and the empty message. */
static void test_sha256_vectors(void **state) {
  (void)state;
  char h[SHA256_HEX_LEN];
  hex_of("", 0, h);
  assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  hex_of("abc", 3, h);
  assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *b2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  hex_of(b2, strlen(b2), h);
  assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  char *million = malloc(1000000);
  assert_non_null(million);
  memset(million, 'a', 1000000);
  hex_of(million, 1000000, h);
  assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  /* Fed in uneven pieces (crossing block boundaries) it must agree. */
  sha256_ctx ctx;
  uint8_t d[SHA256_DIGEST_LEN];
  sha256_init(&ctx);
  size_t off = 0, step = 1;
  while (off < 1000000) {
    size_t n = step < 1000000 - off ? step : 1000000 - off;
    sha256_update(&ctx, million + off, n);
    off += n;
    step = step * 3 % 191 + 1;
  }
  sha256_final(&ctx, d);
  char h2[SHA256_HEX_LEN];
  sha256_hex(d, h2);
  assert_string_equal(h, h2);
  free(million);
  /* 55 and 56 bytes: the padding edge where the length spills over. */
  hex_of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 55, h);
  assert_string_equal(h, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  hex_of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 56, h);
  assert_string_equal(h, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}

/* ------------------------------------------------------- buffer, budget */

static void test_buf(void **state) {
  (void)state;
  gw_buf b;
  char out[16];
  gw_buf_init(&b, 10);
  assert_int_equal(gw_buf_take(&b, out, sizeof out), 0); /* empty, no data */
  assert_int_equal(gw_buf_append(&b, "hello", 5), 0);
  assert_int_equal(gw_buf_append(&b, "world!", 6), -1); /* over max: unchanged */
  assert_int_equal(b.len, 5);
  assert_string_equal(b.data, "hello");
  assert_int_equal(gw_buf_take(&b, out, 3), 3);
  assert_int_equal(gw_buf_pending(&b), 2);
  assert_int_equal(gw_buf_append(&b, "12345678", 8), 0); /* reuses the prefix */
  assert_int_equal(gw_buf_take(&b, out, sizeof out), 10);
  assert_memory_equal(out, "lo12345678", 10);
  assert_int_equal(b.len, 0);
  assert_string_equal(b.data, "");
  gw_buf_free(&b);
  gw_buf_init(&b, 0);
  for (int i = 0; i < 1000; i++) assert_int_equal(gw_buf_printf(&b, "%d,", i), 0);
  assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
  assert_int_equal(b.data[b.len], '\0');
  gw_buf_free(&b);
}

static void test_budget(void **state) {
  (void)state;
  gw_budget b;
  gw_budget_init(&b, 4096);
  ch_allocator a = gw_budget_allocator(&b);
  void *p = a.alloc(a.user_data, 1000);
  assert_non_null(p);
  assert_true(atomic_load(&b.used) >= 1000);
  assert_null(a.alloc(a.user_data, 4000)); /* over the ceiling */
  assert_int_equal(atomic_load(&b.failures), 1);
  void *q = a.realloc(a.user_data, p, 3000);
  assert_non_null(q);
  assert_null(a.realloc(a.user_data, q, 5000)); /* q stays valid */
  memset(q, 1, 3000);
  q = a.realloc(a.user_data, q, 10);
  assert_non_null(q);
  a.free(a.user_data, q);
  a.free(a.user_data, NULL);
  assert_int_equal(atomic_load(&b.used), 0); /* everything given back */
  assert_true(atomic_load(&b.peak) >= 3000);
}

static void test_utf8_copy(void **state) {
  (void)state;
  char buf[8];
  /* "élève" is c3 a9 6c c3 a8 76 65: never cut inside a character. */
  assert_string_equal(gw_utf8_copy(buf, sizeof buf, "\xc3\xa9l\xc3\xa8ve"), "\xc3\xa9l\xc3\xa8ve");
  assert_string_equal(gw_utf8_copy(buf, 5, "\xc3\xa9l\xc3\xa8ve"), "\xc3\xa9l");
  assert_string_equal(gw_utf8_copy(buf, 4, "\xc3\xa9l\xc3\xa8ve"), "\xc3\xa9l");
  assert_string_equal(gw_utf8_copy(buf, 2, "\xc3\xa9"), "");
  assert_string_equal(gw_utf8_copy(buf, 4, "\xf0\x9f\x98\x80"), ""); /* 4-byte */
  assert_string_equal(gw_utf8_copy(buf, sizeof buf, NULL), "");
}

static void test_log_safe(void **state) {
  (void)state;
  char buf[16];
  assert_string_equal(gw_log_safe(buf, sizeof buf, "a\"b\\c\nd"), "a_b_c_d");
  assert_string_equal(gw_log_safe(buf, 4, "abcdef"), "abc");
  assert_string_equal(gw_log_safe(buf, sizeof buf, NULL), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_uints_bools_enums),
      cmocka_unit_test(test_file_syntax),
      cmocka_unit_test(test_file_errors),
      cmocka_unit_test(test_file_io),
      cmocka_unit_test(test_flags),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_listen),
      cmocka_unit_test(test_usage_lists_every_key),
      cmocka_unit_test(test_sha256_vectors),
      cmocka_unit_test(test_buf),
      cmocka_unit_test(test_budget),
      cmocka_unit_test(test_utf8_copy),
      cmocka_unit_test(test_log_safe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
