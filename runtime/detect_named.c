/*
 * detect_named.c — secrets known by the name before them, not by a shape
 * of their own: a password after "password", "mot de passe"..., the
 * password of a URL or of curl's -u (the password detector), and a token
 * after a name that says so, "api_key = ...", "\"client_secret\": ...",
 * "Authorization: Bearer ..." (the api_key detector, beside the provider
 * prefixes of detect_keyword.c).  Their triggers come from the tables
 * here; det_scan_at and a whole-text scan give the same spans.
 */
#include <math.h>

#include "runtime/detect_util.h"

/* ------------------------------------------------------------ passwords */

/* Keywords that introduce a password, lower case (compared ASCII
 * case-insensitively on the clean view).  "pass" alone only counts in the
 * config form "pass=...": in prose it is a ticket ("pass Navigo : 86€"). */
static const struct {
  const char *kw;
  unsigned char strong_only;
} pw_keywords[] = {
    {"password", 0}, {"passwd", 0},       {"passphrase", 0},  {"passcode", 0},  {"pwd", 0},
    {"mot de passe", 0}, {"mot-de-passe", 0}, {"motdepasse", 0}, {"mdp", 0}, {"passwort", 0},
    {"kennwort", 0}, {"contrase\xc3\xb1" "a", 0}, {"pass", 1}, {"pgpassword", 0}, /* libpq's variable */
    /* AWS secret access keys: 40 base64 characters with no prefix, a
     * secret only by the name before them (~/.aws/credentials, sts JSON) */
    {"aws_secret_access_key", 0}, {"secretaccesskey", 0},
};

/* Is v[0..len) one of the `count` words (ASCII case-insensitively)? */
static int word_among(const unsigned char *v, size_t len, const char *const *words, size_t count) {
  for (size_t k = 0; k < count; k++)
    if (strlen(words[k]) == len && ieq(v, len, 0, words[k], len)) return 1;
  return 0;
}

/* v[0..len) one character repeated: a mask ("****", "xxxx"), not a secret. */
static int all_same(const unsigned char *v, size_t len) {
  for (size_t k = 1; k < len; k++)
    if (v[k] != v[0]) return 0;
  return 1;
}

/* Values that say there is no password here. */
static int pw_stopword(const unsigned char *v, size_t len) {
  static const char *const stop[] = {"none", "null", "nil", "true", "false", "undefined", "empty", "required",
                                     "optional", "hidden", "redacted", "password", "secret", "example", "n/a",
                                     "oublie", "oublié", "perdu", "incorrect", "invalid", "invalide", "changed"};
  return word_among(v, len, stop, sizeof stop / sizeof *stop);
}

/* Is v[0..len) a plausible password?  strong: written as an assignment
 * ("password=...", "pwd := ...", a quoted value), where any non-trivial
 * value counts.  Otherwise prose ("mot de passe : ...", "password is
 * ..."), where an ordinary word ("oublié", "voir", "incorrect") is far
 * more likely than a password, so the value must contain a digit or a
 * symbol, or mix cases inside the word. */
static int pw_value_ok(const unsigned char *v, size_t len, int strong, int quoted) {
  if (len < 4 || len > 128 || pw_stopword(v, len)) return 0;
  /* placeholders, variables and masks: <password>, ${PW}, %PW%, (voir...) */
  if (!quoted && (in_set(v[0], "<{$%[(*#") || v[0] == '.')) return 0;
  if (quoted && (v[0] == '<' || (v[0] == '$' && len > 1 && v[1] == '{'))) return 0;
  int digit = 0, lower = 0, upper_inside = 0, upper = 0, sym = 0;
  for (size_t k = 0; k < len; k++) {
    unsigned c = v[k];
    if (is_digit(c)) digit = 1;
    else if (is_lower(c)) lower = 1;
    else if (is_upper(c)) upper = 1, upper_inside |= k > 0;
    else if (c < 0x80) sym = 1;
    if (!quoted && (c == '(' || c == '[')) return 0; /* code: getenv("X"), cfg["pw"] */
  }
  if (all_same(v, len)) return 0; /* "xxxx", "****" */
  if (strong) return 1;
  return digit || sym || (upper_inside && lower) || (upper && !lower && len >= 6 && digit);
}

/* A keyword that goes on as an identifier ("DB_PASSWORD_PROD",
 * "password_super_secure", detect-secrets' keyword cases): where the
 * identifier ends, t[j] being the '_' after the keyword; 0 when one of its
 * words says the value is about a password, not one ("password_hash",
 * "PASSWORD_MIN_LENGTH", "password_reset_url"). */
