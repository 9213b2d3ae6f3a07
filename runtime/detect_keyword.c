/*
 * detect_keyword.c — the detectors anchored on a keyword: INE after its
 * label, provider API keys and JWTs after their prefix, PEM private keys
 * after "-----BEGIN "; the dispatch of those, of detect_named.c's
 * (passwords, tokens after their name) and of detect_table.c's (grades).  Their keywords come from the
 * tables (det_trigger), the prefilter
 * finds them, and det_scan_at runs a detector only where one starts; a
 * text scanned whole (det_kw_scan) gives the same spans.
 */
#include <stdbool.h>

#include "runtime/detect_util.h"

/* ---------------------------------------------------------------- INE */

/* An "INE" label (a whole word, any case) or "identifiant national" in the
 * 48 bytes before a candidate: "INE : ...", "n° INE ...", "INE-BEA ...". */
static int ine_label_before(const unsigned char *t, size_t n, size_t i) {
  size_t from = i > 48 ? i - 48 : 0;
  for (size_t p = from; p + 3 <= i; p++) {
    if (ieq(t, n, p, "ine", 3) && !word_before(t, p) && !word_at(t, n, p + 3)) return 1;
    if (p + 20 <= i && ieq(t, n, p, "identifiant national", 20)) return 1;
  }
  return 0;
}

/* The 11-character token at t[i] (a token start) if it is a valid INE, or
 * 0; *next receives the end of the token. */
static size_t ine_at(const unsigned char *t, size_t n, size_t i, size_t *next) {
  size_t end = i;
  while (end < n && is_alnum(t[end]) && end - i < 12) end++;
  size_t ok = end - i == 11 && !word_at(t, n, end) && det_ine_valid((const char *)t + i, 11) ? end : 0;
  while (end < n && is_alnum(t[end])) end++;
  *next = end;
  return ok;
}

/* An INE counts only after its label (ine_label_before), so the scan looks
 * for labels and tries only the tokens that start within 48 bytes after
 * one, each once, in order; ine_label_before still decides. */
static int ine_label_at(const unsigned char *t, size_t n, size_t p) {
  return (ieq(t, n, p, "ine", 3) && !word_before(t, p) && !word_at(t, n, p + 3)) ||
         ieq(t, n, p, "identifiant national", 20);
}

/* A class list pasted as a table (CSV or TSV from a spreadsheet, a
 * markdown table) has its label once, in the header row, far from most
 * values.  "INE" at p is such a header when it is a cell of its own, in a
 * row that has cell separators (detect_util.h); the table then runs to
 * its first blank line, and its cells that are an INE whole count as
 * labelled. */
static int ine_header_at(const unsigned char *t, size_t n, size_t p) {
  return ieq(t, n, p, "ine", 3) && cell_starts(t, p) && cell_ends(t, n, p + 3) && cell_in_row(t, n, p, p + 3);
}

/* The tokens after a label at p, each once (*tried moves past them): in
 * the 48 bytes after it, where ine_label_before decides, or down a table
 * whose header p is, where a token must be a cell of its own. */
static void ine_after_label(const unsigned char *t, size_t n, size_t p, size_t *tried, det_emitter *e) {
  int table = ine_header_at(t, n, p);
  size_t from = p + 3 > *tried ? p + 3 : *tried, to = table ? table_end(t, n, p) : p + 49 < n ? p + 49 : n;
  for (size_t i = from; i < to && !e->stop; i++) {
    if (!is_alnum(t[i]) || word_before(t, i)) continue;
    size_t next, end = ine_at(t, n, i, &next);
    if (end && (table ? cell_starts(t, i) && cell_ends(t, n, end) : ine_label_before(t, n, i))) emit(e, i, end);
    i = next - 1;
    *tried = next;
  }
  if (*tried < to) *tried = to;
}

static void scan_ine(const unsigned char *t, size_t n, det_emitter *e) {
  size_t tried = 0; /* tokens starting below this were tried */
  for (size_t p = 0; p + 3 <= n && !e->stop; p++)
    if ((t[p] | 32) == 'i' && ine_label_at(t, n, p)) ine_after_label(t, n, p, &tried, e);
}

/* ------------------------------------------------------------ API keys */

enum { CS_ALNUM, CS_TOKEN, CS_B32, CS_ALPHA, CS_WORD, CS_DOTTOKEN, CS_B64, CS_DOTWORD };

static int in_cs(int cs, unsigned c) {
  switch (cs) {
  case CS_ALNUM: return is_alnum(c);
  case CS_TOKEN: return is_alnum(c) || c == '_' || c == '-';
  case CS_B32: return is_upper(c) || (c >= '2' && c <= '7');
  case CS_ALPHA: return is_alpha(c);
  case CS_WORD: return is_alnum(c) || c == '_';
  case CS_B64: return is_alnum(c) || c == '+' || c == '/';
  case CS_DOTWORD: return is_alnum(c) || c == '_' || c == '.';
  default: return is_alnum(c) || c == '_' || c == '-' || c == '.';
  }
}

