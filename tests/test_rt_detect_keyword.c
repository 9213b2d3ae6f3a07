/*
 * test_rt_detect_keyword.c — the detectors anchored on a keyword
 * (runtime/detect_keyword.c): INE after its label, provider API keys and
 * JWTs, PEM private keys; passwords after their keyword and in URLs
 * (runtime/detect_named.c; test_rt_detect_named.c has the rest); and, on generated text, that running
 * them only where the prefilter finds a trigger gives the spans of a
 * whole-text scan.
 *
 * Sources of test data (values only, no code):
 *   [ds]      Yelp/detect-secrets tests/plugins/<name>_test.py fixtures
 *             (aws_key, github_token, stripe_key, slack, openai, gitlab_token,
 *             jwt, private_key, keyword).
 *   [gl]      gitleaks/gitleaks cmd/generate/config/rules/<name>.go true/false
 *             positives (anthropic, openai, aws, slack, huggingface, gcp).
 *   [ine]     INE shapes validated by beta.gouv.fr's "Santé Psy Étudiant"
 *             (RNIE, BEA, base 36, SIFA) and api-particulier's ValidateINE
 *             spec ("123456789AA", "1234567890A", "AAAAAAAAAA1").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/detect.h"
#include "runtime/normalize.h"
#include "tests/detect_helpers.h"

/* ------------------------------------------------------------------- INE */

static void test_ine(void **state) {
  (void)state;
  /* [ine] shapes */
  assert_true(det_ine_valid("123456789AA", 11));  /* RNIE */
  assert_true(det_ine_valid("123456789JK", 11));
  assert_false(det_ine_valid("123456789II", 11)); /* I is not a key letter */
  assert_false(det_ine_valid("123456789LM", 11)); /* RNIE letters stop at K */
  assert_true(det_ine_valid("1234567890A", 11));  /* BEA */
  assert_false(det_ine_valid("1234567890O", 11)); /* O, I, Q are not used */
  assert_true(det_ine_valid("AAAAAAAAAA1", 11));  /* base 36 */
  /* [ine] the service's test suite (test/utils/validateINE.spec.ts):
   * every value it holds valid, and those it refuses for their shape
   * (it also refuses lower case, which a prompt's author may well type:
   * Charter reads the shapes case-blind) */
  static const char *const spec_ok[] = {
      "123456789AB", "000000000AH", "123456789JK", "123456789KA", "1234567890A", "1234567890Z",
      "1234567890N", "1234567890R", "12345678901", "A2B4C6D8E05", "AAAAAAAAAA5", "1234A56789B",
      "0000A00000Z", "1234A56789N", "1234D56789B", "1234d56789B", "0000D00000A",
  };
  static const char *const spec_bad[] = {
      "123456789II", "123456789AL", "1234567890I", "1234567890O", "A2B4C6D8E0A", "1234B56789C",
      "1234A56789I", "1234A56789O", "123A456789B", "1234D56789I", "1234E56789B", "123456789@#",
  };
  for (size_t i = 0; i < N_OF(spec_ok); i++)
    if (!det_ine_valid(spec_ok[i], 11)) fail_msg("INE %s refused", spec_ok[i]);
  for (size_t i = 0; i < N_OF(spec_bad); i++)
    if (det_ine_valid(spec_bad[i], 11)) fail_msg("INE %s accepted", spec_bad[i]);
  assert_int_equal(detect(DET_INE, "INE : 12345678901", "12345678901"), 1);
  assert_true(det_ine_valid("1234A12345F", 11));  /* SIFA (apprentices) */
  assert_true(det_ine_valid("1234D12345F", 11));  /* provisional */
  assert_false(det_ine_valid("1234567890", 10));
  assert_false(det_ine_valid("12345 6789A", 11));
  assert_int_equal(detect(DET_INE, "INE : 1234567890A", "1234567890A"), 1);
  assert_int_equal(detect(DET_INE, "n\xc2\xb0 INE 123456789AB.", "123456789AB"), 1);
  assert_int_equal(detect(DET_INE, "INE-BEA : 0123456789F", "0123456789F"), 1);
  assert_int_equal(detect(DET_INE, "Identifiant national \xc3\xa9tudiant : 1234A12345F", "1234A12345F"), 1);
  /* a second label inside the first one's reach carries the scan further
   * (fuzz_detect found the trigger path dropping it) */
  assert_int_equal(detect(DET_INE, "INE x INE : 1234567890A mots de remplissage ici   0123456789F", NULL), 2);
  /* no label, or a label too far away, or not a whole word */
  expect_none(DET_INE, "ref 1234567890A");
  expect_none(DET_INE, "INE : la valeur est plus loin dans ce texte, voici 1234567890A");
  expect_none(DET_INE, "routine 1234567890A");
  expect_none(DET_INE, "INE : 1234567890AB");
}

/* A class list pasted as a table: "INE" in the header row labels its
 * column down to the first blank line, in CSV (French Excel's ';' and
 * ','), TSV (a spreadsheet's copy) and markdown; every row is found, the
 * tenth as the first. */