static size_t pw_ident_end(const unsigned char *t, size_t n, size_t j) {
  static const char *const meta[] = {"hash", "hashed", "hasher", "hashers", "length", "len", "min", "max", "file",
                                     "path", "url", "uri", "reset", "field", "policy", "hint", "label", "prompt",
                                     "regex", "pattern", "validator", "validators", "rules", "strength", "expiry",
                                     "expires", "age", "input", "form", "type", "id", "count", "chars", "salt",
                                     "digest", "encoder", "algorithm", "rounds", "history", "required", "enabled",
                                     "changed", "error", "message", "msg", "text", "title", "placeholder"};
  size_t start = j;
  while (j < n && j - start < 64 && t[j] == '_' && j + 1 < n && is_alnum(t[j + 1])) {
    size_t w = ++j;
    while (j < n && is_alnum(t[j])) j++;
    if (word_among(t + w, j - w, meta, sizeof meta / sizeof *meta)) return 0;
  }
  return j < n && is_alnum(t[j]) ? 0 : j;
}

/* The verbs that introduce a password in prose ("password is ...",
 * "le mot de passe est ..."). */
static const char *const pw_verbs[] = {"is", "est", "c'est"};

/* One of pw_verbs and a space at t[j] (any case): the byte after them, or 0. */
static size_t pw_verb_end(const unsigned char *t, size_t n, size_t j) {
  for (size_t k = 0; k < sizeof pw_verbs / sizeof *pw_verbs; k++) {
    size_t l = strlen(pw_verbs[k]);
    if (ieq(t, n, j, pw_verbs[k], l) && j + l < n && t[j + l] == ' ') return j + l + 1;
  }
  return 0;
}

/* After a keyword and a blank, up to five words naming which password,
 * then a colon or "est"/"is" ("mot de passe ENT : ...", "password wifi:
 * ...", "le mot de passe de la salle info est ...", "the password for
 * the exam is ..."): the byte after it, or 0.  Not when a word is about
 * passwords ("password manager:", "mot de passe oublié :", "the password
 * policy is ..."). */
static size_t pw_named_colon(const unsigned char *t, size_t n, size_t j) {
  static const char *const about[] = {"manager", "reset", "policy", "hint", "strength", "rules", "change",
                                      "recovery", "expired", "length", "generator", "requirements", "vault",
                                      "oubli\xc3\xa9", "perdu", "longueur", "requis", "incorrect", "invalide",
                                      "chang\xc3\xa9", "expir\xc3\xa9", "must", "should", "doit", "sera",
                                      "will", "was", "has", "a", "n'est", "isn't"};
  for (int words = 0; words < 5; words++) {
    size_t w = j;
    while (j < n && j - w <= 16 && (is_alnum(t[j]) || t[j] >= 0x80 || (t[j] == '\'' && j > w))) j++;
    if (j - w < 1 || j - w > 16 || word_among(t + w, j - w, about, sizeof about / sizeof *about)) return 0;
    if (words > 0 && word_among(t + w, j - w, pw_verbs, sizeof pw_verbs / sizeof *pw_verbs))
      return j < n && t[j] == ' ' ? j + 1 : 0;
    if (j < n && t[j] == ' ') j++; /* a no-break space is one in the clean view */
    if (j < n && t[j] == ':') return j + 1;
    if (t[j - 1] != ' ') return 0;
  }
  return 0;
}

/* The password introduced by a keyword at t[i] (a letter at a word
 * start), or 0; its span in *vs..return value. */