/* Providers' key formats, as the gitleaks rules (cmd/generate/config/rules
 * in gitleaks/gitleaks) and detect-secrets plugins describe them: a fixed
 * prefix, then a body in a given alphabet and length range.  Longer
 * prefixes come first where one prefix extends another (sk-ant- before
 * sk-).  Mistral AI keys have no distinctive prefix (32 random
 * characters) and are not detected: a bare 32-character token is as likely
 * a hash or an identifier. */
static const struct {
  const char *prefix;
  unsigned char cs;    /* body alphabet */
  uint16_t min, max;   /* body length */
  unsigned char mixed; /* body must mix letters and digits */
} api_keys[] = {
    {"sk-ant-", CS_TOKEN, 40, 255, 1},     /* Anthropic (api03, admin01) */
    {"sk-proj-", CS_TOKEN, 40, 255, 1},    /* OpenAI project key */
    {"sk-svcacct-", CS_TOKEN, 40, 255, 1}, /* OpenAI service account */
    {"sk-admin-", CS_TOKEN, 40, 255, 1},   /* OpenAI admin key */
    {"sk-or-v1-", CS_ALNUM, 64, 64, 1},    /* OpenRouter: 64 hex */
    {"sk-", CS_ALNUM, 32, 200, 1},         /* OpenAI legacy: sk- + 48; DeepSeek: 32 hex */
    {"sk_live_", CS_ALNUM, 10, 255, 1},    /* Stripe secret / restricted */
    {"whsec_", CS_ALNUM, 32, 64, 1},       /* Stripe webhook signing secret */
    {"sk_test_", CS_ALNUM, 10, 255, 1},
    {"sk_prod_", CS_ALNUM, 10, 255, 1},
    {"rk_live_", CS_ALNUM, 10, 255, 1},
    {"rk_test_", CS_ALNUM, 10, 255, 1},
    {"rk_prod_", CS_ALNUM, 10, 255, 1},
    {"sk_", CS_ALNUM, 48, 48, 1},          /* ElevenLabs: 48 hex (after Stripe's sk_live_...) */
    {"AKIA", CS_B32, 16, 16, 0},           /* AWS access key ids */
    {"ASIA", CS_B32, 16, 16, 0},
    {"ABIA", CS_B32, 16, 16, 0},
    {"ACCA", CS_B32, 16, 16, 0},
    {"ghp_", CS_ALNUM, 36, 36, 0},         /* GitHub */
    {"gho_", CS_ALNUM, 36, 36, 0},
    {"ghu_", CS_ALNUM, 36, 36, 0},
    /* installation tokens: 36 alphanumerics, and since 2026 a longer
     * form with '_' and '.' (GitHub's pattern ghs_[A-Za-z0-9._]{36,}) */
    {"ghs_", CS_DOTWORD, 36, 1024, 0},
    {"ghr_", CS_ALNUM, 36, 36, 0},
    {"github_pat_", CS_WORD, 60, 255, 0},  /* 22 + '_' + 59 today */
    {"glpat-", CS_DOTTOKEN, 20, 255, 0},   /* GitLab personal, deploy, runner */
    {"gldt-", CS_TOKEN, 20, 255, 0},
    {"glrt-", CS_TOKEN, 20, 255, 0},
    {"AIza", CS_TOKEN, 35, 35, 0},         /* Google API key */
    {"xoxb-", CS_TOKEN, 10, 255, 1},       /* Slack bot, user, app... */
    {"xoxp-", CS_TOKEN, 10, 255, 1},
    {"xoxa-", CS_TOKEN, 10, 255, 1},
    {"xoxr-", CS_TOKEN, 10, 255, 1},
    {"xoxs-", CS_TOKEN, 10, 255, 1},
    {"xoxe-", CS_TOKEN, 10, 255, 1},
    {"xoxo-", CS_TOKEN, 10, 255, 1},
    {"xapp-", CS_TOKEN, 20, 255, 1},
    {"pplx-", CS_ALNUM, 48, 48, 1},        /* Perplexity */
    {"hf_", CS_ALPHA, 34, 34, 0},          /* Hugging Face */
    {"api_org_", CS_ALPHA, 34, 34, 0},
    {"gsk_", CS_ALNUM, 48, 56, 1},         /* Groq: 52 (kingfisher, noseyparker rules) */
    {"xai-", CS_ALNUM, 70, 90, 1},         /* xAI (Grok): 80 */
    {"r8_", CS_ALNUM, 37, 40, 1},          /* Replicate */
    {"npm_", CS_ALNUM, 36, 36, 1},         /* npm */
    {"pypi-AgEIcHlwaS5vcmc", CS_TOKEN, 50, 255, 0}, /* PyPI upload token (macaroon) */
    {"SG.", CS_DOTTOKEN, 66, 66, 0},       /* SendGrid: 22 '.' 43 */
    {"shpat_", CS_ALNUM, 32, 32, 1},       /* Shopify: 32 hex */
    {"shpca_", CS_ALNUM, 32, 32, 1},
    {"shppa_", CS_ALNUM, 32, 32, 1},
    {"shpss_", CS_ALNUM, 32, 32, 1},
    {"dop_v1_", CS_ALNUM, 64, 64, 1},      /* DigitalOcean: 64 hex */
    {"doo_v1_", CS_ALNUM, 64, 64, 1},
    {"dor_v1_", CS_ALNUM, 64, 64, 1},
    {"lin_api_", CS_ALNUM, 40, 40, 1},     /* Linear */
    {"dapi", CS_TOKEN, 32, 34, 1},         /* Databricks: 32 hex, maybe "-2" */
    {"GOCSPX-", CS_TOKEN, 28, 28, 1},      /* Google OAuth client secret */
    {"key-", CS_ALNUM, 32, 32, 1},         /* Mailgun private API key: 32 hex */
    {"ntn_", CS_ALNUM, 46, 46, 1},         /* Notion: 11 digits + 35 */
    {"secret_", CS_ALNUM, 43, 43, 1},      /* Notion's older integration tokens */
    {"glsa_", CS_WORD, 41, 41, 1},         /* Grafana service account: 32 '_' 8 hex */
    {"PMAK-", CS_TOKEN, 59, 59, 1},        /* Postman: 24 hex '-' 34 hex */
    {"hvs.", CS_TOKEN, 90, 120, 1},        /* HashiCorp Vault service token */
    {"hvb.", CS_TOKEN, 138, 300, 1},       /* HashiCorp Vault batch token */
    {"AGE-SECRET-KEY-1", CS_ALNUM, 58, 58, 1}, /* age (bech32) */
    {"glc_", CS_B64, 32, 255, 1},          /* Grafana Cloud API token (base64) */
    {"ABSK", CS_B64, 109, 255, 1},         /* Amazon Bedrock API key (base64) */
    {"lsv2_pt_", CS_WORD, 43, 43, 1},      /* LangSmith: 32 hex '_' 10 hex */
    {"lsv2_sk_", CS_WORD, 43, 43, 1},
    {"pcsk_", CS_WORD, 60, 90, 1},         /* Pinecone: 6 '_' 63 today */
    {"xkeysib-", CS_TOKEN, 81, 81, 1},     /* Brevo (Sendinblue): 64 hex '-' 16 */
    {"dckr_pat_", CS_TOKEN, 27, 27, 1},    /* Docker Hub personal access token */
    {"sntryu_", CS_ALNUM, 64, 64, 1},      /* Sentry user token: 64 hex */
    {"NRAK-", CS_ALNUM, 27, 27, 1},        /* New Relic user API key */
    {"sq0atp-", CS_TOKEN, 22, 60, 1},      /* Square access token */
    {"sq0csp-", CS_TOKEN, 43, 43, 1},      /* Square OAuth secret */
    {"EAAA", CS_TOKEN, 60, 60, 1},         /* Square access token, newer form */
    {"sbp_", CS_ALNUM, 40, 40, 1},         /* Supabase personal access token: 40 hex */
    {"pscale_tkn_", CS_DOTTOKEN, 32, 64, 1}, /* PlanetScale */
    {"pscale_pw_", CS_DOTTOKEN, 32, 64, 1},
    {"dp.pt.", CS_ALNUM, 43, 43, 1},       /* Doppler personal token */
    {"pul-", CS_ALNUM, 40, 40, 1},         /* Pulumi: 40 hex */
    {"CFPAT-", CS_TOKEN, 43, 43, 1},       /* Contentful personal access token */
    {"dt0c01.", CS_DOTTOKEN, 89, 89, 1},   /* Dynatrace: 24 '.' 64 */
    {"LTAI", CS_ALNUM, 20, 20, 1},         /* Alibaba Cloud access key id */
    /* Slack webhooks: the URL is the secret (gitleaks' slack-webhook-url) */
    {"hooks.slack.com/services/", CS_B64, 43, 120, 1},
    {"hooks.slack.com/workflows/", CS_B64, 43, 120, 1},
    {"hooks.slack.com/triggers/", CS_B64, 43, 120, 1},
};

