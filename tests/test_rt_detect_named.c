/*
 * test_rt_detect_named.c — the secrets known by the name before them
 * (runtime/detect_named.c) that are not passwords after a password
 * keyword (test_rt_detect_keyword.c has those): curl's -u user:password,
 * mysql's and sshpass's -p, libpq's PGPASSWORD,
 * Authorization headers, and tokens after a name (api_key = ...,
 * "client_secret": ..., X-Api-Key: ...); and, on generated text, that
 * running them at the prefilter's triggers gives a whole-text scan's spans.
 *
 * Sources of test data (values only, no code):
 *   [gl]  gitleaks/gitleaks cmd/generate/config/rules/curl.go: the true and
 *         false positives of curl-auth-user and curl-auth-header.
 *   [ds]  Yelp/detect-secrets tests/plugins/keyword_test.py: the apikey and
 *         secret positives and negatives.
 *   [rfc] RFC 6749 (OAuth 2.0) and RFC 7617 (Basic) examples.
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

typedef struct {
  const char *text, *want;
} found;

static void expect_all(int id, const found *f, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (detect(id, f[i].text, f[i].want) < 1) fail_msg("not found in: %s", f[i].text);
}

/* --------------------------------------------------------------- curl -u */

static void test_curl_user(void **state) {
  (void)state;
  static const found ok[] = {
      /* [gl] curl-auth-user true positives */
      {"curl --cacert ca.crt -u elastic:P@ssw0rd$1 https://localhost:9200", "P@ssw0rd$1"},
      {"sh-5.0$ curl -k -X POST https://infinispan:11222/rest/v2/caches/default/hello \\\n"
       "  -H 'Content-type: text/plain' \\\n  -d 'world' \\\n  -u developer:yqDVtkqPECriaLRi",
       "yqDVtkqPECriaLRi"},
      {"curl -u \":d2LkV78zLx!t\" https://localhost:9200", "d2LkV78zLx!t"},
      {"curl -u \"d2LkV78zLx!t:\" https://localhost:9200", "d2LkV78zLx!t"}, /* a key as the user */
      {"curl -sw '%{http_code}' -X POST --user  'johns:h0pk1ns~21s' $GItHUB_API_URL/$GIT_COMMIT --data",
       "h0pk1ns~21s"},
      {"curl --user roger23@gmail.com:pQ9wTxu4Fg https://www.dropbox.com/cli_link?host_id=abcdefg -v", "pQ9wTxu4Fg"},
      {"curl -s --user 'api:d2LkV78zLx!t' \\\n    https://api.mailgun.net/v2/sandbox91d3515882ecfaa1c65be642.mailgun.org/messages",
       "d2LkV78zLx!t"},
      {"curl -s -v --user \"j.smith:dB2yF6@qL9vZm1P#4J\" \"https://api.contoso.org/user/me\"", "dB2yF6@qL9vZm1P#4J"},
      {"curl -X POST --user \"{acd3c08b-74e8-4f44-a2d0-80694le24f46}\":\"{ZqL5kVrX1n8tA2}\" --header \"Accept: x\"",
       "{ZqL5kVrX1n8tA2}"},
      {"curl --user kevin:'pRf7vG2h1L8nQkW9' -iX PATCH -H \"Content-Type: application/json\" -d", "pRf7vG2h1L8nQkW9"},
      {"$ curl https://api.dropbox.com/oauth2/token \\\n  --user c28wlsosanujy2z:qgsnai0xokrw4j1 --data grant_type=x",
       "qgsnai0xokrw4j1"},
      /* other spellings: '=', the proxy's option, a CRLF continuation */
      {"curl --user=admin:Sup3rS3cret! http://intranet", "Sup3rS3cret!"},
      {"curl -x proxy:3128 --proxy-user alice:Pr0xyPass http://x", "Pr0xyPass"},
      {"curl -U bob:W1nter-2024 http://x", "W1nter-2024"},
      {"curl -X GET \\\r\n  -u api:kEy-9f8e7d6c http://x", "kEy-9f8e7d6c"},
  };
  expect_all(DET_PASSWORD, ok, N_OF(ok));
  static const char *const bad[] = {
      /* [gl] curl-auth-user false positives */
      "curl -i -u 'test:test'",
      "   curl -sL --user \"$1:$2\" \"$3\" > \"$4\"",
      "curl -u <user:password> https://test.com/endpoint",
      "curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/",
      "curl -u \"myusername\" http://localhost:15130/api/check_user/",
      "curl -u username:token",
      "curl -u \"${_username}:${_password}\"",
      "curl -u \"${username}\":\"${password}\"",
      "curl -k -X POST -I -u \"SRVC_JENKINS:${APPID}\"",
      "curl -u \":\" https://localhost:9200",
      "curl -sw '%{http_code}' -X POST --user '$USERNAME:$PASSWORD' $GItHUB_API_URL/$GIT_COMMIT --data",
      "curl --user \"xxx:yyy\"",
      "curl --silent --fail --user \"{{ $.Values.username }}:{{ $.Values.password }}\"",
      "curl -XGET -i -u \"${{ env.ELK_ID }}:${{ build.env.ELK_PASS }}\"",
      "curl -X POST --user \"$(cat ./login.txt):$(cat ./password.txt)\"",
      "curl http://127.0.0.1:5000/file --user user:pass --digest        # digest auth",
      "   curl -X GET --insecure --user \"username:password\" \\",
      "curl --silent --insecure --user ${f5user}:${f5pass} \\",
      "curl --insecure --ssl-reqd \"smtps://smtp.gmail.com\" --user \"src@gmail.com\" --upload-file out.txt",
      /* not curl, or not its option */
      "tar -u archive:Backup2024 files",
      "ssh -u admin:Sup3rS3cret! host",
      "curl --user-agent moz:Agent2024x http://x",
      "curl http://x\n-u admin:Sup3rS3cret!", /* the line before does not go on */
      "curl -u \"admin:unterminated",
      "curl -u ab:",                          /* a user alone, too short for a key */
      "curl -u a:b1",                         /* a password of two characters */
  };
  for (size_t i = 0; i < N_OF(bad); i++) expect_none(DET_PASSWORD, bad[i]);
}