static size_t password_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  unsigned lc = is_upper(t[i]) ? t[i] + 32u : t[i];
  for (size_t k = 0; k < sizeof pw_keywords / sizeof *pw_keywords; k++) {
    const char *kw = pw_keywords[k].kw;
    if ((unsigned char)kw[0] != lc) continue; /* cheap test first: this runs at every word */
    size_t l = strlen(kw);
    if (!ieq(t, n, i, kw, l)) continue;
    size_t j = i + l;
    if (j < n && is_alnum(t[j])) continue;
    int ident = j + 1 < n && t[j] == '_' && is_alnum(t[j + 1]);
    if (ident && !(j = pw_ident_end(t, n, j))) continue;
    if (j < n && (t[j] == '"' || t[j] == '\'')) j++; /* JSON / dict key */
    for (size_t sp = j; j < n && (t[j] == ' ' || t[j] == '\t') && j - sp < 24;) j++; /* aligned columns */
    int strong;
    size_t named;
    if (j + 1 < n && t[j] == ':' && t[j + 1] == '=') j += 2, strong = 1;
    else if (j + 1 < n && t[j] == '=' && t[j + 1] == '>') j += 2, strong = 1;
    else if (j < n && t[j] == '=') j++, strong = 1;
    else if (j < n && t[j] == ':') j++, strong = 0;
    else if (ident) continue; /* PASSWORD_RESET is a setting's name in prose */
    else if ((named = pw_verb_end(t, n, j))) j = named, strong = 0;
    else if (j > i + l && (named = pw_named_colon(t, n, j))) j = named, strong = 0; /* "mot de passe ENT :" */
    else continue;
    /* "pass" takes a colon as part of a name (SMTP_PASS: ..., db_pass: ...) */
    if (pw_keywords[k].strong_only && !strong && !ident && !(i > 0 && t[i - 1] == '_')) continue;
    /* "password=x" glued is config; "password = x" too */
    while (j < n && (t[j] == ' ' || t[j] == '\t')) j++;
    unsigned q = j < n && (t[j] == '"' || t[j] == '\'' || t[j] == '`') ? t[j] : 0;
    size_t s = q ? j + 1 : j, m = s;
    if (q) {
      while (m < n && t[m] != q && t[m] != '\n' && m - s <= 128) m++;
      if (m >= n || t[m] != q) continue; /* unterminated: not a value */
    } else {
      while (m < n && t[m] > ' ' && m - s <= 128) m++;
    }
    size_t end = m;
    if (!q)
      while (end > s && in_set(t[end - 1], ".,;)\"'")) end--;
    if (pw_value_ok(t + s, end - s, strong || q, q != 0)) {
      *vs = s;
      return end;
    }
    return 0;
  }
  return 0;
}

static int password_start(const unsigned char *t, size_t i) { return is_alpha(t[i]) && !(i > 0 && is_alnum(t[i - 1])); }

/* Credentials in a URL, scheme://user:password@host, as detect-secrets'
 * BasicAuthDetector finds them (its tests: "https://username:password@
 * yelp.com" is one; "http://localhost:5000/<%= @variable %>",
 * "\"https://url:8000\";@x", "https://url:8000 @x" are not).  t[i] is
 * the ':' of "://"; the span is the password. */
/* What ends a URL's user or password: a separator, markup or quoting
 * (a ':' in the password too: "cvs://:pserver:anoncvs@host" names a
 * method and a user). */
static const char url_userinfo_stop[] = ":@/{}\"'`<>;,";

static size_t url_password_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  if (i + 3 > n || t[i] != ':' || t[i + 1] != '/' || t[i + 2] != '/') return 0;
  size_t b = i; /* the scheme: a letter, then letters, digits, + . - */
  while (b > 0 && i - b < 32 && (is_alnum(t[b - 1]) || in_set(t[b - 1], "+.-"))) b--;
  if (i - b < 2 || !is_alpha(t[b])) return 0;
  size_t u = i + 3, j = u;
  while (j < n && j - u < 128 && t[j] > ' ' && !in_set(t[j], url_userinfo_stop)) j++;
  if (j >= n || t[j] != ':') return 0; /* an empty user too: "redis://:pw@host" */
  size_t s = j + 1, m = s;
  while (m < n && m - s <= 128 && t[m] > ' ' && !in_set(t[m], url_userinfo_stop)) m++;
  if (m - s < 3 || m + 1 >= n || t[m] != '@' || !is_alnum(t[m + 1])) return 0;
  if (all_same(t + s, m - s) || in_set(t[s], "$%*")) return 0; /* "****", "$PASS", "%PASS%" */
  *vs = s;
  return m;
}

/* ------------------------------------------------------- curl -u user:pw */

/* curl's options that take user:password (curl(1): -u/--user, -U/--proxy-user),
 * as the prefilter sees them (folded: "-U " is "-u "); the value may follow
 * after '=' or blanks, or glued to a quote. */
static const char *const curl_triggers[] = {"--user", "--proxy-user", "-u ", "-u=", "-u\"", "-u'", "-u\t"};

/* A shell word with its quotes removed (at most 256 bytes), each byte
 * keeping its offset in the text, so that a span inside it maps back. */
typedef struct shell_word {
  unsigned char c[256];
  uint32_t at[256];
  size_t n;
} shell_word;

/* The shell word at t[j] into w: where it ends, or 0 (an unterminated
 * quote, more than 256 bytes, nothing). */
