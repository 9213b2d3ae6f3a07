#!/bin/sh
# check.sh — end-to-end tests of `charter check` and `charter extract`: the
# DemoES document table (six kinds of submission x six formats x levels 1
# and 3, compared with the exact set of rules the table requires), every
# output format, a Moodle export, and hostile files (each a per-file error
# naming the file, in bounded time, the batch going on).
. "$(dirname "$0")/lib.sh"
CH="timeout $(slow 60) $BUILD/charter"
python3 tests/e2e/mkdocs.py "$TMP/docs" || { echo "check: cannot generate documents"; exit 1; }
D="$TMP/docs/rows"

# row -> expected rules at level 1 and level 3 (sorted, space-separated)
expect() {
  case "$1:$2" in
    none:1) echo "" ;;              none:3) echo "disclosure-missing" ;;
    negative:1) echo "" ;;          negative:3) echo "" ;;
    approved:1) echo "ai-forbidden" ;; approved:3) echo "" ;;
    public:1) echo "ai-forbidden" ;;   public:3) echo "tool-not-approved" ;;
    nopurpose:1) echo "ai-forbidden" ;; nopurpose:3) echo "disclosure-incomplete" ;;
    artefact:1) echo "undisclosed-ai" ;; artefact:3) echo "disclosure-missing undisclosed-ai" ;;
  esac
}
for row in none negative approved public nopurpose artefact; do
  for fmt in txt md html docx doc odt pptx odp rtf pdf; do
    for lv in 1 3; do
      $CH check --charter charters/demoes.charter --level $lv --format csv "$D/$row.$fmt" > "$TMP/row.csv" 2>"$TMP/row.err"
      got=$(tail -n 1 "$TMP/row.csv" | cut -d, -f6 | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ *$//')
      want=$(expect $row $lv)
      if [ "$got" = "$want" ]; then ok; else ko "$row.$fmt at level $lv: got '$got', want '$want'"; fi
    done
  done
done

# exit statuses: 0 without error-level findings, 1 with
expect_rc 0 "clean submission exits 0" $CH check --charter charters/demoes.charter --level 3 "$D/approved.md"
expect_rc 1 "error-level finding exits 1" $CH check --charter charters/demoes.charter --level 1 "$D/approved.md"

# formats
$CH check --charter charters/demoes.charter --level 3 --format json "$D" > "$TMP/out.jsonl"
check "json lines parse, one object per document" python3 -c "
import json,sys
objs=[json.loads(l) for l in open('$TMP/out.jsonl')]
assert len(objs)==60, len(objs)
assert all('decision' in o and 'findings' in o for o in objs)
f=[o for o in objs if o['file'].endswith('public.docx')][0]
ev=f['findings'][0]['evidence']
assert f['findings'][0]['rule']=='tool-not-approved' and ev and ev[0]['paragraph']>0 and 'ChatGPT' in ev[0]['excerpt']
"
$CH check --charter charters/demoes.charter --level 3 --format sarif "$D" > "$TMP/out.sarif"
check "sarif 2.1.0 structure" python3 -c "
import json
s=json.load(open('$TMP/out.sarif'))
assert s['version']=='2.1.0' and s['\$schema'].endswith('sarif-2.1.0.json')
run=s['runs'][0]; ids={r['id'] for r in run['tool']['driver']['rules']}
assert 'disclosure-missing' in ids
for r in run['results']:
    assert r['ruleId'] in ids and r['level'] in ('error','warning','note') and r['message']['text']
    loc=r['locations'][0]['physicalLocation']; assert loc['artifactLocation']['uri']
"
SMT=build/tools/node_modules/.bin/sarif-multitool
if [ -x "$SMT" ]; then
  $CH check --charter charters/demoes.charter --level 3 --format sarif "$D" "$TMP/docs/moodle-export.zip" > "$TMP/full.sarif" 2>/dev/null
  timeout 120 "$SMT" validate "$TMP/full.sarif" -o "$TMP/validation.sarif" > "$TMP/validation.txt" 2>&1
  if grep -qE "(error|warning) SARIF[0-9]" "$TMP/validation.txt"; then
    ko "Microsoft SARIF validator: $(grep -E "(error|warning) SARIF" "$TMP/validation.txt" | head -n 2)"
  else ok; fi
else
  echo "check: @microsoft/sarif-multitool not installed (make deps-extra): SARIF checked for structure only"
fi
$CH check --charter charters/demoes.charter --level 3 --format html -o "$TMP/report.html" "$D"
contains "$TMP/report.html" "<mark>" "html report highlights evidence"
contains "$TMP/report.html" "tool-not-approved" "html report lists rule ids"
check "html report is well-formed enough for an XML-tolerant parser" python3 -c "
import html.parser
class P(html.parser.HTMLParser): pass
P().feed(open('$TMP/report.html').read())
"
# the HTML report as a person sees it: rendered by headless Chromium
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROME" ]; then
  timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$TMP/chrome" \
    --window-size=1280,1600 --screenshot="$TMP/report.png" "file://$TMP/report.html" >/dev/null 2>&1
  check "chromium renders the html report to a non-blank screenshot" python3 -c "
import struct, zlib
b = open('$TMP/report.png', 'rb').read()
assert b[:8] == b'\x89PNG\r\n\x1a\n'
i, idat, w = 8, b'', 0
while i < len(b):
    n, t = struct.unpack('>I4s', b[i:i+8]); d = b[i+8:i+8+n]; i += 12 + n
    if t == b'IHDR': w = struct.unpack('>I', d[:4])[0]
    if t == b'IDAT': idat += d
raw = zlib.decompress(idat)
assert w == 1280 and len(set(raw[::31])) > 8, 'blank or tiny screenshot'
"
else
  echo "check: chromium not installed (make deps-extra): html screenshot test skipped"
fi
expect_rc 2 "unknown format" $CH check --charter charters/demoes.charter --format yaml "$D"
expect_rc 2 "unknown level" $CH check --charter charters/demoes.charter --level 9 "$D"
contains "$TMP/err" "unknown level '9'" "unknown level is named"

# -j: the same results with 1 and 4 workers
$CH check --charter charters/demoes.charter --level 3 --format csv -j 1 "$D" > "$TMP/j1.csv"
$CH check --charter charters/demoes.charter --level 3 --format csv -j 4 "$D" > "$TMP/j4.csv"
check "-j 1 and -j 4 agree" cmp "$TMP/j1.csv" "$TMP/j4.csv"
# the spellings of getopt_long tools: --name=value, -jN, --jobs, --output
$CH check --charter=charters/demoes.charter --level=3 --format=csv -j2 --output="$TMP/j2.csv" "$D"
check "--name=value, -j2 and --output= give the same rows" cmp "$TMP/j1.csv" "$TMP/j2.csv"
$CH check --charter charters/demoes.charter --level 3 --format csv --jobs 3 -o "$TMP/j3.csv" -- "$D"
check "--jobs N and -- before the paths give the same rows" cmp "$TMP/j1.csv" "$TMP/j3.csv"
expect_rc 2 "-j with a bad number" $CH check --charter charters/demoes.charter -jx "$D"
contains "$TMP/err" "bad -j 'x'" "a bad -j value is named"
expect_rc 2 "-j 0" $CH check --charter charters/demoes.charter -j 0 "$D"
expect_rc 2 "an unknown option" $CH check --charter charters/demoes.charter --formats=csv "$D"
contains "$TMP/err" "unknown option '--formats=csv'" "an unknown option is quoted as given"
expect_rc 2 "an empty attached value" $CH check --charter= "$D"
contains "$TMP/err" "--charter needs a value" "an empty --charter= is refused"
expect_rc 2 "a flag given a value" $CH check --charter charters/demoes.charter --no-progress=1 "$D"
contains "$TMP/err" "--no-progress takes no value" "a flag's attached value is refused by name"

# a Moodle export: students named, a broken member reported, the rest checked
$CH check --charter charters/demoes.charter --level 3 --format csv "$TMP/docs/moodle-export.zip" > "$TMP/moodle.csv" 2>/dev/null
rc=$?
if [ $rc -eq 2 ]; then ok; else ko "moodle export with a broken member exits 2 (got $rc)"; fi
contains "$TMP/moodle.csv" "Jeanne Martin,100," "student name and id from the folder"
contains "$TMP/moodle.csv" "Noah Richard,105,.*undisclosed-ai" "findings per student"
contains "$TMP/moodle.csv" "Zoé Truncated,999,.*truncated" "broken member reported as an error row"

# hostile inputs: each an error naming the file, the batch goes on
H="$TMP/docs/hostile"
for f in truncated.docx fake.pdf fake.docx zip-bomb.docx; do
  expect_rc 2 "hostile $f is an input error" bounded $CH check --charter charters/demoes.charter --level 3 "$H/$f" "$H/ok.docx"
  contains "$TMP/out" "$f" "the error names $f"
  contains "$TMP/out" "ok.docx: ok" "the batch goes on after $f"
done
contains "$TMP/out" "limit\|ratio" "zip bomb refused by a limit"
expect_rc 2 "entity bomb refused quickly, not expanded" bounded $CH check --charter charters/demoes.charter --level 1 "$H/entity-bomb.docx"
contains "$TMP/out" "entity-bomb.docx" "entity bomb error names the file"
$CH extract "$H/xxe.docx" > "$TMP/xxe.txt" 2>&1
if grep -q "root:" "$TMP/xxe.txt"; then ko "external entity was loaded"; else ok; fi
expect_rc 1 "invalid UTF-8 text is checked (no disclosure at level 3)" $CH check --charter charters/demoes.charter --level 3 --format json "$H/invalid-utf8.txt" "$D/negative.md"
check "invalid UTF-8 still produces valid JSON" python3 -c "
import json; [json.loads(l) for l in open('$TMP/out')]"
# a PDF that would keep poppler busy for minutes: stopped at --pdf-timeout,
# an error naming it, and the documents before and after it still reported
t0=$(date +%s)
expect_rc 2 "a PDF over its time limit is an input error" $CH check --charter charters/demoes.charter --level 3 \
  --pdf-timeout 2 "$D/approved.pdf" "$H/slow.pdf" "$D/public.pdf" "$H/ok.docx"
t1=$(date +%s)
if [ $((t1 - t0)) -lt $(slow 30) ]; then ok; else ko "the slow PDF took $((t1 - t0)) s with --pdf-timeout 2"; fi
contains "$TMP/out" "slow.pdf: error: reading this PDF took more than 2 s" "the error names the slow PDF and the limit"
contains "$TMP/out" "approved.pdf: ok" "the PDF before the slow PDF is reported"
contains "$TMP/out" "public.pdf:page 1.*tool-not-approved" "the PDF after it is read by a new reader process"
contains "$TMP/out" "ok.docx: ok" "the document after the slow PDF is reported"
# Ctrl-C: the files being read are finished, the report is written (the
# rest as not checked), a second one quits at once.  reader_up waits until
# the run reads the slow PDF (its reader process is up: the workers run,
# and the signals are taken by the main thread).
# Wait (up to 30 s: a loaded CI machine can take seconds to start
# python, charter and its reader) until pid $1 has its PDF reader; say so
# when it never came, since the signal tests after it would then only
# see a process killed during its start-up.
reader_up() {
  i=0
  while [ $i -lt $(slow 300) ] && ! pgrep -P "$1" -f __pdf-text >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
  pgrep -P "$1" -f __pdf-text >/dev/null 2>&1 || echo "note: pid $1 had no PDF reader after $((i / 10)) s"
}
# dfl: run with SIGINT at its default action, as from a terminal (a
# background job of a script starts with it ignored, and keeps it so);
# only as "dfl CMD... &": it execs, so $! is CMD's pid
dfl() { exec python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }
SLOW_RUN="$D/approved.md $H/slow.pdf $D/artefact.md $H/ok.docx"
dfl $BUILD/charter check --charter charters/demoes.charter --level 3 -j 1 --pdf-timeout 3 $SLOW_RUN >"$TMP/out" 2>"$TMP/err" &
pid=$!
reader_up $pid
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 2 ]; then ok; else ko "SIGINT to charter check: exit $rc, want 2"; fi
contains "$TMP/out" "approved.md: ok" "the file checked before the interruption is reported"
contains "$TMP/out" "slow.pdf: error: reading this PDF took more than 3 s" "the file being read is finished"
contains "$TMP/out" "artefact.md: error: not checked: the run was interrupted" "a file not started is a row that says so"
contains "$TMP/out" "ok.docx: error: not checked: the run was interrupted" "the last file too"
contains "$TMP/err" "interrupted: finishing the files being read" "the interruption is acknowledged on stderr"
# from a terminal, Ctrl-C reaches the PDF reader too: that file is not checked, at once
dfl $BUILD/charter check --charter charters/demoes.charter --level 3 -j 1 --pdf-timeout 60 --format csv $SLOW_RUN >"$TMP/out" 2>"$TMP/err" &
pid=$!
reader_up $pid
t0=$(date +%s)
# the terminal signals both at once; charter first here, so that a loaded
# machine cannot let the run finish (and its SIGINT then kill it at the
# default action) between the two kills
kill -INT $pid
pkill -INT -P $pid -f __pdf-text
wait $pid
rc=$?
t1=$(date +%s)
if [ $rc -eq 2 ] && [ $((t1 - t0)) -lt $(slow 20) ]; then ok; else ko "Ctrl-C to the process group: exit $rc after $((t1 - t0)) s"; fi
contains "$TMP/out" "slow.pdf: not checked: the run was interrupted" "the PDF being read is reported as interrupted"
check "the CSV report is complete: a header and 4 rows" test "$(wc -l < "$TMP/out")" -eq 5
# a second SIGINT quits at once, and takes the PDF reader with it
int_twice() { kill -INT $1; sleep 0.3; kill -INT $1; wait $1; }
dfl $BUILD/charter check --charter charters/demoes.charter -j 1 --pdf-timeout 60 $SLOW_RUN >"$TMP/out" 2>"$TMP/err" &
pid=$!
reader_up $pid
reader=$(pgrep -P $pid -f __pdf-text)
int_twice $pid
rc=$?
if [ $rc -eq 130 ]; then ok; else ko "a second SIGINT: exit $rc, want 130 (killed by SIGINT)"; fi
sleep 0.5
# (killed, it may stay a zombie where PID 1 does not reap)
check "the PDF reader went with it" sh -c "[ -n '$reader' ] && ! ps -o stat= -p $reader | grep -qv Z"
# a signal once every file has been read does not lose the report: the
# report goes to a FIFO nobody opens yet, so charter waits in open()
fifo_wait() { for _ in $(seq 100); do [ "$(cat /proc/$1/wchan 2>/dev/null)" = wait_for_partner ] && return; sleep 0.1; done; }
for sig in INT TERM; do
  rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
  dfl $BUILD/charter check --charter charters/demoes.charter --level 3 --format json -o "$TMP/fifo" "$D/approved.md" "$H/ok.docx" 2>"$TMP/err" &
  pid=$!
  fifo_wait $pid
  kill -$sig $pid
  sleep 0.2
  cat "$TMP/fifo" > "$TMP/out"
  wait $pid
  rc=$?
  if [ $rc -eq 0 ]; then ok; else ko "SIG$sig while writing the report: exit $rc, want 0"; fi
  check "SIG$sig while writing: the report is complete (2 results)" test "$(grep -c '"file":' "$TMP/out")" -eq 2
  contains "$TMP/err" "interrupted while writing the report, which was finished first" "SIG$sig while writing is said"