static int token_char(unsigned c) { return is_alnum(c) || c == '_' || c == '-'; }

/* Too few distinct characters for a random key: "ghp_xxxx...",
 * "AIzaaaaa..." (gitleaks lists these as false positives). */
static int looks_random(const unsigned char *b, size_t len) {
  unsigned char seen[128] = {0};
  size_t distinct = 0;
  for (size_t k = 0; k < len; k++)
    if (b[k] < 128 && !seen[b[k]]++) distinct++;
  return distinct >= 6 || (len < 12 && distinct >= 4);
}

/* JWT (RFC 7519): base64url("{\"...") = "eyJ...", header '.' payload, and an
 * optional '.' signature; a header or payload whose JSON was pretty-printed
 * starts "{\n" = "ewo".  The header must decode to a JSON object naming
 * "alg" or "typ" — "eyJ" alone is too weak (detect-secrets' jwt tests list
 * "eyJAAAA.eyJBBB" as not a token). */
static int b64url_val(unsigned c) {
  if (is_upper(c)) return (int)(c - 'A');
  if (is_lower(c)) return (int)(c - 'a' + 26);
  if (is_digit(c)) return (int)(c - '0' + 52);
  return c == '-' ? 62 : c == '_' ? 63 : -1;
}
static int jwt_header_ok(const unsigned char *s, size_t len) {
  char out[400] = {0}; /* zeroed: cppcheck cannot see that o >= 8 implies written bytes */
  size_t o = 0;
  unsigned acc = 0, bits = 0;
  for (size_t k = 0; k < len && o < sizeof out; k++) {
    int v = b64url_val(s[k]);
    if (v < 0) return 0;
    acc = (acc << 6 | (unsigned)v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (char)(acc >> bits & 0xff);
    }
  }
  /* a whole JSON object of printable ASCII: a cut or random header fails */
  while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\n' || out[o - 1] == '\r' || out[o - 1] == '\t')) o--;
  if (o < 8 || out[0] != '{' || out[o - 1] != '}') return 0;
  for (size_t k = 0; k < o; k++) {
    unsigned char b = (unsigned char)out[k];
    if ((b < 0x20 && b != '\n' && b != '\r' && b != '\t') || b > 0x7e) return 0;
  }
  for (size_t k = 0; k + 5 <= o; k++)
    if (!memcmp(out + k, "\"alg\"", 5) || !memcmp(out + k, "\"typ\"", 5)) return 1;
  return 0;
}
static size_t jwt_at(const unsigned char *t, size_t n, size_t i) {
  size_t j = i;
  while (j < n && b64url_val(t[j]) >= 0 && j - i < 2048) j++;
  size_t hlen = j - i;
  if (hlen < 16 || hlen > 530 || j + 4 >= n || t[j] != '.' || (memcmp(t + j + 1, "eyJ", 3) && memcmp(t + j + 1, "ewo", 3)))
    return 0;
  if (!jwt_header_ok(t + i, hlen)) return 0;
  size_t p = j + 1;
  j = p;
  while (j < n && b64url_val(t[j]) >= 0) j++;
  if (j - p < 16) return 0;
  if (j + 1 < n && t[j] == '.' && b64url_val(t[j + 1]) >= 0) {
    size_t q = ++j;
    while (j < n && b64url_val(t[j]) >= 0) j++;
    if (j - q < 10) j = q - 1; /* too short to be a signature: stop before '.' */
  }
  if (j < n && token_char(t[j])) return 0;
  return j;
}