static void test_ine_in_a_table(void **state) {
  (void)state;
  static const char *const heads[] = {"Nom;Pr\xc3\xa9nom;INE;Note\n", "nom,prenom,\"ine\",note\r\n",
                                      "Nom\tPr\xc3\xa9nom\tINE\tNote\n", "| Nom | Pr\xc3\xa9nom | INE | Note |\n|---|---|---|---|\n"};
  static const char *const rows[] = {"Dupont;Jean;%s;12\n", "Dupont,Jean,\"%s\",12\r\n", "Dupont\tJean\t%s\t12\n",
                                     "| Dupont | Jean | %s | 12 |\n"};
  static const char *const ines[] = {"1234567890A", "123456789AB", "1234A12345F", "0987654321F", "12345678901"};
  for (size_t h = 0; h < N_OF(heads); h++) {
    char t[4096];
    size_t n = (size_t)snprintf(t, sizeof t, "Voici ma liste :\n%s", heads[h]);
    for (int r = 0; r < 40; r++) n += (size_t)snprintf(t + n, sizeof t - n, rows[h], ines[r % N_OF(ines)]);
    if (detect_in(DET_INE, t, n, NULL) != 40) fail_msg("table %zu: %d of 40 rows", h, detect_in(DET_INE, t, n, NULL));
  }
  /* after the table's blank line, and cells with more than an INE: no label */
  assert_int_equal(detect(DET_INE, "Nom;INE\nA;1234567890A\n\nplus loin, une autre ligne de texte ordinaire;0987654321F\n", NULL), 1);
  assert_int_equal(detect(DET_INE, "Nom;INE\nA;1234567890A\nB;ref 0987654321F\nC;0987654321F2\n", NULL), 1);
  /* a markdown header in bold */
  assert_int_equal(detect(DET_INE, "| **INE** | **Nom** |\n|---|---|\n| 1234567890A | A |\n| 0987654321F | B |\n", "1234567890A"), 2);
  /* "INE" alone on its line, or a word in a sentence, is no header */
  expect_none(DET_INE, "INE\nquelques mots de texte pour aller bien plus loin que sa port\xc3\xa9" "e 1234567890A");
  expect_none(DET_INE, "la routine, la mine, l'INE et le reste de la phrase qui va bien plus loin que sa fen\xc3\xaatre;1234567890A");
}

/* -------------------------------------------------------------- API keys */