static size_t shell_word_at(const unsigned char *t, size_t n, size_t j, shell_word *w) {
  w->n = 0;
  while (j < n && t[j] > ' ' && !in_set(t[j], ";|&<>")) {
    unsigned q = t[j] == '"' || t[j] == '\'' ? t[j] : 0;
    if (q) {
      size_t k = j + 1;
      while (k < n && t[k] != q && t[k] != '\n') {
        if (q == '"' && t[k] == '\\' && k + 1 < n && t[k + 1] != '\n') k++;
        if (w->n == sizeof w->c) return 0;
        w->at[w->n] = (uint32_t)k, w->c[w->n++] = t[k++];
      }
      if (k >= n || t[k] != q) return 0;
      j = k + 1;
      continue;
    }
    if (t[j] == '\\' && j + 1 < n && t[j + 1] > ' ') j++;
    if (w->n == sizeof w->c) return 0;
    w->at[w->n] = (uint32_t)j, w->c[w->n++] = t[j++];
  }
  return w->n ? j : 0;
}

/* A user or password that stands for one: a variable, a command, a
 * template, a mask, or a word from the manuals (gitleaks' curl-auth-user
 * allowlist: "$PASS", "$(cat pw.txt)", "{{ .Values.pw }}", "<password>",
 * "[PASSWORD]", "****", "changeme", "user:pass"). */
static int curl_placeholder(const unsigned char *v, size_t len) {
  static const char *const words[] = {"changeit", "changeme", "pass", "password", "pwd", "test", "token",
                                      "secret", "username", "user", "mypassword", "motdepasse"};
  if (!len) return 0;
  if (in_set(v[0], "$<[`*(") || (len > 1 && v[0] == '{' && v[1] == '{')) return 1;
  return all_same(v, len) || word_among(v, len, words, sizeof words / sizeof *words);
}

/* Is t[i] inside a curl command: "curl" as a word earlier on its line, or
 * on a line before it that a backslash continues (at most 8 lines)? */
static int in_curl_command(const unsigned char *t, size_t i) {
  size_t end = i;
  for (int lines = 0; lines < 8 && i - end < 4096; lines++) {
    size_t ls = end;
    while (ls > 0 && t[ls - 1] != '\n' && i - ls < 4096) ls--;
    for (size_t p = ls; p + 4 <= end; p++)
      if (t[p] == 'c' && !memcmp(t + p, "curl", 4) && (p == 0 || !is_alnum(t[p - 1])) &&
          (p + 4 == end || t[p + 4] == ' ' || t[p + 4] == '\t'))
        return 1;
    if (ls == 0) return 0;
    size_t k = ls - 1; /* the '\n' ending the line before */
    while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t' || t[k - 1] == '\r')) k--;
    if (k == 0 || t[k - 1] != '\\') return 0;
    end = k - 1;
  }
  return 0;
}

/* The password of curl's "-u user:password" at t[i] (the option's '-',
 * after a blank), or 0; its span in *vs..return value.  A user with an
 * empty password ("-u KEY:", as API docs write a key) is the secret when it
 * looks like one. */
static size_t curl_user_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  if (i == 0 || !(t[i - 1] == ' ' || t[i - 1] == '\t' || t[i - 1] == '\n')) return 0;
  size_t j;
  if (i + 6 <= n && !memcmp(t + i, "--user", 6)) j = i + 6;
  else if (i + 12 <= n && !memcmp(t + i, "--proxy-user", 12)) j = i + 12;
  else if (i + 2 < n && (t[i + 1] == 'u' || t[i + 1] == 'U')) j = i + 2;
  else return 0;
  if (j >= n) return 0;
  if (t[j] == '=') j++;
  else if (t[j] == ' ' || t[j] == '\t')
    for (size_t b = j; j < n && (t[j] == ' ' || t[j] == '\t') && j - b < 5;) j++;
  else if (t[j] != '"' && t[j] != '\'') return 0; /* --user-agent, -uX */
  shell_word w = {{0}, {0}, 0}; /* zeroed: clang-analyzer cannot see that only w.c[0..w.n) is read */
  if (!shell_word_at(t, n, j, &w) || !in_curl_command(t, i)) return 0;
  const unsigned char *colon = memchr(w.c, ':', w.n);
  if (!colon) return 0; /* "-u user": curl asks for the password */
  size_t u = (size_t)(colon - w.c), p = u + 1, pl = w.n - p;
  if (pl) {
    if (pl < 3 || curl_placeholder(w.c + p, pl) || curl_placeholder(w.c, u)) return 0;
    *vs = w.at[p];
    return w.at[w.n - 1] + 1;
  }
  int digit = 0, alpha = 0;
  for (size_t k = 0; k < u; k++) digit |= is_digit(w.c[k]), alpha |= is_alpha(w.c[k]);
  if (u < 8 || !digit || !alpha || curl_placeholder(w.c, u)) return 0;
  *vs = w.at[0];
  return w.at[u - 1] + 1;
}

