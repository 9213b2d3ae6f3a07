#!/usr/bin/env python3
"""mkdocs.py OUTDIR — writes the checker's test documents: the six rows of
the DemoES document table (no disclosure, negative disclosure, approved tool
with purpose, public tool, no purpose, AI artefacts) in every format the
checker reads (txt, md, html, docx, doc, odt, pptx, odp, rtf, pdf), plus hostile files (truncated
docx, zip bomb, entity bomb, external entity, fake PDF, invalid UTF-8) and a
Moodle-style export.  Generated at test time: nothing binary is committed."""
import os, struct, sys, zipfile, zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
H = "Déclaration d'usage de l'IA"
ROWS = {
    "none": [("p", "Ce rapport présente notre projet de tri.")],
    "negative": [("p", "Ce rapport présente notre projet."), ("h", H), ("p", "Aucun outil d'IA n'a été utilisé.")],
    "approved": [("p", "Ce rapport présente notre projet."), ("h", H),
                 ("p", "Outil : Le Chat (Mistral AI), pour la reformulation de l'introduction.")],
    "public": [("p", "Ce rapport présente notre projet."), ("h", H),
               ("p", "Outil : ChatGPT, pour la traduction du résumé.")],
    "nopurpose": [("p", "Ce rapport présente notre projet."), ("h", H), ("p", "J'ai utilisé Le Chat.")],
    "artefact": [("p", "En tant que modèle de langage, je ne peux pas conclure."),
                 ("p", "Source : https://fr.wikipedia.org/wiki/Tri?utm_source=chatgpt.com")],
}

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

def txt(rows, md):
    o = "# Rapport\n\n" if md else "Rapport\n\n"
    for k, t in rows:
        o += ("## " + t if md and k == "h" else t) + "\n\n"
    return o

def html(rows):
    o = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Rapport</title><script>var x='as an AI language model';</script></head><body><h1>Rapport</h1>"
    for k, t in rows:
        o += ("<h2>%s</h2>" if k == "h" else "<p>%s</p>") % esc(t)
    return o + "<p hidden>ChatGPT caché</p></body></html>"

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')

def docx_xml(rows):
    b = '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Rapport</w:t></w:r></w:p>'
    for k, t in rows:
        style = '<w:pPr><w:pStyle w:val="Heading2"/></w:pPr>' if k == "h" else ""
        b += '<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % (style, esc(t))
    # a tracked deletion, the old place of a tracked move (its runs keep
    # w:t) and a field code must not be read
    b += ('<w:p><w:del><w:r><w:delText>ChatGPT supprimé</w:delText></w:r></w:del><w:r><w:instrText>HYPERLINK chatgpt.com</w:instrText></w:r></w:p>'
          '<w:p><w:moveFromRangeStart w:id="7" w:name="move1"/><w:moveFrom w:id="8" w:author="x"><w:r><w:t>ChatGPT déplacé</w:t></w:r></w:moveFrom><w:moveFromRangeEnd w:id="7"/></w:p>')
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body>%s</w:body></w:document>' % (W, b)

def docx(path, rows, body=None, rels=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("word/document.xml", body if body is not None else docx_xml(rows))
        if rels:
            z.writestr("word/_rels/document.xml.rels", rels_xml(rels))

def odt(path, rows, body=None):
    b = '<text:h text:outline-level="1">Rapport</text:h>'
    for k, t in rows or []:
        b += ('<text:h text:outline-level="2">%s</text:h>' if k == "h" else '<text:p>%s</text:p>') % esc(t)
    b = body if body is not None else b + '<text:tracked-changes><text:changed-region><text:deletion><text:p>ChatGPT supprimé</text:p></text:deletion></text:changed-region></text:tracked-changes>'
    xml = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:xlink="http://www.w3.org/1999/xlink" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>%s'
           '</office:text></office:body></office:document-content>' % b)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", xml)