/* Telegram bot tokens (core.telegram.org/bots/api#authorizing-your-bot;
 * gitleaks' telegram-bot-api-token, detect-secrets' TelegramBotToken):
 * the bot's id, 5-16 digits, ':', then 'A' and 34 of [A-Za-z0-9_-]
 * (33 in Telegram's own example, "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw").  t[i] is the id's last
 * digit (the trigger is that digit, ':' and 'A').  The id starts a token,
 * or follows "/bot" in an API URL (https://api.telegram.org/bot<token>/);
 * "clm12345:AgencyIdentificationCodeContentType" (gitleaks' XSD false
 * positive) starts inside a word.  Returns the end, *vs the id's start. */
static size_t telegram_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  if (i + 37 > n || !is_digit(t[i]) || t[i + 1] != ':' || t[i + 2] != 'A') return 0;
  size_t b = i;
  while (b > 0 && is_digit(t[b - 1]) && i - b < 16) b--;
  size_t digits = i + 1 - b;
  int url = b >= 4 && !memcmp(t + b - 4, "/bot", 4);
  if (digits < 5 || digits > 16 || (b > 0 && token_char(t[b - 1]) && !url)) return 0;
  size_t s = i + 2, j = s;
  while (j < n && token_char(t[j]) && j - s <= 35) j++;
  if (j - s < 34 || j - s > 35 || (j < n && token_char(t[j])) || !looks_random(t + s, j - s)) return 0;
  *vs = b;
  return j;
}

/* Discord bot tokens (discord.com/developers/docs/reference#authentication,
 * detect-secrets' DiscordBotTokenDetector): base64 of the bot's id, '.', 6
 * characters, '.', 27-38 (the HMAC), "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.
 * ZnCjm1XVW7vRze4b7Cq4se7kKWs".  The first part must decode to the
 * 17-19 decimal digits of an id.  Only ids that start with 1, 2 or 3 (base64
 * "MT", "Mj", "Mz": every id since 2022, 19 digits) are found: the other
 * digits give the prefixes "ND".."OT", which cut "under", "total", "note"
 * at every turn in the prefilter.  t[i] is the 'M'; returns the end. */