done
# twice while writing: quit at once
rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
dfl $BUILD/charter check --charter charters/demoes.charter --level 3 -o "$TMP/fifo" "$D/approved.md" 2>"$TMP/err" &
pid=$!
fifo_wait $pid
int_twice $pid
rc=$?
if [ $rc -eq 130 ]; then ok; else ko "a second SIGINT while writing the report: exit $rc, want 130"; fi
expect_rc 2 "--pdf-timeout must be a number of seconds" $CH check --charter charters/demoes.charter --pdf-timeout 0 "$H/ok.docx"
# form fields and annotations hold typed text too
expect_rc 0 "extract a PDF with a form field and a FreeText annotation" $CH extract --positions "$H/form.pdf"
contains "$TMP/out" "Champ : En tant que modèle de langage" "the form field's text is read"
contains "$TMP/out" "utm_source=chatgpt.com" "the annotation's text is read"
contains "$TMP/out" "page 1 para 5 comment" "the annotation is a comment on its page"
contains "$TMP/out" "Outil choisi : Le Chat" "the item chosen in a drop-down list is read"
check "the items not chosen are not read" sh -c "! grep -q 'Outil non choisi' '$TMP/out'"
contains "$TMP/out" "Saisi : j'ai demandé à Perplexity" "the text typed in an editable combo box is read"
check "the fields come in the page's order" sh -c "grep -A1 'para 2 body' '$TMP/out' | grep -q 'Champ :'"
expect_rc 1 "the form field is checked" $CH check --charter charters/demoes.charter --level 1 "$H/form.pdf"
contains "$TMP/out" "undisclosed-ai" "the AI phrase typed in the form is found"
# bytes before %PDF- (readers look in the first 1024 bytes)
expect_rc 1 "a PDF with a byte-order mark before its header is read" $CH check --charter charters/demoes.charter --level 1 "$H/bom.pdf"
contains "$TMP/out" "undisclosed-ai" "the text of that PDF is checked"

