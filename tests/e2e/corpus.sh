#!/bin/sh
# corpus.sh — extraction fidelity on pandoc's test documents (shared
# corpus, not in the repository): every file must reach 98% word-sequence
# recall against pandoc's own extraction (tests/corpus/fidelity.py).
# Skips with a message when the corpus is absent.
. "$(dirname "$0")/lib.sh"
CORPUS=${CHARTER_CORPUS:-../shared/corpus}
if [ ! -d "$CORPUS/pandoc" ]; then
  echo "corpus: skipped (no $CORPUS/pandoc; set CHARTER_CORPUS)"
  finish corpus
  exit 0
fi
python3 tests/corpus/fidelity.py "$BUILD/charter" "$CORPUS" > "$TMP/fid.txt"
tail -n 1 "$TMP/fid.txt"
while read -r pct words rest; do
  case "$pct" in
    *%) v=${pct%\%}; if awk "BEGIN{exit !($v >= 98)}"; then ok; else ko "fidelity $pct: $rest"; fi ;;
  esac
done < "$TMP/fid.txt"
finish corpus
