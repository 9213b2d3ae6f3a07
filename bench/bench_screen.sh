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
# Real prose beside the generated text: Debian's licence and copyright
# texts (on every Debian machine), repeated to the same size.
P="$B/bench/prose.txt"
: > "$P"
if [ -d /usr/share/common-licenses ]; then
  { cat /usr/share/common-licenses/*; find /usr/share/doc -name copyright -type f | sort | head -n 3000 | xargs cat; } > "$P.one" 2>/dev/null
  if [ -s "$P.one" ]; then
    while [ "$(wc -c < "$P")" -lt $((MB << 20)) ]; do cat "$P.one" >> "$P"; done
  fi
  rm -f "$P.one"
fi
echo "== screening (DemoES charter, tool chatgpt)"
"$B/bench/bench_screen" "$B/bench/demoes.chb" "$MB" "$B/bench/patterns.txt" "$P" || exit 2
rm -f "$P"
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
  # A charter with a list of 20,000 words of 3 to 12 letters (pseudo-random,
  # the same every run) and a one-letter tool alias: many literals, many
  # of them short, and hits at 7% of the positions.
  awk 'BEGIN { s = 1; n = 0; printf "template t \"T\" {\n  license \"CC-BY-4.0\"\n  tool class public \"P\"\n";
    printf "  tool x \"X\" class public aliases \"X\"\n  data d \"D\" { words ";
    while (n < 20000) { s = (s * 69069 + 1) % 4294967296; l = 3 + int(s / 65536) % 10; w = "";
      for (i = 0; i < l; i++) { s = (s * 69069 + 1) % 4294967296; w = w substr("abcdefghijklmnopqrstuvwxyz", 1 + int(s / 65536) % 26, 1) }
      if (!(w in seen)) { seen[w] = 1; printf "%s\"%s\"", (n ? ", " : ""), w; n++ } }
    printf " }\n  rule r error \"s\" {\n    scope prompt\n    when d\n    deny\n  }\n}\n" }' > "$B/bench/words.charter"
  "$B/charterc" compile "$B/bench/words.charter" -o "$B/bench/words.chb" >/dev/null &&
    head -c 10000000 /tmp/charter-bench-text.txt > /tmp/charter-bench-10m.txt &&
    echo "(the same, on a charter of 20,000 words and 10 MB of the text)" &&
    "$B/bench/bench_prefilter" "$B/bench/words.chb" /tmp/charter-bench-10m.txt
  rm -f /tmp/charter-bench-10m.txt
else
  echo "prefilter: libvectorscan-dev not installed (make deps-extra); comparison skipped"
fi
rm -f /tmp/charter-bench-text.txt