def cfb(path, streams):
    """A compound file (MS-CFB version 3) holding `streams` [(name, bytes)],
    each padded with zeros to 4096 bytes or more, its size included, so
    that none is in the mini stream."""
    END, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat, body, start, cur = {0: FATSECT, 1: END}, b"", [], 2
    for name, b in streams:
        b = b + b"\0" * (max(4096, len(b) + (-len(b) % 512)) - len(b))
        n = len(b) // 512
        start.append((cur, len(b)))
        for i in range(n):
            fat[cur + i] = cur + i + 1 if i < n - 1 else END
        cur, body = cur + n, body + b
    assert cur <= 128 and len(streams) <= 3
    def entry(name, typ, child, right, sect, size):
        n16 = name.encode("utf-16-le") + b"\0\0"
        return (n16.ljust(64, b"\0") + struct.pack("<HBB", len(n16), typ, 1) + struct.pack("<III", FREE, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", sect, size))
    d = entry("Root Entry", 5, 1, FREE, END, 0)
    for i, (name, _) in enumerate(streams):
        d += entry(name, 2, FREE, i + 2 if i + 1 < len(streams) else FREE, start[i][0], start[i][1])
    d = d.ljust(512, b"\0")
    hdr = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
           + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0) + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    fatb = b"".join(struct.pack("<I", fat.get(i, FREE)) for i in range(128))
    open(path, "wb").write(hdr + fatb + d + body)

def msdoc(path, paras, notes=(), flags=0x0200):
    """A Word 97-2003 document: `paras` as the main story (the first half
    of them in 8-bit Windows-1252, the rest in UTF-16: two pieces),
    `notes` as the footnote story."""
    main = "".join(p + "\r" for p in paras)
    ftn = "".join(p + "\r" for p in notes)
    half = len(paras) // 2
    t1, t2 = "".join(p + "\r" for p in paras[:half]), "".join(p + "\r" for p in paras[half:]) + ftn
    b1, b2 = t1.encode("cp1252"), t2.encode("utf-16-le")
    fc1, fc2 = 0x800, 0x800 + len(b1) + (len(b1) & 1)
    fib = bytearray(0x800)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0xC1)
    struct.pack_into("<H", fib, 0x0A, flags)
    struct.pack_into("<H", fib, 0x20, 14)
    struct.pack_into("<H", fib, 0x3E, 22)
    struct.pack_into("<II", fib, 0x4C, len(main), len(ftn))
    struct.pack_into("<H", fib, 0x98, 93)
    cps = [0, len(t1), len(t1) + len(t2)]
    plc = b"".join(struct.pack("<I", c) for c in cps) + struct.pack("<HIH", 0, (fc1 * 2) | 0x40000000, 0) + struct.pack("<HIH", 0, fc2, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", fib, 0x1A2, 0, len(clx))
    wd = bytes(fib) + b1 + b"\0" * (fc2 - fc1 - len(b1)) + b2
    cfb(path, [("WordDocument", wd), ("1Table" if flags & 0x0200 else "0Table", clx)])

def rtf_esc(s):
    """RTF text as Word writes it: Windows-1252 bytes as \\'hh, other characters as \\uN with a '?' fallback."""
    o = ""
    for ch in s:
        if ch in "\\{}":
            o += "\\" + ch
        elif ord(ch) < 0x80:
            o += ch
        else:
            try:
                o += "\\'%02x" % ch.encode("cp1252")[0]
            except UnicodeEncodeError:
                o += "\\u%d?" % (ord(ch) if ord(ch) < 0x8000 else ord(ch) - 0x10000)
    return o

def rtf(path, rows, textedit=False):
    """The rows as Word writes RTF (styles, \\outlinelevel headings, a font
    table and document info that are not text), or as macOS TextEdit does
    (a line per paragraph, each ended by a backslash)."""
    if textedit:
        o = ("{\\rtf1\\ansi\\ansicpg1252\\cocoartf2639\n{\\fonttbl\\f0\\fswiss\\fcharset0 Helvetica;}\n"
             "{\\colortbl;\\red255\\green255\\blue255;}\n{\\*\\expandedcolortbl;;}\n\\pard\\pardirnatural\\partightenfactor0\n\n"
             "\\f0\\fs24 \\cf0 Rapport\\\n")
        for k, t in rows:
            o += rtf_esc(t) + "\\\n"
        return open(path, "w").write(o + "}")
    o = ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}{\\info{\\title ChatGPT}{\\author Claude}}"
         "{\\stylesheet{\\s1 heading 1;}}\n{\\pard\\s1\\outlinelevel0 Rapport\\par}\n")
    for k, t in rows:
        o += "{\\pard\\s1\\outlinelevel1 %s\\par}\n" % rtf_esc(t) if k == "h" else "{\\pard\\plain %s\\par}\n" % rtf_esc(t)
    o += "{\\pard{\\v ChatGPT cach\\'e9}\\par}}"
    open(path, "w").write(o)

def odp(path, rows, notes=None):
    """An Impress presentation: a slide per heading, its title a title frame,
    the paragraphs after it in an outline frame; `notes`: the first
    slide's speaker notes.  A slide number frame and an empty text box
    (which must not leave the reader in a text box) on each slide."""
    slides = [["Rapport"]]
    for k, t in rows:
        if k == "h":
            slides.append([t])
        else:
            slides[-1].append(t)
    frame = '<draw:frame presentation:class="%s"><draw:text-box>%s</draw:text-box></draw:frame>'
    b = ""
    for i, sl in enumerate(slides):
        b += '<draw:page draw:name="page%d">' % (i + 1) + frame % ("title", "<text:p>%s</text:p>" % esc(sl[0]))
        b += '<draw:frame presentation:class="subtitle"><draw:text-box/></draw:frame>'
        if sl[1:]:
            b += frame % ("outline", "".join("<text:p>%s</text:p>" % esc(t) for t in sl[1:]))
        b += frame % ("page-number", "<text:p><text:page-number>424242</text:page-number></text:p>")
        if i == 0 and notes:
            b += ('<presentation:notes><draw:page-thumbnail draw:page-number="1" presentation:class="page"/>'
                  + frame % ("notes", "".join("<text:p>%s</text:p>" % esc(t) for t in notes)) + "</presentation:notes>")
        b += "</draw:page>"
    xml = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
           'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:presentation>%s'
           '</office:presentation></office:body></office:document-content>' % b)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.presentation")
        z.writestr("content.xml", xml)

