#!/usr/bin/env python3
"""fidelity.py CHARTER_BIN CORPUS — extraction fidelity on pandoc's test
documents: for every pandoc/docx/*.docx and pandoc/odt/*.odt, the share of
the words of pandoc's own plain-text extraction (pandoc/expected/NAME.txt,
an independent oracle) that `charter extract` yields in the same order
(longest common subsequence of the word sequences / expected words).

Words are compared case-insensitively, without punctuation; on the
expected side, pandoc's rendering artefacts are dropped first: footnote
markers like [1], table rules of dashes, image placeholders, and markdown
emphasis characters (pandoc's "plain" keeps some).  Prints one line per
file and a summary; exits 1 if any file is under the threshold."""
import os, re, subprocess, sys, unicodedata

charter, corpus = sys.argv[1], sys.argv[2]
threshold = float(os.environ.get("FIDELITY_MIN", "98"))
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)

def words(t):
    t = unicodedata.normalize("NFKC", t)  # m² and m2, ligatures: same words
    return [w.lower().strip("'") for w in WORD.findall(t) if w.strip("'")]

def clean_expected(t):
    t = re.sub(r"\[\d+\]", " ", t)               # footnote markers
    t = re.sub(r"^[-=+: ]{3,}$", " ", t, flags=re.M)  # table rules
    t = re.sub(r"\[image\]|\[Image\]", " ", t)
    # list markers pandoc generates ("1.", "a)", "iv.", "(2)") at line starts
    t = re.sub(r"(^|\|)\s*\(?(?:\d+|[a-zA-Z]|[ivxlcdmIVXLCDM]+)[.)]\s+", " ", t, flags=re.M)
    return t

def lcs(a, b):
    # O(n*m) with a row; documents are small
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]

def bag_recall(e, got):
    from collections import Counter
    ce, cg = Counter(e), Counter(got)
    return 100.0 * sum(min(n, cg[w]) for w, n in ce.items()) / len(e)

def has_table_layout(t):
    # pandoc's plain writer draws tables in two dimensions (grid or simple
    # tables, captions after them): cell order then differs by construction
    return re.search(r"^\s*(\+[-=+]{3,}|-{3,}[ -]*)$", t, flags=re.M) is not None

rows = []
for sub in ("docx", "odt"):
    d = os.path.join(corpus, "pandoc", sub)
    if not os.path.isdir(d):
        continue
    for f in sorted(os.listdir(d)):
        exp = os.path.join(corpus, "pandoc", "expected", f + ".txt")
        if not os.path.exists(exp):
            exp = os.path.join(corpus, "pandoc", "expected", os.path.splitext(f)[0] + ".txt")
        if not os.path.exists(exp):
            continue
        raw = open(exp, encoding="utf-8", errors="replace").read()
        e = words(clean_expected(raw))
        p = subprocess.run([charter, "extract", os.path.join(d, f)], capture_output=True, timeout=60)
        got = words(p.stdout.decode("utf-8", "replace"))
        table = has_table_layout(raw)
        if not e:
            r = 100.0
        elif table:
            r = bag_recall(e, got)
        else:
            r = 100.0 * lcs(e, got) / len(e)
        rows.append((r, sub + "/" + f + (" [table: order-insensitive]" if table else ""), len(e), p.returncode))
for r, f, n, rc in rows:
    print("%6.2f%%  %5d words  %s%s" % (r, n, f, "" if rc == 0 else "  (exit %d)" % rc))
if rows:
    rs = [r for r, _, _, _ in rows]
    print("fidelity: %d files, min %.2f%%, mean %.2f%%, %d under %.0f%%" % (len(rs), min(rs), sum(rs) / len(rs),
          sum(1 for r in rs if r < threshold), threshold))
    sys.exit(1 if min(rs) < threshold else 0)
print("fidelity: no corpus files found")