# the text after a text box in the same paragraph is read, as body text
for f in frame.odt frame.docx; do
  expect_rc 0 "extract $f" $CH extract --positions "$TMP/docs/textbox/$f"
  after=$(grep -B1 "Après la figure" "$TMP/out" | head -n 1)
  case "$after" in *body*) ok ;; *) ko "$f: the text after the text box is missing or not body text ('$after')" ;; esac
  contains "$TMP/out" "Figure 1 : légende" "$f: the text box itself is read"
  expect_rc 1 "the text after the text box is checked ($f)" $CH check --charter charters/demoes.charter --level 1 "$TMP/docs/textbox/$f"
  contains "$TMP/out" "undisclosed-ai" "$f: the AI phrase after the text box is found"
done

# HTML encodings: a byte-order mark wins over the meta, valid UTF-8 is
# UTF-8, a UTF-16 meta on an ASCII page is not believed, UTF-16 without a
# mark and a meta past the first KB are honoured
HE="$TMP/docs/htmlenc"
for f in bom-wins.html utf8-under-latin1-meta.html latin1.html utf16-no-bom.html; do
  expect_rc 1 "$f is read in its real encoding" $CH check --charter charters/demoes.charter --level 1 "$HE/$f"
  contains "$TMP/out" "undisclosed-ai" "$f: the accented AI phrase is found"
