/*
 * dump.c — `charterc dump`: a readable listing of a verified .chb.
 *
 * Reads the image through chb.h only (no runtime internals), so it also
 * documents the format by example.  The caller has verified the image with
 * ch_charter_load_memory first; the bounds checks here are belt and braces.
 * The disassembler is expanded from the opcode list, like the verifier.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "compiler/compile_internal.h"
#include "runtime/chb.h"
#include "runtime/opcodes.h"

typedef struct img {
  const unsigned char *p;
  size_t n;
  const unsigned char *sec[CHB_SEC_MAX_];
  uint32_t len[CHB_SEC_MAX_];
} img;

static const char *str(const img *m, const unsigned char *rec, unsigned field) {
  uint32_t off = chb_rd32(rec + 4 * field), len = chb_rd32(rec + 4 * field + 4);
  if (!m->sec[CHB_SEC_STR] || (uint64_t)off + len >= m->len[CHB_SEC_STR]) return "?";
  return (const char *)m->sec[CHB_SEC_STR] + off;
}

static uint32_t count(const img *m, unsigned kind) {
  uint32_t w = chb_record_words(kind);
  return w ? m->len[kind] / (4 * w) : 0;
}

static const unsigned char *rec(const img *m, unsigned kind, uint32_t i) {
  return m->sec[kind] + (size_t)i * 4 * chb_record_words(kind);
}

/* A regex's prefilter atoms and what the scanner does when one hits: try
 * match starts up to `reach` bytes before it, or run over the whole text. */
static void dump_atoms(const img *m, uint32_t pat, FILE *out) {
  uint32_t reach = 0, n = 0;
  for (uint32_t a = 0; a < count(m, CHB_SEC_ATOM); a++) {
    const unsigned char *r = rec(m, CHB_SEC_ATOM, a);
    if (chb_rd32(r + 4 * CHB_ATOM_PATTERN) != pat) continue;
    fprintf(out, "%s\"%s\"", n++ ? ", " : "      atoms ", str(m, r, CHB_ATOM_TEXT));
    uint32_t ra = chb_rd32(r + 4 * CHB_ATOM_REACH);
    if (ra == CHB_NONE || (reach != CHB_NONE && ra > reach)) reach = ra;
  }
  if (!n) return;
  if (reach == CHB_NONE) fprintf(out, "; on a hit: the whole text\n");
  else fprintf(out, "; on a hit: starts up to %" PRIu32 " bytes before it\n", reach);
}

static const char *fact_name(const img *m, uint32_t f) {
  if (f >= count(m, CHB_SEC_FACT)) return "?";
  return str(m, rec(m, CHB_SEC_FACT, f), CHB_FACT_ID);
}

static uint32_t line_of(const img *m, uint32_t pc) {
  uint32_t line = 0, n = count(m, CHB_SEC_LINE);
  for (uint32_t i = 0; i < n; i++) {
    const unsigned char *r = rec(m, CHB_SEC_LINE, i);
    if (chb_rd32(r) > pc) break;
    line = chb_rd32(r + 4);
  }
  return line;
}

