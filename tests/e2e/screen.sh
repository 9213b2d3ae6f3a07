#!/bin/sh
# screen.sh — end-to-end tests of `charter screen`: decisions and exit
# statuses, JSON and JSON Lines output, redaction, context errors, and the
# privacy contract (the prompt itself is never printed).
. "$(dirname "$0")/lib.sh"
CH="timeout $(slow 30) $BUILD/charter"
$BUILD/charterc compile charters/demoes.charter -o "$TMP/d.chb" || exit 1
S="$CH screen --charter $TMP/d.chb"

printf 'Explique le RGPD.' > "$TMP/p1"
expect_rc 0 "allow exits 0" $S --tool chatgpt --file "$TMP/p1"
contains "$TMP/out" "^allow" "allow printed"
printf 'Mon NIR : 2 84 05 2A 004 017 64' > "$TMP/p2"
expect_rc 1 "deny exits 1" $S --tool chatgpt --file "$TMP/p2"
contains "$TMP/out" "sensitive-to-public" "deny names the rule"
contains "$TMP/out" "personal (nir)" "deny names the data class and detector"
if grep -q "004 017" "$TMP/out"; then ko "the prompt leaked into the output"; else ok; fi
# a NUL escaped in a JSON Lines prompt: the whole prompt is scanned
printf '{"id":9,"prompt":"a\\u0000b 2 84 05 2A 004 017 64","tool":"chatgpt"}\n' > "$TMP/nul.jsonl"
expect_rc 1 "a prompt with \\u0000 is screened, not refused" sh -c "$S --jsonl < $TMP/nul.jsonl"
contains "$TMP/out" '"id":9,"decision":"deny"' "the NIR after the NUL is found"
printf '{"id":10,"prompt":"FR76 3000 6000 0112 3456 7890 189 x\\u0000y","tool":"lechat"}\n' > "$TMP/nul2.jsonl"
expect_rc 0 "a redacted prompt with \\u0000" sh -c "$S --jsonl < $TMP/nul2.jsonl"
contains "$TMP/out" '"redacted":"\[IBAN\] x\\u0000y"' "the redacted text keeps the NUL and what follows"
# controls are invisible: DEL or \u0001 inside an identifier does not hide it
printf 'Mon NIR : 2 84 05 2A\177004 017 64' > "$TMP/del"
expect_rc 1 "a NIR cut by DEL is denied" $S --tool chatgpt --file "$TMP/del"
contains "$TMP/out" "personal (nir)" "the NIR cut by DEL is named"
printf '{"id":11,"prompt":"cl\\u00e9 sk-proj-Xi8tdMjHV6pmbB\\u0001bwilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o","tool":"lechat"}\n' > "$TMP/ctl.jsonl"
expect_rc 1 "a key cut by \\u0001 is denied for a sovereign tool too" sh -c "$S --jsonl < $TMP/ctl.jsonl"
contains "$TMP/out" '"id":11,"decision":"deny","rules":\["secret-in-prompt"\]' "the cut key is a secret"
expect_rc 1 "--name=value options" $CH screen --charter="$TMP/d.chb" --tool=chatgpt --file="$TMP/p2"
contains "$TMP/out" "personal (nir)" "--tool= and --file= are read"
expect_rc 2 "a flag given a value" $S --json=yes --file "$TMP/p1"
contains "$TMP/err" "--json takes no value" "a flag's value is refused by name"
expect_rc 0 "redact exits 0" sh -c "$S --tool lechat < $TMP/p2"
contains "$TMP/out" "redacted: Mon NIR : \[NIR\]" "redacted text printed"
expect_rc 0 "warn exits 0" sh -c "printf 'Corrige ces copies et donne une note.' | $S --tool lechat --json"
check "json decision" python3 -c "
import json; d=json.load(open('$TMP/out')); assert d['decision']=='warn' and d['rules']==['ai-grading'], d"
expect_rc 1 "source charter accepted" sh -c "$CH screen --charter charters/demoes.charter --tool gemini < $TMP/p2"
expect_rc 2 "unknown tool" $S --tool chatgtp --file "$TMP/p1"
contains "$TMP/err" "unknown tool 'chatgtp'" "unknown tool named"
contains "$TMP/err" "known tools:.*chatgpt" "known tools listed"
expect_rc 2 "no --charter" $CH screen --tool chatgpt
# no tool: refused, not screened as a document (which would pass every
# rule about public tools: a NIR would be allowed)
expect_rc 2 "no --tool is an error" $S --file "$TMP/p2"
contains "$TMP/err" "no tool" "the missing tool is named"
contains "$TMP/err" "known tools:" "the known tools are listed"
printf '{"id":12,"prompt":"Mon NIR : 2 84 05 2A 004 017 64"}\n{"id":13,"prompt":"x","tool":""}\n' > "$TMP/notool.jsonl"
expect_rc 2 "a request without a tool is an error" sh -c "$S --jsonl < $TMP/notool.jsonl"
contains "$TMP/out" '"id":12,"error":"no tool' "the request without a tool gets an error line"
contains "$TMP/out" '"id":13,"error":"no tool' "an empty tool too"
expect_rc 1 "--tool is the requests' default" sh -c "head -1 $TMP/notool.jsonl | $S --jsonl --tool chatgpt"
contains "$TMP/out" '"id":12,"decision":"deny"' "the default tool is used"
expect_rc 2 "corrupt charter" sh -c "head -c 100 $TMP/d.chb > $TMP/bad.chb; $CH screen --charter $TMP/bad.chb --tool chatgpt < $TMP/p1"
contains "$TMP/err" "bad.chb" "corrupt file named"
expect_rc 0 "level by number" $S --tool lechat --level 3 --file "$TMP/p1"
expect_rc 2 "unknown level" $S --tool lechat --level 9 --file "$TMP/p1"

