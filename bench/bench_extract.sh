#!/bin/sh
# bench_extract.sh — extraction speed side by side with the reference
# tools on the same files, and a whole Moodle export end to end.
#   docx -> text: `charter extract` vs `pandoc -t plain` (pandoc corpus)
#   pdf  -> text: `charter extract` vs `pdftotext`
#   rtf  -> text: `charter extract` vs `pandoc -f rtf -t plain`
#   .doc -> text: `charter extract` vs `antiword` (Word 97-2003)
#   1,000 submissions (every format read) checked with -j2
# Figures only; nothing is asserted.
B=${1:-build}
CORPUS=${CHARTER_CORPUS:-../shared/corpus}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

if [ -d "$CORPUS/pandoc/docx" ] && command -v pandoc >/dev/null; then
  n=$(ls "$CORPUS"/pandoc/docx/*.docx | wc -l)
  # charter reads many files in one process (as `charter check` does);
  # pandoc converts one file per process
  t0=$(now); "$B/charter" extract "$CORPUS"/pandoc/docx/*.docx >/dev/null 2>&1; t1=$(now)
  for f in "$CORPUS"/pandoc/docx/*.docx; do pandoc "$f" -t plain --wrap=none >/dev/null 2>&1; done; t2=$(now)
  for f in "$CORPUS"/pandoc/docx/*.docx; do "$B/charter" extract "$f" >/dev/null 2>&1; done; t3=$(now)
  a=$(secs $t0 $t1); b=$(secs $t1 $t2); c=$(secs $t2 $t3)
  echo "docx -> text, $n files: charter $a s (one process), pandoc $b s, ratio $(echo "scale=1; $b / $a" | bc)x"
  echo "  one process per file for both: charter $c s, ratio $(echo "scale=1; $b / $c" | bc)x (process start-up dominates)"
else
  echo "docx -> text: skipped (no corpus or no pandoc; make deps-extra)"
fi

python3 tests/e2e/mkdocs.py "$T/docs" >/dev/null
if command -v pdftotext >/dev/null; then
  # a long PDF: the six test documents' text repeated over 200 pages
  python3 - "$T/long.pdf" <<'PY'
import sys
lines = ["Page %d. Ce rapport presente notre projet; Outil : Le Chat pour la traduction du resume." % i for i in range(40)]
objs, kids = [], []
pages = 200
for p in range(pages):
    content = "BT /F1 10 Tf 40 800 Td 13 TL\n" + "".join("(%s) Tj T*\n" % (l + " %d" % p) for l in lines) + "ET"
    objs.append(("<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)).encode())
n0 = 3
body = [b"<< /Type /Catalog /Pages 2 0 R >>", None, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
for p in range(pages):
    body.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>" % (n0 + pages + p + 1))
    kids.append(b"%d 0 R" % (n0 + p + 1))
body[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
body += objs
o = b"%PDF-1.4\n"; offs = []
for i, ob in enumerate(body):
    offs.append(len(o)); o += b"%d 0 obj\n" % (i + 1) + ob + b"\nendobj\n"
x = len(o)
o += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1) + b"".join(b"%010d 00000 n \n" % f for f in offs)
o += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, x)
open(sys.argv[1], "wb").write(o)
PY
  t0=$(now); for i in 1 2 3 4 5; do "$B/charter" extract "$T/long.pdf" >/dev/null; done; t1=$(now)
  for i in 1 2 3 4 5; do pdftotext "$T/long.pdf" - >/dev/null; done; t2=$(now)
  a=$(secs $t0 $t1); b=$(secs $t1 $t2)
  echo "pdf -> text, 200 pages x5: charter $a s, pdftotext $b s, charter/pdftotext $(echo "scale=2; $a / $b" | bc)x"
else
  echo "pdf -> text: skipped (no pdftotext; make deps-extra)"
fi

# RTF as Word writes it (a style sheet, \'hh accents, \uN quotes, a
# footnote per paragraph), 2 MB
python3 - "$T/long.rtf" <<'PY'
import sys
p = ("{\\pard\\plain Ce rapport pr\\'e9sente notre projet \\u8220?tri\\u8221? ; outil : Le Chat pour la traduction"
     "{\\footnote\\pard Une note.} du r\\'e9sum\\'e9.\\par}\n")
body = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Times;}}{\\stylesheet{\\s1 heading 1;}}\n"
n = (2 << 20) // len(p)
open(sys.argv[1], "w").write(body + p * n + "}")
PY
if command -v pandoc >/dev/null; then
  t0=$(now); "$B/charter" extract "$T/long.rtf" >/dev/null; t1=$(now)
  pandoc -f rtf -t plain --wrap=none "$T/long.rtf" >/dev/null 2>&1; t2=$(now)
  a=$(secs $t0 $t1); b=$(secs $t1 $t2)
  echo "rtf -> text, 2 MB: charter $a s, pandoc $b s, ratio $(echo "scale=1; $b / $a" | bc)x"
else
  echo "rtf -> text: skipped (no pandoc; make deps-extra)"
fi
if command -v antiword >/dev/null; then
  n=$(ls "$T"/docs/rows/*.doc | wc -l)
  t0=$(now); for i in $(seq 20); do "$B/charter" extract "$T"/docs/rows/*.doc >/dev/null 2>&1; done; t1=$(now)
  for i in $(seq 20); do for f in "$T"/docs/rows/*.doc; do antiword "$f" >/dev/null 2>&1; done; done; t2=$(now)
  a=$(secs $t0 $t1); b=$(secs $t1 $t2)
  echo ".doc -> text, $n files x20: charter $a s (one process per round), antiword $b s (one per file), ratio $(echo "scale=1; $b / $a" | bc)x"
else
  echo ".doc -> text: skipped (no antiword; make deps-extra)"
fi

# a 1,000-submission Moodle export, mixed formats
python3 - "$T/docs/rows" "$T/export.zip" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
files = sorted(f for f in os.listdir(src) if f.rsplit(".", 1)[1] in ("docx", "doc", "odt", "odp", "pptx", "rtf", "pdf", "md", "html"))
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(1000):
        f = files[i % len(files)]
        z.write(os.path.join(src, f), "Etudiant %04d_%d_assignsubmission_file_/%s" % (i, 10000 + i, f))
PY
t0=$(now)
"$B/charter" check --charter charters/demoes.charter --level 3 --format csv -j 2 --no-progress "$T/export.zip" > "$T/out.csv"
t1=$(now)
echo "1,000-submission export (docx, doc, odt, odp, pptx, rtf, pdf, md, html), -j2: $(secs $t0 $t1) s, $(($(wc -l < "$T/out.csv") - 1)) rows"
