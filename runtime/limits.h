/*
 * limits.h — every hard limit of Charter in one place.
 *
 * Each limit says what breaks if it is raised.  The compiler refuses a
 * charter over a limit; the loader refuses a .chb over one; the scanner and
 * extractors refuse inputs over one with CH_E_LIMIT.  docs/security.md
 * explains what each guards against.
 */
#ifndef CH_LIMITS_H
#define CH_LIMITS_H

/* Largest text one scan accepts (bytes).  Offsets in the normalised views
 * are 32-bit and a view may be 3x the input (invalid bytes become U+FFFD):
 * raising it past ~1.4 GB overflows the offset maps. */
#define CH_MAX_INPUT ((size_t)1 << 30)

/* Largest .chb file.  Section offsets are 32-bit; the loader copies the
 * image, so this is also the memory a hostile file can make us allocate. */
#define CH_MAX_CHB_SIZE ((size_t)64 << 20)

/* Item counts in one charter.  Indices in bytecode operands are 16-bit:
 * raising any past 65535 needs a new operand encoding (format bump). */
#define CH_MAX_RULES 4096
#define CH_MAX_FACTS 4096
#define CH_MAX_PATTERNS 65535
#define CH_MAX_TOOLS 1024
#define CH_MAX_TOOL_CLASSES 32 /* a UE stores allowed classes in a u32 mask */
#define CH_MAX_LEVELS 64
#define CH_MAX_UES 65535
#define CH_MAX_SECTIONS 32

/* Bytecode of one rule, and the VM stack.  The verifier proves each rule
 * stays within CH_MAX_STACK on every path; the scanner allocates exactly
 * that much once. */
#define CH_MAX_CODE_PER_RULE 65535
#define CH_MAX_STACK 64

/* Nesting depth of conditions in source (parentheses, not, and/or).  The
 * parser and the checker recurse on the AST: deeper input would risk the C
 * stack, so the parser stops at this depth with an error. */
#define CH_MAX_NESTING 256

/* Include depth and extends depth; guards against runaway recursion. */
#define CH_MAX_INCLUDE_DEPTH 16
#define CH_MAX_EXTENDS_DEPTH 16

/* Longest source line the compiler quotes in a diagnostic (bytes); longer
 * lines are cut around the caret.  Longest message text. */
#define CH_MAX_QUOTE 240
#define CH_MAX_MSG 512

/* Matches recorded per pattern per scan: more would let one common word
 * flood the match store (and the report) on a 1 GB input. */
#define CH_MAX_MATCHES_PER_PATTERN 4096
/* Places kept for the regexes and detectors that run only where their
 * atoms hit (12 bytes each), for an input of n bytes; past this many, a
 * pattern that needs one more runs over the whole text instead (same
 * result, bounded memory). */
#define CH_MAX_PLACES(n) (4096 + (n) / 32)
/* The largest reach the loader accepts (the compiler's own cap). */
#define CH_MAX_REACH 65536u
/* Evidence spans kept per finding. */
#define CH_MAX_EVIDENCE 32

/* PCRE2 limits per match call: bound backtracking so that no pattern can
 * stall a scan.  Raising them lets a hostile pattern burn CPU. */
#define CH_PCRE2_MATCH_LIMIT 1000000u
#define CH_PCRE2_DEPTH_LIMIT 10000u
#define CH_PCRE2_HEAP_LIMIT_KIB 20480u /* 20 MiB */

/* Shortest useful prefilter atom.  A pattern whose best literal is shorter
 * gets a "slow pattern" warning: one- and two-byte atoms hit nearly
 * everywhere and the prefilter stops filtering. */
#define CH_ATOM_MIN_QUALITY 3

/* Default reach of a disclosure section after its heading, in bytes, when
 * no next heading ends it first. */
#define CH_DISCLOSURE_REACH 4000

#endif /* CH_LIMITS_H */
