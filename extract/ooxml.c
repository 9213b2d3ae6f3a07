/*
 * ooxml.c — what the Office Open XML readers (office.c for .docx, pptx.c)
 * share: a package's relationships (which part or URL an r:id names),
 * namespaced attributes, and the URL of a hyperlink or a HYPERLINK field,
 * written after the link's text because a link's URL counts as text
 * (utm_source=chatgpt.com is the trace a ChatGPT answer pasted into Word
 * or PowerPoint leaves).
 */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "extract/extract_internal.h"
#include "runtime/alloc.h"

int chx_rel_target(const char *rels, const char *key, char *out, size_t outn) {
  const char *k = strstr(rels, key);
  return k && chx_rel_target_at(rels, k, out, outn);
}

int chx_rel_target_at(const char *rels, const char *k, char *out, size_t outn) {
  const char *b = k, *e = strchr(k, '>');
  while (b > rels && *b != '<') b--;
  const char *t = strstr(b, "Target=\"");
  if (!t || !e || t > e) return 0;
  t += 8;
  const char *te = strchr(t, '"');
  if (!te || te > e) return 0;
  /* the attribute as written, its five predefined entities decoded
   * ("?a=1&amp;utm_source=..."); the .rels part is scanned, not parsed */
  static const struct {
    const char *ent;
    char c;
  } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  size_t o = 0;
  while (t < te) {
    char c = *t++;
    if (c == '&')
      for (size_t i = 0; i < sizeof ents / sizeof *ents; i++) {
        size_t l = strlen(ents[i].ent);
        if ((size_t)(te - t) >= l - 1 && !memcmp(t - 1, ents[i].ent, l)) {
          c = ents[i].c;
          t += l - 1;
          break;
        }
      }
    if (o + 1 >= outn) return 0;
    out[o++] = c;
  }
  out[o] = 0;
  return 1;
}

char *chx_rels_of(struct zip *z, const chx_limits *lim, size_t *total, const char *partname) {
  const char *slash = strrchr(partname, '/');
  size_t dl = slash ? (size_t)(slash - partname) : 0;
  char relp[600];
  if (snprintf(relp, sizeof relp, "%.*s%s_rels/%s.rels", (int)dl, partname, dl ? "/" : "",
               slash ? slash + 1 : partname) >= (int)sizeof relp)
    return NULL;
  char *rels, e[16];
  size_t n;
  return zip_read_entry(z, relp, lim, total, &rels, &n, "", e, sizeof e) == CH_OK ? rels : NULL;
}

char *chx_reader_attr(struct _xmlTextReader *r, const char *local, const char *ns) {
  char *v = NULL;
  if (!xmlTextReaderHasAttributes(r)) return NULL;
  while (xmlTextReaderMoveToNextAttribute(r) == 1) {
    const char *u = (const char *)xmlTextReaderConstNamespaceUri(r);
    if (!v && (ns ? u && strstr(u, ns) : !u) && !strcmp((const char *)xmlTextReaderConstLocalName(r), local))
      v = (char *)xmlTextReaderValue(r);
  }
  xmlTextReaderMoveToElement(r);
  return v;
}

int chx_external_url(const char *t) {
  return !strncasecmp(t, "http://", 7) || !strncasecmp(t, "https://", 8) || !strncasecmp(t, "ftp://", 6) ||
         !strncasecmp(t, "mailto:", 7) || !strncasecmp(t, "www.", 4);
}

int chx_link_url(struct _xmlTextReader *r, const char *rels, char *out, size_t outn) {
  out[0] = 0;
  char *rid = chx_reader_attr(r, "id", "relationships"), key[96];
  int ok = rid && rels && strlen(rid) < 64 && snprintf(key, sizeof key, "Id=\"%s\"", rid) > 0 &&
           chx_rel_target(rels, key, out, outn) && chx_external_url(out);
  xmlFree(rid);
  if (!ok) {
    out[0] = 0;
    return 0;
  }
  char *anchor = chx_reader_attr(r, "anchor", "wordprocessingml");
  size_t l = strlen(out);
  if (anchor && *anchor && !strchr(out, '#') && l + 1 + strlen(anchor) < outn) snprintf(out + l, outn - l, "#%s", anchor);
  xmlFree(anchor);
  return 1;
}

int chx_field_url(const char *code, char *out, size_t outn) {
  out[0] = 0;
  while (*code == ' ' || *code == '\t') code++;
  if (strncasecmp(code, "HYPERLINK", 9)) return 0;
  code += 9;
  while (*code == ' ' || *code == '\t') code++;
  const char *e;
  if (*code == '"') e = strchr(++code, '"');
  else for (e = code; *e && *e != ' ' && *e != '\t'; e++) {}
  if (!e || e == code || (size_t)(e - code) >= outn) return 0;
  memcpy(out, code, (size_t)(e - code));
  out[e - code] = 0;
  if (!chx_external_url(out)) out[0] = 0;
  return out[0] != 0;
}