PNS = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
       'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"')
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

def rels_xml(items):
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join('<Relationship Id="%s" Type="%s%s" Target="%s"%s/>' % (i, RT, t, esc(g), ' TargetMode="External"' if g.startswith("http") else "")
                      for i, t, g in items) + "</Relationships>")

def shape(paras, ph=None):
    """A text shape: paragraphs as strings, or as lists of runs (text, link rId or None)."""
    body = ""
    for para in paras:
        runs = [(para, None)] if isinstance(para, str) else para
        body += "<a:p>" + "".join('<a:r><a:rPr lang="fr-FR">%s</a:rPr><a:t>%s</a:t></a:r>' % (
            '<a:hlinkClick r:id="%s"/>' % l if l else "", esc(t)) for t, l in runs) + "</a:p>"
    nv = '<p:nvPr><p:ph type="%s"/></p:nvPr>' % ph if ph else "<p:nvPr/>"
    return ('<p:sp><p:nvSpPr><p:cNvPr id="2" name="Forme"/><p:cNvSpPr/>%s</p:nvSpPr><p:spPr/>'
            '<p:txBody><a:bodyPr/>%s</p:txBody></p:sp>' % (nv, body))

# the slide number, as PowerPoint writes it: a placeholder holding a field
SLDNUM = ('<p:sp><p:nvSpPr><p:cNvPr id="9" name="N"/><p:cNvSpPr/><p:nvPr><p:ph type="sldNum"/></p:nvPr></p:nvSpPr>'
          '<p:spPr/><p:txBody><a:bodyPr/><a:p><a:fld id="{1}" type="slidenum"><a:t>424242</a:t></a:fld></a:p></p:txBody></p:sp>')

def pptx(path, slides, order=None):
    """slides: dicts with "shapes" (XML), and optional "notes" (paragraphs),
    "rels" (extra relationships of the slide) and "parts" (name -> XML)."""
    order = order or list(range(len(slides)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", rels_xml([("rId1", "officeDocument", "ppt/presentation.xml")]))
        z.writestr("ppt/presentation.xml", '<?xml version="1.0" encoding="UTF-8"?><p:presentation %s><p:sldIdLst>%s'
                   '</p:sldIdLst></p:presentation>' % (PNS, "".join('<p:sldId id="%d" r:id="rId%d"/>' % (256 + i, 10 + i) for i in order)))
        z.writestr("ppt/_rels/presentation.xml.rels", rels_xml([("rId%d" % (10 + i), "slide", "slides/slide%d.xml" % (i + 1)) for i in range(len(slides))]))
        for i, sl in enumerate(slides):
            z.writestr("ppt/slides/slide%d.xml" % (i + 1), '<?xml version="1.0" encoding="UTF-8"?><p:sld %s><p:cSld><p:spTree>'
                       '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>%s%s'
                       '</p:spTree></p:cSld></p:sld>' % (PNS, "".join(sl["shapes"]), SLDNUM))
            rels = list(sl.get("rels", []))
            if sl.get("notes"):
                rels.append(("rId2", "notesSlide", "../notesSlides/notesSlide%d.xml" % (i + 1)))
                z.writestr("ppt/notesSlides/notesSlide%d.xml" % (i + 1), '<?xml version="1.0" encoding="UTF-8"?><p:notes %s>'
                           '<p:cSld><p:spTree>%s%s%s</p:spTree></p:cSld></p:notes>' % (PNS, shape(["En-tête 424243"], "hdr"), shape(sl["notes"], "body"), SLDNUM))
            if rels:
                z.writestr("ppt/slides/_rels/slide%d.xml.rels" % (i + 1), rels_xml(rels))
            for name, xml in sl.get("parts", {}).items():
                z.writestr(name, xml)

def pptx_rows(path, rows):
    slides = [{"shapes": [shape(["Rapport"], "ctrTitle")]}]
    for k, t in rows:
        if k == "h":
            slides.append({"shapes": [shape([t], "title")]})
        else:
            slides[-1]["shapes"].append(shape([t]))
    pptx(path, slides)

# A PDF of these objects (object i + 1 is objs[i]; 1 is the catalog), with
# its cross-reference table.
def pdf_objs(objs):
    o = b"%PDF-1.4\n"
    offs = []
    for i, ob in enumerate(objs):
        offs.append(len(o))
        o += b"%d 0 obj\n" % (i + 1) + ob + b"\nendobj\n"
    x = len(o)
    o += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for f in offs:
        o += b"%010d 00000 n \n" % f
    return o + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)

# A stream object: its dictionary entries, then body.
def stream(extra, body):
    return b"<< %s/Length %d >>\nstream\n" % (extra + b" " if extra else b"", len(body)) + body + b"\nendstream"

def pdf(path, rows):
    lines = ["Rapport", ""]
    for k, t in rows:
        lines += [t, ""]
    content = "BT /F1 11 Tf 50 780 Td 14 TL\n"
    for l in lines:
        s = l.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        content += "(" + s.decode("latin-1") + ") Tj T*\n"
    content += "ET"
    cb = content.encode("latin-1")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            stream(b"", cb),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    open(path, "wb").write(pdf_objs(objs))

for name, rows in ROWS.items():
    d = os.path.join(out, "rows")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name + ".txt"), "w").write(txt(rows, False))
    open(os.path.join(d, name + ".md"), "w").write(txt(rows, True))
    open(os.path.join(d, name + ".html"), "w").write(html(rows))
    docx(os.path.join(d, name + ".docx"), rows)
    odt(os.path.join(d, name + ".odt"), rows)
    pptx_rows(os.path.join(d, name + ".pptx"), rows)
    odp(os.path.join(d, name + ".odp"), rows)
    rtf(os.path.join(d, name + ".rtf"), rows)
    msdoc(os.path.join(d, name + ".doc"), ["Rapport"] + [t for _, t in rows])
    pdf(os.path.join(d, name + ".pdf"), rows)

