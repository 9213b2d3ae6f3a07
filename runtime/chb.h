/*
 * chb.h — the compiled-charter (.chb) file format, shared by the emitter
 * (compiler/emit.c, the only writer) and the loader (runtime/load.c, which
 * trusts nothing in it).  docs/bytecode.md is the prose version.
 *
 * Layout: a 32-byte header, a section table, then the sections.  Every
 * integer is little-endian u32 unless said otherwise; every record is a
 * fixed number of u32 fields, so a section's size must be a multiple of its
 * record size.  Strings are (offset, length) pairs into the STR section and
 * are followed there by a NUL byte, which the loader checks, so a verified
 * string can be used as a C string in place.  "NONE" (0xffffffff) marks an
 * absent index.
 *
 *   header  0  magic "\x89CHB\r\n\x1a\n"  (catches text-mode and newline mangling)
 *           8  format version (CHB_FORMAT_VERSION)
 *          12  endianness/size probe 0x01020304
 *          16  file size in bytes
 *          20  section count
 *          24  CRC-32 (IEEE) of bytes [32, file size)
 *          28  flags (0)
 *          32  section table: count x {kind, offset, size}
 *
 * Any change to a record layout, an enum value below or an opcode number
 * bumps CHB_FORMAT_VERSION.
 */
#ifndef CH_CHB_H
#define CH_CHB_H

#include <stddef.h>
#include <stdint.h>

#define CHB_MAGIC "\x89" "CHB\r\n\x1a\n"
#define CHB_MAGIC_LEN 8
#define CHB_FORMAT_VERSION 3u
/* Version 3 added CHB_PATF_EXACT.  A charter that uses no exact word is
 * still written as version 2, which this library also reads. */
#define CHB_FORMAT_VERSION_MIN 2u
#define CHB_PROBE 0x01020304u
#define CHB_HEADER_SIZE 32u
#define CHB_NONE 0xffffffffu

/* Section kinds.  Each appears at most once; all but EXAMPLE are required. */
enum chb_section {
  CHB_SEC_STR = 1,      /* string pool (bytes) */
  CHB_SEC_META = 2,     /* 1 record  x CHB_META_N */
  CHB_SEC_LINEAGE = 3,  /* records   x CHB_LIN_N: self first, then ancestors */
  CHB_SEC_CLASS = 4,    /* tool classes x CHB_CLASS_N */
  CHB_SEC_TOOL = 5,     /* tools x CHB_TOOL_N */
  CHB_SEC_LEVEL = 6,    /* levels x CHB_LEVEL_N, sorted by rank, ranks unique */
  CHB_SEC_UE = 7,       /* UE permissions x CHB_UE_N, exact codes first */
  CHB_SEC_FACT = 8,     /* facts x CHB_FACT_N */
  CHB_SEC_PATTERN = 9,  /* patterns x CHB_PAT_N */
  CHB_SEC_ATOM = 10,    /* prefilter atoms x CHB_ATOM_N */
  CHB_SEC_RULE = 11,    /* rules x CHB_RULE_N */
  CHB_SEC_CODE = 12,    /* bytecode (bytes) */
  CHB_SEC_LINE = 13,    /* line table x CHB_LINE_N, sorted by code offset */
  CHB_SEC_MAX_ = 14
};

/* META: one record. */
enum {
  CHB_META_ID = 0, CHB_META_TITLE = 2, CHB_META_VERSION = 4, /* str pairs */
  CHB_META_LICENSE = 6,
  CHB_META_DEFAULT_LEVEL = 8,    /* level index of the default UE */
  CHB_META_DEFAULT_CLASSES = 9,  /* allowed tool-class mask of the default UE */
  CHB_META_DEFAULT_DISCLOSURE = 10, /* CHB_DISC_* of the default UE */
  CHB_META_SOURCE_HASH = 11,     /* FNV-1a of the root source, for diff */
  CHB_META_N = 12
};

/* LINEAGE: who this charter derives from, with the attribution chain kept
 * for the share-alike licence.  All fields are str pairs. */
enum {
  CHB_LIN_ID = 0, CHB_LIN_TITLE = 2, CHB_LIN_VERSION = 4, CHB_LIN_LICENSE = 6,
  CHB_LIN_ATTRIBUTION = 8, CHB_LIN_SOURCE = 10, CHB_LIN_DATE = 12,
  CHB_LIN_N = 14
};

/* CLASS: a tool class. */
enum { CHB_CLASS_ID = 0, CHB_CLASS_TITLE = 2, CHB_CLASS_N = 4 };

/* TOOL: a tool; CLASS is a class index. */
enum { CHB_TOOL_ID = 0, CHB_TOOL_TITLE = 2, CHB_TOOL_CLASS = 4, CHB_TOOL_N = 5 };

/* LEVEL: a permission level.  DISCLOSURE is CHB_DISC_*; CLASSES is the mask of
 * tool classes the level allows by default (0 = the charter's default). */
enum {
  CHB_LEVEL_ID = 0, CHB_LEVEL_TITLE = 2, CHB_LEVEL_RANK = 4,
  CHB_LEVEL_DISCLOSURE = 5, CHB_LEVEL_N = 6
};
enum { CHB_DISC_INHERIT = 0, CHB_DISC_REQUIRED = 1, CHB_DISC_OPTIONAL = 2 };

/* UE: a course-unit permission.  GLOB is 1 when CODE contains * ? or [..]
 * (fnmatch-style, matched without FNM_PATHNAME); exact codes come first in
 * the section and are matched before globs, globs in source order. */