/* ------------------------------------------ mysql -pPASSWORD, sshpass -p */

/* Clients that take a password after -p on their command line: MySQL's
 * and MariaDB's (mysql, mysqldump, mariadb-dump...: glued, "-pS3cret",
 * since "-p" alone makes them ask), and sshpass ("-p S3cret" or glued).
 * The prefilter finds the command's name. */
static const char *const cmd_words[] = {"mysql", "mariadb", "sshpass"};

static size_t cmd_password_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  size_t k, l = 0;
  for (k = 0; k < sizeof cmd_words / sizeof *cmd_words; k++)
    if (i + (l = strlen(cmd_words[k])) <= n && !memcmp(t + i, cmd_words[k], l)) break;
  if (k == sizeof cmd_words / sizeof *cmd_words) return 0;
  int ssh = cmd_words[k][0] == 's';
  size_t j = i + l;
  if (!ssh)
    while (j < n && j - i < 24 && (is_lower(t[j]) || t[j] == '-')) j++; /* mysqldump, mariadb-dump */
  if (j >= n || (t[j] != ' ' && t[j] != '\t')) return 0;
  for (int lines = 0; j < n && j - i < 2048; j++) {
    unsigned c = t[j];
    if (c == '\n') { /* the command goes on after a backslash */
      size_t b = j;
      while (b > i && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\r')) b--;
      if (t[b - 1] != '\\' || ++lines > 8) return 0;
      continue;
    }
    if (in_set(c, "|;&<>")) return 0; /* another command */
    if (!(c == ' ' || c == '\t') || j + 3 >= n || t[j + 1] != '-' || t[j + 2] != 'p') continue;
    size_t v = j + 3;
    if (t[v] == ' ' || t[v] == '\t') {
      if (!ssh) continue; /* mysql asks */
      while (v < n && (t[v] == ' ' || t[v] == '\t')) v++;
    }
    shell_word w = {{0}, {0}, 0}; /* zeroed: clang-analyzer cannot see that only w.c[0..w.n) is read */
    if (!shell_word_at(t, n, v, &w)) continue;
    if (w.n < 3 || curl_placeholder(w.c, w.n)) return 0;
    *vs = w.at[0];
    return w.at[w.n - 1] + 1;
  }
  return 0;
}

/* ------------------------------------------------------------ named tokens */

/* Names that announce a token (ASCII case-insensitive; a name may be part
 * of an identifier: STRIPE_SECRET_KEY, clientSecret, X-Api-Key,
 * GITHUB_TOKEN; Azure's AccountKey= and SharedAccessKey= in connection
 * strings).  The second list is what the prefilter looks for: the
 * same, folded.  "secret" and "token" never go on with a letter or digit
 * but in "secretKey" (French prose is full of "secrétariat"), so their
 * triggers say so and "secretkey" is one of its own. */
static const char *const key_names[] = {"api_key", "api-key", "apikey", "api key", "secret", "token", "access_key",
                                        "accesskey", "authorization", "cl\xc3\xa9 api", "cle api", "clef api",
                                        "cl\xc3\xa9 d'api", "cle d'api", "jeton", "accountkey", "account_key"};
static const char *const key_triggers[] = {"api_key", "api-key", "apikey", "api key", "secret", "token", "access_key",
                                           "accesskey", "authorization", "cle api", "clef api", "cle d'api", "jeton",
                                           "secretkey", "accountkey", "account_key"};

/* Words of a name that make it about a token, not one (token_type,
 * secretName, access_key_id, TOKEN_URL), or a token that is not secret
 * (next_page_token, csrf_token, publishable_key). */
static int key_meta_word(const unsigned char *w, size_t len) {
  static const char *const meta[] = {
      "type", "types", "name", "names", "ref", "arn", "id", "ids", "url", "uri", "endpoint", "path", "file",
      "dir", "header", "length", "len", "min", "max", "count", "limit", "limits", "usage", "size", "ttl",
      "lifetime", "expiry", "expires", "expiration", "version", "store", "manager", "provider", "env", "field",
      "label", "hint", "prompt", "placeholder", "format", "pattern", "regex", "hash", "hashed", "rotation",
      "policy", "scope", "scopes", "page", "next", "continuation", "cursor", "csrf", "xsrf", "public",
      "publishable", "num", "total", "input", "output", "completion", "sync", "resume", "pass", "password",
      "passwd", "pwd", "error", "message", "text", "title", "description", "enabled", "required"};
  return word_among(w, len, meta, sizeof meta / sizeof *meta);
}