# presentations: speaker notes, a link's URL, a SmartArt diagram, slides
# listed in another order than their parts' names, a dangling slide
sd = os.path.join(out, "slides")
os.makedirs(sd, exist_ok=True)
pptx(os.path.join(sd, "notes.pptx"), [
    {"shapes": [shape(["Rapport"], "title"), shape(["Notre projet de tri."])],
     "notes": ["En tant que modèle de langage, je ne peux pas conclure."]}])
pptx(os.path.join(sd, "link.pptx"), [
    {"shapes": [shape(["Rapport"], "title"), shape([[("Le tri rapide, d'après ", None), ("Wikipédia", "rId7"), (".", None)]])],
     "rels": [("rId7", "hyperlink", "https://fr.wikipedia.org/wiki/Tri_rapide?utm_source=chatgpt.com")]}])
DGM = 'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
pptx(os.path.join(sd, "smartart.pptx"), [
    {"shapes": [shape(["Rapport"], "title")],
     "rels": [("rId5", "diagramData", "../diagrams/data1.xml")],
     "parts": {"ppt/diagrams/data1.xml": '<?xml version="1.0" encoding="UTF-8"?><dgm:dataModel %s><dgm:ptLst>'
               '<dgm:pt modelId="1"><dgm:t><a:bodyPr/><a:p><a:r><a:t>En tant que modèle de langage</a:t></a:r></a:p></dgm:t></dgm:pt>'
               '</dgm:ptLst></dgm:dataModel>' % DGM}}])
odp(os.path.join(sd, "notes.odp"), [("p", "Notre projet de tri.")], notes=["En tant que modèle de langage, je ne peux pas conclure."])
pptx(os.path.join(sd, "order.pptx"), [
    {"shapes": [shape(["Conclusion"], "title"), shape(["Troisième diapositive."])]},
    {"shapes": [shape(["Introduction"], "ctrTitle"), shape(["Première diapositive."])]},
    {"shapes": [shape(["Méthode"], "title"), shape(["Deuxième diapositive."])]}], order=[1, 2, 0])
with zipfile.ZipFile(os.path.join(sd, "dangling.pptx"), "w") as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", rels_xml([("rId1", "officeDocument", "ppt/presentation.xml")]))
    z.writestr("ppt/presentation.xml", '<p:presentation %s><p:sldIdLst><p:sldId id="256" r:id="rId10"/>'
               '<p:sldId id="257" r:id="rId11"/></p:sldIdLst></p:presentation>' % PNS)
    z.writestr("ppt/_rels/presentation.xml.rels", rels_xml([("rId10", "slide", "slides/gone.xml"), ("rId11", "slide", "slides/slide2.xml")]))
    z.writestr("ppt/slides/slide2.xml", '<p:sld %s><p:cSld><p:spTree>%s</p:spTree></p:cSld></p:sld>' % (PNS, shape(["Encore là."])))
with zipfile.ZipFile(os.path.join(sd, "norels.pptx"), "w") as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", rels_xml([("rId1", "officeDocument", "ppt/presentation.xml")]))
    z.writestr("ppt/presentation.xml", '<p:presentation %s><p:sldIdLst><p:sldId id="256" r:id="rId10"/></p:sldIdLst></p:presentation>' % PNS)
