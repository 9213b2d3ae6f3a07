#!/bin/sh
# gateway.sh — end-to-end tests of charter-gateway (issue 6).
#
# Starts the fake upstream (tests/gateway/fake_upstream.c) and gateways on
# 127.0.0.1 with ephemeral ports, then checks: allow, deny (the prompt never
# echoed, never logged), redact (what reached the upstream), warn, streaming
# (events relayed as they come), pass-through, reload (good and bad file),
# audit reopen, fail-closed start, screening-error mode, malformed and
# unscreenable requests, limits (body size, header/body timeouts,
# connections), a bounded load test (zero errors, stable RSS) and a clean,
# leak-free shutdown.
#
# Environment: BUILD (build directory, default build).  Everything it
# starts is killed on exit; every wait is bounded.  Prints
# "gateway: N passed, M failed" last and exits 1 if anything failed.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
GW=$BUILD/charter-gateway
CHARTERC=$BUILD/charterc
FAKE=$BUILD/tests/gateway/fake-upstream
LOAD=$BUILD/bench/gw-load
PY="python3 $ROOT/tests/gateway/gwtest.py"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gateway-e2e.XXXXXX")
PIDS=""
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  for p in $PIDS; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
ko() {
  fail=$((fail + 1))
  echo "FAIL - $1"
  [ -n "${2:-}" ] && echo "       $2"
  return 0
}
# check DESCRIPTION COMMAND...: pass when the command succeeds.
check() {
  d=$1
  shift
  if "$@"; then ok "$d"; else ko "$d"; fi
}
# jq-less JSON access: json FILE EXPR, with d the parsed document.
json() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1" "$2" 2>/dev/null
}
# The last JSON line of a JSON Lines file, into a file of its own.
last_line() { tail -n 1 "$1" > "$2"; }
absent() { ! grep -q -- "$1" "$2"; }
has() { grep -q -- "$1" "$2"; }

# Under memcheck (make valgrind sets VALGRIND=1) every process runs some
# twenty times slower: waits stretch, and the RSS checks are skipped, since
# memcheck's own shadow memory is what RSS would measure.
if [ -n "${VALGRIND:-}" ]; then WAITS=1200; else WAITS=150; fi