# JSON Lines: streamed, one decision per request, errors per line
cat > "$TMP/req.jsonl" <<'J'
{"id": 1, "prompt": "Bonjour", "tool": "chatgpt"}
{"id": "b", "prompt": "écris à jeanne.martin@etu.univ-exemple.fr", "tool": "lechat"}
{"id": 3, "prompt": "IBAN FR76 3000 6000 0112 3456 7890 189", "tool": "claude"}
not json
{"id": 5, "prompt": "x", "tool": "nope"}
{"id": 6, "prompt": "Invente des résultats pour mon article", "tool": "albert", "level": 3, "role": "student"}
J
$S --jsonl < "$TMP/req.jsonl" > "$TMP/res.jsonl"
rc=$?
if [ $rc -eq 2 ]; then ok; else ko "jsonl with bad lines exits 2 (got $rc)"; fi
check "jsonl results" python3 -c "
import json
r=[json.loads(l) for l in open('$TMP/res.jsonl')]
assert len(r)==6, len(r)
assert r[0]=={'id':1,'decision':'allow','rules':[],'findings':[]} , r[0]
assert r[1]['id']=='b' and r[1]['decision']=='redact' and r[1]['redacted']=='écris à [EMAIL]'
assert r[2]['decision']=='deny' and r[2]['findings'][0]['evidence'][0]['class']=='personal'
assert 'invalid JSON' in r[3]['error']
assert r[4]['id']==5 and 'unknown tool' in r[4]['error']
assert r[5]['decision']=='deny' and r[5]['rules']==['fabricated-data']
"
if grep -q "3000 6000" "$TMP/res.jsonl"; then ko "jsonl output leaked a prompt"; else ok; fi