static void test_api_keys_found(void **state) {
  (void)state;
  static const char *const ok[] = {
      /* [ds] openai_test, [gl] openai.go */
      "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",
      "sk-proj-Xi8tdMjHV6pmbBbwilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o",
      "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",
      "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",
      "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",
      /* [gl] anthropic.go */
      "sk-ant-api03-abc123xyz-456def789ghij-klmnopqrstuvwx-3456yza789bcde-1234fghijklmnopby56aaaogaopaaaabc123xyzAA",
      "sk-ant-admin01-abc12fake-456def789ghij-klmnopqrstuvwx-3456yza789bcde-12fakehijklmnopby56aaaogaopaaaabc123xyzAA",
      /* [gl] slack.go (slack-webhook-url), grafana.go, aws.go (Bedrock) */
      "hooks.slack.com/services/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", /* the span leaves "https://" */
      "hooks.slack.com/workflows/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",
      "glc_eyJvIjoiMTIzNDU2IiwibiI6InN0YWNrLTEyMzQtaGwtd3JpdGUtdG9rZW4iLCJrIjoiYWJjZGVm",
      "ABSKQmVkcm9ja0FQSUtleS1pbmZlcmVuY2UtYXQtMTIzNDU2Nzg5MDEyOjEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2Nzg5MGFi",
      /* [gl] aws.go, AWS documentation example */
      "AKIALALEMEL33243OLIB", "AKIAIOSFODNN7EXAMPLE",
      /* [ds] github_token_test */
      "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",
      /* GitHub's longer installation token (2026; trufflehog's fixture) */
      "ghs_RWGUZ6kS8_Ut7PbtR72k2miJwwYtxkpe8mOpT8feAWYZcwz43PxBVGCNATnycaQV9VUlPJe1uST5Xen7d3uZ5lilVlEVvT9AbxnhURdT3OzPt"
      "CvXydIrvE4LrDO",
      "ghs_123456789_eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjM0NTYiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlX2hlcmVfYWJjZGVm",
      /* [ds] stripe_key_test, [gl] stripe.go */
      "sk_live_ReTllpYQYfIZu2Jnf2lAPFjD", "rk_live_5TcWfjKmJgpql9hjpRnwRXbT",
      "sk_test_51OuEMLAlTWGaDypq4P5cuDHbuKeG4tAGPYHJpEXQ7zE8mKK3jkhTFPvCxnSSK5zB5EQZrJsYdsatNmAHGgb0vSKD00GTMSWRHs",
      /* [ds] slack_test, [gl] slack.go */
      "xoxp-523423-234243-234233-e039d02840a0b9379c", "xoxb-34532454-e039d02840a0b9379c",
      "xoxa-2-511111111-31111111111-3111111111111-e039d02840a0b9379c",
      "xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD",
      "xoxp-41684372915-1320496754-45609968301-e708ba56e1517a99f6b5fb07349476ef",
      "xapp-1-A052FGTS2DL-5171572773297-610b6a11f4b7eb819e87b767d80e6575a3634791acb9a9ead051da879eb5b55e",
      /* [ds] gitlab_token_test */
      "glpat-hellOworld380_testin", "gldt-HwllOuhfw-wu0rlD_yep",
      /* [gl] huggingface.go */
      "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", "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",
      "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",
      /* [gl] perplexity.go */
      "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",
      /* bodies drawn at random in the forms of gitleaks' config/gitleaks.toml
       * (openrouter: kingfisher's rule; groq, xai: kingfisher and
       * noseyparker; npm-access-token, pypi-upload-token, sendgrid-api-token,
       * shopify-access-token, digitalocean-pat, linear-api-key,
       * notion-api-token, grafana-service-account-token, postman-api-token,
       * vault-service-token, age-secret-key) and DeepSeek's sk- + 32 hex */
      "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",
      "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",
      "xai-XsiVpzz63FfkCzJr4i0B3JrTAwR4y9ojfljoQoaF1LlqsajAIxNKu8iS2G8NPRVdD53X83RZJzzzzgEO",
      "r8_zdmenCkhvMdgaKjIg8xNbe3nNyjOq9wMxEhh2", "npm_FDEEtfjgVvVqE1SkHbn88HxjSI6bWHtP3fS2",
      "pypi-AgEIcHlwaS5vcmcHUvTCQCyEZDz_TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY-uCu3ZR1zTOlUc",
      "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",
      "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",
      "dop_v1_558e08baa7196b50ac2f86702824c1c099724caf4941d4072014b3ce107f80e2",
      "lin_api_V7G5IfQHeVVEqZe2qpUWnoVPDF2yeE6RsXcNOPme", "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",
      "glsa_687neLfjVHq8xiM0OGr4hTxoF54Fzbka_fec94dbc",
      "PMAK-a3a0aac36098b2cc2bd81831-9478da6bd0c621de49f145fda9988c79fc",
      "hvs.pvujA-C5Q52ryFlwRlOEVHzc0X0AWIRh-JUqBlIFXZ53Ncqe28_ajY75FnCttn6kfaqDeMqG3omjMyXHCabM6JOF8EFd0Nh",
      "hvb.PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr3J1TWDtkwtDDb_"
      "xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjA",
      "AGE-SECRET-KEY-1PVL69SWMHWLZ46HEVQJYDLVNVWAWSJXLTWL6RFERDPF6RRTEU58924VTAZ",
      "sk-9cbae530282bd36cb9d21f6be6abf0d7",
      /* Google API key shape (AIza + 35) */
      "AIzaSyA1234567890abcdefghijklmnopqrstuv",
      /* [ds] jwt_test */
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      "eyJ0eXAiOiJKV1QiLA0KImFsZyI6IkhTMjU2In0.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
  };
  for (size_t i = 0; i < N_OF(ok); i++) expect_found(DET_API_KEY, ok[i]);
  /* inside JSON, a prompt, an env file */
  assert_int_equal(detect(DET_API_KEY, "{\"key\":\"sk_live_ReTllpYQYfIZu2Jnf2lAPFjD\"}", "sk_live_ReTllpYQYfIZu2Jnf2lAPFjD"), 1);
  assert_int_equal(detect(DET_API_KEY, "OPENAI_API_KEY=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\nAWS=AKIAIOSFODNN7EXAMPLE", NULL), 2);
  /* keys in context, each with the span it must give.  Mailchimp: the
   * fixed part last ("-us" and the data centre), as keys appear in public
   * code: a constructor's argument, an SQL row, a curl user:password, a
   * prompt */
  static const struct {
    const char *text, *key;
  } in_context[] = {
      {"$MailChimp = new MailChimp('95674f86056712a4430727efa4c565a2-us12'); // put your API key here",
       "95674f86056712a4430727efa4c565a2-us12"},
      {"(23, 'mailchimp_api_key', 'text', 'ac4bb16a6fae70f2490e02587513ec8a-us12', '', 1)",
       "ac4bb16a6fae70f2490e02587513ec8a-us12"},
      {"curl_setopt($ch, CURLOPT_USERPWD, 'ThomasMoreMC:93f057ecc0c9b3c60b9946407b27143e-us12');",
       "93f057ecc0c9b3c60b9946407b27143e-us12"},
      {"Ma cl\xc3\xa9 Mailchimp est 3e4430d3e27ec1ef3418035718e028cc-us6, pourquoi l'API refuse ?",
       "3e4430d3e27ec1ef3418035718e028cc-us6"},
      /* Telegram bot tokens: the id, ':', 'A' + 33 or 34 (Telegram's
       * example; gitleaks' telegram.go true positives: a Telegraf
       * constructor, .env, YAML), and in the Bot API's URL; Discord bot
       * tokens ([ds] discord_test: Discord's documentation; a 19-digit id
       * with a 38-character HMAC); Databricks and Google OAuth client
       * secrets */
      {"const bot = new Telegraf(\"110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\")",
       "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"},
      {"TELEGRAM_API_TOKEN = 5812345678:AUMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5\n",
       "5812345678:AUMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5"},
      {"telegram bot: 12345:AUMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5", "12345:AUMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5"},
      {"curl https://api.telegram.org/bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",
       "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"},
      {"client.run('MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs')",
       "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"},
      {"bot.run(\"MTM5MjE0ODUyNzM2NDE4NzIxNg.PtYgjm.UhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76\")",
       "MTM5MjE0ODUyNzM2NDE4NzIxNg.PtYgjm.UhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76"},
      {"DATABRICKS_TOKEN dapi9cb0eb53f16947ccf25ec84d8dbc7425-2 ok", "dapi9cb0eb53f16947ccf25ec84d8dbc7425-2"},
      {"\"client_secret\": \"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\"", "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"},
      /* the tools of students' AI projects, by gitleaks' and the
       * providers' formats (made-up bodies): LangSmith, Pinecone, Brevo,
       * Docker Hub, Sentry, New Relic, Square, Supabase, PlanetScale,
       * Doppler, Pulumi, Contentful, Dynatrace, Alibaba, ElevenLabs, and
       * DeepL's free keys (its documentation's example), none named */
      {"client = Client(\"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\")",
       "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"},
      {"Pinecone(\"pcsk_7Hq2Xd_Tn4Rk9WbLm3Vc8Yp1Zs6Qf0Jg5Ua2Ne7Kd4Mh9Bx3Wr8Lt1Cy6Pv0Gz5Ds2Fj7Ak4Oe9Sn3Iu\")",
       "pcsk_7Hq2Xd_Tn4Rk9WbLm3Vc8Yp1Zs6Qf0Jg5Ua2Ne7Kd4Mh9Bx3Wr8Lt1Cy6Pv0Gz5Ds2Fj7Ak4Oe9Sn3Iu"},
      {"\"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\";",
       "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"},
      {"echo dckr_pat_Q7wErTy8uIoP3aSdFg_Hj5KlZx2 | docker login", "dckr_pat_Q7wErTy8uIoP3aSdFg_Hj5KlZx2"},
      {"(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)",
       "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"},
      {"cl\xc3\xa9 NRAK-7QW3ER5TY8UI2OP4AS6DF9GH1JK.", "NRAK-7QW3ER5TY8UI2OP4AS6DF9GH1JK"},
      {"sq0atp-Zk3Lm9Pq2Rs7Tv4Wx8Yb1C", "sq0atp-Zk3Lm9Pq2Rs7Tv4Wx8Yb1C"},
      {"sq0csp-Zk3Lm9Pq2Rs7Tv4Wx8Yb1Cd5Ef6Gh7Ij8Kl9Mn0Op1Q", "sq0csp-Zk3Lm9Pq2Rs7Tv4Wx8Yb1Cd5Ef6Gh7Ij8Kl9Mn0Op1Q"},
      {"EAAAEOuLQObrVwJvCvoio3H13b8Ssqz1ighmTBKZvIENW9qxirHGHkqsGcPBC1uN", "EAAAEOuLQObrVwJvCvoio3H13b8Ssqz1ighmTBKZvIENW9qxirHGHkqsGcPBC1uN"},
      {"supabase login --token sbp_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d", "sbp_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d"},
      {"pscale_tkn_Zk3Lm9Pq2Rs7Tv4Wx8Yb1Cd5Ef6Gh7Ij8Kl9Mn0Op1Q", "pscale_tkn_Zk3Lm9Pq2Rs7Tv4Wx8Yb1Cd5Ef6Gh7Ij8Kl9Mn0Op1Q"},
      {"dp.pt.Zk3Lm9Pq2Rs7Tv4Wx8Yb1Cd5Ef6Gh7Ij8Kl9Mn0Op1Q", "dp.pt.Zk3Lm9Pq2Rs7Tv4Wx8Yb1Cd5Ef6Gh7Ij8Kl9Mn0Op1Q"},
      {"pulumi login pul-0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d", "pul-0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d"},
      {"CFPAT-Zk3Lm9Pq2Rs7Tv4Wx8Yb1Cd5Ef6Gh7Ij8Kl9Mn0Op1Q", "CFPAT-Zk3Lm9Pq2Rs7Tv4Wx8Yb1Cd5Ef6Gh7Ij8Kl9Mn0Op1Q"},
      {"dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
       "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"},
      {"LTAI5tZk3Lm9Pq2Rs7Tv4Wx8", "LTAI5tZk3Lm9Pq2Rs7Tv4Wx8"},
      {"ElevenLabs(sk_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071)", "sk_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071"},
      {"deepl.Translator(\"279a2e9d-83b3-c416-7e2d-f721593e42a0:fx\")", "279a2e9d-83b3-c416-7e2d-f721593e42a0:fx"},
      {"cl\xc3\xa9 DeepL 1F2E3D4C-5B6A-7988-A0B1-C2D3E4F5A6B7:fx", "1F2E3D4C-5B6A-7988-A0B1-C2D3E4F5A6B7:fx"},
  };
  for (size_t i = 0; i < N_OF(in_context); i++)
    assert_int_equal(detect(DET_API_KEY, in_context[i].text, in_context[i].key), 1);
}