int dump_chb(const unsigned char *p, size_t n, FILE *out) {
  img m;
  memset(&m, 0, sizeof m);
  m.p = p;
  m.n = n;
  if (n < CHB_HEADER_SIZE) return -1;
  uint32_t nsec = chb_rd32(p + 20);
  fprintf(out, "; .chb format %" PRIu32 ", %zu bytes, crc32 %08" PRIx32 ", %" PRIu32 " sections\n", chb_rd32(p + 8), n,
          chb_rd32(p + 24), nsec);
  for (uint32_t i = 0; i < nsec; i++) {
    const unsigned char *t = p + CHB_HEADER_SIZE + 12 * i;
    uint32_t k = chb_rd32(t), off = chb_rd32(t + 4), len = chb_rd32(t + 8);
    if (k < CHB_SEC_MAX_ && (uint64_t)off + len <= n) {
      m.sec[k] = p + off;
      m.len[k] = len;
    }
  }
  static const char *const secname[] = {"", "STR", "META", "LINEAGE", "CLASS", "TOOL", "LEVEL", "UE",
                                        "FACT", "PATTERN", "ATOM", "RULE", "CODE", "LINE"};
  for (unsigned k = 1; k < CHB_SEC_MAX_; k++)
    fprintf(out, ";   %-8s %6" PRIu32 " bytes%s\n", secname[k], m.len[k], chb_record_words(k) ? "" : " (raw)");
  if (!m.sec[CHB_SEC_META]) return -1;
  const unsigned char *meta = m.sec[CHB_SEC_META];
  fprintf(out, "\ncharter %s \"%s\" version \"%s\" license \"%s\"\n", str(&m, meta, CHB_META_ID),
          str(&m, meta, CHB_META_TITLE), str(&m, meta, CHB_META_VERSION), str(&m, meta, CHB_META_LICENSE));
  for (uint32_t i = 0; i < count(&m, CHB_SEC_LINEAGE); i++) {
    const unsigned char *r = rec(&m, CHB_SEC_LINEAGE, i);
    fprintf(out, "  lineage[%" PRIu32 "] %s %s (%s) attribution \"%s\"\n", i, str(&m, r, CHB_LIN_ID),
            str(&m, r, CHB_LIN_VERSION), str(&m, r, CHB_LIN_LICENSE), str(&m, r, CHB_LIN_ATTRIBUTION));
  }
  fprintf(out, "\n; tool classes\n");
  for (uint32_t i = 0; i < count(&m, CHB_SEC_CLASS); i++)
    fprintf(out, "  class[%" PRIu32 "] %s\n", i, str(&m, rec(&m, CHB_SEC_CLASS, i), CHB_CLASS_ID));
  fprintf(out, "; tools\n");
  for (uint32_t i = 0; i < count(&m, CHB_SEC_TOOL); i++) {
    const unsigned char *r = rec(&m, CHB_SEC_TOOL, i);
    fprintf(out, "  tool[%" PRIu32 "] %s class %" PRIu32 "\n", i, str(&m, r, CHB_TOOL_ID), chb_rd32(r + 4 * CHB_TOOL_CLASS));
  }
  fprintf(out, "; levels\n");
  for (uint32_t i = 0; i < count(&m, CHB_SEC_LEVEL); i++) {
    const unsigned char *r = rec(&m, CHB_SEC_LEVEL, i);
    fprintf(out, "  level[%" PRIu32 "] %s rank %" PRIu32 " disclosure %" PRIu32 "\n", i, str(&m, r, CHB_LEVEL_ID),
            chb_rd32(r + 4 * CHB_LEVEL_RANK), chb_rd32(r + 4 * CHB_LEVEL_DISCLOSURE));
  }
  fprintf(out, "; UEs (default: level %" PRId32 ", classes 0x%" PRIx32 ", disclosure %" PRIu32 ")\n",
          (int32_t)chb_rd32(meta + 4 * CHB_META_DEFAULT_LEVEL), chb_rd32(meta + 4 * CHB_META_DEFAULT_CLASSES),
          chb_rd32(meta + 4 * CHB_META_DEFAULT_DISCLOSURE));
  for (uint32_t i = 0; i < count(&m, CHB_SEC_UE); i++) {
    const unsigned char *r = rec(&m, CHB_SEC_UE, i);
    fprintf(out, "  ue[%" PRIu32 "] %s%s level %" PRIu32 " classes 0x%" PRIx32 " disclosure %" PRIu32 "\n", i,
            str(&m, r, CHB_UE_CODE), chb_rd32(r + 4 * CHB_UE_GLOB) ? " (glob)" : "", chb_rd32(r + 4 * CHB_UE_LEVEL),
            chb_rd32(r + 4 * CHB_UE_CLASSES), chb_rd32(r + 4 * CHB_UE_DISCLOSURE));
  }
  static const char *const fk[] = {"", "data", "marker", "tool", "disc-heading", "disc-field", "disc-negative"};
  static const char *const pk[] = {"", "regex", "word", "detect"};
  fprintf(out, "; facts and their patterns\n");
  uint32_t npat = count(&m, CHB_SEC_PATTERN), pi = 0;
  for (uint32_t i = 0; i < count(&m, CHB_SEC_FACT); i++) {
    const unsigned char *r = rec(&m, CHB_SEC_FACT, i);
    uint32_t kind = chb_rd32(r + 4 * CHB_FACT_KIND);
    fprintf(out, "  fact[%" PRIu32 "] %-12s %s", i, kind < 7 ? fk[kind] : "?", str(&m, r, CHB_FACT_ID));
    if (chb_rd32(r + 4 * CHB_FACT_MIN)) fprintf(out, " min %" PRIu32, chb_rd32(r + 4 * CHB_FACT_MIN));
    fputc('\n', out);
    for (; pi < npat; pi++) {
      const unsigned char *q = rec(&m, CHB_SEC_PATTERN, pi);
      if (chb_rd32(q + 4 * CHB_PAT_FACT) != i) break;
      uint32_t k = chb_rd32(q + 4 * CHB_PAT_KIND), fl = chb_rd32(q + 4 * CHB_PAT_FLAGS);
      fprintf(out, "    pattern[%" PRIu32 "] %-6s %s%s%s", pi, k < 4 ? pk[k] : "?", str(&m, q, CHB_PAT_TEXT),
              fl & CHB_PATF_ALWAYS ? "  (always)" : "", fl & CHB_PATF_EXACT ? "  (exact)" : "");
      uint32_t near = chb_rd32(q + 4 * CHB_PAT_NEAR_FACT);
      if (near != CHB_NONE) fprintf(out, "  near %s within %" PRIu32, fact_name(&m, near), chb_rd32(q + 4 * CHB_PAT_NEAR_DIST));
      fprintf(out, "  ; line %" PRIu32 "\n", chb_rd32(q + 4 * CHB_PAT_LINE));
      if (k == CHB_PAT_REGEX) dump_atoms(&m, pi, out);
    }
  }
  fprintf(out, "; prefilter atoms: %" PRIu32 "\n", count(&m, CHB_SEC_ATOM));
  fprintf(out, "\n; rules\n");
  static const char *const sev[] = {"", "info", "warning", "error"};
  static const char *const act[] = {"report", "warn", "redact", "deny", "require"};
  for (uint32_t i = 0; i < count(&m, CHB_SEC_RULE); i++) {
    const unsigned char *r = rec(&m, CHB_SEC_RULE, i);
    uint32_t s = chb_rd32(r + 4 * CHB_RULE_SEVERITY), a = chb_rd32(r + 4 * CHB_RULE_ACTION);
    uint32_t sc = chb_rd32(r + 4 * CHB_RULE_SCOPE);
    uint32_t off = chb_rd32(r + 4 * CHB_RULE_CODE_OFF), len = chb_rd32(r + 4 * CHB_RULE_CODE_LEN);
    fprintf(out, "rule %s %s scope %s%s%s action %s", str(&m, r, CHB_RULE_ID), s < 4 ? sev[s] : "?",
            sc & 1 ? "prompt" : "", sc == 3 ? "+" : "", sc & 2 ? "document" : "", a < 5 ? act[a] : "?");
    uint32_t arg = chb_rd32(r + 4 * CHB_RULE_ACTION_ARG);
    if (arg != CHB_NONE) fprintf(out, " %s", fact_name(&m, arg));
    fprintf(out, "  ; line %" PRIu32 ", max stack %" PRIu32 "\n", chb_rd32(r + 4 * CHB_RULE_LINE),
            chb_rd32(r + 4 * CHB_RULE_MAXSTACK));
    const unsigned char *code = m.sec[CHB_SEC_CODE];
    if (!code || (uint64_t)off + len > m.len[CHB_SEC_CODE]) continue;
    for (uint32_t pc = off; pc < off + len;) {
      const op_info *oi = &op_table[code[pc]];
      if (!oi->name || pc + 1 + oi->operand_bytes > off + len) break;
      fprintf(out, "  %5" PRIu32 "  %-14s", pc - off, oi->name);
      const unsigned char *a0 = code + pc + 1;
      uint32_t v = oi->operand_bytes == 1 ? a0[0] : oi->operand_bytes == 2 ? chb_rd16(a0)
                 : oi->operand_bytes == 4 ? chb_rd32(a0) : 0;
      if (oi->flags & OPF_JUMP) fprintf(out, "-> %" PRIu32, pc - off + 1 + oi->operand_bytes + v);
      else if (oi->flags & OPF_FACT) fprintf(out, "%" PRIu32 " (%s)", v, fact_name(&m, v));
      else if (oi->flags & OPF_TOOL) fprintf(out, "%" PRIu32 " (%s)", v,
                                             v < count(&m, CHB_SEC_TOOL) ? str(&m, rec(&m, CHB_SEC_TOOL, v), CHB_TOOL_ID) : "?");
      else if (oi->flags & OPF_CLASS) fprintf(out, "%" PRIu32 " (%s)", v,
                                              v < count(&m, CHB_SEC_CLASS) ? str(&m, rec(&m, CHB_SEC_CLASS, v), CHB_CLASS_ID) : "?");
      else if (oi->flags & OPF_DISC) {
        static const char *const dp[] = {"present", "negative", "used", "complete"};
        fprintf(out, "%" PRIu32 " (%s)", v, v < 4 ? dp[v] : "?");
      } else if (oi->flags & OPF_IMM) fprintf(out, "%" PRId32, (int32_t)v);
      fprintf(out, "%*s; line %" PRIu32 "\n", 2, "", line_of(&m, pc));
      pc += 1 + oi->operand_bytes;
    }
  }
  return 0;
}