/* The words of the identifier t[s..e) (split at _ - . and at a lower-upper
 * step), any of them a meta word? */
static int key_name_meta(const unsigned char *t, size_t s, size_t e) {
  size_t w = s;
  for (size_t k = s; k <= e; k++) {
    int cut = k == e || in_set(t[k], "_-.") || (k > w && is_upper(t[k]) && is_lower(t[k - 1]));
    if (!cut) continue;
    if (k > w && key_meta_word(t + w, k - w)) return 1;
    if (k == e) break; /* t[e] may be past the text */
    w = in_set(t[k], "_-.") ? k + 1 : k;
  }
  return 0;
}

static int ident_char(unsigned c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; }

/* Shannon entropy of v[0..len) in bits per byte. */
static double entropy(const unsigned char *v, size_t len) {
  unsigned cnt[256] = {0};
  for (size_t k = 0; k < len; k++) cnt[v[k]]++;
  double h = 0;
  for (unsigned c = 0; c < 256; c++)
    if (cnt[c]) h -= (double)cnt[c] / (double)len * log2((double)cnt[c] / (double)len);
  return h;
}

/* Does v[0..len) look like a generated token rather than a word, a name,
 * a path or code?  Printable ASCII without blanks, letters and digits
 * both, at least 3 bits of entropy per character (2.7 for 16 hex digits or
 * more; gitleaks' generic rule asks 3.5 of longer values), 12
 * characters or more, or 8 that mix upper case, lower case and digits.
 * Quoted, symbols may stand for the digits and brackets are allowed
 * (detect-secrets' keyword tests: "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}").
 * Placeholders (your_api_key_here, xxxx, <token>, ${TOKEN}, somefakekey)
 * and code (os.environ["X"], settings.API_KEY, get_token()) are not. */
static int token_ok(const unsigned char *v, size_t len, int quoted) {
  static const char *const fake[] = {"example", "your", "xxxx", "placeholder", "changeme", "replace", "insert",
                                     "dummy", "redacted", "sample", "here", "fake"};
  if (len < 8 || len > 512 || in_set(v[0], "$<{[(%*`#/~")) return 0;
  size_t digits = 0, upper = 0, lower = 0, other = 0;
  for (size_t k = 0; k < len; k++) {
    unsigned c = v[k];
    if (c <= ' ' || c >= 0x7f || (!quoted && in_set(c, "()[]{}\"'<>"))) return 0;
    if (is_digit(c)) digits++;
    else if (is_upper(c)) upper++;
    else if (is_lower(c)) lower++;
    else if (c != '_' && c != '.') other++;
  }
  if (!(upper + lower) || !(digits || (quoted && other >= 3))) return 0;
  if (len < 12 && !(upper && lower)) return 0;
  if (!other && digits < 3) return 0; /* config.api_key_2, token_v2 */
  for (size_t k = 0; k + 3 <= len; k++)
    if (v[k] == ':' && v[k + 1] == '/' && v[k + 2] == '/') return 0;
  for (size_t f = 0; f < sizeof fake / sizeof *fake; f++) {
    size_t fl = strlen(fake[f]);
    for (size_t k = 0; k + fl <= len; k++)
      if (ieq(v, len, k, fake[f], fl)) return 0;
  }
  /* 16 random hex digits have 3.4 bits on average, and often less */
  int hex = 1;
  for (size_t k = 0; k < len && hex; k++) hex = is_hex(v[k]);
  return entropy(v, len) >= (hex && len >= 16 ? 2.7 : 3.0);
}

/* The value of "Authorization: <scheme> <credentials>" at t[j] (after the
 * colon and blanks): Basic's base64 must decode to "user:password"
 * (RFC 7617), other schemes' credentials (Bearer, Token, Bot...) or a bare
 * one must pass token_ok; Digest and AWS's signatures are hashes, not
 * secrets.  The span is the credentials. */