data_p = open(os.path.join(sd, "notes.pptx"), "rb").read()
open(os.path.join(sd, "truncated.pptx"), "wb").write(data_p[: len(data_p) // 2])

# hostile inputs
h = os.path.join(out, "hostile")
os.makedirs(h, exist_ok=True)
docx(os.path.join(h, "ok.docx"), ROWS["approved"])
data = open(os.path.join(h, "ok.docx"), "rb").read()
open(os.path.join(h, "truncated.docx"), "wb").write(data[: len(data) // 2])
open(os.path.join(h, "fake.pdf"), "wb").write(b"This is not a PDF at all\n" * 10)
open(os.path.join(h, "fake.docx"), "wb").write(b"plain text pretending to be a docx")
# bytes F5-FF never start UTF-8: next to a finding, its excerpt holds them
open(os.path.join(h, "f5.txt"), "wb").write("En tant que modèle de langage ".encode() + b"\xf5\x80\x80 \xe2\x82 fin\n")
open(os.path.join(h, "invalid-utf8.txt"), "wb").write(b"Rapport \xff\xfe\xc3 invalide\n\nEn tant que mod\xe8le de langage\n")
bomb_entities = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
                 "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i else "&lol;") * 10) for i in range(1, 10)) +
                 ']><w:document %s><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>' % W)
docx(os.path.join(h, "entity-bomb.docx"), None, bomb_entities)
xxe = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<w:document %s><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>' % W)
docx(os.path.join(h, "xxe.docx"), None, xxe)
# zip bomb: 300 MB of zeros deflates to ~300 KB
with zipfile.ZipFile(os.path.join(h, "zip-bomb.docx"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    zi = zipfile.ZipInfo("word/document.xml")
    zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, "w", force_zip64=True) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(300):
            f.write(chunk)

# a PDF that keeps any reader busy for minutes in 19 KB: a page that draws
# a form that draws a form 1000 times that draws one 1000 times that saves
# and restores the state 1000 times (10^9 operations)
form = b"/Type /XObject /Subtype /Form /BBox [0 0 1 1]"
open(os.path.join(h, "slow.pdf"), "wb").write(pdf_objs([
    b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /X1 5 0 R >> >> >>",
    stream(b"", b"/X1 Do"),
    stream(form + b" /Resources << /XObject << /X2 6 0 R >> >>", b"/X2 Do\n" * 1000),
    stream(form + b" /Resources << /XObject << /X3 7 0 R >> >>", b"/X3 Do\n" * 1000),
    stream(form, b"q Q\n" * 1000)]))
# a PDF whose text a student typed in a form field and with the "add text"
# tool (a FreeText annotation): outside the page content, read all the same
def pdf_utf16(s):
    return b"<FEFF" + s.encode("utf-16-be").hex().upper().encode() + b">"
open(os.path.join(h, "form.pdf"), "wb").write(pdf_objs([
    b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 8 0 R 9 0 R] >> >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 7 0 R 8 0 R 9 0 R] "
    b"/Resources << /Font << /F1 5 0 R >> >> >>",
    stream(b"", b"BT /F1 11 Tf 50 780 Td (Rapport de stage) Tj ET"),
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (usage) /Rect [50 700 400 720] /P 3 0 R /V "
    + pdf_utf16("Champ : En tant que modèle de langage, je ne peux pas.") + b" >>",
    b"<< /Type /Annot /Subtype /FreeText /Rect [50 600 400 620] /DA (/Helv 12 Tf 0 g) /Contents "
    + pdf_utf16("Note : https://example.org/?utm_source=chatgpt.com") + b" >>",
    # a drop-down list with one item chosen, and an editable combo box
    # where the student typed a value of their own
    b"<< /Type /Annot /Subtype /Widget /FT /Ch /Ff 131072 /T (outil) /Rect [50 560 400 580] /P 3 0 R "
    b"/Opt [(Aucun outil) (Outil choisi : Le Chat, reformulation) (Outil non choisi : Copilot)] "
    b"/V (Outil choisi : Le Chat, reformulation) >>",
    b"<< /Type /Annot /Subtype /Widget /FT /Ch /Ff 393216 /T (autre) /Rect [50 520 400 540] /P 3 0 R "
    b"/Opt [(Aucun)] /V " + pdf_utf16("Saisi : j'ai demandé à Perplexity") + b" >>"]))

# a PDF with bytes before its header (a byte-order mark, as some tools write)
pdf(os.path.join(h, "bom.pdf"), ROWS["artefact"])
data_bom = b"\xef\xbb\xbf" + open(os.path.join(h, "bom.pdf"), "rb").read()
open(os.path.join(h, "bom.pdf"), "wb").write(data_bom)

# a text box (a captioned figure) in the middle of a paragraph: the text
# after it is the paragraph's, and must be read
tb = os.path.join(out, "textbox")
os.makedirs(tb, exist_ok=True)
odt(os.path.join(tb, "frame.odt"), None,
    '<text:p>Avant la figure.<draw:frame><draw:text-box><text:p>Figure 1 : légende</text:p></draw:text-box>'
    '</draw:frame>Après la figure : en tant que modèle de langage, je ne peux pas.</text:p><text:p>Fin.</text:p>')
docx(os.path.join(tb, "frame.docx"), None,
     '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body>'
     '<w:p><w:r><w:t>Avant la figure.</w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>Figure 1 : légende</w:t>'
     '</w:r></w:p></w:txbxContent></w:pict></w:r><w:r><w:t xml:space="preserve">Après la figure : en tant que modèle de '
     'langage, je ne peux pas.</w:t></w:r></w:p><w:p><w:r><w:t>Fin.</w:t></w:r></w:p></w:body></w:document>' % W)

# a ChatGPT answer pasted into Word: its links' URLs carry the trace, not
# their text; a w:hyperlink, and a HYPERLINK field (with a DATE field
# nested in its result, as Word writes them)
WR = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
docx(os.path.join(tb, "link.docx"), None,
     '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s %s><w:body>'
     '<w:p><w:r><w:t xml:space="preserve">Le tri rapide, d\'après </w:t></w:r><w:hyperlink r:id="rId9"><w:r><w:t>Wiki</w:t></w:r>'
     '<w:r><w:t>pédia</w:t></w:r></w:hyperlink><w:r><w:t>.</w:t></w:r></w:p>'
     '<w:p><w:hyperlink w:anchor="intro"><w:r><w:t>Retour au début</w:t></w:r></w:hyperlink></w:p></w:body></w:document>' % (W, WR),
     rels=[("rId9", "hyperlink", "https://fr.wikipedia.org/wiki/Tri_rapide?lang=fr&utm_source=chatgpt.com")])
odt(os.path.join(tb, "link.odt"), None,
    '<text:p>Le tri rapide, d\'après <text:a xlink:type="simple" xlink:href="https://fr.wikipedia.org/wiki/Tri_rapide?utm_source=chatgpt.com">'
    'Wikipédia</text:a>.</text:p><text:p><text:a xlink:href="#intro">Retour</text:a></text:p>')
docx(os.path.join(tb, "field-link.docx"), None,
     '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body><w:p>'
     '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/tri?utm_source=</w:instrText></w:r>'
     '<w:r><w:instrText>chatgpt.com" \\l "s2"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
     '<w:r><w:t xml:space="preserve">Un article, </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
     '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1/16/18</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
     '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> consulté.</w:t></w:r></w:p></w:body></w:document>' % W)

# HTML whose encoding the parser's meta handling got wrong
he = os.path.join(out, "htmlenc")
os.makedirs(he, exist_ok=True)
page = '<html><head><meta charset="iso-8859-1"><title>Rapport</title></head><body><p>En tant que modèle de langage, je ne peux pas.</p></body></html>'
open(os.path.join(he, "bom-wins.html"), "wb").write(b"\xef\xbb\xbf" + page.encode("utf-8"))
open(os.path.join(he, "utf8-under-latin1-meta.html"), "wb").write(page.encode("utf-8"))
open(os.path.join(he, "latin1.html"), "wb").write(page.encode("latin-1"))
open(os.path.join(he, "unicode-meta.html"), "wb").write(
    b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=unicode"></head>'
    b'<body><p>Source: https://example.org/?utm_source=chatgpt.com</p></body></html>')
open(os.path.join(he, "utf16-no-bom.html"), "wb").write(page.replace("iso-8859-1", "utf-16").encode("utf-16-le"))
open(os.path.join(he, "late-meta.html"), "wb").write(
    ('<html><head><!-- %s --><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>'
     '<body><p>Квартира в Москве</p></body></html>' % ("x" * 3000)).encode("cp1251"))

# password-protected documents: an .odt whose manifest lists encrypted
# parts, a .docx that is an OLE container (how Office stores encryption)
with zipfile.ZipFile(os.path.join(h, "protected.odt"), "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
    z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
               '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
               '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/></manifest:file-entry></manifest:manifest>')
    z.writestr("content.xml", bytes(range(256)) * 4)
# an encrypted .docx is a compound file holding the encrypted package
cfb(os.path.join(h, "protected.docx"), [("EncryptionInfo", b"\4\0\4\0\x40\0\0\0"), ("EncryptedPackage", b"\0" * 64)])
msdoc(os.path.join(h, "protected.doc"), ["Secret"], flags=0x0300)
open(os.path.join(h, "truncated.doc"), "wb").write(open(os.path.join(out, "rows", "approved.doc"), "rb").read()[:1500])
# Word 97-2003: a table row, a HYPERLINK field, a footnote; a .docx that is a .doc
wdir = os.path.join(out, "word97")
os.makedirs(wdir, exist_ok=True)
msdoc(os.path.join(wdir, "fields.doc"), ["Le tri\x07rapide\x07\x07",
      "Voir \x13 HYPERLINK \"https://example.org/?utm_source=chatgpt.com\" \x14cet article\x15.", "Fin\x0bde ligne."],
      notes=["\x02 En tant que modèle de langage, je ne peux pas."])
msdoc(os.path.join(wdir, "renamed.docx"), ["En tant que modèle de langage, je ne peux pas."])
# tables: one row a line, cells joined by tabs, in every reader; a
# layout table (a heading inside) keeps its paragraphs
tdir = os.path.join(out, "tables")
os.makedirs(tdir, exist_ok=True)
def wtc(t, span=1):
    pr = '<w:tcPr><w:gridSpan w:val="%d"/></w:tcPr>' % span if span > 1 else ""
    return "<w:tc>%s%s</w:tc>" % (pr, "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % esc(p) for p in t))
def wtbl(rows):
    return "<w:tbl>" + "".join("<w:tr>" + "".join(wtc(*c) if isinstance(c, tuple) else wtc([c]) for c in r) + "</w:tr>" for r in rows) + "</w:tbl>"
docx(os.path.join(tdir, "grades.docx"), None,
     '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body><w:p><w:r><w:t>Notes du partiel</w:t></w:r></w:p>%s'
     '<w:p><w:r><w:t>Fin.</w:t></w:r></w:p>%s</w:body></w:document>' % (W,
     wtbl([["Nom", "Prénom", "Note"], ["Dupont", "Jean", "12"], ["Martin", "Alice", "15,5"], [(["Moyenne de la classe : 13,75"], 3)]]),
     "<w:tbl><w:tr>" + wtc(["Rapport"]) + "</w:tr><w:tr><w:tc><w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t>"
     "Déclaration d'usage de l'IA</w:t></w:r></w:p><w:p><w:r><w:t>Outil : Le Chat.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"))
open(os.path.join(tdir, "grades.html"), "w").write(
    "<html><body><table><caption>Notes</caption><tr><th>Nom</th><th>Note CC</th><th>Note examen</th></tr>"
    "<tr><td>Dupont</td><td></td><td>14</td></tr><tr><td colspan=2>Martin</td><td>9</td></tr></table></body></html>")
odt(os.path.join(tdir, "grades.odt"), None,
    '<table:table><table:table-row><table:table-cell><text:p>Nom</text:p></table:table-cell><table:table-cell>'
    '<text:p>Note</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell table:number-columns-spanned="2">'
    '<text:p>Absent</text:p></table:table-cell><table:covered-table-cell/></table:table-row><table:table-row><table:table-cell>'
    '<text:p>Dupont</text:p></table:table-cell><table:table-cell><text:p>12</text:p></table:table-cell></table:table-row></table:table>')

# what Word also saves as .doc: Word 2003 XML, a web page, a web archive
open(os.path.join(wdir, "wordml.doc"), "w").write(
    '<?xml version="1.0" encoding="UTF-8"?><?mso-application progid="Word.Document"?><w:wordDocument '
    'xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r><w:t>En tant que modèle de langage,'
    ' je ne peux pas.</w:t></w:r></w:p></w:body></w:wordDocument>')
open(os.path.join(wdir, "page.doc"), "w").write(
    "<html xmlns:o='urn:schemas-microsoft-com:office:office'><body><p>En tant que modèle de langage, je ne peux pas.</p></body></html>")
open(os.path.join(wdir, "archive.doc"), "w").write("MIME-Version: 1.0\nContent-Type: multipart/related; boundary=x\n\n--x\n")
open(os.path.join(wdir, "garbage.doc"), "wb").write(b"\x31\xbe\0\0\0\xab" + b"\0" * 200)

# a Word document whose body is imported HTML (w:altChunk), as some
# platforms produce it: the HTML is the text
with zipfile.ZipFile(os.path.join(tb, "altchunk.docx"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document %s '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>'
               '<w:p><w:r><w:t>Introduction.</w:t></w:r></w:p><w:altChunk r:id="chunk1"/></w:body></w:document>' % W)
    z.writestr("word/_rels/document.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships '
               'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
               'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" '
               'Target="/word/chunk1.html" Id="chunk1"/></Relationships>')
    z.writestr("word/chunk1.html", "<html><body><p>En tant que modèle de langage, je ne peux pas.</p></body></html>")

# a Word package whose main part is not word/document.xml: _rels/.rels
# names it (ECMA-376 Part 2, 9.3)
with zipfile.ZipFile(os.path.join(tb, "mainpart.docx"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships '
               'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
               'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
               'Target="/word/main.xml"/></Relationships>')
    z.writestr("word/main.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body><w:p><w:r>'
               '<w:t>En tant que modèle de langage, je ne peux pas.</w:t></w:r></w:p></w:body></w:document>' % W)

# formats the checker does not read: each must be an error, never "ok"
# (read as text they would pass whatever they say)
u = os.path.join(out, "unsupported")
os.makedirs(u, exist_ok=True)
ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
open(os.path.join(u, "rapport.wps"), "wb").write(ole + "En tant que modèle de langage".encode("utf-16-le"))
cfb(os.path.join(u, "expose.doc"), [("PowerPoint Document", b"\0" * 64)])
# RTF: macOS TextEdit's, a .doc that is RTF inside (Word opens it so), a
# footnote, a link, Unicode and a code page other than Windows-1252
rd = os.path.join(out, "rtf")
os.makedirs(rd, exist_ok=True)
rtf(os.path.join(rd, "textedit-approved.rtf"), ROWS["approved"], textedit=True)
rtf(os.path.join(rd, "textedit-public.rtf"), ROWS["public"], textedit=True)
open(os.path.join(rd, "copie.doc"), "wb").write(b"{\\rtf1\\ansi En tant que mod\\'e8le de langage, je ne peux pas.\\par}")
open(os.path.join(rd, "notes.rtf"), "w").write(
    "{\\rtf1\\ansi\\ansicpg1252{\\pard Notre projet.{\\super\\chftn}{\\footnote\\pard{\\super\\chftn} En tant que mod\\'e8le "
    "de langage, je ne peux pas.} La suite.\\par}{\\pard Voir {\\field{\\*\\fldinst{HYPERLINK \"https://example.org/?utm_source=chatgpt.com\"}}"
    "{\\fldrslt{cet article}}}.\\par}{\\pard\\uc1 \\u8220?guillemets\\u8221? et \\u-10179?\\u-8701?.\\par}}")
open(os.path.join(rd, "cp1251.rtf"), "wb").write(b"{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2\\par}")
# a \\* in the middle of a group is no destination (StarWriter writes them)
open(os.path.join(rd, "star.rtf"), "w").write("{\\rtf1{\\*\\unknowndest hidden}{\\loch\\f2\\i0\\*\\cs7\\cf0 The quick brown fox}\\par}")
open(os.path.join(rd, "deep.rtf"), "w").write("{\\rtf1 " + "{" * 5000 + "x" + "}" * 5000 + "}")
open(os.path.join(u, "slides.ppt"), "wb").write(ole + "En tant que modèle de langage".encode("utf-16-le"))
open(os.path.join(u, "figure.png"), "wb").write(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64)
open(os.path.join(u, "script.py"), "w").write('print("bonjour")\n# En tant que modèle de langage, je ne peux pas\n')
with zipfile.ZipFile(os.path.join(u, "moodle-doc.zip"), "w") as z:
    z.writestr("Alice Durand_101_assignsubmission_file_/rapport.doc", open(os.path.join(out, "word97", "renamed.docx"), "rb").read())
    z.writestr("Denis Leroy_104_assignsubmission_file_/rapport.txt", "Un rapport.\n")
with zipfile.ZipFile(os.path.join(u, "names.zip"), "w") as z:
    z.writestr("line\nbreak\x1b[31m_6_assignsubmission_file_/z.txt", b"En tant que mod\xc3\xa8le de langage \xff\xfe.\n")
with zipfile.ZipFile(os.path.join(u, "nothing.zip"), "w") as z:
    z.writestr("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64)

# documents with no text to check: a scanned PDF (a page that only draws
# an image), a .docx of a photographed page (a drawing and nothing else),
# a .txt of blank lines; each must be an error, never "ok"
img = stream(b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
             b"\x00\xff\xff\x00")
open(os.path.join(u, "scan.pdf"), "wb").write(pdf_objs([
    b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
    stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"), img]))
docx(os.path.join(u, "photo.docx"), None, body='<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s '
     'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><w:body><w:p><w:r><w:drawing>'
     '<wp:inline><wp:extent cx="5400000" cy="7600000"/></wp:inline></w:drawing></w:r></w:p><w:p/></w:body></w:document>' % W)
open(os.path.join(u, "blank.txt"), "w").write("\n \n\t\n")
with zipfile.ZipFile(os.path.join(u, "moodle-scan.zip"), "w") as z:
    z.writestr("Alice Durand_101_assignsubmission_file_/copie.pdf", open(os.path.join(u, "scan.pdf"), "rb").read())
    z.writestr("Denis Leroy_104_assignsubmission_file_/rapport.txt", "Un rapport.\n")

# text files as Windows writes them: Notepad's "Unicode" and PowerShell 5's
# ">" (UTF-16LE with a byte-order mark), UTF-16BE, UTF-16 and UTF-32
# without a mark, UTF-32, Windows-1252 (older Notepad), UTF-8 with a mark,
# and HTML pages in UTF-32; each says the same thing, in French
enc = os.path.join(out, "encodings")
os.makedirs(enc, exist_ok=True)
note = "Rapport\n\nD\u00e9claration d'usage de l'IA : ChatGPT, pour reformuler l\u2019introduction.\n"
for fn, raw in [("utf16le-bom.txt", b"\xff\xfe" + note.encode("utf-16-le")),
                 ("utf16be-bom.md", b"\xfe\xff" + note.encode("utf-16-be")),
                 ("utf16le.txt", note.encode("utf-16-le")),
                 ("utf32le-bom.txt", b"\xff\xfe\0\0" + note.encode("utf-32-le")),
                 ("utf32be.txt", note.encode("utf-32-be")),
                 ("cp1252.txt", note.encode("cp1252")),
                 ("utf8-bom.txt", b"\xef\xbb\xbf" + note.encode()),
                 ("notes-utf16.py", b"\xff\xfe" + ("# " + note).encode("utf-16-le"))]:
    open(os.path.join(enc, fn), "wb").write(raw)
page = "<html><body><h2>D\u00e9claration</h2><p>En tant que mod\u00e8le de langage, je ne peux pas.</p></body></html>"
open(os.path.join(enc, "utf32le-bom.html"), "wb").write(b"\xff\xfe\0\0" + page.encode("utf-32-le"))
open(os.path.join(enc, "utf32be.html"), "wb").write(page.encode("utf-32-be"))
# a text mostly in UTF-8 with one stray Windows-1252 byte stays UTF-8
open(os.path.join(enc, "mixed.txt"), "wb").write(note.encode() + b"Caf\xe9.\n")

# a Moodle export: folders Name_ID_assignsubmission_file_
with zipfile.ZipFile(os.path.join(out, "moodle-export.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for i, (name, rows) in enumerate(ROWS.items()):
        who = ["Jeanne Martin", "Paul Durand", "Léa Petit", "Hugo Bernard", "Inès Robert", "Noah Richard"][i]
        folder = "%s_%d_assignsubmission_file_/" % (who, 100 + i)
        z.writestr(folder + "rapport.md", txt(rows, True))
    z.writestr("Zoé Truncated_999_assignsubmission_file_/rapport.docx", data[: len(data) // 2])