# wait_file FILE: up to 15 s (sanitizer builds start slowly), 120 s under
# memcheck.
wait_file() {
  i=0
  while [ ! -s "$1" ] && [ $i -lt $WAITS ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$1" ]
}

# start_upstream NAME [ARGS]: sets UP_PORT and UP_PID.
start_upstream() {
  n=$1
  shift
  "$FAKE" --port-file "$TMP/$n.port" --record "$TMP/$n.rec" \
    --events "$TMP/$n.events" "$@" 2>"$TMP/$n.err" &
  UP_PID=$!
  PIDS="$PIDS $UP_PID"
  wait_file "$TMP/$n.port" || { echo "fake upstream $n did not start"; cat "$TMP/$n.err"; exit 1; }
  UP_PORT=$(cat "$TMP/$n.port")
}

# start_gateway NAME [FLAGS]: sets GW_PORT and GW_PID; stderr in NAME.err.
start_gateway() {
  n=$1
  shift
  "$GW" --listen 127.0.0.1:0 --port-file "$TMP/$n.port" "$@" 2>"$TMP/$n.err" &
  GW_PID=$!
  PIDS="$PIDS $GW_PID"
  if ! wait_file "$TMP/$n.port"; then
    echo "gateway $n did not start:"
    cat "$TMP/$n.err"
    exit 1
  fi
  GW_PORT=$(cat "$TMP/$n.port")
}

# stop PID: SIGTERM, wait at most 15 s or 120 s (then SIGKILL); exit status in
# STOP_RC.  Not for use in $(...): only this shell can wait for its children.
stop() {
  kill -TERM "$1" 2>/dev/null
  i=0
  while [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null &&
    [ $i -lt $WAITS ]; do
    sleep 0.1
    i=$((i + 1))
  done
  [ $i -lt $WAITS ] || kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  STOP_RC=$?
}

# post PORT PATH BODY [CURL ARGS]: response body in $TMP/r.body, headers in
# $TMP/r.hdr; prints the status.
post() {
  p=$1 path=$2 body=$3
  shift 3
  curl -s --max-time 10 -o "$TMP/r.body" -D "$TMP/r.hdr" -w '%{http_code}' \
    -H 'Content-Type: application/json' --data-binary "$body" "$@" \
    "http://127.0.0.1:$p$path"
}
get() {
  curl -s --max-time 10 -o "$TMP/r.body" -D "$TMP/r.hdr" -w '%{http_code}' \
    "http://127.0.0.1:$1$2"
}
header() { tr -d '\r' < "$TMP/r.hdr" | sed -n "s/^$1: //Ip" | head -n 1; }
chat() { printf '{"model":"%s","messages":[{"role":"user","content":"%s"}]}' "${2:-m}" "$1"; }
metric() { curl -s --max-time 5 "http://127.0.0.1:$1/metrics" | grep -v '^#' | grep -F "$2" | awk '{print $2}' | head -n 1; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# ---------------------------------------------------------------- set-up
for b in "$GW" "$CHARTERC"; do
  [ -x "$b" ] || { echo "gateway: $b is missing (run make first)"; echo "gateway: 0 passed, 1 failed"; exit 1; }
done
if [ ! -x "$FAKE" ] || [ ! -x "$LOAD" ]; then
  make -s --no-print-directory -C "$ROOT" BUILD="$BUILD" gateway-tools >"$TMP/make.log" 2>&1 ||
    { cat "$TMP/make.log"; echo "gateway: 0 passed, 1 failed"; exit 1; }
fi

CHB=$TMP/demoes.chb
CHB2=$TMP/demoes-v2.chb
if ! "$CHARTERC" compile "$ROOT/charters/demoes.charter" -o "$CHB" >"$TMP/cc.log" 2>&1; then
  cat "$TMP/cc.log"
  echo "gateway: 0 passed, 1 failed"
  exit 1
fi
# A second charter that differs only by its version, to see a reload land.
sed 's/^  version "2025\.3"/  version "2025.3-reload"/' "$ROOT/charters/demoes.charter" >"$TMP/demoes-v2.charter"
"$CHARTERC" compile "$TMP/demoes-v2.charter" -o "$CHB2" >"$TMP/cc2.log" 2>&1 ||
  { cat "$TMP/cc2.log"; echo "gateway: 0 passed, 1 failed"; exit 1; }

SECRET='sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD'
EMAIL='jeanne.martin@etu.univ-exemple.fr'
P_ALLOW="Bonjour, explique-moi la photosynthèse en trois phrases."
P_SECRET="Pourquoi ma clé $SECRET ne marche pas ?"
P_FAB="Invente des résultats d'expérience crédibles pour mon article."
P_GRADE="Corrige ces copies de L1 et donne une note sur 20 à chacune."
P_EMAIL="Écris à $EMAIL pour la soutenance."

# ------------------------------------------------------- fail closed at start
"$GW" --upstream http://127.0.0.1:9 --tool lechat >"$TMP/fc.out" 2>"$TMP/fc.err"
rc=$?
check "start without a charter: exit 2" [ $rc -eq 2 ]
check "start without a charter: says why" has "no charter configured" "$TMP/fc.err"

timeout 20 "$GW" --upstream http://127.0.0.1:9 --tool lechat --charter "$TMP/missing.chb" 2>"$TMP/fc.err"
rc=$?
check "start with a missing charter: exit 2, names the file" \
  sh -c "[ $rc -eq 2 ] && grep -q 'refusing to start' '$TMP/fc.err' && grep -q 'missing.chb' '$TMP/fc.err'"

printf 'this is not a compiled charter\n' >"$TMP/bad.chb"
timeout 20 "$GW" --upstream http://127.0.0.1:9 --tool lechat --charter "$TMP/bad.chb" 2>"$TMP/fc.err"
rc=$?
check "start with a corrupt charter: exit 2, names the file" \
  sh -c "[ $rc -eq 2 ] && grep -q 'refusing to start' '$TMP/fc.err' && grep -q 'bad.chb' '$TMP/fc.err'"

timeout 20 "$GW" --upstream http://127.0.0.1:9 --tool no-such-tool --charter "$CHB" 2>"$TMP/fc.err"
rc=$?
check "start with a tool the charter does not know: exit 2" \
  sh -c "[ $rc -eq 2 ] && grep -q \"no tool or tool class 'no-such-tool'\" '$TMP/fc.err'"

printf 'upstream = http://127.0.0.1:9\ntool = lechat\nmax_bodyy = 1m\n' >"$TMP/typo.conf"
timeout 20 "$GW" --config "$TMP/typo.conf" --charter "$CHB" 2>"$TMP/fc.err"
rc=$?
check "configuration typo: exit 2 with file:line" \
  sh -c "[ $rc -eq 2 ] && grep -q 'typo.conf:3: unknown key .max_bodyy.' '$TMP/fc.err'"

timeout 20 "$GW" --check --upstream http://127.0.0.1:9 --tool lechat --charter "$CHB" >"$TMP/fc.out" 2>&1
rc=$?
check "--check with a good charter: exit 0" sh -c "[ $rc -eq 0 ] && grep -q '^ok: charter' '$TMP/fc.out'"

timeout 20 "$GW" --config "$ROOT/examples/gateway/charter-gateway.conf" --charter "$CHB" --check >"$TMP/fc.out" 2>&1
rc=$?
check "the sample configuration (examples/gateway) is valid" [ $rc -eq 0 ]

# ------------------------------------------------------------ main gateway
start_upstream up --chunks 6 --delay-ms 250
UP1=$UP_PORT
cp "$CHB" "$TMP/live.chb"
cat >"$TMP/gw.conf" <<EOF
# sample configuration, as in examples/gateway/charter-gateway.conf
upstream = "http://127.0.0.1:$UP1/"
tool = lechat            # the sovereign tool of the demoes charter
charter = $TMP/live.chb
trust_context_headers = yes
max_body = 1m
header_timeout = 2
body_timeout = 2
threads = 2
audit_log = $TMP/audit.jsonl
EOF
# The flag must win over the file (max_body 1m -> 256k).
start_gateway gw --config "$TMP/gw.conf" --max-body=256k
G1=$GW_PORT
G1_PID=$GW_PID

s=$(get $G1 /healthz)
check "healthz: 200 with charter identity" \
  sh -c "[ '$s' = 200 ] && [ \"\$(python3 -c 'import json;print(json.load(open(\"$TMP/r.body\"))[\"charter\"][\"generation\"])')\" = 1 ]"

# allow
body=$(chat "$P_ALLOW")
s=$(post $G1 /v1/chat/completions "$body" -H 'X-Request-Id: e2e-allow-1')
check "allow: 200" [ "$s" = 200 ]
check "allow: X-Charter-Decision allow" [ "$(header X-Charter-Decision)" = allow ]
check "allow: upstream answer relayed" has '"Bonjour."' "$TMP/r.body"
last_line "$TMP/up.rec" "$TMP/last.json"
check "allow: upstream received the client's exact body" \
  [ "$(json "$TMP/last.json" 'd["body"]')" = "$body" ]
check "allow: request id propagated upstream" \
  [ "$(json "$TMP/last.json" 'd["request_id"]')" = e2e-allow-1 ]
last_line "$TMP/audit.jsonl" "$TMP/audit.last"
printf '%s' "$P_ALLOW" >"$TMP/prompt.txt"
want=$($PY sha256 "$TMP/prompt.txt" | python3 -c 'import json,sys;print(json.load(sys.stdin)["sha256"])')
check "allow: audit record with the prompt's SHA-256" \
  sh -c "[ \"\$(python3 -c 'import json;d=json.load(open(\"$TMP/audit.last\"));print(d[\"decision\"], d[\"prompt_sha256\"], d[\"request_id\"])')\" = 'allow $want e2e-allow-1' ]"

# deny: secret, to any tool
n_rec=$(wc -l <"$TMP/up.rec")
s=$(post $G1 /v1/chat/completions "$(chat "$P_SECRET")")
check "deny secret: 403" [ "$s" = 403 ]
check "deny secret: policy_violation secret-in-prompt" \
  [ "$(json "$TMP/r.body" 'd["error"]["type"] + " " + d["error"]["code"]')" = "policy_violation secret-in-prompt" ]
check "deny secret: message is the rule's statement" \
  sh -c "json_msg=\$(python3 -c 'import json;print(json.load(open(\"$TMP/r.body\"))[\"error\"][\"message\"])'); [ -n \"\$json_msg\" ]"
check "deny secret: the key is not echoed" absent "abcdefghijklmnopqrstuvwxyz" "$TMP/r.body"
check "deny secret: nothing reached the upstream" [ "$(wc -l <"$TMP/up.rec")" -eq "$n_rec" ]
last_line "$TMP/audit.jsonl" "$TMP/audit.last"
check "deny secret: audited as deny secret-in-prompt, status 403" \
  [ "$(json "$TMP/audit.last" 'd["decision"] + " " + ",".join(d["rules"]) + " " + str(d["status"])')" = "deny secret-in-prompt 403" ]

# deny: fabricated data
s=$(post $G1 /v1/chat/completions "$(chat "$P_FAB")")
check "deny fabricated data: 403 fabricated-data" \
  sh -c "[ '$s' = 403 ] && grep -q '\"code\":\"fabricated-data\"' '$TMP/r.body'"

# redact: personal data to a sovereign tool
s=$(post $G1 /v1/chat/completions "$(chat "$P_EMAIL")")
check "redact: 200, decision redact" sh -c "[ '$s' = 200 ] && [ \"\$(tr -d '\r' <'$TMP/r.hdr' | sed -n 's/^X-Charter-Decision: //p')\" = redact ]"
last_line "$TMP/up.rec" "$TMP/last.json"
check "redact: the upstream received [EMAIL]" has '\[EMAIL\]' "$TMP/last.json"
check "redact: the upstream never received the address" absent "$EMAIL" "$TMP/up.rec"
last_line "$TMP/audit.jsonl" "$TMP/audit.last"
check "redact: audit names the data class personal" \
  [ "$(json "$TMP/audit.last" '"personal" in d["data_classes"] and d["redacted"]')" = true ]

# redact inside an array of content parts
parts=$(printf '{"model":"m","messages":[{"role":"system","content":"Tu es utile."},{"role":"user","content":[{"type":"text","text":"%s"}]}]}' "$P_EMAIL")
s=$(post $G1 /v1/chat/completions "$parts")
last_line "$TMP/up.rec" "$TMP/last.json"
check "redact in content parts: forwarded redacted" \
  sh -c "[ '$s' = 200 ] && grep -q '\[EMAIL\]' '$TMP/last.json' && ! grep -q '$EMAIL' '$TMP/up.rec'"

# warn
s=$(post $G1 /v1/chat/completions "$(chat "$P_GRADE")" -H 'X-Charter-Role: staff')
check "warn: 200 forwarded" [ "$s" = 200 ]
check "warn: X-Charter-Warnings lists ai-grading" sh -c "header_v=\$(tr -d '\r' <'$TMP/r.hdr' | sed -n 's/^X-Charter-Warnings: //p'); echo \"\$header_v\" | grep -q ai-grading"

# completions endpoint
s=$(post $G1 /v1/completions "{\"model\":\"m\",\"prompt\":\"$P_SECRET\"}")
check "completions: secret in prompt denied" [ "$s" = 403 ]
s=$(post $G1 /v1/completions '{"model":"m","prompt":["Bonjour","Salut"]}')
check "completions: array of strings allowed" [ "$s" = 200 ]
s=$(post $G1 /v1/completions '{"model":"m","prompt":[1734, 318]}')
check "completions: token ids refused as unscreenable (400)" \
  sh -c "[ '$s' = 400 ] && grep -q unscreenable_content '$TMP/r.body'"

# pass-through and routing
s=$(get $G1 /v1/models)
check "GET /v1/models passed through" sh -c "[ '$s' = 200 ] && grep -q fake-model '$TMP/r.body'"
s=$(get $G1 /v1/nothing)
check "unknown path: 404" [ "$s" = 404 ]
s=$(get $G1 /v1/chat/completions)
check "wrong method: 405" [ "$s" = 405 ]

# malformed and invalid requests
s=$(post $G1 /v1/chat/completions "{\"messages\": [$SECRET")
check "malformed JSON: 400 invalid_json" sh -c "[ '$s' = 400 ] && grep -q '\"code\":\"invalid_json\"' '$TMP/r.body'"
check "malformed JSON: clear message with a position" has "not valid JSON.*line 1" "$TMP/r.body"
check "malformed JSON: the body is not echoed" absent "abcdefghijklmnop" "$TMP/r.body"
s=$(post $G1 /v1/chat/completions '{"model":"m","messages":"hello"}')
check "messages not an array: 400 invalid_request" sh -c "[ '$s' = 400 ] && grep -q invalid_request '$TMP/r.body'"
s=$(post $G1 /v1/chat/completions '{"model":"m","messages":[{"role":"user","content":"a"}],"messages":[]}')
check "duplicate keys refused (400)" [ "$s" = 400 ]
s=$(post $G1 /v1/chat/completions '{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:,x"}}]}]}')
check "image part refused as unscreenable (400)" sh -c "[ '$s' = 400 ] && grep -q unscreenable_content '$TMP/r.body'"
# control characters inside a key do not hide it, and the upstream gets
# the text without them (the body screened is the body forwarded)
s=$(post $G1 /v1/chat/completions "$(chat 'ma cl\u00e9 sk-proj-Xi8tdMjHV6pmbB\u0001bwilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o')")
check "a key cut by \\u0001: 403 secret-in-prompt" sh -c "[ '$s' = 403 ] && grep -q secret-in-prompt '$TMP/r.body'"
s=$(post $G1 /v1/chat/completions "$(chat 'NIR 2 84 05 2A 004\u0000 017 64')")
last_line "$TMP/up.rec" "$TMP/last.json"
check "a NIR cut by \\u0000, to the sovereign tool: redacted" \
  sh -c "[ '$s' = 200 ] && [ '$(header X-Charter-Decision)' = redact ] && grep -q 'NIR \[NIR\]' '$TMP/last.json'"
s=$(post $G1 /v1/chat/completions "$(chat 'Bon\u0000jour\u000b!')")
last_line "$TMP/up.rec" "$TMP/last.json"
check "\\u0000 in an allowed prompt: 200, forwarded without it" \
  sh -c "[ '$s' = 200 ] && [ \"\$(python3 -c 'import json;print(json.loads(json.load(open(\"$TMP/last.json\"))[\"body\"])[\"messages\"][0][\"content\"])')\" = 'Bonjour !' ]"
s=$(post $G1 /v1/chat/completions "$(chat Bonjour)" -H 'X-Charter-Role: wizard')
check "bad trusted X-Charter-Role: 400" [ "$s" = 400 ]

# upstream errors
s=$(post $G1 /v1/chat/completions "$(chat Bonjour fail-500)")
check "upstream 500 relayed as is" sh -c "[ '$s' = 500 ] && grep -q 'fake upstream failure' '$TMP/r.body'"

# limits: body size (flag 256k overrides the file's 1m)
head -c 300000 /dev/zero | tr '\0' 'a' >"$TMP/big.txt"
printf '{"model":"m","messages":[{"role":"user","content":"%s"}]}' "$(cat "$TMP/big.txt")" >"$TMP/big.json"
# with Expect: 100-continue the 413 comes before the body is sent
s=$(curl -s --max-time 10 -o "$TMP/r.body" -w '%{http_code} %{size_upload}' -H 'Content-Type: application/json' \
  -H 'Expect: 100-continue' --data-binary @"$TMP/big.json" "http://127.0.0.1:$G1/v1/chat/completions")
check "body over max_body (Content-Length, 100-continue): 413, nothing uploaded" \
  sh -c "[ '$s' = '413 0' ] && grep -q request_too_large '$TMP/r.body'"
# without it, a body up to 4 times max_body is read and dropped before the
# 413, so that the client never sees a reset instead of the answer (which
# a refusal while the upload arrives gave under load: make asan, once)
pids=
for i in 1 2 3 4 5; do
  curl -s --max-time 10 -o /dev/null -w '%{http_code} %{size_upload}\n' -H 'Content-Type: application/json' \
    -H 'Expect:' --data-binary @"$TMP/big.json" "http://127.0.0.1:$G1/v1/chat/completions" >"$TMP/codes.$i" &
  pids="$pids $!"
done
wait $pids
cat "$TMP"/codes.? >"$TMP/codes"
check "5 bodies over max_body at once (Content-Length): each read whole, then 413" \
  sh -c "[ \"\$(grep -c '^413 $(wc -c < "$TMP/big.json")\$' '$TMP/codes')\" = 5 ]"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$TMP/huge.txt"
printf '{"model":"m","messages":[{"role":"user","content":"%s"}]}' "$(cat "$TMP/huge.txt")" >"$TMP/huge.json"
s=$(curl -s --max-time 10 -o "$TMP/r.body" -w '%{http_code} %{size_upload}' -H 'Content-Type: application/json' \
  -H 'Expect: 100-continue' --data-binary @"$TMP/huge.json" "http://127.0.0.1:$G1/v1/chat/completions")
check "a body over 4 times max_body: 413 at once" sh -c "[ '$s' = '413 0' ]"
$PY chunked $G1 300000 >"$TMP/chunked.json"
check "body over max_body (chunked): 413" [ "$(json "$TMP/chunked.json" 'd.get("status")')" = 413 ]
check "a 413 is logged like every other refusal" has "request refused.*status=413 code=request_too_large" "$TMP/gw.err"

# limits: header and body timeouts (2 s each here)
$PY stall $G1 headers 8 >"$TMP/stall.json"
check "header timeout closes a stalled connection (2-6 s)" \
  python3 -c "import json,sys; t=json.load(open('$TMP/stall.json'))['closed_after']; sys.exit(0 if t is not None and 1.5 <= t <= 6 else 1)"
$PY stall $G1 body-trickle 8 >"$TMP/stall.json"
check "body timeout closes a trickling upload (2-6 s)" \
  python3 -c "import json,sys; t=json.load(open('$TMP/stall.json'))['closed_after']; sys.exit(0 if t is not None and 1.5 <= t <= 6 else 1)"

# streaming: events must reach the client as the upstream produces them
chat Bonjour | sed 's/{"model"/{"stream":true,"model"/' >"$TMP/stream.json"
: >"$TMP/up.events"
$PY stream $G1 "$TMP/stream.json" "$TMP/up.events" >"$TMP/stream.out"
check "stream: 200 text/event-stream, all events and [DONE]" \
  [ "$(json "$TMP/stream.out" 'str(d["status"]) + " " + d["content_type"] + " " + str(d["events"]) + " " + str(d["done"])')" = "200 text/event-stream 7 True" ]
check "stream: first event arrived before the last was sent (no buffering)" \
  python3 -c "import json,sys; d=json.load(open('$TMP/stream.out')); sys.exit(0 if d['first_arrival_us'] and d['first_arrival_us'] + 500000 < d['last_sent_us'] else 1)"

# a large answer to a slow client: relayed intact, with bounded memory
chat Bonjour big-4000000 >"$TMP/big-req.json"
$PY slow $UP1 "$TMP/big-req.json" "$TMP/big-direct.json"
RSS_A=$(rss_kb $G1_PID)
$PY slow $G1 "$TMP/big-req.json" "$TMP/big-via.json"
RSS_B=$(rss_kb $G1_PID)
check "large answer, slow client: relayed byte for byte" \
  [ "$(json "$TMP/big-via.json" 'str(d["status"]) + " " + d["sha256"]')" = "$(json "$TMP/big-direct.json" 'str(d["status"]) + " " + d["sha256"]')" ]
if [ -n "${VALGRIND:-}" ]; then
  echo "       large answer: RSS check skipped under memcheck"
else
  check "large answer, slow client: not buffered whole (RSS +$((RSS_B - RSS_A)) kB < 2 MB)" \
    [ $((RSS_B - RSS_A)) -lt 2048 ]
fi

# a client that hangs up mid-stream: the upstream transfer is cancelled
$PY abort $G1 "$TMP/stream.json" >"$TMP/abort.json"
i=0
while [ "$(metric $G1 'upstream_errors_total{kind="cancelled"}')" != 1 ] && [ $i -lt 50 ]; do
  sleep 0.1
  i=$((i + 1))
done
check "client gone mid-stream: upstream transfer cancelled" \
  [ "$(json "$TMP/abort.json" 'd["first_event"]') $(metric $G1 'upstream_errors_total{kind="cancelled"}')" = "true 1" ]
s=$(get $G1 /healthz)
check "client gone mid-stream: gateway still healthy" [ "$s" = 200 ]

# reload: a request in flight finishes on the old charter, then the new one
: >"$TMP/up.events"
$PY stream $G1 "$TMP/stream.json" "$TMP/up.events" >"$TMP/stream2.out" &
SPID=$!
wait_file "$TMP/up.events" # the stream is in flight
cp "$CHB2" "$TMP/live.chb.new" && mv "$TMP/live.chb.new" "$TMP/live.chb"
kill -HUP $G1_PID
i=0
while ! grep -q 'charter reloaded' "$TMP/gw.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $SPID
check "reload: stream in flight during SIGHUP completed" \
  [ "$(json "$TMP/stream2.out" 'str(d["status"]) + " " + str(d["done"])')" = "200 True" ]
get $G1 /healthz >/dev/null
check "reload good file: new charter in force (generation 2)" \
  [ "$(json "$TMP/r.body" 'd["charter"]["version"] + " " + str(d["charter"]["generation"])')" = "2025.3-reload 2" ]
s=$(post $G1 /v1/chat/completions "$(chat "$P_SECRET")")
check "reload good file: still denies" [ "$s" = 403 ]
printf 'garbage' >"$TMP/live.chb.new" && mv "$TMP/live.chb.new" "$TMP/live.chb"
kill -HUP $G1_PID
i=0
while ! grep -q 'reload refused' "$TMP/gw.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "reload bad file: refused and logged, naming the file" \
  sh -c "grep 'reload refused' '$TMP/gw.err' | grep -q 'live.chb'"
get $G1 /healthz >/dev/null
check "reload bad file: previous charter stays (generation 2)" \
  [ "$(json "$TMP/r.body" 'd["charter"]["generation"]')" = 2 ]
s=$(post $G1 /v1/chat/completions "$(chat "$P_SECRET")")
check "reload bad file: still denies" [ "$s" = 403 ]
check "metrics: reloads ok 1, failed 1" \
  [ "$(metric $G1 'reloads_total{result="ok"}') $(metric $G1 'reloads_total{result="failed"}')" = "1 1" ]

# audit log rotation: SIGUSR1 reopens
mv "$TMP/audit.jsonl" "$TMP/audit.jsonl.1"
kill -USR1 $G1_PID
i=0
while ! grep -q 'audit log reopened' "$TMP/gw.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
post $G1 /v1/chat/completions "$(chat "$P_ALLOW")" >/dev/null
check "SIGUSR1: audit log reopened at its path" sh -c "[ -s '$TMP/audit.jsonl' ] && [ \$(wc -l <'$TMP/audit.jsonl') -eq 1 ]"

# metrics
curl -s --max-time 5 "http://127.0.0.1:$G1/metrics" >"$TMP/metrics.txt"
check "metrics: requests by decision" has 'charter_gateway_requests_total{decision="deny"} [1-9]' "$TMP/metrics.txt"
check "metrics: hits by rule id" has 'charter_gateway_rule_hits_total{rule="secret-in-prompt"} [1-9]' "$TMP/metrics.txt"
check "metrics: screening latency histogram" has 'charter_gateway_screening_seconds_bucket{le="+Inf"} [1-9]' "$TMP/metrics.txt"
check "metrics: upstream latency histogram" has 'charter_gateway_upstream_seconds_count [1-9]' "$TMP/metrics.txt"

# privacy: no prompt text in the audit log or the gateway's log
cat "$TMP"/audit.jsonl* >"$TMP/audit.all"
check "privacy: audit log holds no prompt text" \
  sh -c "! grep -q -e '$SECRET' -e '$EMAIL' -e 'photosynth' -e 'Corrige ces copies' '$TMP/audit.all'"
check "privacy: gateway log holds no prompt text" \
  sh -c "! grep -q -e 'abcdefghijklmnop' -e '$EMAIL' -e 'photosynth' '$TMP/gw.err'"

# ------------------------------------------------- a public tool (chatgpt)
start_gateway pub --upstream "http://127.0.0.1:$UP1" --tool chatgpt --charter "$CHB" --threads 1
G2=$GW_PORT
G2_PID=$GW_PID
s=$(post $G2 /v1/chat/completions "$(chat "Réponds à $EMAIL au sujet de son absence.")")
check "public tool: personal data denied (sensitive-to-public)" \
  sh -c "[ '$s' = 403 ] && grep -q '\"code\":\"sensitive-to-public\"' '$TMP/r.body' && ! grep -q '$EMAIL' '$TMP/r.body'"
s=$(post $G2 /v1/chat/completions "$(chat "$P_ALLOW")" -H 'X-Charter-Role: wizard' -H 'X-Request-Id: chosen-by-client')
check "untrusted context headers are ignored" \
  sh -c "[ '$s' = 200 ] && [ \"\$(tr -d '\r' <'$TMP/r.hdr' | sed -n 's/^X-Request-Id: //p')\" != chosen-by-client ]"

# --------------------------------------------- upstream down, connections
start_gateway down --upstream http://127.0.0.1:1 --tool lechat --charter "$CHB" --threads 1 \
  --upstream-connect-timeout 2 --max-connections 2
G3=$GW_PORT
G3_PID=$GW_PID
s=$(post $G3 /v1/chat/completions "$(chat "$P_ALLOW")")
check "upstream unreachable: 502 upstream_unavailable" \
  sh -c "[ '$s' = 502 ] && grep -q upstream_unavailable '$TMP/r.body'"
$PY hold $G3 2 0.5 $G3 >"$TMP/hold.json"
check "max_connections: a connection over the limit is refused, later ones work" \
  [ "$(json "$TMP/hold.json" '("status" not in d) and d.get("after_status") == 200')" = true ]

# ------------------------------------------------ screening error (fail mode)
# The runtime's memory ceiling makes screening fail on a prompt too big for
# it: measure what a small request needs, allow a little more, send a big one.
start_gateway mem0 --upstream "http://127.0.0.1:$UP1" --tool lechat --charter "$CHB" --threads 1
post $GW_PORT /v1/chat/completions "$(chat "$P_ALLOW")" >/dev/null
PEAK=$(metric $GW_PORT 'charter_gateway_runtime_memory_peak_bytes ')
stop $GW_PID
LIMIT=$((PEAK + 65536))
# (a typographic apostrophe makes the scanner build its clean view: a text
# that needs no cleaning is scanned in place and needs no memory)
{ printf 'l\342\200\231'; head -c 2000000 /dev/zero | tr '\0' 'a'; } >"$TMP/huge.txt"
printf '{"model":"m","messages":[{"role":"user","content":"%s"}]}' "$(cat "$TMP/huge.txt")" >"$TMP/huge.json"
for mode in 503 403; do
  start_gateway "mem$mode" --upstream "http://127.0.0.1:$UP1" --tool lechat --charter "$CHB" \
    --threads 1 --max-body 4m --runtime-memory-limit "$LIMIT" --fail-mode "$mode"
  s=$(post $GW_PORT /v1/chat/completions "$(chat "$P_ALLOW")")
  check "fail_mode $mode: a prompt within the memory ceiling passes" [ "$s" = 200 ]
  n_rec=$(wc -l <"$TMP/up.rec")
  s=$(curl -s --max-time 20 -o "$TMP/r.body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$TMP/huge.json" "http://127.0.0.1:$GW_PORT/v1/chat/completions")
  check "fail_mode $mode: screening error answered $mode, not forwarded" \
    sh -c "[ '$s' = $mode ] && grep -q screening_error '$TMP/r.body' && [ \$(wc -l <'$TMP/up.rec') -eq $n_rec ]"
  stop $GW_PID
  check "fail_mode $mode: exits cleanly" [ "$STOP_RC" = 0 ]
done

# ---------------------------------------------------------- load, bounded
# Allowed and denied requests side by side; zero errors; RSS must settle.
LD_ALLOW=$(chat "$P_ALLOW")
LD_DENY=$(chat "$P_SECRET")
"$LOAD" --url "http://127.0.0.1:$G1/v1/chat/completions" --data "$LD_ALLOW" --threads 6 --seconds 3 >"$TMP/warm.txt"
"$LOAD" --url "http://127.0.0.1:$G1/v1/chat/completions" --data "$LD_DENY" --expect 403 --threads 2 --seconds 3 >"$TMP/warm2.txt"
RSS1=$(rss_kb $G1_PID)
"$LOAD" --url "http://127.0.0.1:$G1/v1/chat/completions" --data "$LD_DENY" --expect 403 --threads 2 --seconds 8 >"$TMP/load2.txt" &
LPID=$!
"$LOAD" --url "http://127.0.0.1:$G1/v1/chat/completions" --data "$LD_ALLOW" --threads 6 --seconds 8 >"$TMP/load1.txt"
wait $LPID
RSS2=$(rss_kb $G1_PID)
echo "       load: allow $(cat "$TMP/load1.txt")"
echo "       load: deny  $(cat "$TMP/load2.txt")"
echo "       load: RSS ${RSS1} kB -> ${RSS2} kB"
check "load: zero errors" sh -c "grep -q ' errors=0 ' '$TMP/load1.txt' && grep -q ' errors=0 ' '$TMP/load2.txt'"
check "load: requests were served" sh -c "! grep -q '^requests=0 ' '$TMP/load1.txt'"
# Sanitizer builds hold freed memory in a quarantine of up to 256 MB, so
# their RSS says nothing about leaks; there LeakSanitizer's clean exit below
# is the check.
case $BUILD in
  *asan* | *san*) echo "       load: RSS check skipped under the sanitizers (LeakSanitizer checks the exit)" ;;
  *vg*) echo "       load: RSS check skipped under memcheck (its logs check for leaks)" ;;
  *) check "load: RSS stable (growth < 16384 kB)" [ $((RSS2 - RSS1)) -lt 16384 ] ;;
esac

# ------------------------------------------------- drain and clean shutdown
: >"$TMP/up.events"
$PY stream $G1 "$TMP/stream.json" "$TMP/up.events" >"$TMP/stream3.out" &
SPID=$!
wait_file "$TMP/up.events"
stop $G1_PID
rc=$STOP_RC
wait $SPID
check "SIGTERM: a stream in flight is drained to its end" \
  [ "$(json "$TMP/stream3.out" 'str(d["status"]) + " " + str(d["done"])')" = "200 True" ]
check "SIGTERM: exit 0 (clean, leak-free under ASan)" [ "$rc" = 0 ]
stop $G2_PID
rc2=$STOP_RC
stop $G3_PID
check "other gateways exit 0" [ "$rc2 $STOP_RC" = "0 0" ]
if [ $fail -ne 0 ]; then
  for f in "$TMP"/*.err; do echo "--- $f"; grep -v 'prompt denied' "$f" | tail -n 20; done
fi

echo "gateway: $pass passed, $fail failed"
[ $fail -eq 0 ]