static size_t discord_at(const unsigned char *t, size_t n, size_t i) {
  if (i + 60 > n || t[i] != 'M' || (t[i + 1] != 'T' && t[i + 1] != 'j' && t[i + 1] != 'z')) return 0;
  size_t j = i;
  unsigned acc = 0, bits = 0, bytes = 0;
  while (j < n && is_alnum(t[j]) && j - i <= 26) { /* base64: b64url_val on letters and digits */
    acc = (acc << 6 | (unsigned)b64url_val(t[j])) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (!is_digit(acc >> bits & 0xff)) return 0;
      bytes++;
    }
    j++;
  }
  if (bytes < 17 || bytes > 19 || j - i < 23 || j - i > 26 || t[j] != '.') return 0;
  size_t p = ++j;
  while (j < n && token_char(t[j]) && j - p <= 6) j++;
  if (j - p != 6 || j >= n || t[j] != '.') return 0;
  size_t q = ++j;
  while (j < n && token_char(t[j]) && j - q <= 38) j++;
  if (j - q < 27 || j - q > 38 || (j < n && token_char(t[j])) || !looks_random(t + q, j - q)) return 0;
  return j;
}

/* The key or token starting at t[i] (a letter at a token start), or 0:
 * its end. */
static size_t api_key_at(const unsigned char *t, size_t n, size_t i) {
  unsigned c = t[i];
  size_t end = 0;
  if (c == 'e' && i + 3 < n && ((t[i + 1] == 'y' && t[i + 2] == 'J') || (t[i + 1] == 'w' && t[i + 2] == 'o')))
    end = jwt_at(t, n, i);
  else if (c == 'M')
    end = discord_at(t, n, i);
  for (size_t k = 0; !end && k < sizeof api_keys / sizeof *api_keys; k++) {
    const char *pre = api_keys[k].prefix;
    if ((unsigned char)pre[0] != c) continue; /* cheap test first: this runs at every word */
    size_t pl = strlen(pre);
    if (i + pl > n || memcmp(t + i, pre, pl)) continue;
    size_t b = i + pl, j = b, digits = 0, letters = 0;
    while (j < n && in_cs(api_keys[k].cs, t[j]) && j - b <= api_keys[k].max) {
      digits += is_digit(t[j]) != 0;
      letters += is_alpha(t[j]) != 0;
      j++;
    }
    while (j > b && t[j - 1] == '.') j--; /* a sentence's full stop */
    size_t len = j - b;
    if (len < api_keys[k].min || len > api_keys[k].max) break; /* a longer prefix never follows */
    if (j < n && t[j] != '.' && (token_char(t[j]) || in_cs(api_keys[k].cs, t[j]))) break;
    if (api_keys[k].mixed && (!digits || !letters)) break;
    if (!looks_random(t + b, len)) break;
    end = j;
  }
  return end;
}

/* Mailchimp API keys (detect-secrets' MailchimpDetector, gitleaks'
 * mailchimp-api-key): 32 hexadecimal digits, "-us" and the number of the
 * key's data centre, "3e4430d3e27ec1ef3418035718e028cc-us12".  The one
 * format whose fixed part comes last: the trigger is "-us" at t[i], the
 * key starts 32 bytes before it (*vs).  Returns its end, or 0. */
static size_t mailchimp_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  if (i < 32 || i + 4 > n || t[i] != '-' || t[i + 1] != 'u' || t[i + 2] != 's' || !is_digit(t[i + 3])) return 0;
  size_t j = i + 4 + (i + 4 < n && is_digit(t[i + 4])), b = i - 32, digits = 0;
  if ((j < n && token_char(t[j])) || (b > 0 && token_char(t[b - 1]))) return 0;
  for (size_t k = b; k < i; k++) {
    if (!is_digit(t[k]) && (t[k] < 'a' || t[k] > 'f')) return 0;
    digits += is_digit(t[k]) != 0;
  }
  if (!digits || digits == 32 || !looks_random(t + b, 32)) return 0;
  *vs = b;
  return j;
}

/* DeepL API keys: a UUID and ":fx" for the free plan
 * ("279a2e9d-83b3-c416-7e2d-f721593e42a0:fx", DeepL's documentation), the
 * translator French students use most.  The fixed part comes last: the
 * trigger is ":fx" at t[i], the key starts 36 bytes before it (*vs).
 * Returns its end, or 0.  (A Pro key is a bare UUID: not detected.) */
static size_t deepl_at(const unsigned char *t, size_t n, size_t i, size_t *vs) {
  if (i < 36 || i + 3 > n || t[i] != ':' || t[i + 1] != 'f' || t[i + 2] != 'x') return 0;
  size_t b = i - 36, letters = 0;
  if ((i + 3 < n && token_char(t[i + 3])) || (b > 0 && token_char(t[b - 1]))) return 0;
  for (size_t k = 0; k < 36; k++) {
    unsigned c = t[b + k];
    if (k == 8 || k == 13 || k == 18 || k == 23) {
      if (c != '-') return 0;
    } else if (is_digit(c)) {
      continue;
    } else if (is_hex(c)) {
      letters++;
    } else {
      return 0;
    }
  }
  if (!letters || !looks_random(t + b, 36)) return 0;
  *vs = b;
  return i + 3;
}