done
expect_rc 0 "a page declared charset=unicode" $CH extract "$HE/unicode-meta.html"
contains "$TMP/out" "utm_source=chatgpt.com" "the ASCII page declared UTF-16 is read as text"
expect_rc 0 "a page whose meta charset comes after 3 KB" $CH extract "$HE/late-meta.html"
contains "$TMP/out" "Квартира в Москве" "the windows-1251 page is decoded"

# password-protected documents are named as such
for f in protected.odt protected.docx protected.doc; do
  expect_rc 2 "$f is an input error" $CH check --charter charters/demoes.charter "$H/$f"
  contains "$TMP/out" "$f: error: a password-protected document" "$f: the error says it is password-protected"
done

# a .docx whose body is imported HTML (w:altChunk)
expect_rc 1 "the HTML imported into a .docx is checked" $CH check --charter charters/demoes.charter --level 1 "$TMP/docs/textbox/altchunk.docx"
contains "$TMP/out" "undisclosed-ai" "the AI phrase of the imported HTML is found"

# a .docx whose main part is named by _rels/.rels
expect_rc 1 "a .docx whose main part is word/main.xml is checked" $CH check --charter charters/demoes.charter --level 1 "$TMP/docs/textbox/mainpart.docx"
contains "$TMP/out" "undisclosed-ai" "the text of that main part is found"

