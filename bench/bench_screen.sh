#!/bin/sh
# bench_screen.sh — builds bench_screen (libcharter vs libyara on the same
# patterns) and times ripgrep on the same regex set and text.  Figures only.
B=${1:-build}
MB=${BENCH_MB:-100}
mkdir -p "$B/bench"
if ! pkg-config --exists yara 2>/dev/null && [ ! -f /usr/include/yara.h ]; then
  echo "bench_screen: libyara-dev not installed (make deps-extra); skipped"; exit 0
fi
cc -std=c11 -O2 -D_DEFAULT_SOURCE -Iinclude -I. -o "$B/bench/bench_screen" bench/bench_screen.c \
  "$B/libcharter.a" $(pkg-config --libs libpcre2-8) -lyara -lm -pthread || exit 2
"$B/charterc" compile charters/demoes.charter -o "$B/bench/demoes.chb" || exit 2
echo "== screening (DemoES charter, tool chatgpt)"
"$B/bench/bench_screen" "$B/bench/demoes.chb" "$MB" "$B/bench/patterns.txt" || exit 2
if command -v rg >/dev/null 2>&1; then
  t0=$(date +%s.%N)
  rg -P -c -f "$B/bench/patterns.txt" /tmp/charter-bench-text.txt > "$B/bench/rg.out" 2>&1 || { echo "ripgrep failed: $(head -c 300 "$B/bench/rg.out")"; }
  t1=$(date +%s.%N)
  echo "ripgrep: same regex set on the same text: $(echo "$t1 - $t0" | bc) s ($(echo "scale=0; $MB / ($t1 - $t0)" | bc) MB/s)"
else
  echo "ripgrep: not installed (make deps-extra); skipped"
fi
# The literal prefilter against Vectorscan on the same atoms and text.
if [ -f /usr/include/hs/hs.h ]; then
  cc -std=c11 -O2 -D_DEFAULT_SOURCE -Iinclude -I. -o "$B/bench/bench_prefilter" bench/bench_prefilter.c \
    "$B/libcharter.a" $(pkg-config --libs libpcre2-8) -lhs -lm -pthread &&
    "$B/bench/bench_prefilter" "$B/bench/demoes.chb" /tmp/charter-bench-text.txt
else
  echo "prefilter: libvectorscan-dev not installed (make deps-extra); comparison skipped"
fi
rm -f /tmp/charter-bench-text.txt