/* ------------------------------------- mysql -p, sshpass -p, PGPASSWORD */

static void test_command_passwords(void **state) {
  (void)state;
  static const found ok[] = {
      {"mysql -u root -pS3cr3tRoot mydb", "S3cr3tRoot"},
      {"mysql -u root -p'S3cr3t Root' mydb", "S3cr3t Root"},
      {"mysqldump -h db \\\n  -u backup -pBackup2024x notes > notes.sql", "Backup2024x"},
      {"mariadb-dump -uroot -pMaria#2024 --all-databases", "Maria#2024"},
      {"sshpass -p 'Hunter2024!' ssh admin@host", "Hunter2024!"},
      {"sshpass -pHunter2024 scp f admin@host:", "Hunter2024"},
      {"PGPASSWORD=S3cretPg psql -h db -U app", "S3cretPg"},
  };
  expect_all(DET_PASSWORD, ok, N_OF(ok));
  static const char *const bad[] = {
      "mysql -u root -p mydb",                       /* mysql asks */
      "mysql -u root -p\"$MYSQL_ROOT_PASSWORD\" db",  /* a variable */
      "sshpass -p $SSHPASS ssh admin@host",
      "MySQL -p is the password option",             /* prose */
      "mysql -u root mydb | grep -pattern",          /* another command's option */
      "mysql -u root mydb\n-pS3cr3tRoot",            /* the next line, not continued */
      "mysqlx -P 3306 --port=3306",
      "mysql --password mydb",
  };
  for (size_t i = 0; i < N_OF(bad); i++) expect_none(DET_PASSWORD, bad[i]);
}

