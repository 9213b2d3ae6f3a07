/*
 * normalize.h — text normalisation with offsets mapped back to the original.
 *
 * The scanner never matches raw input.  It builds two views of it:
 *   clean  — valid UTF-8 (each invalid byte -> U+FFFD), NFC for Latin letters
 *            followed by combining marks, zero-width characters and soft
 *            hyphens removed, Unicode spaces -> ' ', typographic apostrophes
 *            -> '\'', typographic quotes -> '"', Unicode dashes and minus -> '-'.
 *            Regexes and the built-in detectors run here, so a NIR written
 *            with zero-width spaces or no-break spaces between its digits is
 *            still found.
 *   folded — the clean view, lower-cased, accents stripped (é->e, œ->oe,
 *            ß->ss, ...).  Word lists and prefilter atoms match here, so
 *            words are case-, accent-, apostrophe- and dash-insensitive.
 * Every byte of a view has an origin, the offset of the original byte it
 * came from (the origin of offset len is the original length), so evidence
 * always points into the caller's text.  In the clean view a byte copied
 * unchanged has its own byte as origin and every byte of a rewritten code
 * point (a replacement, U+FFFD, a composed letter) the first byte of what
 * it replaces; in the folded view every byte of a code point has the
 * origin of the clean code point it folds.  Origins never decrease.
 * Folding is per code point, never contextual: the fold of a substring is
 * a substring of the fold, which the prefilter relies on.
 *
 * The origins are kept as a segment map: an entry {c, i} says that from
 * view offset c on the origin is i + (offset - c), up to the next entry.
 * Copied text is one segment, so a scan's clean view costs its text and an
 * entry per change (8 bytes per apostrophe, space or accent composed),
 * not four bytes per byte: on a 100 MB text that the scanner must clean,
 * the first scan no longer writes (and faults in) a 400 MB map.
 *
 * No function here allocates except norm_reserve and the segment maps of
 * norm_clean and norm_fold, which grow only when a text has more changes
 * than any before it: a scanner keeps its buffers and, once warm,
 * normalises without touching the heap.
 */
#ifndef CH_NORMALIZE_H
#define CH_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include "charter.h"

/* From view offset c on (to the next entry), origin = i + (offset - c). */
typedef struct norm_seg {
  uint32_t c, i;
} norm_seg;

typedef struct norm_view {
  char *text;    /* NUL-terminated */
  size_t len;
  size_t cap;    /* capacity in bytes of text */
  norm_seg *seg; /* nseg entries: seg[0].c == 0, c strictly increasing, and */
  size_t nseg;   /* the last is {len, input length} */
  size_t segcap;
} norm_view;

/* Ensure capacity for `cap` bytes of text (+1 for the NUL).  CH_OK or
 * CH_E_NOMEM; on failure the view keeps its old buffers. */
ch_status norm_reserve(norm_view *v, size_t cap, const ch_allocator *a);
void norm_view_free(norm_view *v, const ch_allocator *a);

/* Worst-case clean length for n input bytes (an invalid byte becomes the
 * three bytes of U+FFFD). */
#define NORM_CLEAN_CAP(n) (3 * (n) + 1)

/* Build the clean view of in[0..n).  out must have cap >= NORM_CLEAN_CAP(n)
 * bytes of text; its segment map grows through `a` as needed.  CH_OK, or
 * CH_E_NOMEM when the map cannot grow (the view is then unusable). */
ch_status norm_clean(const char *in, size_t n, norm_view *out, const ch_allocator *a);
/* Build the folded view of a clean view; out->cap >= clean->len + 1 (the
 * folded text is never longer than the clean text).  Status as norm_clean. */
ch_status norm_fold(const norm_view *clean, norm_view *out, const ch_allocator *a);
/* Clean and fold a standalone string (compile time: words and atoms).
 * out needs NORM_CLEAN_CAP(n) bytes; returns the length written (NUL added). */
size_t norm_fold_str(const char *in, size_t n, char *out);

/* The origin of view offset c (<= len).  hint (may be NULL) is a segment
 * index from the previous call, updated: lookups that move forward little
 * by little, as a scan's matches do, cost O(log distance). */
uint32_t norm_origin(const norm_view *v, size_t c, size_t *hint);
/* The first view offset whose origin is >= at (len when none is): where
 * text from input offset `at` on begins in the view.  hint as above. */
size_t norm_inverse(const norm_view *v, uint32_t at, size_t *hint);
/* Every origin, map[c] for c in [0, len]: the per-byte form, for tests and
 * for tools that want it.  map has len + 1 entries. */
void norm_origins(const norm_view *v, uint32_t *map);