static size_t auth_value_at(const unsigned char *t, size_t n, size_t j, size_t *vs) {
  if (j < n && (t[j] == '"' || t[j] == '\'')) j++;
  size_t s = j;
  while (j < n && j - s <= 24 && (is_alpha(t[j]) || t[j] == '-')) j++;
  size_t scheme = 0;
  if (j > s && j + 1 < n && t[j] == ' ' && t[j + 1] > ' ') {
    scheme = j - s;
    if ((scheme == 6 && ieq(t, n, s, "digest", 6)) || (scheme > 4 && ieq(t, n, s, "aws4-", 5))) return 0;
    j++;
  } else {
    j = s;
  }
  size_t b = j;
  if (scheme == 5 && ieq(t, n, s, "basic", 5)) {
    unsigned char out[192];
    size_t o = 0;
    unsigned acc = 0, bits = 0;
    while (j < n && (is_alnum(t[j]) || t[j] == '+' || t[j] == '/') && j - b < 256) {
      unsigned c = t[j++], v = is_upper(c) ? c - 'A' : is_lower(c) ? c - 'a' + 26 : is_digit(c) ? c - '0' + 52 : c == '+' ? 62 : 63;
      acc = (acc << 6 | v) & 0xffffff, bits += 6;
      if (bits >= 8 && o < sizeof out) bits -= 8, out[o++] = (unsigned char)(acc >> bits);
    }
    size_t e = j;
    while (j < n && t[j] == '=' && j - e < 2) j++;
    if (j - b < 4 || (j < n && t[j] > ' ' && !in_set(t[j], "\"',;\\)"))) return 0;
    const unsigned char *colon = memchr(out, ':', o);
    if (!colon || o < 3) return 0;
    for (const unsigned char *p = out; p < colon; p++)
      if (*p < 0x20 || *p == 0x7f) return 0;
    *vs = b;
    return j;
  }
  while (j < n && (is_alnum(t[j]) || in_set(t[j], "-._~+/=@:")) && j - b <= 512) j++;
  if (j < n && t[j] > ' ' && !in_set(t[j], "\"',;\\)")) return 0;
  while (j > b && (t[j - 1] == '.' || t[j - 1] == ':')) j--;
  if (!token_ok(t + b, j - b, 0)) return 0;
  *vs = b;
  return j;
}

/* The token named at t[i] (where one of key_names starts), or 0; its span
 * in *vs..return value.  The name may be an identifier around the word
 * (its words must not make it a token's type, name or URL, see
 * key_meta_word), then an assignment ("=", ":=", "=>", ":"), or, for a
 * name in prose, "is"/"est" or up to five words and a colon ("la clé API
 * de production : ..."). */
static size_t named_key_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  unsigned lc = is_upper(t[i]) ? t[i] + 32u : t[i];
  if (!in_set(lc, "astcj")) return 0; /* cheap test first: the whole scan runs it at every byte */
  size_t k, l = 0;
  for (k = 0; k < sizeof key_names / sizeof *key_names; k++)
    if ((unsigned char)key_names[k][0] == lc && ieq(t, n, i, key_names[k], l = strlen(key_names[k]))) break;
  if (k == sizeof key_names / sizeof *key_names) return 0;
  int prose = strchr(key_names[k], ' ') || !strcmp(key_names[k], "jeton");
  int camel = i > 0 && is_upper(t[i]) && is_lower(t[i - 1]);
  if (i > 0 && is_alnum(t[i - 1]) && !(camel && !prose)) return 0;
  /* the identifier the name is part of */
  size_t s = i, e = i + l;
  if (l == 6 && e < n && is_alnum(t[e]) && key_names[k][0] == 's') { /* secret */
    if (!ieq(t, n, e, "key", 3) || (e + 3 < n && is_alnum(t[e + 3]))) return 0;
    e += 3;
  }
  if (l == 5 && e < n && is_alnum(t[e]) && key_names[k][0] == 't') return 0; /* token */
  if (e < n && (is_lower(t[e]) || is_digit(t[e]) || (is_upper(t[e]) && !is_lower(t[e - 1])))) return 0; /* tokens, secretary */
  if (!prose) {
    while (s > 0 && i - s < 64 && ident_char(t[s - 1])) s--;
    while (e < n && e - i < 64 && ident_char(t[e])) e++;
    while (e > i + l && in_set(t[e - 1], "-.")) e--; /* "token." ends a sentence */
    if (key_name_meta(t, s, i) || key_name_meta(t, i + l, e)) return 0;
    for (size_t p = s; p + 15 <= e; p++) /* AWS's secret key: the password detector's */
      if (ieq(t, n, p, "secret_access_key", 17) || ieq(t, n, p, "secretaccesskey", 15)) return 0;
  }
  size_t j = e;
  if (j < n && (t[j] == '"' || t[j] == '\'')) j++; /* a JSON or dict key: "k": v, d["k"] = v */
  if (j < n && t[j] == ']') j++;
  else if (j + 1 < n && t[j] == '[' && t[j + 1] == ']') j += 2; /* PHP's apikey[] = */
  for (size_t b = j; j < n && (t[j] == ' ' || t[j] == '\t') && j - b < 24;) j++;
  size_t named;
  if (j + 1 < n && t[j] == ':' && t[j + 1] == '=') j += 2;
  else if (j + 1 < n && t[j] == '=' && t[j + 1] == '>') j += 2;
  else if (j + 1 < n && t[j] == '=' && t[j + 1] == '=') return 0;
  else if (j < n && (t[j] == '=' || t[j] == ':')) j++;
  else if (e == i + l && (named = pw_verb_end(t, n, j))) j = named;
  else if (e == i + l && j > e && (named = pw_named_colon(t, n, j))) j = named;
  else return 0;
  while (j < n && (t[j] == ' ' || t[j] == '\t')) j++;
  if (!strcmp(key_names[k], "authorization")) return auth_value_at(t, n, j, vs);
  if (j + 1 < n && t[j] == '@' && t[j + 1] == '"') j++; /* Objective-C's @"..." */
  unsigned q = j < n && (t[j] == '"' || t[j] == '\'' || t[j] == '`') ? t[j] : 0;
  size_t b = q ? j + 1 : j, m = b;
  if (q) {
    while (m < n && t[m] != q && m - b <= 512 && t[m] > ' ') m++;
    if (m >= n || t[m] != q) return 0; /* unterminated, or blanks inside: a phrase */
  } else {
    while (m < n && t[m] > ' ' && !in_set(t[m], "\"'`,;)}]>&") && m - b <= 512) m++;
    while (m > b && in_set(t[m - 1], ".:")) m--;
  }
  if (!token_ok(t + b, m - b, q != 0)) return 0;
  *vs = b;
  return m;
}

