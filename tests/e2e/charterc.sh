#!/bin/sh
# charterc.sh — end-to-end tests of the compiler's command line on the
# bundled charters and on hostile sources (bounded time: each run under
# `timeout`).
. "$(dirname "$0")/lib.sh"
C="timeout $(slow 20) $BUILD/charterc"

for f in charters/*.charter; do
  n=$(basename "$f" .charter)
  expect_rc 0 "compile $n" $C compile "$f" -o "$TMP/$n.chb"
  expect_rc 0 "compile $n again" $C compile "$f" -o "$TMP/$n.2.chb"
  check "deterministic output for $n" cmp "$TMP/$n.chb" "$TMP/$n.2.chb"
  expect_rc 0 "examples of $n pass" $C test "$f"
  contains "$TMP/out" " 0 failed" "charterc test $n summary"
  expect_rc 0 "$n is in canonical layout" $C fmt --check "$f"
  $C fmt "$f" > "$TMP/$n.fmt1.charter" 2>/dev/null
  # formatted copy next to the original, so its includes resolve
  copy="charters/.e2e-fmt-$$.charter"
  cp "$TMP/$n.fmt1.charter" "$copy"
  $C fmt "$copy" > "$TMP/$n.fmt2.charter" 2>/dev/null
  rm -f "$copy"
  check "fmt is idempotent on $n" cmp "$TMP/$n.fmt1.charter" "$TMP/$n.fmt2.charter"
  expect_rc 0 "dump $n.chb" $C dump "$TMP/$n.chb"
  contains "$TMP/out" "RET" "dump lists bytecode of $n"
  expect_rc 0 "render $n as markdown" $C render "$f"
  contains "$TMP/out" "Réseau des DemoES" "rendered $n keeps the DemoES attribution"
  expect_rc 0 "render $n as html" $C render --format html "$f" -o "$TMP/$n.html"
  contains "$TMP/$n.html" "<table>" "html render of $n has tables"
  contains "$TMP/$n.html" "CC-BY-SA-4.0" "html render of $n shows the licence"
done

# fmt keeps a block's last comments inside the block (they used to move
# after its closing brace, into the next block's place)
cat > "$TMP/comments.charter" <<'EOF'
template t "T" {
  license "CC-BY-4.0"
  tool class public "P"
  tool x "X" class public aliases "X"
  data d "D" {
    words "secret"
    # ends data
  }
  disclosure {
    heading words "IA"
    # ends disclosure
  }
  rule r error "s" {
    scope prompt
    when d
    deny
    # ends rule
  }
  example "e" {
    prompt "a secret"
    tool x
    expect deny r
    # ends example
  }
  # ends template
}
EOF
expect_rc 0 "fmt a charter with block-ending comments" $C fmt "$TMP/comments.charter"
cp "$TMP/out" "$TMP/comments.fmt.charter"
for w in data disclosure rule example; do
  after=$(grep -A1 "# ends $w\$" "$TMP/comments.fmt.charter" | tail -n 1)
  if [ "$after" = "  }" ]; then ok; else ko "fmt moved the comment that ends the $w block (followed by '$after')"; fi
done
after=$(grep -A1 "# ends template" "$TMP/comments.fmt.charter" | tail -n 1)
if [ "$after" = "}" ]; then ok; else ko "fmt moved the comment that ends the template (followed by '$after')"; fi
expect_rc 0 "fmt of that output changes nothing" $C fmt --check "$TMP/comments.fmt.charter"
expect_rc 0 "the formatted charter still compiles" $C check "$TMP/comments.fmt.charter"

# fmt keeps a comment written after code at the end of that code's line
# (it used to go on a line of its own before the next item, describing it)
cat > "$TMP/trailing.charter" <<'EOF'
/* a charter */ template t "T" { # c10
  license "CC-BY-4.0"
  tool class public "P"
  tool chatgpt "ChatGPT" class public   # c1
  tool lechat "Le Chat" class public # c2
  # about d
  data d "D" { # c3
    words "x", "y" # c4
  } # c5
  rule r error "s" { # c6
    scope prompt # c7
    when d
    deny
  } # c8
} # c9
EOF
expect_rc 0 "fmt a charter with end-of-line comments" $C fmt "$TMP/trailing.charter"
cp "$TMP/out" "$TMP/trailing.fmt.charter"
for pair in 'tool chatgpt:c1' 'tool lechat:c2' 'data d:c3' 'words:c4' \
            '  }:c5' '"s" {:c6' 'scope prompt:c7' '  }:c8' \
            '}:c9' 'template t:c10'; do
  code=${pair%%:*} note=${pair#*:}
  line=$(grep -E -- "# $note\$" "$TMP/trailing.fmt.charter" | head -n 1)
  case "$line" in
    *"$code"*) ok ;;
    *) ko "fmt moved '# $note' away from '$code' (line: '$line')" ;;
  esac
