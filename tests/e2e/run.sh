#!/bin/sh
# run.sh — runs every end-to-end script tests/e2e/*.sh (but itself) with
# BUILD set to the build directory; each prints "NAME: N passed, N failed".
# Prints the total as "e2e: N passed, N failed" and fails if any failed.
BUILD=${BUILD:-build}
export BUILD
dir=$(dirname "$0")
pass=0
fail=0
status=0
for t in "$dir"/*.sh; do
  case "$(basename "$t")" in run.sh|lib.sh) continue ;; esac
  out=$(sh "$t" 2>&1)
  rc=$?
  printf '%s\n' "$out"
  line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
  p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
  f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  pass=$((pass + ${p:-0}))
  fail=$((fail + ${f:-0}))
  if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then fail=$((fail + 1)); echo "$(basename "$t"): exited $rc"; fi
  [ $rc -ne 0 ] && status=1
done
echo "e2e: $pass passed, $fail failed"
exit $status