enum {
  CHB_UE_CODE = 0, CHB_UE_TITLE = 2, CHB_UE_GLOB = 4, CHB_UE_LEVEL = 5,
  CHB_UE_CLASSES = 6, CHB_UE_DISCLOSURE = 7, CHB_UE_N = 8
};

/* FACT: something the pattern phase counts.  Facts are ordered so that a
 * pattern's NEAR fact always has a smaller index than the pattern's own fact
 * (the verifier checks it), so one pass in index order computes them all. */
enum chb_fact_kind {
  CHB_FACT_DATA = 1,       /* a data class */
  CHB_FACT_MARKER = 2,     /* a marker (artefact, request intent...) */
  CHB_FACT_TOOL = 3,       /* mentions of one tool (ARG = tool index) */
  CHB_FACT_DISC_HEADING = 4, /* disclosure heading */
  CHB_FACT_DISC_FIELD = 5,   /* disclosure field; ARG = CHB_FIELD_* flags */
  CHB_FACT_DISC_NEGATIVE = 6 /* negative disclosure phrase */
};
enum { CHB_FIELD_REQUIRED = 1u, CHB_FIELD_TOOLS = 2u /* satisfied by any tool mention */ };
enum {
  CHB_FACT_ID = 0, CHB_FACT_TITLE = 2, CHB_FACT_KIND = 4, CHB_FACT_ARG = 5,
  CHB_FACT_MIN = 6, /* minimum count; below it the fact counts 0 */
  CHB_FACT_N = 7
};

/* PATTERN: one regex, one word or one built-in detector feeding a fact. */
enum chb_pat_kind { CHB_PAT_REGEX = 1, CHB_PAT_WORD = 2, CHB_PAT_DETECT = 3 };
enum {
  CHB_PATF_CASELESS = 1u, CHB_PATF_DOTALL = 2u, CHB_PATF_EXTENDED = 4u,
  CHB_PATF_MULTILINE = 8u,
  CHB_PATF_ALWAYS = 16u, /* no atom: evaluated on every scan */
  CHB_PATF_EXACT = 32u   /* a word whose ASCII letters match in their case (v3) */
};
enum {
  CHB_PAT_FACT = 0, CHB_PAT_KIND = 1, CHB_PAT_FLAGS = 2,
  CHB_PAT_TEXT = 3, /* str pair: regex source, folded word (an exact word as
                       written), or detector name */
  CHB_PAT_NEAR_FACT = 5, /* NONE or a fact index < CHB_PAT_FACT */
  CHB_PAT_NEAR_DIST = 6, /* bytes */
  CHB_PAT_LINE = 7,      /* source line, for messages */
  CHB_PAT_N = 8
};

/* ATOM: a literal (already case- and accent-folded) whose presence in the
 * folded text is necessary for PATTERN to match.  A pattern with atoms runs
 * only when one of them hits; sorted by pattern index. */
/* REACH: the most bytes a match of a regex spans before this atom starts,
 * or NONE (unbounded); the scanner then runs the regex only at starts in
 * [hit - reach, hit].  0 for a word. */
enum { CHB_ATOM_PATTERN = 0, CHB_ATOM_TEXT = 1, CHB_ATOM_REACH = 3, CHB_ATOM_N = 4 };

/* RULE.  SCOPE is a mask of CH_SCOPE_*; ACTION is ch_action; ACTION_ARG is
 * the fact index to redact (NONE otherwise); CODE is (offset, length) into
 * the CODE section. */
enum {
  CHB_RULE_ID = 0, CHB_RULE_STATEMENT = 2, CHB_RULE_MESSAGE = 4,
  CHB_RULE_SEVERITY = 6, CHB_RULE_SCOPE = 7, CHB_RULE_ACTION = 8,
  CHB_RULE_ACTION_ARG = 9, CHB_RULE_CODE_OFF = 10, CHB_RULE_CODE_LEN = 11,
  CHB_RULE_LINE = 12, CHB_RULE_MAXSTACK = 13, CHB_RULE_N = 14
};

/* LINE: code offset -> source line, for dumps and runtime faults. */
enum { CHB_LINE_PC = 0, CHB_LINE_LINE = 1, CHB_LINE_N = 2 };

/* Record sizes in u32 by section kind (0 = byte section). */
static inline uint32_t chb_record_words(unsigned kind) {
  switch (kind) {
  case CHB_SEC_META: return CHB_META_N;
  case CHB_SEC_LINEAGE: return CHB_LIN_N;
  case CHB_SEC_CLASS: return CHB_CLASS_N;
  case CHB_SEC_TOOL: return CHB_TOOL_N;
  case CHB_SEC_LEVEL: return CHB_LEVEL_N;
  case CHB_SEC_UE: return CHB_UE_N;
  case CHB_SEC_FACT: return CHB_FACT_N;
  case CHB_SEC_PATTERN: return CHB_PAT_N;
  case CHB_SEC_ATOM: return CHB_ATOM_N;
  case CHB_SEC_RULE: return CHB_RULE_N;
  case CHB_SEC_LINE: return CHB_LINE_N;
  default: return 0;
  }
}

static inline uint32_t chb_rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static inline uint16_t chb_rd16(const unsigned char *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}
static inline void chb_wr32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

/* CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), as zlib computes it. */
uint32_t chb_crc32(const unsigned char *p, size_t n);

#endif /* CH_CHB_H */