done
contains "$TMP/trailing.fmt.charter" "# about d" "fmt keeps a comment on a line of its own"
expect_rc 0 "fmt of that output changes nothing" $C fmt --check "$TMP/trailing.fmt.charter"
expect_rc 0 "the formatted charter still compiles" $C check "$TMP/trailing.fmt.charter"

# an MCCC table saved by a French spreadsheet (Windows-1252) is converted:
# the rendered charter shows its accents, dash and apostrophe in UTF-8
printf 'code;title;level;tools;disclosure\r\nINF101;Programmation \351l\351mentaire \226 TD;some;sovereign;obligatoire\r\nINF102;Syst\350mes d\222exploitation;none;;\r\n' > "$TMP/mccc-cp1252.csv"
cat > "$TMP/cp1252.charter" <<'EOF'
template t "T" {
  license "CC-BY-4.0"
  tool class sovereign "S"
  level none 1 "none"
  level some 2 "some" disclosure required
  ue default level none
  ue import "mccc-cp1252.csv"
}
EOF
expect_rc 0 "a Windows-1252 UE table compiles" $C check "$TMP/cp1252.charter"
contains "$TMP/err" "read as Windows-1252" "the Windows-1252 table gets a warning"
expect_rc 0 "render the charter with that table" $C render "$TMP/cp1252.charter"
contains "$TMP/out" "Programmation élémentaire – TD" "the table's accents and dash read as UTF-8"
contains "$TMP/out" "Systèmes d’exploitation" "the table's apostrophe read as UTF-8"

# the compiled-charter summary counts tests as the README promises
expect_rc 0 "test prints N passed" $C test charters/demoes.charter
contains "$TMP/out" "passed, 0 failed" "test summary line"

# diff: a charter against itself, and against a changed copy
expect_rc 0 "diff identical" $C diff charters/demoes.charter "$TMP/demoes.chb"
sed -e 's/level explore 5/level explore 6/' -e 's/rule ai-grading warning/rule ai-grading error/' \
    -e '/tool metaai "Meta AI"/,+1d' charters/demoes.charter > "$TMP/demoes-next.charter"
expect_rc 1 "diff reports changes" $C diff charters/demoes.charter "$TMP/demoes-next.charter"
contains "$TMP/out" "~ level explore: rank" "diff shows the changed level"
contains "$TMP/out" "~ rule ai-grading: severity" "diff shows the changed severity"
contains "$TMP/out" "- tool metaai" "diff shows the removed tool"
# removing a tool renumbers the facts after it: no condition changed
if grep -q ": condition" "$TMP/out"; then ko "diff reports renumbered facts as changed conditions"; else ok; fi
# a changed condition reads as charter text
sed -e 's/    when secret$/    when secret or health/' charters/demoes.charter > "$TMP/demoes-cond.charter"
expect_rc 1 "diff reports a changed condition" $C diff charters/demoes.charter "$TMP/demoes-cond.charter"
contains "$TMP/out" "~ rule secret-in-prompt: condition \"secret\" -> \"secret or health\"" "diff shows the condition as text"
# a data class's or marker's sources, a line each: a detector removed, a
# word no longer exact, a word added
sed -e 's/detect email, phone_fr, phone, nir, ine, iban, rib, card/detect email, phone_fr, phone, nir, ine, iban, card/' \
    -e 's/words exact "Mrs"/words "Mrs", "Dr"/' charters/demoes.charter > "$TMP/demoes-src.charter"