static int api_key_start(const unsigned char *t, size_t i) { return is_alpha(t[i]) && !(i > 0 && token_char(t[i - 1])); }

/* Provider keys at token starts, and tokens after a name that says so
 * (detect_named.c), which may start anywhere (clientSecret). */
static void scan_api_key(const unsigned char *t, size_t n, det_emitter *e) {
  uint8_t pairs[512] = {0};
  pair_add(pairs, 'e', 'y'); /* JWT */
  pair_add(pairs, 'e', 'w');
  pair_add(pairs, 'M', 'T'); /* Discord */
  pair_add(pairs, 'M', 'j');
  pair_add(pairs, 'M', 'z');
  for (size_t k = 0; k < sizeof api_keys / sizeof *api_keys; k++)
    pair_add(pairs, (unsigned char)api_keys[k].prefix[0], (unsigned char)api_keys[k].prefix[1]);
  for (size_t i = 0; i < n && !e->stop; i++) {
    size_t vs = i, end = 0;
    if (api_key_start(t, i) && i + 1 < n && pair_has(pairs, t[i], t[i + 1])) end = api_key_at(t, n, i);
    if (!end && t[i] == '-') end = mailchimp_at(t, n, i, &vs);
    if (!end && t[i] == ':') end = deepl_at(t, n, i, &vs);
    if (!end && is_digit(t[i])) end = telegram_at(t, n, i, &vs);
    if (!end) end = det_named_key_at(t, n, i, &vs);
    if (end) {
      emit(e, vs, end);
      i = end - 1;
    }
  }
}

/* ---------------------------------------------------------- private keys */

/* PEM (RFC 7468) and OpenSSH private keys: "-----BEGIN <label>PRIVATE
 * KEY-----" (RSA, EC, DSA, OPENSSH, ENCRYPTED or none; "PGP PRIVATE KEY
 * BLOCK" for OpenPGP), through the END line.  A pasted key often loses its
 * END line or its newlines: the span then runs over the base64 body and its
 * RFC 1421 headers (Proc-Type, DEK-Info) up to the first other character. */
static size_t pem_begin(const unsigned char *t, size_t n, size_t i) {
  static const char begin[] = "-----BEGIN ";
  size_t bl = sizeof begin - 1;
  if (i + bl > n || memcmp(t + i, begin, bl)) return 0;
  size_t j = i + bl;
  while (j < n && j - i < 80 && (is_upper(t[j]) || is_digit(t[j]) || t[j] == ' ' || t[j] == '_' || t[j] == '-') &&
         !(t[j] == '-' && j + 5 <= n && !memcmp(t + j, "-----", 5)))
    j++;
  if (j + 5 > n || memcmp(t + j, "-----", 5)) return 0;
  size_t lab = j - (i + bl);
  int ok = (lab >= 11 && !memcmp(t + j - 11, "PRIVATE KEY", 11)) ||
           (lab >= 17 && !memcmp(t + j - 17, "PRIVATE KEY BLOCK", 17));
  return ok ? j + 5 : 0;
}

/* What a line of a PEM block is, trimmed of blanks: 0 empty, 1 an RFC 1421
 * header ("Proc-Type: 4,ENCRYPTED"), 2 base64 body, -1 anything else.  A
 * key flattened onto one line (newlines became spaces) is body when its
 * first chunk is long: prose after a truncated key is not. */
static int pem_line(const unsigned char *t, size_t s, size_t e) {
  while (s < e && (t[s] == ' ' || t[s] == '\t' || t[s] == '\r')) s++;
  while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r')) e--;
  if (s == e) return 0;
  size_t k = s;
  while (k < e && (is_alpha(t[k]) || t[k] == '-')) k++;
  if (k > s && k < e && t[k] == ':') return 1;
  size_t chunk = 0, first = 0, spaces = 0;
  for (k = s; k < e; k++) {
    unsigned c = t[k];
    if (c == ' ' || c == '\t') {
      if (!spaces++) first = chunk;
      chunk = 0;
      continue;
    }
    if (!(is_alnum(c) || c == '+' || c == '/' || c == '=')) return -1;
    chunk++;
  }
  return !spaces || first >= 16 ? 2 : -1;
}

/* A key inside a JSON string, its newlines escaped: a Google Cloud
 * service-account file's "private_key": "-----BEGIN PRIVATE
 * KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n".  k is just past the
 * BEGIN marker; returns the end of the escaped body and END marker (the
 * key's bytes, so that a redaction leaves none of them), or 0 when no
 * escaped newline follows the marker. */