# a class list copied from a spreadsheet (TSV): "INE" heads its column,
# and all 30 rows' INEs are evidence, not only those near the header
python3 -c "
rows = ['Nom\tPr\u00e9nom\tINE\tNote'] + ['\u00c9tudiant%d\tPr\u00e9nom\t%010dA\t%d' % (k, 1234567 + k * 7919, k % 20) for k in range(30)]
open('$TMP/classe.txt', 'w').write('Classe ces \u00e9tudiants par note :\n' + '\n'.join(rows) + '\n')"
expect_rc 1 "a class list with an INE column is denied for a public tool" $S --tool chatgpt --json --file "$TMP/classe.txt"
check "every row's INE is evidence" python3 -c "
import json; d = json.load(open('$TMP/out'))
ev = [e for f in d['findings'] for e in f['evidence'] if e['detector'] == 'ine']
assert len(ev) == 30, len(ev)"
# the same list with its grades and no INE (a finding holds 32 spans at
# most): each row's grade, under the "Note /20" header, is evidence
python3 -c "
rows = ['Nom;Pr\u00e9nom;Note /20'] + ['Nom%d;Pr\u00e9nom;%d,%d' % (k, k % 20, k % 10) for k in range(30)]
open('$TMP/notes.txt', 'w').write('Calcule la moyenne :\n' + '\n'.join(rows) + '\n')"
expect_rc 1 "a class list with its grades is denied for a public tool" $S --tool chatgpt --json --file "$TMP/notes.txt"
check "every row's grade is evidence, exactly" python3 -c "
import json; d = json.load(open('$TMP/out')); t = open('$TMP/notes.txt', 'rb').read()
ev = [e for f in d['findings'] for e in f['evidence'] if e['detector'] == 'grade_table']
assert [t[e['start']:e['end']] for e in ev] == [b'%d,%d' % (k % 20, k % 10) for k in range(30)], ev
assert all(e['class'] == 'grades' for e in ev)"
expect_rc 0 "the same list to a sovereign tool is not denied" $S --tool lechat --json --file "$TMP/notes.txt"

# identifiers from other projects, each in one of four contexts: every one
# is denied, and one evidence span is the identifier exactly, so that
# redaction leaves none of it.  FILE's ids are "detector:value".
found_whole() { # found_whole FILE COUNT "description"
  $S --jsonl < "$1" > "$TMP/found.jsonl"
  check "$3" python3 -c "
import json, sys
req = [json.loads(l) for l in open('$1')]
res = [json.loads(l) for l in open('$TMP/found.jsonl')]
assert len(req) == len(res) == $2, (len(req), len(res))
bad = []
for q, r in zip(req, res):
    value = q['id'].split(':', 1)[1].encode()
    p = q['prompt'].encode()
    spans = [p[e['start']:e['end']] for f in r.get('findings', []) for e in f['evidence']]
    if r.get('decision') != 'deny' or value not in spans: bad.append((q['id'], r.get('decision'), spans))
if bad: sys.exit('missed or cut: %d, first %r' % (len(bad), bad[:3]))
"
}
# faker-js 10.6.0, fr locale, seed 42: French phone numbers national and
# international, e-mail addresses with and without RFC 5322 specials,
# French and other IBANs, cards of six networks
found_whole tests/e2e/faker-fr.jsonl 170 "faker-js identifiers: each denied, one span each exactly"
# libphonenumber's example numbers (its metadata as python3-phonenumbers
# 8.12.57 ships it, Debian 12): every type of all 245 regions in
# international format, mobile and fixed line in E.164 too, France's in
# national format; docs/detectors.md names the two left out
found_whole tests/e2e/lpn-phones.jsonl 1463 "libphonenumber's example numbers: each denied, one span each exactly"

# a 100 MB single-line input: screened in bounded time, no crash
# (not under memcheck, where it would take most of an hour)
if [ -z "${VALGRIND:-}" ]; then
  python3 -c "import sys; sys.stdout.write('Lorem ipsum dolor sit amet, 12345 ' * 3000000)" > "$TMP/big.txt"
  expect_rc 0 "100 MB single line screened" timeout 300 $BUILD/charter screen --charter "$TMP/d.chb" --tool chatgpt --file "$TMP/big.txt"
fi

finish screen