/* Nonzero when the clean view of in[0..n) would be the input itself: valid
 * UTF-8 with nothing to drop, replace or compose.  Read-only and fast on
 * ASCII (8 bytes per step), so a scanner can skip building the clean view
 * and its map for most texts.  Conservative: any combining mark in
 * U+0300..U+036F answers 0 even if nothing would compose. */
int norm_is_clean(const char *in, size_t n);
/* norm_is_clean's test of one code point at p[0] (n > 0 bytes left),
 * for one that is neither ASCII nor a letter U+00C0..U+00FF (those are
 * always clean): its length when it is valid UTF-8 with nothing to drop
 * or replace and no combining mark, else 0.  The prefilter applies it as
 * it folds, so that a scan can learn whether its input is clean without
 * a pass of its own. */
size_t norm_clean_cp_len(const unsigned char *p, size_t n);

/* An ASCII control character the clean view drops: DEL and all of C0 but
 * the five blanks, tab, newline, vertical tab, form feed and carriage
 * return (licence texts and PDF text hold form feeds between pages).
 * Invisible, it could sit between the digits of an identifier as a
 * zero-width space does (DEL is the one control XML 1.0, and so a .docx,
 * allows).  The ASCII fast paths (norm_is_clean, the clean copy, the
 * prefilter's fold) stop at it. */
static inline int norm_is_ctl(unsigned c) { return c < 0x09 || (c >= 0x0e && c < 0x20) || c == 0x7f; }
/* The high bit of each of the 8 bytes of x that is not ASCII, is below
 * 0x20 or is DEL, exact up to the first (a borrow runs only upward from a
 * byte that stops): where the 8-byte steps stop.  The blanks stop them
 * too, for the byte loop after them to take. */
static inline uint64_t norm_stop_word(uint64_t x) {
  uint64_t d = x ^ 0x7f7f7f7f7f7f7f7full; /* a zero byte for each DEL */
  return (x | ((x - 0x2020202020202020ull) & ~x) | ((d - 0x0101010101010101ull) & ~d)) & 0x8080808080808080ull;
}
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
#include <emmintrin.h>
/* A bit for each of the 16 bytes at x that is not ASCII or is such a
 * control: where an ASCII fast path stops.  On y = x + 1, signed: DEL and
 * the high bytes but 0xff become negative, 0xff and 0-8 become 0-9, so one
 * compare below 10 finds them all, and 14-31 are 15-32.  (As many
 * operations as without DEL.  Testing the controls apart, behind a branch
 * that predicts none, was slower: 0.0155 against 0.0149 s for 10 MB of the
 * bench text, best of 8.) */
static inline unsigned norm_stop_mask(__m128i x) {
  __m128i y = _mm_add_epi8(x, _mm_set1_epi8(1));
  __m128i low = _mm_cmplt_epi8(y, _mm_set1_epi8(10));
  __m128i c0 = _mm_andnot_si128(_mm_cmplt_epi8(y, _mm_set1_epi8(15)), _mm_cmplt_epi8(y, _mm_set1_epi8(33)));
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(low, c0));
}
#endif

/* The folded bytes of the code point that starts at p[i] (i < n), exactly
 * as norm_fold(norm_clean(...)) would produce them there: clean and fold
 * are both per code point, and a mark that clean composes onto a letter
 * folds away with the accent (tests check the equivalence exhaustively for
 * the composition table).  Writes at most 4 bytes to out, returns how many
 * (0 for a dropped character or a combining mark), and sets *adv to the
 * input bytes consumed (1 for an invalid byte, which folds to U+FFFD). */
size_t norm_fold_at(const unsigned char *p, size_t n, size_t i, char out[4], size_t *adv);

/* Decode the code point at p[0..n).  Returns its length in bytes (1-4), or
 * 0 when n == 0 or p[0] does not start a well-formed UTF-8 sequence
 * (overlong, surrogate, > U+10FFFF, truncated); *cp is set only on
 * success.  Pure function; the detectors use it to classify the character
 * next to a candidate. */
size_t norm_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* Encode code point cp (<= U+10FFFF, not a surrogate) as UTF-8 into o (4
 * bytes of room); returns the length. */
size_t norm_encode(uint32_t cp, char *o);
/* The code point of Windows-1252 byte c, or 0 for the five bytes it leaves
 * undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d). */
uint32_t norm_cp1252(unsigned char c);

/* A byte that belongs to a word in the folded view: [a-z0-9_] or any byte of
 * a non-ASCII code point (letters the fold kept, e.g. Greek). */
static inline int norm_is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80 || (c >= 'A' && c <= 'Z');
}

#endif