expect_rc 1 "diff reports changed sources" $C diff charters/demoes.charter "$TMP/demoes-src.charter"
contains "$TMP/out" "^~ data class personal: - detect rib$" "diff shows the removed detector"
contains "$TMP/out" '^~ marker person: - words exact "Mrs"$' "diff shows the word no longer exact"
contains "$TMP/out" '^~ marker person: + words "dr"$' "diff shows the added word"
contains "$TMP/out" "^~ marker person: + words \"mrs\"$" "diff shows the word case-blind now"
contains "$TMP/out" "^4 difference(s)$" "nothing else differs"

# exit statuses and diagnostics
expect_rc 2 "no arguments" $C
expect_rc 2 "unknown command" $C frobnicate
expect_rc 2 "missing file" $C check "$TMP/nope.charter"
contains "$TMP/err" "nope.charter" "missing file is named"
printf 'template t "x" {\n  rule r error "s" {\n    when nothing\n  }\n}\n' > "$TMP/bad.charter"
expect_rc 2 "compile error exits 2" $C check "$TMP/bad.charter"
contains "$TMP/err" "bad.charter:3:10: error: unknown name 'nothing'" "diagnostic format file:line:col"
expect_rc 2 "--werror turns warnings into errors" $C check --werror tests/golden/diag/bad_regex.charter

# hostile sources: clean errors in bounded time, never a crash
python3 - "$TMP" <<'PY'
import sys
t = sys.argv[1]
open(t + "/longline.charter", "w").write('template t "' + "x" * (1 << 20) + '" {\n  version "1"\n  license "CC-BY-4.0"\n}\n')
open(t + "/parens.charter", "w").write('template t "x" {\n  data d "D" { words "a" }\n  rule r error "s" {\n    when ' + "(" * 10000 + "d" + ")" * 10000 + '\n  }\n}\n')
open(t + "/nots.charter", "w").write('template t "x" {\n  data d "D" { words "a" }\n  rule r error "s" {\n    when ' + "not " * 10000 + 'd\n  }\n}\n')
open(t + "/deepand.charter", "w").write('template t "x" {\n  data d "D" { words "a" }\n  rule r error "s" {\n    when ' + " and ".join(["d"] * 20000) + '\n  }\n}\n')
open(t + "/nul.charter", "wb").write(b'template t "x\x00" {}\n')
open(t + "/binary.charter", "wb").write(bytes(range(256)) * 64)
open(t + "/selfext.charter", "w").write('template t "x" extends t {\n  license "CC-BY-4.0"\n}\n')
PY
expect_rc 0 "1 MB line compiles" bounded $C check "$TMP/longline.charter"
expect_rc 2 "10,000 nested parentheses: error, no crash" bounded $C check "$TMP/parens.charter"
contains "$TMP/err" "nested too deeply" "nesting limit named"
expect_rc 2 "10,000 nots: error, no crash" bounded $C check "$TMP/nots.charter"
expect_rc 2 "20,000-term condition: error, no crash" bounded $C check "$TMP/deepand.charter"
expect_rc 2 "NUL byte refused" $C check "$TMP/nul.charter"
expect_rc 2 "binary garbage refused" bounded $C check "$TMP/binary.charter"
expect_rc 2 "template extending itself" $C check "$TMP/selfext.charter"
contains "$TMP/err" "cycle" "self-extension reported as a cycle"
expect_rc 2 "include cycle" $C check tests/golden/diag/cycle_a.charter
expect_rc 2 "a .chb is not a source" $C check "$TMP/demoes.chb"

finish charterc
