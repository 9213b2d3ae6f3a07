#!/bin/sh
# bench_gateway.sh — what charter-gateway costs (issue 6).
#
# In one run, against the same fake upstream (tests/gateway/fake_upstream.c)
# and with the same client (bench/gw_load.c), on 127.0.0.1:
#   1. latency added: one connection, requests back to back, straight to
#      the upstream and then through the gateway; p50/p99 of each and the
#      difference (the issue's target: p99 under 200 us added).  With two
#      CPUs or more, the gateway is pinned to CPU 1 and the client and the
#      upstream to CPU 0 for this part, so that the figure measures the
#      gateway rather than where the scheduler happened to put whom (on a
#      small VM, waking an idle vCPU costs tens of microseconds);
#   2. throughput: 16 connections for a few seconds, direct and through the
#      gateway (2 HTTP worker threads; the machine's cores are shared with
#      the client and the upstream, so this is a floor);
#   3. screening alone: denied prompts, answered by the gateway without an
#      upstream round trip.
# The gateway runs as deployed: audit log on, log level warn.  Figures are
# printed, never asserted.  Environment: BUILD (default build), SECONDS_RUN
# (default 5).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
T=${SECONDS_RUN:-5}
GW=$BUILD/charter-gateway
FAKE=$BUILD/tests/gateway/fake-upstream
LOAD=$BUILD/bench/gw-load

for b in "$GW" "$BUILD/charterc"; do
  [ -x "$b" ] || { echo "bench-gateway: $b is missing (make first)" >&2; exit 2; }
done
[ -x "$FAKE" ] && [ -x "$LOAD" ] ||
  make -s --no-print-directory -C "$ROOT" BUILD="$BUILD" gateway-tools

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench.XXXXXX")
PIDS=""
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  for p in $PIDS; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_file() {
  i=0
  while [ ! -s "$1" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$1" ]
}

"$BUILD/charterc" compile "$ROOT/charters/demoes.charter" -o "$TMP/demoes.chb" >/dev/null
"$FAKE" --port-file "$TMP/up.port" --delay-ms 0 &
UPID=$!
PIDS="$PIDS $UPID"
wait_file "$TMP/up.port"
UP=$(cat "$TMP/up.port")
"$GW" --listen 127.0.0.1:0 --port-file "$TMP/gw.port" --upstream "http://127.0.0.1:$UP" \
  --tool lechat --charter "$TMP/demoes.chb" --threads 2 --log-level warn \
  --audit-log "$TMP/audit.jsonl" 2>"$TMP/gw.err" &
GPID=$!
PIDS="$PIDS $GPID"
wait_file "$TMP/gw.port"
GP=$(cat "$TMP/gw.port")

ALLOW='{"model":"m","messages":[{"role":"system","content":"Tu es un assistant pédagogique."},{"role":"user","content":"Bonjour, peux-tu m'"'"'expliquer la photosynthèse en trois phrases simples pour des élèves de seconde ?"}]}'
DENY='{"model":"m","messages":[{"role":"user","content":"Pourquoi ma clé sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD ne marche pas ?"}]}'
DIRECT=http://127.0.0.1:$UP/v1/chat/completions
VIA=http://127.0.0.1:$GP/v1/chat/completions

run() { "$LOAD" "$@"; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Warm both paths (connections, scanners, caches) before measuring.
run --url "$DIRECT" --data "$ALLOW" --threads 4 --seconds 1 >/dev/null
run --url "$VIA" --data "$ALLOW" --threads 4 --seconds 1 >/dev/null

echo "charter-gateway benchmark: $(nproc) CPUs, gateway with 2 HTTP threads, ${T}s per run"
echo "prompt: $(printf '%s' "$ALLOW" | wc -c) bytes, 2 messages"
echo

PIN=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  taskset -a -p -c 1 "$GPID" >/dev/null
  taskset -a -p -c 0 "$UPID" >/dev/null
  PIN="taskset -c 0"
  echo "1. latency, one connection, back to back (gateway on CPU 1; client, upstream on CPU 0)"
else
  echo "1. latency, one connection, back to back (unpinned)"
fi
D=$($PIN "$LOAD" --url "$DIRECT" --data "$ALLOW" --threads 1 --seconds "$T")
V=$($PIN "$LOAD" --url "$VIA" --data "$ALLOW" --threads 1 --seconds "$T")
echo "   direct        $D"
echo "   via gateway   $V"
echo "   added         p50 $(($(field "$V" p50_us) - $(field "$D" p50_us))) us," \
  "p90 $(($(field "$V" p90_us) - $(field "$D" p90_us))) us," \
  "p99 $(($(field "$V" p99_us) - $(field "$D" p99_us))) us"
echo

if [ -n "$PIN" ]; then
  all=0-$(($(nproc) - 1))
  taskset -a -p -c "$all" "$GPID" >/dev/null
  taskset -a -p -c "$all" "$UPID" >/dev/null
fi
echo "2. throughput, 16 connections (all $(nproc) CPUs shared by client, gateway, upstream)"
D=$(run --url "$DIRECT" --data "$ALLOW" --threads 16 --seconds "$T")
V=$(run --url "$VIA" --data "$ALLOW" --threads 16 --seconds "$T")
echo "   direct        $D"
echo "   via gateway   $V"
echo

echo "3. screening only (denied prompts, no upstream), 16 connections"
V=$(run --url "$VIA" --data "$DENY" --expect 403 --threads 16 --seconds "$T")
echo "   via gateway   $V"
curl -s "http://127.0.0.1:$GP/metrics" >"$TMP/metrics.txt"
count=$(sed -n 's/^charter_gateway_screening_seconds_count //p' "$TMP/metrics.txt")
sum=$(sed -n 's/^charter_gateway_screening_seconds_sum //p' "$TMP/metrics.txt")
awk -v c="$count" -v s="$sum" 'BEGIN { if (c > 0) printf "   mean screening time per request (from /metrics): %.1f us over %d requests\n", s / c * 1e6, c }'
echo "   gateway RSS after the runs: $(awk '/^VmRSS/ {print $2, $3}' "/proc/$GPID/status")"