static size_t pem_json_at(const unsigned char *t, size_t n, size_t k) {
  if (k + 2 > n || t[k] != '\\' || t[k + 1] != 'n') return 0;
  size_t end = k;
  while (k < n) {
    if (t[k] == '\\' && k + 1 < n && (t[k + 1] == 'n' || t[k + 1] == 'r' || t[k + 1] == '/')) {
      k += 2; /* "\/": JSON may escape the slashes of base64 */
      if (t[k - 1] == '/') end = k;
      continue;
    }
    if (is_alnum(t[k]) || t[k] == '+' || t[k] == '/' || t[k] == '=') {
      end = ++k;
      continue;
    }
    if (t[k] == '-' && k + 9 <= n && !memcmp(t + k, "-----END ", 9)) {
      size_t m = k + 9;
      while (m < n && m - k < 100 && (is_upper(t[m]) || t[m] == ' ')) m++;
      if (m + 5 <= n && !memcmp(t + m, "-----", 5)) end = m + 5;
    }
    break;
  }
  return end;
}

/* A key whose BEGIN line starts at i: emitted, and its end returned; 0
 * when none starts there. */
static size_t private_key_at(const unsigned char *t, size_t n, size_t i, det_emitter *e) {
  size_t k = pem_begin(t, n, i);
  if (!k) return 0;
  size_t end = pem_json_at(t, n, k);
  if (end) {
    emit(e, i, end);
    return end;
  }
  end = k;
  int body = 0;
  while (k < n) {
    size_t le = k, dash = 0;
    /* stop at the first "-----": reading on would let many markers on
     * one long line be read once per marker */
    while (le < n && t[le] != '\n') {
      if (t[le] == '-' && le + 5 <= n && !memcmp(t + le, "-----", 5)) {
        dash = le + 1;
        break;
      }
      le++;
    }
    size_t stop = dash ? dash - 1 : le;
    int kind = pem_line(t, k, stop);
    if (kind < 0 || (kind == 1 && body) || (kind == 0 && body && !dash)) break;
    if (kind == 2) {
      body = 1;
      end = stop;
      while (end > k && (t[end - 1] == ' ' || t[end - 1] == '\r' || t[end - 1] == '\t')) end--;
    }
    if (dash) {
      size_t d = dash - 1;
      if (d + 9 <= n && !memcmp(t + d, "-----END ", 9)) {
        size_t m = d + 9;
        while (m < n && m - d < 100 && t[m] != '\n' && !(t[m] == '-' && m + 5 <= n && !memcmp(t + m, "-----", 5)))
          m++;
        end = m + 5 <= n && !memcmp(t + m, "-----", 5) ? m + 5 : m;
        while (end > d && (t[end - 1] == '\r' || t[end - 1] == ' ')) end--;
      }
      break; /* END line, or the next block begins */
    }
    k = le + 1;
  }
  emit(e, i, end);
  return end;
}

/* A PuTTY private key file (.ppk, versions 2 and 3) pasted whole:
 * "PuTTY-User-Key-File-3: ssh-ed25519", then its "Name: value" headers
 * and base64 lines (Encryption, Comment, Public-Lines, Private-Lines,
 * Private-MAC), up to the first other line.  s is the 'P'. */
static size_t putty_key_at(const unsigned char *t, size_t n, size_t s, det_emitter *e) {
  static const char mark[] = "PuTTY-User-Key-File-";
  size_t ml = sizeof mark - 1;
  if (s + ml + 3 > n || memcmp(t + s, mark, ml) || !is_digit(t[s + ml]) || t[s + ml + 1] != ':') return 0;
  size_t end = s, k = s;
  for (int first = 1; k < n; first = 0) {
    size_t le = k;
    while (le < n && t[le] != '\n') le++;
    int kind = first ? 1 : pem_line(t, k, le);
    if (kind <= 0) break;
    end = le;
    while (end > k && (t[end - 1] == ' ' || t[end - 1] == '\r' || t[end - 1] == '\t')) end--;
    k = le + 1;
  }
  emit(e, s, end);
  return end;
}

static void scan_private_key(const unsigned char *t, size_t n, det_emitter *e) {
  for (size_t i = 0; i < n && !e->stop; i++) {
    const unsigned char *hy = memchr(t + i, '-', n - i);
    if (!hy) break;
    i = (size_t)(hy - t);
    /* the '-' after "PuTTY" starts a .ppk file at i - 5 */
    size_t end = i >= 5 && i - 5 >= e->last_end && t[i - 5] == 'P' ? putty_key_at(t, n, i - 5, e) : 0;
    if (!end) end = private_key_at(t, n, i, e);
    if (end > i + 1) i = end - 1;
  }
}


void det_kw_scan(int id, const unsigned char *t, size_t n, det_emitter *e) {
  switch (id) {
  case DET_INE: scan_ine(t, n, e); break;
  case DET_API_KEY: scan_api_key(t, n, e); break;
  case DET_PRIVATE_KEY: scan_private_key(t, n, e); break;
  case DET_PASSWORD: det_pw_scan(t, n, e); break;
  case DET_GRADE_TABLE: det_grade_scan(t, n, e); break;
  default: break;
  }
}