/* ---------------------------------------------------------- entry points */

/* A password keyword or a command at a word start t[i]. */
static size_t word_password_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  size_t end = password_at(t, n, i, vs);
  return end ? end : cmd_password_at(t, n, i, vs);
}

size_t det_pw_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  if (t[i] == ':') return url_password_at(t, n, i, vs);
  if (t[i] == '-') return curl_user_at(t, n, i, vs);
  return password_start(t, i) ? word_password_at(t, n, i, vs) : 0;
}

void det_pw_scan(const unsigned char *t, size_t n, det_emitter *e) {
  uint8_t pairs[512] = {0}; /* keywords' first two letters, lower case */
  for (size_t k = 0; k < sizeof pw_keywords / sizeof *pw_keywords; k++)
    pair_add(pairs, (unsigned char)pw_keywords[k].kw[0], (unsigned char)pw_keywords[k].kw[1]);
  for (size_t k = 0; k < sizeof cmd_words / sizeof *cmd_words; k++)
    pair_add(pairs, (unsigned char)cmd_words[k][0], (unsigned char)cmd_words[k][1]);
  for (size_t i = 0; i < n && !e->stop; i++) {
    size_t vs, end = 0;
    if (t[i] == ':' || t[i] == '-') {
      end = det_pw_at(t, n, i, &vs);
    } else if (password_start(t, i)) {
      unsigned lc = is_upper(t[i]) ? t[i] + 32u : t[i];
      if (i + 1 >= n || !pair_has(pairs, lc, is_upper(t[i + 1]) ? t[i + 1] + 32u : t[i + 1])) {
        while (i + 1 < n && is_alnum(t[i + 1])) i++; /* the rest of the word */
        continue;
      }
      end = word_password_at(t, n, i, &vs);
    }
    if (end) {
      emit(e, vs, end);
      i = end - 1;
    }
  }
}

const char *det_pw_trigger(size_t k, unsigned *flags) {
  size_t nk = sizeof pw_keywords / sizeof *pw_keywords, nc = sizeof curl_triggers / sizeof *curl_triggers;
  *flags = 0;
  if (k < nk) { /* password_start, and no letter or digit after the keyword */
    *flags = DET_TRIG_START | DET_TRIG_END;
    return pw_keywords[k].kw;
  }
  if (k == nk) return "://";
  if (k - nk - 1 < nc) return curl_triggers[k - nk - 1];
  k -= nk + 1 + nc;
  *flags = DET_TRIG_START; /* password_start */
  return k < sizeof cmd_words / sizeof *cmd_words ? cmd_words[k] : NULL;
}

size_t det_named_key_at(const unsigned char *t, size_t n, size_t i, size_t *vs) { return named_key_at(t, n, i, vs); }

const char *det_named_key_trigger(size_t k, unsigned *flags) {
  if (k >= sizeof key_triggers / sizeof *key_triggers) return NULL;
  const char *w = key_triggers[k];
  *flags = !strcmp(w, "secret") || !strcmp(w, "token") || !strcmp(w, "secretkey") ? DET_TRIG_END : 0;
  return w;
}
