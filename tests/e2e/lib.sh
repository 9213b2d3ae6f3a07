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
# bounded() CMD...: run with the address space capped at 2 GB (not under
# the sanitizers, which reserve terabytes of virtual memory by design, nor
# under memcheck), so a
# hostile input that made us allocate without bound fails the test.
bounded() {
  case "$BUILD" in
    *asan*|*fuzz*|*vg*) "$@" ;;
    *) ( ulimit -v 2097152 2>/dev/null; "$@" ) ;;
  esac
}
# slow N: a timeout of N seconds, or 20 times that under memcheck
# (make valgrind sets VALGRIND=1).
slow() { if [ -n "${VALGRIND:-}" ]; then echo $(($1 * 20)); else echo "$1"; fi; }
finish() {
  echo "$1: $PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