/* The triggers of the forms api_key_at, mailchimp_at and deepl_at test besides
 * api_keys' prefixes. */
static const struct {
  const char *w;
  unsigned flags;
} key_forms[] = {
    {"eyJ", DET_TRIG_START}, /* jwt_at */
    {"ewo", DET_TRIG_START},
    {"-us", 0}, /* mailchimp_at */
    {":fx", 0}, /* deepl_at */
};

/* Triggers come from the very tables the detectors test, folded as the
 * prefilter folds text (lower case, accents dropped), so every place a
 * detector can fire holds one: a keyword, a key prefix, a label.  The
 * flags say what the detector then requires around it. */
size_t det_trigger(int id, size_t k, char *buf, unsigned *flags) {
  const char *w = NULL;
  static const char *const ine_labels[] = {"ine", "identifiant national"};
  *flags = 0;
  switch (id) {
  case DET_PASSWORD: w = det_pw_trigger(k, flags); break;
  case DET_GRADE_TABLE: w = det_grade_trigger(k, flags); break;
  case DET_API_KEY: /* api_keys, then the forms below, then the names of detect_named.c, which test their own start */
    if (k < sizeof api_keys / sizeof *api_keys) {
      w = api_keys[k].prefix, *flags = DET_TRIG_START;
      break;
    }
    k -= sizeof api_keys / sizeof *api_keys;
    if (k < sizeof key_forms / sizeof *key_forms) {
      w = key_forms[k].w, *flags = key_forms[k].flags;
      break;
    }
    k -= sizeof key_forms / sizeof *key_forms;
    if (k < 30) { /* discord_at: "MT", "Mj", "Mz", and the third character of any id's base64 */
      buf[0] = 'm', buf[1] = "tjz"[k / 10], buf[2] = "aeimquycgk"[k % 10];
      *flags = DET_TRIG_START;
      return 3;
    }
    k -= 30;
    if (k < 10) { /* telegram_at: the id's last digit, ':', 'A' */
      buf[0] = (char)('0' + k), buf[1] = ':', buf[2] = 'a';
      return 3;
    }
    w = det_named_key_trigger(k - 10, flags);
    break;
  case DET_PRIVATE_KEY: /* pem_begin, putty_key_at */
    if (k == 0) w = "-----BEGIN ";
    else if (k == 1) w = "PuTTY-User-Key-File-";
    break;
  case DET_INE: /* "ine" is a whole word; "identifiant national" may stand anywhere */
    if (k < sizeof ine_labels / sizeof *ine_labels) w = ine_labels[k], *flags = k ? 0 : DET_TRIG_START | DET_TRIG_END;
    break;
  default: break;
  }
  return w ? norm_fold_str(w, strlen(w), buf) : 0;
}

void det_scan_at(int id, const char *text, size_t len, const uint32_t *pos, size_t npos, det_emit_fn fn, void *ud) {
  if (!text || !fn) return;
  const unsigned char *t = (const unsigned char *)text;
  det_emitter e = {fn, ud, 0, 0, NULL, len, 0};
  size_t tried = 0; /* INE: tokens starting below this were tried; grade_table: tables */
  for (size_t k = 0; k < npos && !e.stop; k++) {
    size_t i = pos[k], vs, end;
    if (i >= len || (k && pos[k - 1] == i)) continue;
    switch (id) {
    case DET_PASSWORD: /* the whole scan resumes after a value: so do we */
      if (i >= e.last_end && (end = det_pw_at(t, len, i, &vs))) emit(&e, vs, end);
      break;
    case DET_API_KEY:
      if (i < e.last_end) break;
      if (api_key_start(t, i) && (end = api_key_at(t, len, i))) emit(&e, i, end);
      else if (t[i] == '-' && (end = mailchimp_at(t, len, i, &vs))) emit(&e, vs, end);
      else if (t[i] == ':' && (end = deepl_at(t, len, i, &vs))) emit(&e, vs, end);
      else if (is_digit(t[i]) && (end = telegram_at(t, len, i, &vs))) emit(&e, vs, end);
      else if ((end = det_named_key_at(t, len, i, &vs))) emit(&e, vs, end);
      break;
    case DET_INE:
      if (i + 3 <= len && ine_label_at(t, len, i)) ine_after_label(t, len, i, &tried, &e);
      break;
    case DET_GRADE_TABLE:
      if (i >= tried && (end = det_grade_at(t, len, i, &e))) tried = end;
      break;
    case DET_PRIVATE_KEY: /* the whole scan resumes after a key */
      if (i < e.last_end) break;
      if (t[i] == 'P') putty_key_at(t, len, i, &e);
      else private_key_at(t, len, i, &e);
      break;
    default: det_scan(id, text, len, fn, ud); return;
    }
  }
}