static void test_api_keys_not_found(void **state) {
  (void)state;
  static const char *const bad[] = {
      "sk-learn is a library", "sk-", "task-force",
      "https://hooks.slack.com/services/", "hooks.slack.com/services/T0DCUJB1Q/B0DD", /* no secret yet */
      "glc_short", "ABSKshort1",
      "sk-proj-Xi8tdMjHV6pmbBbwilTeT4BlbkFJ3UDnp_x",        /* too short */
      "akiazzzzzzzzzzzzzzzz", "AKIAZZZ",                     /* [ds] aws_key_test */
      "AKIAZZZZZZZZZZZZZZZZ",    /* [ds] flags it; a placeholder here (no distinct characters) */
      "AKIAIOSFODNN7EXAMPLE1", "AKIAIOSFODNN8EXAMPLE",       /* 21 chars; 8 is not base32 */
      "foo_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx",            /* [ds] */
      "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",            /* [gl] placeholder */
      "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Y",           /* 37 */
      "pk_live_j5krY8XTgIcDaHDb3YrsAfCl", "sk_live_",        /* [ds] stripe */
      "task_test_abcdefghij0123456789",                      /* [gl] stripe fps */
      "glpat-hellOWorld380 testin", "glpat_hellOworld380_testin", /* [ds] gitlab */
      "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",               /* [gl] */
      "pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", /* [gl] */
      "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",             /* [gl] gcp fps */
      "xoxb-xoxb-my-bot-token",                              /* [gl] slack fps */
      /* the newer prefixes in words, cut short, or as placeholders */
      "xai-grok", "gsk_9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4", "npm_install", "SG.com",
      "sk-or-v1-a4c123b1612dd272d1371c17149d439536b3216fdaeeb975729fae923d5a4fd", /* 63 */
      "dop_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "r8_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "hvs.CAESIJ", "hvb.AAEAAx3_short", "AGE-SECRET-KEY-1",
      /* [ds] jwt_test negatives */
      "{\"alg\":\"HS256\",\"typ\":\"JWT\"}.{\"name\":\"Jon Doe\"}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      "bm90X3ZhbGlkX2pzb25fYXRfYWxs.bm90X3ZhbGlkX2pzb25fYXRfYWxs.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "eyJAAAA.eyJBBB", "eyJBB.eyJCC.eyJDDDD",
      "eyJhbasdGciOiJIUaddasdasfsasdasdzI1NiIasdsInR5cCI6IkpXVCasdJasd9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  };
  for (size_t i = 0; i < N_OF(bad); i++) expect_none(DET_API_KEY, bad[i]);
  /* a key glued to a longer token is not reported */
  expect_none(DET_API_KEY, "x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");
  assert_int_equal(detect(DET_API_KEY, "token ghs_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx.", "ghs_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx"), 1);
  expect_none(DET_API_KEY, "ghs_wWPw5k4aXcaT4fNP0UcnZw.JUVF"); /* 31 */
  expect_none(DET_API_KEY, "my-sk_live_ReTllpYQYfIZu2Jnf2lAPFjD");
  /* Mailchimp's shape, almost */
  static const char *const mc_bad[] = {
      "{ value: 'SHOE-US12', label: 'US 12 / UK 11' }", "lang=en-us1", "non-us citizens",
      "95674f86056712a4430727efa4c565a2-usa",   /* no data centre */
      "95674f86056712a4430727efa4c565a2-us123", /* three digits */
      "95674F86056712A4430727EFA4C565A2-us12",  /* upper case: not Mailchimp's */
      "5674f86056712a4430727efa4c565a2-us12",   /* 31 hex */
      "x95674f86056712a4430727efa4c565a2-us12", /* glued to a longer token */
      "12345678901234567890123456789012-us1",   /* digits only */
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-us1",   /* letters only */
  };
  for (size_t i = 0; i < N_OF(mc_bad); i++) expect_none(DET_API_KEY, mc_bad[i]);
  static const char *const forms_bad[] = {
      /* [gl] telegram.go false positives: ids of 4 and 17 digits, an XSD
       * type, bodies with a prefix or a suffix (after a name, api_token, such a
       * value is a token all the same: detect_named.c) */
      "telegram: 1234:AUMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5",
      "telegram: 12345678901234567:AUMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5",
      "<xsd:element name=\"AgencyIdentificationCode\" type=\"clm12345:AgencyIdentificationCodeContentType\"/>",
      "telegram = \"12345678:AhelloUMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5\"",
      "telegram = \"12345678:AUMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5hello\"",
      "12:34:AAAA", "t=110201543:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* a clock; a placeholder */
      /* [ds] discord_test negatives, and Discord's shape around ids that
       * are not digits (GitGuardian's made-up example) or cut */
      "MZ1yGvKTj0rY0cV8i47CjAa.uHQPq.Xb1Mk2nEhe-4icrGOuegj57zMC",
      "MZ1yGvKTjE0rY0cV8i47CjAa.uRHQPq.Xb1Mk2nEhe-4iUcrGOuegj57zMC",
      "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKW",  /* HMAC of 26 */
      "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FM.ZnCjm1XVW7vRze4b7Cq4se7kKWs",  /* 5 in the middle */
      "xMTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs", /* glued */
      "dapi_is_a_word", "GOCSPX-short", "dapixxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      /* a body one short, glued, or a UUID whose ":fx" is cut or glued */
      "sk_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607", "task_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071",
      "dckr_pat_Q7wErTy8uIoP3aSdFg_Hj5KlZx", "LTAIabcdefghijklmnopqrst", "pul-0a1b2c3d",
      "279a2e9d-83b3-c416-7e2d-f721593e42a0", "279a2e9d-83b3-c416-7e2d-f721593e42a0:fxy",
      "x279a2e9d-83b3-c416-7e2d-f721593e42a0:fx", "279a2e9d-83b3-c416-7e2d-f721593e42ag:fx",
      "00000000-0000-0000-0000-000000000000:fx", "279a2e9d_83b3-c416-7e2d-f721593e42a0:fx",
  };
  for (size_t i = 0; i < N_OF(forms_bad); i++) expect_none(DET_API_KEY, forms_bad[i]);
}

/* ---------------------------------------------------------- private keys */

static void test_private_keys(void **state) {
  (void)state;
  /* [ds] private_key_test (body is base64 of a phrase, not a real key) */
  static const char rsa[] =
      "-----BEGIN RSA PRIVATE KEY-----\n"
      "c3VwZXIgZHVwZXIgc2VjcmV0IHBhc3N3b3JkLCBzdXBlciBkdXBlciBzZ\n"
      "WNyZXQgcGFzc3dvcmQhMTIzNCMkJQpzdXBlciBkdXBlciBzZWNyZXQgcGFzc3"
      "dvcmQsIHN1cGVyIGR1cGVyIHNlY3JldCBwYXNzd29yZCExMjM0IyQlCgo=\n"
      "-----END RSA PRIVATE KEY-----";
  assert_int_equal(detect(DET_PRIVATE_KEY, rsa, rsa), 1);
  char t[1024];
  snprintf(t, sizeof t, "some text here\n%s\nmore text", rsa);
  assert_int_equal(detect(DET_PRIVATE_KEY, t, rsa), 1);
  /* a PuTTY key file (.ppk v3, as puttygen writes it; the bytes are not a
   * key), pasted between two sentences: the whole file is the span */
  static const char ppk[] = "PuTTY-User-Key-File-3: ssh-ed25519\n"
                            "Encryption: none\n"
                            "Comment: eddsa-key-20240101\n"
                            "Public-Lines: 2\n"
                            "AAAAC3NzaC1lZDI1NTE5AAAAIGnlbSKPEuLFeUxgAAAAC3NzaC1lZDI1NTE5AAAAIGnl\n"
                            "bSKPEuLFeUxg\n"
                            "Private-Lines: 1\n"
                            "AAAAIGnlbSKPEuLFeUxgAAAAIGnlbSKPEuLFeUxgAAAAIGnlbSKP\n"
                            "Private-MAC: 5b1f0ad4f0e4e5a1c2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5";
  snprintf(t, sizeof t, "Voici ma cl\303\251 :\n%s\n\nPourquoi PuTTY la refuse ?", ppk);
  assert_int_equal(detect(DET_PRIVATE_KEY, t, ppk), 1);
  expect_none(DET_PRIVATE_KEY, "Le format PuTTY-User-Key-File-3 est-il s\303\273r ?");
  expect_none(DET_PRIVATE_KEY, "putty-user-key-file-2: ssh-rsa"); /* the marker is written in its case */
  static const char *const ok[] = {
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\r\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\r\n-----END ENCRYPTED PRIVATE KEY-----",
      "-----BEGIN DSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,2A3F\n\nMIIBuwIBAAKBgQ\n-----END DSA PRIVATE KEY-----",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0AAAAB\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----",
      /* flattened onto one line by a chat box */
      "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC BKcwggSjAgEAAoIBAQ -----END PRIVATE KEY-----",
  };
  for (size_t i = 0; i < N_OF(ok); i++) assert_int_equal(detect(DET_PRIVATE_KEY, ok[i], ok[i]), 1);
  /* cut before its END line: the span covers the body, not the prose after */
  assert_int_equal(detect(DET_PRIVATE_KEY,
                          "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nc3VwZXIgZHVwZXI=\n\nMerci de ne pas partager.",
                          "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nc3VwZXIgZHVwZXI="),
                   1);
  assert_int_equal(detect(DET_PRIVATE_KEY, "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nvoici la suite",
                          "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA"),
                   1);
  /* a Google Cloud service-account file: the key in a JSON string, its
   * newlines (and, from some encoders, its slashes) escaped; the span is
   * the whole key, so that a redaction leaves none of it */
  assert_int_equal(detect(DET_PRIVATE_KEY,
                          "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0B"
                          "\\nAQEFAASCBKcwggSjAgEAAoIB\\/+xyz=\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"x\"}",
                          "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0B\\nAQEFAASCBKcwggSjAgEAAoIB\\/+xyz=\\n"
                          "-----END PRIVATE KEY-----"),
                   1);
  /* cut inside the JSON string: through the body's last character */
  assert_int_equal(detect(DET_PRIVATE_KEY, "\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEvQIBADAN\\nBgkq\", \"a\"",
                          "-----BEGIN RSA PRIVATE KEY-----\\nMIIEvQIBADAN\\nBgkq"),
                   1);
  expect_none(DET_PRIVATE_KEY, "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----");
  expect_none(DET_PRIVATE_KEY, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
  expect_none(DET_PRIVATE_KEY, "-----BEGIN PRIVATE KEY");
  expect_none(DET_PRIVATE_KEY, "what is a -----BEGIN RSA PUBLIC KEY----- block?");
  /* two blocks: two spans */
  assert_int_equal(detect(DET_PRIVATE_KEY,
                          "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n"
                          "-----BEGIN EC PRIVATE KEY-----\nMHcD\n-----END EC PRIVATE KEY-----",
                          NULL),
                   2);
}

/* ------------------------------------------------------------- passwords */

static void test_passwords(void **state) {
  (void)state;
  static const char hope[] = "{{h}o)p${e]nob(ody[finds>-_$#thisone}}";
  /* [ds] keyword_test positives (quoted, or assignments) */
  static const char *const ds[] = {
      "the_password= \"{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"\n",
      "the_password='{{h}o)p${e]nob(ody[finds>-_$#thisone}}'\n",
      "\"password\": \"{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"",
      "my_password = \"{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"",
  };
  for (size_t i = 0; i < N_OF(ds); i++) assert_int_equal(detect(DET_PASSWORD, ds[i], hope), 1);
  static const struct {
    const char *text, *value;
  } ok[] = {
      {"password=Tr0ub4dor&3x", "Tr0ub4dor&3x"},
      {"mot de passe : Soleil2024!", "Soleil2024!"},
      {"Mot de passe\xc2\xa0: Soleil2024!", "Soleil2024!"},
      {"mdp: azerty123", "azerty123"},
      {"MDP = hunter2", "hunter2"},
      {"password is hunter2.", "hunter2"},
      {"mon mot de passe est Soleil2024", "Soleil2024"},
      {"DB_PASSWORD=s3cr3t-Value", "s3cr3t-Value"},
      {"spring.datasource.password: P4ssw0rd", "P4ssw0rd"},
      {"pwd := \"correct horse battery staple\"", "correct horse battery staple"},
      {"passwd=azerty", "azerty"},
      {"pass=azerty12", "azerty12"},
      {"Passwort: Geheim123", "Geheim123"},
      {"mot de passe : \xc2\xab Soleil2024 \xc2\xbb", NULL},
      /* [ds] keyword_test: the keyword inside an identifier */
      {"DB_PASSWORD_PROD = \"Tr0ub4dor&3\"", "Tr0ub4dor&3"},
      {"password_super_secure = \"m{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"",
       "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"},
      {"my_password_secure = \"s3cr3t!!\"", "s3cr3t!!"},
      {"db_password_prod: Xk9#mm2Lq", "Xk9#mm2Lq"},
      {"password                 = \"aligned-Value1\"", "aligned-Value1"},
      /* one word naming which password, then a colon */
      {"Mon mot de passe ENT : Azerty123!", "Azerty123!"},
      {"mot de passe wifi : Livebox-1234", "Livebox-1234"},
      {"mot de passe provisoire : Xk9#mm2L", "Xk9#mm2L"},
      {"password wifi: hunter22", "hunter22"},
      {"SMTP_PASS: Xk29fLq0Zp7", "Xk29fLq0Zp7"}, /* "pass" with a colon inside a name */
      {"db_pass: hunter22", "hunter22"},
      /* an AWS secret access key by its name (gitleaks, ~/.aws/credentials, sts) */
      {"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
      {"AWS_SECRET_ACCESS_KEY=Xk9mQ2LpR7vT1wZ4yB6nC8dF0gH3jK5sM7aP9eU2", "Xk9mQ2LpR7vT1wZ4yB6nC8dF0gH3jK5sM7aP9eU2"},
      {"\"SecretAccessKey\": \"Xk9mQ2LpR7vT1wZ4yB6nC8dF0gH3jK5sM7aP9eU2\",", "Xk9mQ2LpR7vT1wZ4yB6nC8dF0gH3jK5sM7aP9eU2"},
      /* up to five words, then a colon or est/is */
      {"mot de passe de la salle : Info#2024", "Info#2024"},
      {"le mot de passe de la salle info est Info#2024", "Info#2024"},
      {"Le mot de passe d'acc\xc3\xa8s au serveur : Xk9#mm2L", "Xk9#mm2L"},
      {"the password for the exam is Exam2024!", "Exam2024!"},
      {"the password of my account is \"soleil\"", "soleil"},
  };
  for (size_t i = 0; i < N_OF(ok); i++) assert_int_equal(detect(DET_PASSWORD, ok[i].text, ok[i].value), 1);
  static const char *const bad[] = {
      "mot de passe oubli\xc3\xa9",          /* no assignment */
      "mot de passe : oubli\xc3\xa9",        /* an ordinary word */
      "password: voir",
      "password is incorrect",
      "Mot de passe : Demander",
      "my_password = \"\"",                  /* [ds] negatives */
      "my_password = ''",
      "my_password = foo(hey)you",
      "my_password = request.json_body['hey']",
      "my_password = True",
      "password: ${link}",
      "password=********",
      "password: <password>",
      "pass Navigo : 86 euros",              /* "pass" only as pass= */
      "pass: 2024-A",                        /* ... or inside a name */
      "passwords: 12345678",                 /* not the keyword */
      "password = \"unterminated",
      "mdp: n/a",
      /* an identifier about a password, not one */
      "PASSWORD_MIN_LENGTH = 12345",
      "password_hash = \"$2b$12$abcdefghijklmnopqrstuv\"",
      "PASSWORD_RESET_URL = \"https://x.fr/reset\"",
      "AUTH_PASSWORD_VALIDATORS = \"strict-Mode1\"",
      "PASSWORD_PROD is Xk9#mm2Lq",            /* an identifier takes an assignment */
      "passwordx_super = \"s3cr3t!!\"",
      "password manager: KeePassXC",            /* a word about passwords */
      "mot de passe oubli\xc3\xa9 : Cliquez2fois",
      "Le mot de passe ENT : voir la notice",
      /* several words naming which password, then something else than
       * a value, or a word about the password */
      "le mot de passe de la salle est affich\xc3\xa9 au tableau",
      "The password for your account must be 12 characters",
      "the password of the exam was changed: ask",
      "le mot de passe du compte a 8 caract\xc3\xa8res : X1",
      "the password policy for students is: 12chars",
      "mot de passe de la salle info de l'UFR sciences est Info#2024", /* six words */
  };
  for (size_t i = 0; i < N_OF(bad); i++) expect_none(DET_PASSWORD, bad[i]);
  /* credentials in a URL: detect-secrets' basic_auth_test (positive and
   * negatives), and the connection strings a student pastes */
  assert_int_equal(detect(DET_PASSWORD, "https://username:password@yelp.com", "password"), 1);
  assert_int_equal(detect(DET_PASSWORD, "postgres://admin:Sup3rS3cret@db.univ.fr:5432/notes", "Sup3rS3cret"), 1);
  assert_int_equal(detect(DET_PASSWORD, "mongodb+srv://app:Xk9mq2LpQ@cluster0.abcde.mongodb.net/db", "Xk9mq2LpQ"), 1);
  assert_int_equal(detect(DET_PASSWORD, "REDIS_URL=redis://:p4ssw0rd@cache:6379/0", "p4ssw0rd"), 1);
  static const char *const url_bad[] = {
      "http://localhost:5000/<%= @variable %>", "\"https://url:8000\";@something else",
      "'https://url:8000';@something else", "https://url:8000 @something else", "https://url:8000/ @something else",
      "https://www.example.com/a:b@c", "postgres://admin:****@db", "postgres://admin:$PGPASS@db", "x://u:pw@h",
      "://user:secret@host", "cvs://:pserver:anoncvs@sources.redhat.com:/cvs/src",
  };
  for (size_t i = 0; i < N_OF(url_bad); i++) expect_none(DET_PASSWORD, url_bad[i]);
}

/* Texts built at random from keywords, key prefixes, labels, values and
 * separators in many cases and glued in every way: a detector with
 * triggers finds the same spans at its triggers as over the whole text. */
static void test_triggers_on_generated_text(void **state) {
  (void)state;
  static const char *const parts[] = {
      "password", "PASSWORD", "Passwd", "pass", "PASS", "passphrase", "pwd", "mot de passe", "Mot-de-passe",
      "motdepasse", "MDP", "mdp", "kennwort", "Passwort", "contrase\xc3\xb1" "a", "CONTRASE\xc3\x91" "A", "pass\xc3\xa9",
      "sk-", "sk-proj-", "sk_live_", "rk_test_", "AKIA", "akia", "ASIA", "ghp_", "GHP_", "github_pat_", "glpat-", "AIza",
      "xoxb-", "xapp-", "pplx-", "hf_", "api_org_", "gsk_", "xai-", "sk-or-v1-", "SG.", "eyJ", "eyj", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
      "110201543:", "/bot", ":A", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "MTk4NjIyNDgzNDcxOTI1MjQ4", "mTk4", "MTM5", ".Cl2FMQ.",
      "ZnCjm1XVW7vRze4b7Cq4se7kKWs", "dapi", "GOCSPX-", "lsv2_pt_", "pcsk_", "xkeysib-", "dckr_pat_", "sk_", "EAAA",
      "dp.pt.", "pul-", "279a2e9d-83b3-c416-7e2d-f721593e42a0", ":fx", ":FX",
      "INE", "ine", "Ine", "identifiant national", "IDENTIFIANT NATIONAL", "routine", "mine",
      "Xi8tcNiHV9awbCcvilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o", "IOSFODNN7EXAMPLE", "wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx",
      "ReTllpYQYfIZu2Jnf2lAPFjD", "hZEmnoOEYISjraJtbySaKCNnSuYAvukaTt", "1234567890A", "123456789AB", "1234A12345F",
      "Soleil2024!", "hunter2", "azerty123", "oubli\xc3\xa9", "\"s3cr3t\"", "'x9y8z7'",
      "://", "postgres://", "https://", "admin:", "user", ":", "@", "S3cret@", "db.fr", "/", "//",
      "=", " = ", ": ", " : ", " is ", " est ", " c'est ", ":=", "=>", " ", " ", "  ", "\n", "\t", ".", ",", "-", "_",
      "\"", "'", "\xc2\xa0", "\xc3\xa9", "\xe2\x80\x99", "n\xc2\xb0 ", "le ", "voici ", "42", "x",
      /* digit runs that cannot start an identifier, and other '+' */
      "0", "06", "12", "0612345678", "x2021", "2021x", "+", "+44 ", "+33 ", "(0)", "4970101234567890", "732829320",
      /* PEM blocks cut and nested anywhere */
      "-----BEGIN ", "-----BEGIN RSA PRIVATE KEY-----\n", "PRIVATE KEY-----", "RSA ", "OPENSSH ", "-----END ",
      "PuTTY-User-Key-File-2: ssh-rsa\n", "PuTTY-User-Key-File-", "PuTTY", "Encryption: none\n", "Private-MAC: ab12\n",
      "-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "Proc-Type: 4,ENCRYPTED\n", "-----begin ",
  };
  char t[1024];
  uint32_t seed = 12345;
  for (int it = 0; it < 4000; it++) {
    size_t n = glued_text(t, sizeof t, parts, N_OF(parts), 12, &seed);
    same_at_triggers(DET_PASSWORD, t, n);
    same_at_triggers(DET_API_KEY, t, n);
    same_at_triggers(DET_INE, t, n);
    same_at_triggers(DET_PRIVATE_KEY, t, n);
    for (int id = 0; id < DET_COUNT_; id++) same_with_bits(id, t, n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ine),
    cmocka_unit_test(test_ine_in_a_table),
      cmocka_unit_test(test_api_keys_found),
      cmocka_unit_test(test_api_keys_not_found),
      cmocka_unit_test(test_private_keys),
      cmocka_unit_test(test_passwords),
      cmocka_unit_test(test_triggers_on_generated_text),
  };
  return cmocka_run_group_tests_name("keyword detectors", tests, NULL, NULL);
}