# a .docx's links: the URL after the text, once per link; internal links have none
$CH extract "$TMP/docs/textbox/link.docx" > "$TMP/link.txt" 2>&1
contains "$TMP/link.txt" "d'après Wikipédia (https://fr.wikipedia.org/wiki/Tri_rapide?lang=fr&utm_source=chatgpt.com)\." "a w:hyperlink's URL follows its text, entities decoded"
check "an internal link has no URL" sh -c "grep -q '^Retour au début\$' '$TMP/link.txt'"
expect_rc 1 "a link's utm_source=chatgpt.com in a .docx is an AI trace" $CH check --charter charters/demoes.charter --level 1 "$TMP/docs/textbox/link.docx"
contains "$TMP/out" "undisclosed-ai" "the trace in the link's URL is found"
$CH extract "$TMP/docs/textbox/link.odt" > "$TMP/olink.txt" 2>&1
contains "$TMP/olink.txt" "^Le tri rapide, d'après Wikipédia (https://fr.wikipedia.org/wiki/Tri_rapide?utm_source=chatgpt.com).\$" "an .odt link's URL follows its text"
contains "$TMP/olink.txt" "^Retour\$" "an .odt link inside the document has no URL"
$CH extract "$TMP/docs/textbox/field-link.docx" > "$TMP/flink.txt" 2>&1
contains "$TMP/flink.txt" "Un article, 1/16/18 (https://example.org/tri?utm_source=chatgpt.com) consulté\." "a HYPERLINK field's URL (code in two runs, a field nested) follows its result"
check "a field's code is not text" sh -c "! grep -q 'HYPERLINK\|DATE' '$TMP/flink.txt'"

# tables: one row a line, cells by tabs (empty cells and spans keep the columns)
T="$TMP/docs/tables"
$CH extract "$T/grades.docx" > "$TMP/tg.txt" 2>&1
contains "$TMP/tg.txt" "^Nom	Prénom	Note\$" "a .docx table's header row is a line"
contains "$TMP/tg.txt" "^Martin	Alice	15,5\$" "and each row"
contains "$TMP/tg.txt" "^Moyenne de la classe : 13,75\$" "a cell spanning the row"
contains "$TMP/tg.txt" "^## Déclaration d'usage de l'IA\$" "a layout table (a heading in a cell) keeps its paragraphs"
$CH extract "$T/grades.html" > "$TMP/th.txt" 2>&1
contains "$TMP/th.txt" "^Dupont		14\$" "an empty HTML cell keeps its column"
contains "$TMP/th.txt" "^Martin		9\$" "so does a colspan"
contains "$TMP/th.txt" "^Notes\$" "the caption is a line of its own"
$CH extract "$T/grades.odt" > "$TMP/to.txt" 2>&1
contains "$TMP/to.txt" "^Absent\$" "an .odt cell spanning two columns, its covered cell after it"
contains "$TMP/to.txt" "^Dupont	12\$" "and the next row"
printf 'Calcule la moyenne :\n' > "$TMP/tq.txt"; grep -v '^#' "$TMP/tg.txt" | head -n 6 >> "$TMP/tq.txt"
expect_rc 1 "a class list's grades copied from a .docx are personal data for a public tool" $CH screen --charter charters/demoes.charter --tool chatgpt --file "$TMP/tq.txt"

# Word 97-2003: pieces in 8 bits and in UTF-16, a table row, a HYPERLINK field, a footnote
W="$TMP/docs/word97"
$CH extract --positions "$W/fields.doc" > "$TMP/doc.pos" 2>&1
contains "$TMP/doc.pos" "^Le tri	rapide\$" "a table row is a line, its cells joined by a tab"
contains "$TMP/doc.pos" "^Voir cet article (https://example.org/?utm_source=chatgpt.com).\$" "a HYPERLINK field: its code left out, its URL after its result"
contains "$TMP/doc.pos" "fields.doc para 4 footnote" "the footnote story is a part of its own"
expect_rc 1 "a .doc footnote is checked" $CH check --charter charters/demoes.charter --level 1 "$W/fields.doc"
contains "$TMP/out" "fields.doc:paragraph 4 (footnote): error: .*undisclosed-ai" "the finding names the footnote"
expect_rc 1 "a .doc named .docx is read as what it is" $CH check --charter charters/demoes.charter --level 1 "$W/renamed.docx"
for f in wordml.doc page.doc; do
  expect_rc 1 "what Word also saves as .doc ($f) is read" $CH check --charter charters/demoes.charter --level 1 "$W/$f"
  contains "$TMP/out" "$f:.*undisclosed-ai" "its text is checked"