/* --------------------------------------------------- Authorization headers */

static void test_authorization(void **state) {
  (void)state;
  static const found ok[] = {
      /* [gl] curl-auth-header true positives (the detector does not need curl) */
      {"curl --header  'Authorization:  5eb4223e-5008-46e5-be67-c7b8f2732305'", "5eb4223e-5008-46e5-be67-c7b8f2732305"},
      {"curl -H 'Authorization: Basic YnJvd3Nlcjo=' \\", "YnJvd3Nlcjo="}, /* "browser:" */
      {"curl -k -X POST --header \"Authorization: Basic djJlNEpYa0NJUHZ5a2FWT0VRXzRqZmZUdDkwYTp2emNBZGFzZWpmlWZiUDc2VUJjNDNNVDExclVh\" x",
       "djJlNEpYa0NJUHZ5a2FWT0VRXzRqZmZUdDkwYTp2emNBZGFzZWpmlWZiUDc2VUJjNDNNVDExclVh"},
      {"#  -H 'Authorization: Basic YXBpOmtleS1hN2MzNDJ3MzNhNWQxLTU2M2U3MjlwLTZhYjI3YzYzNzM0Ng==' \\",
       "YXBpOmtleS1hN2MzNDJ3MzNhNWQxLTU2M2U3MjlwLTZhYjI3YzYzNzM0Ng=="},
      {"# curl -X GET \"http://localhost:3000/api/cron/status\" -H \"Authorization: Bearer cfcabd11c7ed9a41b1a3e063c32d5114\"",
       "cfcabd11c7ed9a41b1a3e063c32d5114"},
      {"-H \"Authorization: Bearer _FXNljbSRYMWx3TWrd7lgKhLtVZX6iskC8Wcbb4b\" \\", "_FXNljbSRYMWx3TWrd7lgKhLtVZX6iskC8Wcbb4b"},
      {"curl -H \"Authorization: Bearer sha256~bRLFnzd59Z3XpZH5_seJPHALOuvbWiKwbFKSsoALkgp\"",
       "sha256~bRLFnzd59Z3XpZH5_seJPHALOuvbWiKwbFKSsoALkgp"},
      {"curl -H \"Authorization: Api-Token 22cb987851bc5659l29114c62e60c79abd0d2c08\" --request PUT",
       "22cb987851bc5659l29114c62e60c79abd0d2c08"},
      {"curl -H \"Authorization: Token 22cb987851bc5659229114c62e60c79abd0d2c08\" --request PUT",
       "22cb987851bc5659229114c62e60c79abd0d2c08"},
      {"curl -L -H \"Authorization: sha256~bRLFnzd5@=-.a+/hgdS\"", "sha256~bRLFnzd5@=-.a+/hgdS"},
      /* [rfc] RFC 7617's and RFC 6749's examples, as a request dump */
      {"GET / HTTP/1.1\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
      {"POST /token HTTP/1.1\r\nAuthorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW\r\n", "czZCaGRSa3F0MzpnWDFmQmF0M2JW"},
      /* in code: a dict, a JSON header list, Discord's scheme */
      {"headers = {'Authorization': 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0'}", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"},
      {"{\"authorization\": \"Bearer tGzv3JOkF0XG5Qx2TlKWIA\"}", "tGzv3JOkF0XG5Qx2TlKWIA"},
      {"Proxy-Authorization: Basic dXNlcjpQNHNzdzByZA==", "dXNlcjpQNHNzdzByZA=="},
      {"Authorization: Bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs",
       "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"},
  };
  expect_all(DET_API_KEY, ok, N_OF(ok));
  static const char *const bad[] = {
      /* [gl] curl-auth-header false positives */
      "curl https://example.com/micropub -d h=entry -H \"Authorization: Bearer XXXXXXXXXXXX\"",
      "curl -X POST https://accounts.spotify.com/api/token --header \"Authorization: Basic ...\"",
      "curl \\\n  -H \"Authorization: Bearer <Openverse API token>\" \\",
      "  -H \"Authorization: Token **********\" \\",
      "curl -XPOST http://localhost:8080/api/token -H \"Authorization: basic {base64(email:password[\\n])}\" => token",
      "    -H \"Authorization: Bearer $API_KEY\" \\",
      "-H \"Authorization: Bearer $(gcloud auth print-access-token)\" https://workflowexecutions.googleapis.com/v1",
      /* Basic whose base64 is no user:password; Digest's response is a hash */
      "Authorization: Basic SGVsbG8gV29ybGQ=",
      "Authorization: Basic !!!notbase64",
      "Authorization: Digest username=\"Mufasa\", realm=\"x\", response=\"6629fae49393a05397450978507c4ef1\"",
      /* prose and code around the word */
      "Use the Authorization: Bearer header to authenticate.",
      "headers = {'Authorization': 'Bearer ' + token}",
      "The authorization server issues tokens.",
  };
  for (size_t i = 0; i < N_OF(bad); i++) expect_none(DET_API_KEY, bad[i]);
}

/* ------------------------------------------------------------ named tokens */

static void test_named_tokens(void **state) {
  (void)state;
  static const found ok[] = {
      {"api_key = \"a8f5f167f44f4964e6c998dee827110c\"", "a8f5f167f44f4964e6c998dee827110c"},
      {"X-Api-Key: 3a16750d-d363-41a4-8ebd-035408f7730f", "3a16750d-d363-41a4-8ebd-035408f7730f"},
      {"\"client_secret\": \"8Q~Kx7vP2m_Qz9wL3nR5tY8uB1cD4eF6gH0jK\"", "8Q~Kx7vP2m_Qz9wL3nR5tY8uB1cD4eF6gH0jK"},
      {"access_token: 1/fFAGRNJru1FTz70BzhT3Zg", "1/fFAGRNJru1FTz70BzhT3Zg"},
      {"AUTH_TOKEN=\"c0ffee254729296a45a3885639AC7E10F9d54979\"", "c0ffee254729296a45a3885639AC7E10F9d54979"},
      {"SECRET_KEY = 'django-insecure-9x#b0d^a$%7r1m!q2w@3e4r5t6y7u8i9o0p'",
       "django-insecure-9x#b0d^a$%7r1m!q2w@3e4r5t6y7u8i9o0p"},
      {"const clientSecret = \"Zx9Kp2Lm4Qr7Tv1Wy3Bn6Cd8\";", "Zx9Kp2Lm4Qr7Tv1Wy3Bn6Cd8"},
      {"{ secretKey: 'Zx9Kp2Lm4Qr7Tv1Wy3Bn6Cd8' }", "Zx9Kp2Lm4Qr7Tv1Wy3Bn6Cd8"},
      {"SECRETKEY=Zx9Kp2Lm4Qr7Tv1Wy3Bn6Cd8", "Zx9Kp2Lm4Qr7Tv1Wy3Bn6Cd8"},
      {"spring.security.oauth2.client.registration.github.client-secret=4f9d2c7e8b1a3f5d6e7c",
       "4f9d2c7e8b1a3f5d6e7c"},
      {"SLACK_BOT_TOKEN := 7Hj2kL9mN4pQ8rS1tV5w", "7Hj2kL9mN4pQ8rS1tV5w"},
      {"refresh_token => 'tGzv3JOkF0XG5Qx2TlKWIA'", "tGzv3JOkF0XG5Qx2TlKWIA"},
      {"-H \"Token: 3fea6af1349166ea\" -d \"content=hello-curl\"", "3fea6af1349166ea"}, /* [gl] */
      {"curl -X POST --header \"Api-Token: Sk94HG7f6KB\"", "Sk94HG7f6KB"},              /* [gl] */
      {"     -H \"X-Octopus-ApiKey: 3a16750d-d363-41a4-8ebd-035408f7730f\" \\", "3a16750d-d363-41a4-8ebd-035408f7730f"},
      {"https://example.com/protected?access_token=kjfch2345sdf&state=xyz", "kjfch2345sdf"},
      /* Azure connection strings (the documented shapes, made-up keys) */
      {"DefaultEndpointsProtocol=https;AccountName=mystore;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2"
       "UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net",
       "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="},
      {"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
       "SharedAccessKey=k9Xq2Lm4Qr7Tv1Wy3Bn6Cd8Ef0Gh2Ij4Kl6Mn8Op0=",
       "k9Xq2Lm4Qr7Tv1Wy3Bn6Cd8Ef0Gh2Ij4Kl6Mn8Op0="},
      /* provider prefixes added with them */
      {"STRIPE_WEBHOOK=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
      {"mailgun key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"},
      /* [ds] keyword positives for apikey and secret */
      {"apikey := \"m{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"},
      {"apikey:='m{{h}o)p${e]nob(ody[finds>-_$#thisone}}'", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"},
      {"apikey: \"m{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"},
      {"some_dict[\"secret\"] = \"m{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"},
      {"apikey = @\"m{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"},
      {"apikey[]= \"m{{h}o)p${e]nob(ody[finds>-_$#thisone}}\"", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"},
      /* prose, French and English */
      {"la cl\xc3\xa9 API est 4f9d2c7e8b1a3f5d6e7c8b9a0f1e2d3c", "4f9d2c7e8b1a3f5d6e7c8b9a0f1e2d3c"},
      {"Ma cl\xc3\xa9 d'API de production : Xk29fLq0Zp7Wm3", "Xk29fLq0Zp7Wm3"},
      {"mon token API : 7f3d9a1be4c2", "7f3d9a1be4c2"},
      {"Jeton d'acc\xc3\xa8s : a1B2c3D4e5F6g7H8", "a1B2c3D4e5F6g7H8"},
      {"my API key is 9b8c7d6e5f4a3b2c1d0e.", "9b8c7d6e5f4a3b2c1d0e"},
  };
  expect_all(DET_API_KEY, ok, N_OF(ok));
  static const char *const bad[] = {
      /* [ds] keyword negatives */
      "theapikey := \"\"", "theapikey := \"somefakekey\"", "apiKey: this.apiKey,", "apiKey: fs.readFileSync('foo',",
      "apikey: hope]nobody[finds>-_$#thisone",
      /* code, variables, placeholders */
      "token = get_token()", "api_key = os.environ[\"API_KEY\"]", "api_key = settings.API_KEY",
      "API_KEY=your_api_key_here", "secret: <secret>", "token: ${TOKEN}", "apiKey: process.env.API_KEY_2",
      "if token == expected_token123:", "api_key = config.api_key_2",
      "secret_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", /* AWS's documented example */
      "PRIVATE-TOKEN: glpat-xxxxxxxxxxxxxxxxxxxx",
      /* names about a token, or of a token that is not secret */
      "token_type: bearer", "next_page_token: CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA", "max_tokens = 4096",
      "secret_name: app-secret-2024-prod1", "token_url: https://auth.example.org/oauth2/token2",
      "csrf_token = 'a8f5f167f44f4964e6c998dee827110c'", "aws_access_key_id = AKIAI44QH8DHBEXAMPL3",
      "secretRef: db-creds-v2-2024x", "TOKENS: 1234abcd5678efgh",
      /* words that contain the name, and prose */
      "tokenizer = BertTokenizer2024", "secretary: Mme Dupont 2024x", "tokenValue = Zx9Kp2Lm4Qr7Tv1Wy3Bn6Cd8",
      "secretKeys = Zx9Kp2Lm4Qr7Tv1Wy3Bn6Cd8", "secretariat: 03 83 68 20 00 (bureau A12b)", "Le token est valable 24 h",
      "Secret professionnel : article 226-13 du code p\xc3\xa9nal", "the token is 3 characters long",
      "mon jeton de caf\xc3\xa9 : 2 euros", "nontoken = a8f5f167f44f4964e6c998dee827110c",
      "token=abc 123", "api_key = \"a8f5 f167 f44f 4964\"", /* a phrase is no token */
      "secret_1", "1@0.2/secret", "x.token", /* a name at the text's end (fuzz_detect read past it) */
      "a key-value store with key-based access", "AccountKeyName=storage-key-2024-primary",
  };
  for (size_t i = 0; i < N_OF(bad); i++) expect_none(DET_API_KEY, bad[i]);
  /* a password keyword in the name: the password detector's, not twice */
  expect_none(DET_API_KEY, "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLqKEY");
  expect_none(DET_API_KEY, "db_password_token = Xk29fLq0Zp7Wm3");
}

/* Texts built at random from the names, options, schemes and values above,
 * glued in every way: the triggers' places give a whole-text scan's spans. */
static void test_triggers_on_generated_text(void **state) {
  (void)state;
  static const char *const parts[] = {
      "curl", "curl ", "CURL ", " -u ", "-u", " -U ", "--user", " --user=", " --proxy-user ", "--user-agent", "-u\"",
      "-u'", "admin:", "\"", "'", ":", "P@ssw0rd$1", "$PASS", "{{", "}}", "\\\n", "\\\r\n", "\n", " ", "\t",
      "api_key", "API_KEY", "api-key", "apikey", "ApiKey", "api key", "API Key", "secret", "SECRET", "Secret",
      "client", "client_", "Client", "token", "TOKEN", "Token", "tokens", "access_key", "accesskey", "_type", "_id",
      "next_page_", "x", "X-", "Key", "KEY", "key", "Value", "ariat", "secr\xc3\xa9tariat", "authorization", "Authorization", "AUTHORIZATION", "Bearer ", "Basic ", "Digest ",
      "YnJvd3Nlcjo=", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "SGVsbG8gV29ybGQ=", "cl\xc3\xa9 API", "cle api", "clef API",
      "cl\xc3\xa9 d'API", "cl\xc3\xa9 d\xe2\x80\x99\x41PI", "jeton", "Jeton", "JETON", " est ", " is ", " de prod ",
      "=", " = ", ": ", ":=", "=>", "==", "[]", "]", "@", "(", ")", ",", ";", ".", "&", "a8f5f167f44f4964e6c998dee827110c",
      "3a16750d-d363-41a4-8ebd-035408f7730f", "Sk94HG7f6KB", "your_key_here", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}",
      "mysql", "mysqldump ", "mariadb-dump", "MySQL", " -p", "-p", "-pS3cr3t", "sshpass", "PGPASSWORD", "pgpassword",
      "|", "password", "pwd", "mot de passe", "://", "https://", "user:Pw9x@host", "eyJ", "ewo", "secret_",
      "ewogICJhbGciOiAiSFMyNTYiCn0", "AccountKey", "account_key", "SharedAccessKey", "whsec_", "key-", ".ewogICJzdWIiOiAiMTIzIgp9", ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6y",
      "95674f86056712a4430727efa4c565a2", "-us12", "-us1", "-us", /* mailchimp_at reads back from its trigger */
  };
  char t[1024];
  uint32_t seed = 2024;
  for (int it = 0; it < 6000; it++) {
    size_t n = glued_text(t, sizeof t, parts, N_OF(parts), 14, &seed);
    same_at_triggers(DET_PASSWORD, t, n);
    same_at_triggers(DET_API_KEY, t, n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_user),
      cmocka_unit_test(test_command_passwords),
      cmocka_unit_test(test_authorization),
      cmocka_unit_test(test_named_tokens),
      cmocka_unit_test(test_triggers_on_generated_text),
  };
  return cmocka_run_group_tests_name("named secrets", tests, NULL, NULL);
}
