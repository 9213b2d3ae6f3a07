# lib.sh — helpers for the end-to-end scripts (sourced, not run).
# ok/ko count results; expect_rc runs a command and checks its exit status;
# finish prints "NAME: N passed, N failed" and exits non-zero on failure.
BUILD=${BUILD:-build}
PASS=0
FAIL=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ok() { PASS=$((PASS + 1)); }
ko() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
check() { # check "description" command...
  d=$1; shift
  if "$@" >/dev/null 2>&1; then ok; else ko "$d"; fi
}
expect_rc() { # expect_rc RC "description" command...
  want=$1; d=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" = "$want" ]; then ok; else ko "$d (exit $got, want $want)"; sed 's/^/    /' "$TMP/err" | head -n 5; fi
}
contains() { # contains FILE PATTERN "description"
  if grep -q -- "$2" "$1"; then ok; else ko "$3: '$2' not in $(basename "$1")"; fi
}
finish() {
  echo "$1: $PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