done
for f in archive.doc garbage.doc; do
  expect_rc 2 "a .doc that is neither ($f) is an input error" $CH check --charter charters/demoes.charter --level 1 "$W/$f"
  contains "$TMP/out" "$f: error: " "the error names $f"
done
expect_rc 2 "a truncated .doc is an input error" $CH check --charter charters/demoes.charter --level 1 "$H/truncated.doc" "$D/approved.md"
contains "$TMP/out" "truncated.doc: error: .*truncated" "the error names the file and says it is cut short"
contains "$TMP/out" "approved.md:.*ai-forbidden" "the batch goes on after the truncated .doc"

# RTF: TextEdit's, a .doc that is RTF, notes, links, Unicode, code pages, hostile nesting
R="$TMP/docs/rtf"
expect_rc 0 "TextEdit's RTF: an approved tool with its purpose" $CH check --charter charters/demoes.charter --level 3 "$R/textedit-approved.rtf"
expect_rc 1 "TextEdit's RTF: a public tool" $CH check --charter charters/demoes.charter --level 3 "$R/textedit-public.rtf"
contains "$TMP/out" "textedit-public.rtf:paragraph 4: error: .*tool-not-approved" "the finding names the paragraph"
expect_rc 1 "a .doc that is RTF inside is read" $CH check --charter charters/demoes.charter --level 1 "$R/copie.doc"
contains "$TMP/out" "undisclosed-ai" "its text is checked"
$CH extract --positions "$R/notes.rtf" > "$TMP/rtf.pos" 2>&1
contains "$TMP/rtf.pos" "^Notre projet. La suite.\$" "a footnote leaves its paragraph whole"
contains "$TMP/rtf.pos" "para 4 footnote" "the footnote is a part of its own, after the body"
contains "$TMP/rtf.pos" "^Voir cet article (https://example.org/?utm_source=chatgpt.com).\$" "a HYPERLINK field's URL follows its result"
contains "$TMP/rtf.pos" "^“guillemets” et 😃.\$" "\\uN, its fallback skipped, and a surrogate pair"
$CH extract "$R/star.rtf" > "$TMP/star.txt" 2>&1
contains "$TMP/star.txt" "^The quick brown fox\$" "a \\* at a group's start skips an unknown destination; elsewhere it is ignored"
$CH extract "$R/cp1251.rtf" > "$TMP/cp.txt" 2>&1
contains "$TMP/cp.txt" "^Привет\$" "\\ansicpg1251 bytes"
$CH extract "$D/approved.rtf" > "$TMP/approved.rtf.txt" 2>&1
check "hidden text (\\v) and the document info are not read" sh -c "! grep -q 'ChatGPT\|Claude' '$TMP/approved.rtf.txt'"
expect_rc 2 "RTF nested past the limit is an input error" bounded $CH check --charter charters/demoes.charter --level 1 "$R/deep.rtf" "$D/approved.md"
contains "$TMP/out" "deep.rtf: error: .*deeper than 256" "the error names the file and the limit"

# presentations: notes, links, SmartArt, the presentation's slide order
S="$TMP/docs/slides"
expect_rc 1 "an Impress slide's speaker notes are checked" $CH check --charter charters/demoes.charter --level 1 "$S/notes.odp"
contains "$TMP/out" "notes.odp:slide 1, paragraph 3 (notes): error: .*undisclosed-ai" "the finding names the slide and the notes"
$CH extract --positions "$D/approved.odp" > "$TMP/odp.pos" 2>&1
contains "$TMP/odp.pos" "approved.odp slide 2 para 4 body" "an Impress slide's number and part"
contains "$TMP/odp.pos" "^# Déclaration d'usage de l'IA\$" "an Impress title frame is a heading"
check "an Impress slide number is not text" sh -c "! grep -q 424242 '$TMP/odp.pos'"
expect_rc 1 "a slide's speaker notes are checked" $CH check --charter charters/demoes.charter --level 1 "$S/notes.pptx"
contains "$TMP/out" "notes.pptx:slide 1, paragraph 3 (notes): error: .*undisclosed-ai" "the finding names the slide and the notes"
expect_rc 1 "a link's URL on a slide counts" $CH check --charter charters/demoes.charter --level 1 "$S/link.pptx"
contains "$TMP/out" "Wikipédia (https://fr.wikipedia.org/wiki/Tri_rapide?utm_source=chatgpt.com)" "the URL follows its text"
expect_rc 1 "a SmartArt diagram's text is checked" $CH check --charter charters/demoes.charter --level 1 "$S/smartart.pptx"
contains "$TMP/out" "undisclosed-ai" "the diagram's AI phrase is found"
$CH extract "$S/order.pptx" > "$TMP/order.txt" 2>&1
check "slides come in the presentation's order, not their parts' names" sh -c \
  "[ \"\$(grep '^#' '$TMP/order.txt' | tr '\n' ' ')\" = '# Introduction # Méthode # Conclusion ' ]"
