#!/bin/sh
# bench_compile.sh — builds and runs bench/bench_compile.c (compile and load
# figures of the bundled charters).  Figures only; nothing is asserted.
B=${1:-build}
mkdir -p "$B/bench"
cc -std=c11 -O2 -D_DEFAULT_SOURCE -Iinclude -I. -o "$B/bench/bench_compile" bench/bench_compile.c \
  "$B/libcharterc.a" "$B/libcharter.a" $(pkg-config --libs libpcre2-8) -lm -pthread || exit 2
echo "== compile and load (median of 30 runs, in process)"
"$B/bench/bench_compile" 30