check "slide numbers are not text" sh -c "! grep -q 424242 '$TMP/order.txt'"
$CH extract "$S/notes.pptx" > "$TMP/notes.txt" 2>&1
check "the notes pages' header and slide number are not text" sh -c "! grep -q '42424[23]' '$TMP/notes.txt'"
contains "$TMP/notes.txt" "^En tant que modèle de langage, je ne peux pas conclure\.$" "the notes are"
$CH extract --positions "$S/order.pptx" > "$TMP/order.pos" 2>&1
contains "$TMP/order.pos" "order.pptx slide 3 para 6 body" "positions name the slide"
expect_rc 0 "a slide whose part is missing is skipped, the others read" $CH check --charter charters/demoes.charter --level 1 "$S/dangling.pptx"
$CH extract "$S/dangling.pptx" > "$TMP/dangling.txt" 2>&1
contains "$TMP/dangling.txt" "Encore là." "the slide that is there is read"
for f in norels.pptx truncated.pptx; do
  expect_rc 2 "a broken presentation ($f) is an input error" $CH check --charter charters/demoes.charter --level 1 "$S/$f" "$D/approved.md"
  contains "$TMP/out" "$f: error: " "the error names $f"
  contains "$TMP/out" "approved.md: ai-forbidden\|approved.md:.*ai-forbidden" "the batch goes on after $f"
done

# formats the checker does not read are errors that say what to do, never "ok"
U="$TMP/docs/unsupported"
for f in rapport.wps slides.ppt; do
  expect_rc 2 "$f is not read but reported" $CH check --charter charters/demoes.charter --level 3 "$U/$f"
  contains "$TMP/out" "$f: error: .*does not read: .* as" "the error names $f and says how to save it"
done
expect_rc 2 "a binary file of an unknown format is an error" $CH check --charter charters/demoes.charter "$U/figure.png"
contains "$TMP/out" "figure.png: error: a binary file" "the binary file is named"
expect_rc 1 "a file of code is checked as text" $CH check --charter charters/demoes.charter --level 1 "$U/script.py"
contains "$TMP/out" "undisclosed-ai" "the code's comment is checked"
expect_rc 2 "a PowerPoint 97-2003 file named .doc is an input error" $CH check --charter charters/demoes.charter "$U/expose.doc"
contains "$TMP/out" "expose.doc: error: a PowerPoint 97-2003 presentation (.ppt), which this tool does not read" "the error says what the file is"
expect_rc 1 "a .doc in a Moodle export is checked for its student" $CH check --charter charters/demoes.charter \
  --level 1 --format csv "$U/moodle-doc.zip"
contains "$TMP/out" "Alice Durand,101,.*undisclosed-ai" "the .doc student's row has the finding"
contains "$TMP/out" "Denis Leroy,104," "the other student is checked"
# names and excerpts cannot break the text report or drive the terminal
expect_rc 1 "an entry name with a newline and an escape" $CH check --charter charters/demoes.charter --level 1 "$U/names.zip"
check "no escape byte in the text report" sh -c "! grep -q \"\$(printf '\\033')\" '$TMP/out'"
contains "$TMP/out" "names.zip!line.*break.*_6_assignsubmission" "the entry is named"
check "one line for the finding and one for its excerpt" test "$(wc -l < "$TMP/out")" -eq 2
# text in UTF-16, UTF-32 or Windows-1252 is read in its encoding: the
# disclosure's tool and the accented words are found, as in UTF-8
E="$TMP/docs/encodings"
for f in utf16le-bom.txt utf16be-bom.md utf16le.txt utf32le-bom.txt utf32be.txt cp1252.txt utf8-bom.txt notes-utf16.py mixed.txt; do
  expect_rc 1 "$f is read in its encoding" $CH check --charter charters/demoes.charter --level 1 --format csv "$E/$f"
  contains "$TMP/out" "$f,1,warn,ai-forbidden," "the disclosure of $f is found (its accented heading read)"
done
expect_rc 0 "a UTF-16 file's text is the text" $CH extract "$E/utf16le-bom.txt"
contains "$TMP/out" "^Déclaration d'usage de l'IA : ChatGPT, pour reformuler l’introduction.$" "no NUL byte, no mark, the accents kept"
expect_rc 0 "a Windows-1252 file's accents" $CH extract "$E/cp1252.txt"
contains "$TMP/out" "^Déclaration d'usage de l'IA : ChatGPT, pour reformuler l’introduction.$" "é and ’ from Windows-1252"
expect_rc 0 "a UTF-8 file with one stray Windows-1252 byte stays UTF-8" $CH extract "$E/mixed.txt"
contains "$TMP/out" "^Déclaration d'usage" "its UTF-8 accents are kept"
for f in utf32le-bom.html utf32be.html; do
  expect_rc 1 "$f (UTF-32) is read" $CH check --charter charters/demoes.charter --level 1 --format csv "$E/$f"
  contains "$TMP/out" "$f,1,warn,undisclosed-ai," "the AI phrase of $f is found"
done

# documents with no text (scans, photographed pages, blank files) are errors, never "ok"
for f in scan.pdf photo.docx blank.txt; do
  expect_rc 2 "$f (no text) is an error" $CH check --charter charters/demoes.charter --level 1 "$U/$f"
  contains "$TMP/out" "$f: error: no text in it" "the error names $f and says it has no text"
done
contains "$TMP/out" "blank.txt: error: no text in it, so it was not checked" "a blank text file is not called a scan"
expect_rc 2 "scan.pdf names the likely cause" $CH check --charter charters/demoes.charter --level 1 "$U/scan.pdf" "$U/script.py"
contains "$TMP/out" "scan.pdf: error: no text in it (a scan, or only images?" "a PDF without text may be a scan"
contains "$TMP/out" "undisclosed-ai" "the next document is still checked"
expect_rc 2 "a scanned copy in a Moodle export is an error row for its student" $CH check --charter charters/demoes.charter \
  --format csv "$U/moodle-scan.zip"
contains "$TMP/out" "Alice Durand,101,.*no text in it" "the scanned copy's row says why"
contains "$TMP/out" "Denis Leroy,104," "the other student is checked"
expect_rc 2 "an archive with no document is an error" $CH check --charter charters/demoes.charter "$U/nothing.zip"
contains "$TMP/out" "nothing.zip: error: no document to check" "the empty archive is named"

expect_rc 1 "an excerpt with bytes F5 80 80" $CH check --charter charters/demoes.charter --level 1 --format json "$H/f5.txt"
check "JSON excerpts never carry invalid UTF-8" python3 -c "
import json; [json.loads(l)['findings'][0]['evidence'][0]['excerpt'] for l in open('$TMP/out', encoding='utf-8')]"
expect_rc 2 "missing path" $CH check --charter charters/demoes.charter "$TMP/nope.docx"
contains "$TMP/out" "nope.docx" "missing file named"

# the disclosure's headings, however the student wrote them: markdown
# markers, numbering, indentation, blank lines before; not a sentence that
# quotes one (the heading patterns' bounded repeats keep them in windows)
HD="$TMP/headings"; mkdir -p "$HD"
python3 - "$HD" <<'PY'
import sys
d = sys.argv[1]
heads = ["Déclaration d'usage de l'IA", "DECLARATION DE L'IA", "Déclaration sur l'utilisation d'outils d'IA",
         "Usage de l'IA", "Utilisation de l'intelligence artificielle", "AI use statement",
         "Generative AI-use disclosure", "Declaration of generative AI use", "Use of AI tools:"]
pre = ["", "# ", "### 3. ", "**", "12) ", "\t", "\n\n\n\n", " " * 16, "*  4.   "]
for i, h in enumerate(heads):
    for j, p in enumerate(pre):
        open("%s/h%d-%d.md" % (d, i, j), "w").write("Mon devoir.\n\n" + p + h + "\n\nChatGPT, pour reformuler.\n")
open(d + "/quoted.md", "w").write("Mon devoir cite la déclaration d'usage de l'IA au milieu d'une phrase.\n\nChatGPT, pour reformuler.\n")
PY
expect_rc 1 "81 headings and a quoted one (ChatGPT is not approved)" $CH check --charter charters/demoes.charter --level 3 --format csv "$HD"
check "every heading is found" test "$(grep -c '/h[0-9]-[0-9].md,3,[a-z]*,[^,]*,$' "$TMP/out")" -eq 81
check "no heading reads as missing" sh -c "! grep '/h[0-9]-[0-9].md,.*disclosure-missing' '$TMP/out'"
contains "$TMP/out" "quoted.md,3,warn,disclosure-missing," "a heading quoted in a sentence is not one"

# extract shows what the checker sees, with positions
expect_rc 0 "extract docx" $CH extract --positions "$D/public.docx"
contains "$TMP/out" "## Déclaration d'usage de l'IA" "headings become markdown headings"
if grep -q "supprimé" "$TMP/out"; then ko "tracked deletion extracted"; else ok; fi
if grep -q "HYPERLINK" "$TMP/out"; then ko "field code extracted"; else ok; fi
expect_rc 0 "extract pdf" $CH extract --positions "$D/public.pdf"
contains "$TMP/out" "page 1" "pdf positions carry the page"
expect_rc 0 "extract html" $CH extract "$D/public.html"
if grep -q "caché\|AI language model" "$TMP/out"; then ko "hidden or script text extracted"; else ok; fi

finish check
