/*
 * detect.c — built-in detectors of identifiers (detect.h): the digit map,
 * digit chains (NIR, cards, SIREN, SIRET), French phones, the one walk over
 * the digits that runs them with IBAN (detect_iban.c), RIB (detect_rib.c)
 * and international phones (detect_phone.c), and the dispatch.  A NIR of
 * 13 characters is decided in detect_nir.c; the detectors anchored on a
 * keyword (INE, API keys, private keys) are in detect_keyword.c, the
 * secrets named before them (passwords, named tokens) in detect_named.c,
 * e-mail addresses in detect_email.c, the checksums in validate.c.
 *
 * Stage: runs on the clean view (normalize.h) during the pattern phase of a
 * scan, next to PCRE2; each span it emits becomes a match of the charter's
 * `detect NAME` pattern.  docs/detectors.md describes every detector for
 * charter authors: accepted forms, validation and sources, known limits.
 *
 * The common idea is a candidate "chain": digits (or letters for IBAN)
 * joined by at most one separator between two significant characters, as
 * people write identifiers ("2 84 05 2A 004 017 64", "06.12.34.56.78").
 * A chain starts at a number boundary and is read whole:
 *     "Tél 06 12 34 56 78 90"  -> one chain of 12 digits: not a phone
 *     "NIR 2 84 05 2A 004 017 64 fin" -> 15 characters, then " fin": a NIR
 *     "9295109912611193"       -> 16 digits: no NIR hides inside
 * so an identifier is never found inside a longer number, and a validator
 * (checksum, issuer ranges, structure) runs once per chain.
 *
 * Invariants:
 *   - linear time: a candidate starts only where a chain (or token) starts,
 *     and reading a candidate stops after a bounded number of characters or
 *     at the end of its chain, so every byte is read O(1) times even on a
 *     100 MB run of digits or of "1 1 1 1";
 *   - no allocation, no global state: candidates are gathered into small
 *     buffers on the stack;
 *   - spans are emitted in increasing start order and never overlap (the
 *     emitter enforces it), and always lie within [0, len);
 *   - any bytes are safe: the clean view is valid UTF-8, but a caller (tests,
 *     fuzzers) may pass anything, so nothing here assumes it.
 */
#include "runtime/detect.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
#include <emmintrin.h>
#endif

#include "runtime/detect_util.h"

static const char *const det_names[] = {
#define X(e, name, label) name,
    CH_DETECTORS(X)
#undef X
};
static const char *const det_labels[] = {
#define X(e, name, label) label,
    CH_DETECTORS(X)
#undef X
};

/* Linear search over a dozen names: called by the loader and the compiler,
 * never while scanning. */
int det_lookup(const char *name) {
  if (!name) return -1;
  for (int i = 0; i < DET_COUNT_; i++)
    if (!strcmp(det_names[i], name)) return i;
  return -1;
}
const char *det_name(int id) { return id >= 0 && id < DET_COUNT_ ? det_names[id] : "?"; }
const char *det_label(int id) { return id >= 0 && id < DET_COUNT_ ? det_labels[id] : "DATA"; }

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGH 0x8080808080808080ull

/* Bit 7 of each byte of x set iff that byte is an ASCII digit: per byte b,
 * b + 0x50 carries into bit 7 iff b >= 0x30 and b + 0x46 iff b >= 0x3a
 * (bytes >= 0x80 are masked out first and excluded after; no carry
 * crosses a byte as every sum stays below 0x100). */
static uint64_t digit_mask(uint64_t x) {
  uint64_t y = x & ~SWAR_HIGH;
  return (y + 0x50 * SWAR_ONES) & ~(y + 0x46 * SWAR_ONES) & ~x & SWAR_HIGH;
}

/* The first i' >= i with an ASCII digit at t[i'], or n.  Identifiers are
 * made of digits and prose has few, so the digit detectors jump between
 * them eight bytes at a time (digit_mask). */
static size_t next_digit(const unsigned char *t, size_t n, size_t i) {
  while (i + 8 <= n) {
    uint64_t x;
    memcpy(&x, t + i, 8);
    uint64_t m = digit_mask(x);
    if (m) return i + (size_t)(__builtin_ctzll(m) >> 3);
    i += 8;
  }
  while (i < n && !is_digit(t[i])) i++;
  return i;
}

size_t det_next_digit(const char *text, size_t n, size_t i) { return next_digit((const unsigned char *)text, n, i); }

/* Eight bits for the 64 bytes at t (all readable): bit k set iff bytes
 * 8k..8k+7 hold an ASCII digit; bit 8 set iff any of the 64 is a '+'.
 * With SSE2 (every x86-64), byte compares and a movemask per 16 bytes;
 * else digit_mask per 8. */
static unsigned digit_byte(const unsigned char *t) {
  unsigned r = 0;
#if defined(__SSE2__) && !defined(CH_NO_SIMD)
  const __m128i lo = _mm_set1_epi8('0' - 1 - 128), hi = _mm_set1_epi8('9' + 1 - 128), flip = _mm_set1_epi8(-128);
  const __m128i plus = _mm_set1_epi8('+' - 128);
  __m128i d[4], p = _mm_setzero_si128();
  for (unsigned k = 0; k < 4; k++) {
    __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + 16 * k)), flip);
    d[k] = _mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi));
    p = _mm_or_si128(p, _mm_cmpeq_epi8(v, plus));
  }
  r = (unsigned)(_mm_movemask_epi8(p) != 0) << 8;
  /* Each signed saturating pack turns two bytes into one that is zero
   * only when both were, keeping their order: three packs leave in byte
   * k whether bytes 8k..8k+7 held a digit. */
  __m128i q = _mm_packs_epi16(_mm_packs_epi16(d[0], d[1]), _mm_packs_epi16(d[2], d[3]));
  q = _mm_packs_epi16(q, q);
  r |= ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(q, _mm_setzero_si128())) & 0xffu;
#else
  for (unsigned k = 0; k < 8; k++) {
    uint64_t x;
    memcpy(&x, t + 8 * k, 8);
    r |= (digit_mask(x) != 0) << k;
  }
  if (memchr(t, '+', 64)) r |= 1u << 8;
#endif
  return r;
}

/* Block b's digit byte r (digit_byte) into the maps. */
static void map_put(uint64_t *bits, uint64_t *plus, size_t b, unsigned r) {
  bits[b / 8] |= (uint64_t)(r & 0xffu) << (8 * (b % 8));
  plus[b / 64] |= (uint64_t)(r >> 8) << (b % 64);
}

/* The digit map and the '+' map (detect.h), 512 and 4096 bytes per map
 * word; the last 64 bytes are read from a copy padded with zero bytes,
 * which are neither. */
int det_digit_bits(const char *text, size_t n, uint64_t *bits) {
  const unsigned char *t = (const unsigned char *)text;
  size_t nw = (n + 511) / 512, b = 0;
  uint64_t *plus = bits + DET_DIGIT_WORDS(n);
  memset(bits, 0, nw * sizeof *bits);
  memset(plus, 0, DET_PLUS_WORDS(n) * sizeof *plus);
  for (; 64 * (b + 1) <= n; b++) map_put(bits, plus, b, digit_byte(t + 64 * b));
  if (64 * b < n) {
    unsigned char last[64] = {0};
    memcpy(last, t + 64 * b, n - 64 * b);
    map_put(bits, plus, b, digit_byte(last));
  }
  for (size_t w = 0; w < nw; w++)
    if (bits[w]) return 1;
  return 0;
}

/* ------------------------------------------------------------- emitting */

/* The first 8-byte word >= w whose bit is set in the digit map, or nw. */
static size_t map_next(const uint64_t *bits, size_t nw, size_t w) {
  if (w >= nw) return nw;
  size_t k = w / 64, nk = (nw + 63) / 64;
  uint64_t m = bits[k] & (~0ull << (w % 64));
  while (!m) {
    if (++k >= nk) return nw;
    m = bits[k];
  }
  size_t at = k * 64 + (size_t)__builtin_ctzll(m);
  return at < nw ? at : nw;
}

/* How far ahead of the scan the digits' bytes are prefetched.  In a long
 * text the detectors run one after the other, each long after the
 * prefilter's pass, and every digit run they visit was evicted from the
 * cache: a miss per run that the hardware cannot foresee and the digit map
 * can (measured on 100 MB: 5x the cycles of the same text scanned in 2 KB
 * pieces, before prefetching). */
#define PREFETCH_AHEAD 256 /* map bits: 2 KB */
/* A text this short is still in the cache (L2) when the detectors run:
 * no prefetching, whose map walk would cost more than it saves. */
#define PREFETCH_MIN_TEXT ((size_t)256 << 10)

/* next_digit(t, n, i), over the digit map when there is one. */
static size_t digit_from(det_emitter *e, const unsigned char *t, size_t n, size_t i) {
  if (!e->digits) return next_digit(t, n, i);
  size_t nw = (n + 7) / 8;
  while (i < n) {
    size_t w = map_next(e->digits, nw, i / 8);
    if (w >= nw) return n;
    while (e->ahead < nw && e->ahead < w + PREFETCH_AHEAD) {
      size_t q = map_next(e->digits, nw, e->ahead > w ? e->ahead : w);
      if (q < nw) __builtin_prefetch(t + (q ? 8 * q - 8 : 0)); /* num_start reads the bytes before */
      e->ahead = q + 8;
    }
    uint64_t x = 0;
    if (8 * w + 8 <= n) memcpy(&x, t + 8 * w, 8);
    else memcpy(&x, t + 8 * w, n - 8 * w); /* the last word, zero-padded */
    uint64_t m = digit_mask(x);
    if (8 * w < i) m &= ~0ull << (8 * (i - 8 * w));
    if (m) {
      size_t at = 8 * w + (size_t)(__builtin_ctzll(m) >> 3);
      return at < n ? at : n;
    }
    i = 8 * w + 8;
  }
  return n;
}

/* The first '+' at or after i, or n: over the '+' map when there is one
 * (a '+' is rare in prose: the phone detectors used to pass over the
 * whole text with memchr, each on its own). */
static size_t plus_from(det_emitter *e, const unsigned char *t, size_t n, size_t i) {
  if (i >= n) return n;
  if (!e->digits) {
    const unsigned char *q = memchr(t + i, '+', n - i);
    return q ? (size_t)(q - t) : n;
  }
  const uint64_t *plus = e->digits + DET_DIGIT_WORDS(e->len);
  size_t nb = (n + 63) / 64, b = i / 64;
  while (b < nb) {
    size_t k = b / 64;
    uint64_t m = plus[k] & (~0ull << (b % 64));
    while (!m) {
      if (++k * 64 >= nb) return n;
      m = plus[k];
    }
    b = k * 64 + (size_t)__builtin_ctzll(m);
    if (b >= nb) return n;
    size_t from = 64 * b > i ? 64 * b : i, to = 64 * b + 64 < n ? 64 * b + 64 : n;
    const unsigned char *q = memchr(t + from, '+', to - from);
    if (q) return (size_t)(q - t);
    b++;
  }
  return n;
}

/* ---------------------------------------------------------- digit chains */

#define CHAIN_MAX 20
typedef struct chain {
  char sig[CHAIN_MAX + 1]; /* significant characters, letters upper-cased */
  size_t k;                /* how many */
  uint32_t seps;           /* bit j: a separator came right before sig[j] */
  uint32_t dots;           /* the same for the separators that were '.' */
  size_t end;              /* offset just past sig[k-1] */
  int more;                /* the chain goes on past `max` characters */
} chain;

/* Does the separator at t[p] (between two digits) join them into one
 * number?  Not when long runs stand on both sides: people group an
 * identifier in short runs ("4242 4242 ...", "2951099126111 93"), while
 * "4242424242424242 5555555555554444" is a list of two numbers. */
static int joins(const unsigned char *t, size_t n, size_t p) {
  size_t before = 0, after = 0;
  while (before < p && before < 7 && is_digit(t[p - 1 - before])) before++;
  while (p + 1 + after < n && after < 7 && is_digit(t[p + 1 + after])) after++;
  return before < 7 || after < 7;
}

/* Read the chain of digits starting at t[i]: digits, each pair possibly
 * split by one character of `seps`.  nir: a Corsican "2A"/"2B" may stand
 * at positions 5-6.  Reads at most 2 * (max + 1) bytes. */
static void gather(const unsigned char *t, size_t n, size_t i, const char *seps, size_t max, int nir, chain *c) {
  c->k = 0, c->seps = 0, c->dots = 0, c->more = 0, c->end = i;
  while (i < n) {
    unsigned ch = t[i];
    int sig = is_digit(ch) || (nir && c->k == 6 && c->sig[5] == '2' && (up(ch) == 'A' || up(ch) == 'B'));
    if (sig) {
      if (c->k == max) {
        c->more = 1;
        break;
      }
      c->sig[c->k++] = (char)up(ch);
      c->end = ++i;
      continue;
    }
    if (c->k && in_set(ch, seps) && i + 1 < n && is_digit(t[i + 1]) && joins(t, n, i)) {
      if (c->k == max) {
        c->more = 1;
        break;
      }
      c->seps |= (uint32_t)1 << c->k;
      if (ch == '.') c->dots |= (uint32_t)1 << c->k;
      i++;
      continue;
    }
    break;
  }
  c->sig[c->k] = 0;
}

/* A chain may start at t[i] (a digit): not glued to a word, and not the
 * continuation of a number ("12 34", "3.14", "1,5"). */
static int num_start(const unsigned char *t, size_t n, size_t i, const char *seps) {
  if (i == 0) return 1;
  if (is_digit(t[i - 1]) || word_before(t, i)) return 0;
  if (i >= 2 && is_digit(t[i - 2]) && (in_set(t[i - 1], seps) || t[i - 1] == '.' || t[i - 1] == ',') &&
      joins(t, n, i - 1))
    return 0;
  return 1;
}

typedef int (*chain_check)(const chain *c);

/* A chain detector: its separators, most and fewest significant
 * characters (its validator wants at least min), whether a Corsican 2A/2B
 * counts (gather), its validator, and whether its chains start with a 0
 * (French phone numbers written nationally). */
typedef struct chain_kind {
  const char *seps;
  size_t max, min;
  int nir;
  chain_check ok;
  int zero;
  bool (*longer)(const char *d, size_t n); /* chain_span: the kind it is a part of */
} chain_kind;

/* Is the digit run ending at rend a whole chain for every kind: no
 * separator and digit, and no Corsican A or B, after it?  Most numbers in
 * prose are such short runs (years, amounts, pages); a kind that wants
 * more digits than the run has skips it without gathering, to where its
 * gathering would have ended. */
static int run_alone(const unsigned char *t, size_t n, size_t rend, const char *seps) {
  if (rend >= n) return 1;
  unsigned ch = up(t[rend]);
  if (ch == 'A' || ch == 'B') return 0;
  return !(rend + 1 < n && in_set(ch, seps) && is_digit(t[rend + 1]));
}

/* An identifier followed, one space apart, by a short number of its own
 * ("4242 4242 4242 4242 12/27", "0612345678 75011 Paris", "185057800608491
 * 75 ans"): the separator joined them into one chain, which fails whole.
 * Cut chain c before that number: *out is c up to its
 * last separator when that separator is a space and the number after it
 * is one group of 1 to 5 digits that does not go on ("12 34", "12,5").
 * Without a word or a '/' after the number ("... 78 12 rue de la Paix",
 * "12/27") c is cut only before 3 digits or more, and not before a group
 * of the length of c's last: "06 12 34 56 78 90", "4242 4242 4242 4242
 * 42", "4242 4242 4242 4242 1234" are longer numbers, not identifiers. */
static size_t last_sep(uint32_t seps) { return 31 - (size_t)__builtin_clz(seps); } /* seps != 0 */

static int chain_cut(const unsigned char *t, size_t n, const char *seps, const chain *c, chain *out) {
  size_t j;
  if (c->more && c->end < n && in_set(t[c->end], seps)) j = c->k; /* max reached at the separator */
  else if (c->seps) j = last_sep(c->seps);
  else return 0;
  /* only digits follow the last separator: it stands c->k - j digits
   * before the chain's end */
  size_t end = j == c->k ? c->end : c->end - (c->k - j) - 1, q = end + 1, r = q;
  if (q >= n || t[end] != ' ') return 0;
  uint32_t low = j >= 32 ? ~0u : (1u << j) - 1, seps_in = c->seps & low;
  while (r < n && is_digit(t[r]) && r - q <= 5) r++;
  if (r == q || r - q > 5) return 0;
  if (r + 1 < n && (in_set(t[r], seps) || t[r] == '.' || t[r] == ',') && is_digit(t[r + 1])) return 0;
  int ok = r < n && (t[r] == '/' || (r + 1 < n && t[r] == ' ' && word_at(t, n, r + 1))); /* 12/27, 75 ans */
  if (!ok && r - q >= 3) /* not "73282932000074 5", "06 12 34 56 78 90": longer numbers */
    ok = !seps_in || j - last_sep(seps_in) != r - q; /* a CVV after groups of four */
  if (!ok) return 0;
  *out = *c;
  out->k = j, out->seps = seps_in, out->dots = c->dots & low, out->more = 0, out->end = end;
  out->sig[j] = 0;
  return 1;
}

/* Is cut chain c with the number after it (chain_cut) an identifier of
 * the longer kind, a SIREN's digits and a NIC making a SIRET? */
static int longer_valid(const unsigned char *t, size_t n, const chain *c, bool (*valid)(const char *, size_t)) {
  char d[CHAIN_MAX + 8];
  size_t k = c->k;
  memcpy(d, c->sig, k);
  for (size_t p = c->end + 1; p < n && is_digit(t[p]) && k < sizeof d; p++) d[k++] = (char)t[p];
  return valid(d, k);
}

/* Kind k's span for chain c, whole: see chain_span. */
static size_t chain_whole(const unsigned char *t, size_t n, size_t i, const chain_kind *k, const chain *c) {
  if (c->more || c->k > k->max || !num_end(t, n, c->end)) return 0;
  if (k->ok(c)) return c->end;
  return k->nir && c->k == 13 ? det_nir13_end(t, n, i, c->end, c->sig) : 0;
}

/* Where kind k's span for chain c, gathered at t[i], ends, or 0: the
 * chain itself when its validator says so; a NIR of 13 characters also
 * when its key follows apart or a label precedes it (detect_nir.c); else
 * the chain cut before a short number that follows it (chain_cut). */
static size_t chain_span(const unsigned char *t, size_t n, size_t i, const chain_kind *k, const chain *c) {
  size_t end = chain_whole(t, n, i, k, c);
  chain cut;
  if (!end && chain_cut(t, n, k->seps, c, &cut) && !(k->longer && longer_valid(t, n, &cut, k->longer)))
    end = chain_whole(t, n, i, k, &cut);
  return end;
}

/* A NIR after a short number one space before it, which the space joined
 * into one chain that fails whole ("née en 1984 2 84 05 2A 004 017 64",
 * "75011 284052A00401764"): the span of chain c, gathered at t[i], with
 * its first group left out when it has 3 to 5 digits (a year, a postcode;
 * "1 2 95 10 99 126 111 93" is a longer grouped number, as chain_cut
 * judges a short group after a chain), or 0; *s is where it starts.
 * Only where the rest is written as a NIR is (its sex digit a group of its
 * own, or no separator at all) and only for the NIR, whose key makes a
 * chance match rare: a SIREN's Luhn digit would pass one time in ten. */
static __attribute__((noinline)) size_t chain_lead_cut(const unsigned char *t, size_t n, size_t i,
                                                       const chain_kind *k, const chain *c, size_t *s) {
  size_t j0 = (size_t)__builtin_ctz(c->seps); /* digits before the first separator */
  if (j0 < 3 || j0 > 5 || t[i + j0] != ' ') return 0;
  chain rest;
  size_t r = i + j0 + 1;
  /* before gathering: a sex digit alone, or a run of six digits at least
   * (prose's "1998 2000 2004" is neither) */
  if (!(r + 1 < n && in_set(t[r + 1], k->seps)) && run_end(t, n, r) - r < 6) return 0;
  gather(t, n, r, k->seps, k->max, k->nir, &rest);
  if (rest.seps && !(rest.seps & 2)) return 0; /* "1 84 ...": a separator after the first digit */
  size_t end = chain_span(t, n, r, k, &rest);
  if (end) *s = r;
  return end;
}

/* Kind k's span for chain c, gathered at t[i] (chain_span, else
 * chain_lead_cut), emitted; returns where k's scan looks next: past the
 * chain (positions inside it cannot start one), or past the span. */
static inline __attribute__((always_inline)) size_t chain_emit(const unsigned char *t, size_t n, size_t i,
                                                               const chain_kind *k, const chain *c, det_emitter *e) {
  size_t s = i, end = chain_span(t, n, i, k, c);
  if (!end && k->nir && c->seps) end = chain_lead_cut(t, n, i, k, c, &s); /* rare: out of line */
  if (end) emit(e, s, end);
  return end > c->end ? end : c->end > i + 1 ? c->end : i + 1;
}

/* The step of kind k's scan at t[i], a digit: the chain that starts there,
 * once.  Returns where the scan looks next: past the digit run when no
 * chain starts at i, else past the chain (positions inside it cannot
 * start one). */
static size_t chain_step(const unsigned char *t, size_t n, size_t i, det_emitter *e, const chain_kind *k, chain *c) {
  size_t rend = run_end(t, n, i);
  if ((k->zero && t[i] != '0') || (rend - i < k->min && run_alone(t, n, rend, k->seps)) || !num_start(t, n, i, k->seps))
    return rend;
  gather(t, n, i, k->seps, k->max, k->nir, c);
  return chain_emit(t, n, i, k, c, e);
}

/* The scan shared by NIR, SIREN, SIRET, cards and French phone numbers
 * (their digits): each chain once. */
static void scan_chains(const unsigned char *t, size_t n, det_emitter *e, const chain_kind *k) {
  chain c;
  for (size_t i = 0; i < n && !e->stop;) {
    if ((i = digit_from(e, t, n, i)) >= n) break;
    i = chain_step(t, n, i, e, k, &c);
  }
}

static int nir_ok(const chain *c) { return c->k == 15 && det_nir_valid(c->sig, 15); }
static int siren_ok(const chain *c) { return det_siren_valid(c->sig, c->k); }
static int siret_ok(const chain *c) { return det_siret_valid(c->sig, c->k); }

/* Dots between the digits of a card number ("4970.1012.3456.7890") only
 * in groups of four: dots also group the thousands of amounts. */
#define CARD_DOT_GROUPS ((1u << 4) | (1u << 8) | (1u << 12) | (1u << 16))

static int card_ok(const chain *c) {
  if (c->dots && (c->seps & ~CARD_DOT_GROUPS)) return 0;
  return c->k >= 12 && c->k <= 19 && det_card_brand_ok(c->sig, c->k) && det_luhn_valid(c->sig, c->k);
}

/* --------------------------------------------------------------- phones */

/* French numbers (ARCEP plan): 10 digits "0" + [1-9] + 8, written in pairs
 * ("06 12 34 56 78", "06.12.34.56.78", "0612345678"); internationally
 * "+33" or "0033", an optional "(0)", then the 9 digits without the 0
 * ("+33 6 12 34 56 78").  Separators may only split pairs: "06 123 456 78"
 * is not how a French number is written, and accepting any grouping would
 * catch every 10-digit figure. */
#define PAIRS_NATIONAL ((1u << 2) | (1u << 4) | (1u << 6) | (1u << 8))
#define PAIRS_NSN ((1u << 1) | (1u << 3) | (1u << 5) | (1u << 7))
/* Special-rate numbers (08) are also written "0 800 12 34 56", as
 * libphonenumber formats them and ARCEP's plan prints them. */
#define GROUPS_SPECIAL ((1u << 1) | (1u << 4) | (1u << 6) | (1u << 8))

/* Overseas departments write their numbers with the four-digit prefix
 * whole, "0692 12 34 56" (ARCEP's plan: fixed 0262/0263 Réunion, 0269
 * Mayotte, 0590 Guadeloupe, 0594 Guyane, 0596 Martinique; mobile 0639,
 * 0690-0694, 0696, 0697). */
#define GROUPS_DOM ((1u << 4) | (1u << 6) | (1u << 8))
static int fr_dom_prefix(const char *d) {
  static const char dom[][4] = {"262", "263", "269", "590", "594", "596", "639",
                                "690", "691", "692", "693", "694", "696", "697"};
  for (size_t k = 0; k < sizeof dom / sizeof *dom; k++)
    if (!memcmp(d + 1, dom[k], 3)) return 1;
  return 0;
}

/* A grouped number's first group is its two-digit prefix ("06 1234 5678"
 * but not "0417 1643 01", the tail of a broken IBAN "NL91 ABNA 0417 1643
 * 01"), except for special-rate numbers ("0800 12 34 56") and the
 * overseas departments' ("0692 12 34 56"). */
static int fr_national_ok(const chain *c, size_t off) {
  if (c->k != off + 10 || c->sig[off] != '0' || c->sig[off + 1] < '1') return 0;
  uint32_t seps = c->seps >> off;
  if (c->sig[off + 1] == '8' && (seps & ~GROUPS_SPECIAL) == 0) return 1;
  if ((seps & ~GROUPS_DOM) == 0 && (seps & (1u << 4)) && fr_dom_prefix(c->sig + off)) return 1;
  return (seps & ~PAIRS_NATIONAL) == 0 && (seps == 0 || (seps & (1u << 2)));
}
static int fr_nsn_ok(const chain *c, size_t off) {
  /* bit 0 after the shift: the separator after "0033" */
  return c->k == off + 9 && c->sig[off] >= '1' && (c->seps >> off & ~(PAIRS_NSN | 1u)) == 0;
}

/* The first digit or '+' at or after i: the digit map's next digit
 * (digit_from) against the next '+' (plus_from, remembered in *plus until
 * passed; *plus == SIZE_MAX before the first search). */
static size_t digit_or_plus(det_emitter *e, const unsigned char *t, size_t n, size_t i, size_t *plus) {
  if (i >= n) return n;
  if (*plus == SIZE_MAX || *plus < i) *plus = plus_from(e, t, n, i);
  size_t d = digit_from(e, t, n, i);
  return d < *plus ? d : *plus;
}

static int phone_fr_ok(const chain *c) {
  if (c->k == 10) return fr_national_ok(c, 0);
  /* 0033, maybe "00 33" */
  return c->k == 13 && !memcmp(c->sig, "0033", 4) && fr_nsn_ok(c, 4) &&
         (c->seps & ~((1u << 2) | (1u << 4) | PAIRS_NSN << 4)) == 0;
}

/* One separator string per set, so that det_scan_digits can tell by the
 * pointer which detectors read the same chains. */
static const char seps_space_dot_dash[] = " .-", seps_space_dot[] = " .";
/* French numbers are also written in pairs split by slashes
 * ("06/12/34/56/78", as on forms), which no other kind takes */
static const char seps_phone_fr[] = " .-/";
/* 13 at least: a NIR may be written without its key (detect_nir.c) */
static const chain_kind kind_nir = {seps_space_dot_dash, 15, 13, 1, nir_ok, 0, NULL};
static const chain_kind kind_card = {seps_space_dot_dash, 19, 12, 0, card_ok, 0, NULL};
static const chain_kind kind_siren = {seps_space_dot, 9, 9, 0, siren_ok, 0, det_siret_valid};
static const chain_kind kind_siret = {seps_space_dot, 14, 14, 0, siret_ok, 0, NULL};
/* French numbers from their first digit: 10 digits, or 0033 and 9 */
static const chain_kind kind_phone_fr = {seps_phone_fr, 13, 10, 0, phone_fr_ok, 1, NULL};

/* The digits after France's code: the 9 of the number, or its 10 with
 * the trunk 0 kept by mistake ("+33 06 12 ..."), often enough written. */
static int fr_after_cc_ok(const chain *c) { return fr_nsn_ok(c, 0) || fr_national_ok(c, 0); }

/* phone_fr's step after France's code: "+33" or "0033" at t[i], t[j]
 * past its "33"; an optional "(0)", then the nine digits.  Returns where
 * its scan looks next. */
static size_t phone_fr_cc(const unsigned char *t, size_t n, size_t i, size_t j, det_emitter *e) {
  const char *seps = seps_space_dot_dash;
  if (j < n && t[j] == ')' && i > 0 && t[i - 1] == '(') j++; /* "(+33) 6 ..." */
  if (j < n && in_set(t[j], seps)) j++;
  if (j + 2 < n && t[j] == '(' && t[j + 1] == '0' && t[j + 2] == ')') {
    j += 3;
    if (j < n && in_set(t[j], seps)) j++;
  }
  if (j < n && is_digit(t[j])) {
    chain c;
    gather(t, n, j, seps, 10, 0, &c);
    chain cut;
    const chain *ok = !c.more && num_end(t, n, c.end) && fr_after_cc_ok(&c)          ? &c
                      : chain_cut(t, n, seps, &c, &cut) && fr_after_cc_ok(&cut) ? &cut
                                                                                 : NULL;
    if (ok) {
      emit(e, i, ok->end);
      return c.end; /* a cut chain ends before c */
    }
    if (c.end > j) return c.end;
  }
  return i + 1;
}

static int fr_cc_start(const unsigned char *t, size_t i) { return !word_before(t, i) && !(i > 0 && is_digit(t[i - 1])); }

/* At a '+': "+33" of France, or not a French number. */
static size_t phone_fr_plus(const unsigned char *t, size_t n, size_t i, det_emitter *e) {
  if (!(i + 3 < n && t[i + 1] == '3' && t[i + 2] == '3' && fr_cc_start(t, i))) return i + 1;
  return phone_fr_cc(t, n, i, i + 3, e);
}

/* "0033 (0)1 23 ...": the trunk prefix in parentheses breaks the digit
 * chain, which reads "0033 6 12 ..." whole.  Where a chain may start
 * only: "14 0033 (0)6 ..." continues a number, and the shared walk skips
 * such chains whole. */
static int fr_0033_trunk(const unsigned char *t, size_t n, size_t i) {
  if (!(i + 7 < n && !memcmp(t + i, "0033", 4) && num_start(t, n, i, seps_space_dot_dash))) return 0;
  size_t j = i + 4 + (in_set(t[i + 4], seps_space_dot_dash) != 0);
  return j + 2 < n && t[j] == '(' && t[j + 1] == '0' && t[j + 2] == ')';
}

static void scan_phone_fr(const unsigned char *t, size_t n, det_emitter *e) {
  chain c;
  size_t plus = SIZE_MAX;
  for (size_t i = 0; i < n && !e->stop;) {
    if ((i = digit_or_plus(e, t, n, i, &plus)) >= n) break;
    if (t[i] == '+') i = phone_fr_plus(t, n, i, e);
    else if (t[i] == '0' && fr_0033_trunk(t, n, i)) i = phone_fr_cc(t, n, i, i + 4, e);
    else i = chain_step(t, n, i, e, &kind_phone_fr, &c);
  }
}

/* E.164 numbers: detect_phone.c's step at each '+' and digit run. */
static void scan_phone(const unsigned char *t, size_t n, det_emitter *e) {
  size_t plus = SIZE_MAX;
  for (size_t i = 0; i < n && !e->stop;) {
    if ((i = digit_or_plus(e, t, n, i, &plus)) >= n) break;
    i = det_phone_step(t, n, i, e);
  }
}

static void scan_iban(const unsigned char *t, size_t n, det_emitter *e) {
  size_t tried = 0;
  for (size_t p = 2; p + 1 < n && !e->stop;) {
    if ((p = digit_from(e, t, n, p)) + 1 >= n) break;
    p = det_iban_step(t, n, p, e, &tried);
  }
}

/* ------------------------------------------------- one walk for several */

/* Would gathering with kind k at the start of chain c (gathered with kind
 * ck, same separators) give a chain with the same verdict for k?  Yes when
 * k is ck; no when ck reads 2A/2B (k might not) or when c stopped at ck's
 * maximum and k reads further; no when c stopped, at its sixth digit, on
 * the A or B that a NIR (k) would take.  Otherwise k's chain is c, or c
 * cut at k->max, which makes k's chain "more" (no span) and leaves k
 * skipping c's runs up to c.end, as it would on its own. */
static int chain_reuse(const chain *c, const chain_kind *ck, const chain_kind *k, const unsigned char *t, size_t n) {
  if (ck == k) return 1;
  if (ck->nir || ck->seps != k->seps) return 0;
  if (c->more && k->max > ck->max) return 0;
  if (k->nir && c->k == 6 && c->sig[5] == '2' && c->end < n && (up(t[c->end]) == 'A' || up(t[c->end]) == 'B'))
    return 0;
  return 1;
}

static const chain_kind *chain_kind_of(int id) {
  switch (id) {
  case DET_NIR: return &kind_nir;
  case DET_CARD: return &kind_card;
  case DET_SIREN: return &kind_siren;
  case DET_SIRET: return &kind_siret;
  case DET_PHONE_FR: return &kind_phone_fr;
  default: return NULL;
  }
}

int det_walks_digits(int id) { return id == DET_IBAN || id == DET_RIB || id == DET_PHONE || chain_kind_of(id) != NULL; }

#define DIGIT_GROUP_MAX 8

/* A detector of det_scan_digits: a chain kind, or IBAN, RIB or phone
 * (kind NULL, id says which). */
typedef struct walker {
  const chain_kind *kind;
  int id;
  det_emitter e;
  size_t next;  /* where its own scan would look next */
  size_t bound; /* it looks no further than this */
  size_t aux;   /* phone_fr, phone: its next '+'; IBAN: its *tried */
} walker;

/* Chain kinds with the same separators together, those that read 2A/2B
 * after the others, longer chains first (so that chain_reuse can serve
 * the next from the first); IBAN last. */
static int walks_after(const walker *x, const walker *y) {
  if (!x->kind || !y->kind) return !x->kind && y->kind;
  if (x->kind->seps != y->kind->seps) return (uintptr_t)x->kind->seps < (uintptr_t)y->kind->seps;
  if (x->kind->nir != y->kind->nir) return x->kind->nir > y->kind->nir;
  return x->kind->max < y->kind->max;
}

/* The digit detectors ids[0..k) (det_walks_digits; at most
 * DIGIT_GROUP_MAX) over the whole text in one walk over its digits (and,
 * for phone_fr, its '+'), each emitting to user_data[j]: the same spans
 * as det_scan_bits of each.  Every detector keeps where its own scan would
 * look next; the walk goes to the first digit (or phone_fr's '+') at or
 * after the nearest of these, and there each detector whose turn it is
 * does its own step.  A chain is read once per separator set when the
 * verdicts allow (chain_reuse): the card's serves phone_fr and the NIR,
 * SIRET's serves SIREN. */
void det_scan_digits(size_t k, const int *ids, const char *text, size_t len, const uint64_t *digits, det_emit_fn fn,
                     void *const *user_data) {
  if (!text || !fn || k > DIGIT_GROUP_MAX) return;
  const unsigned char *t = (const unsigned char *)text;
  walker m[DIGIT_GROUP_MAX], tmp;
  size_t nm = 0;
  for (size_t j = 0; j < k; j++) {
    if (!det_walks_digits(ids[j])) continue;
    const chain_kind *kd = chain_kind_of(ids[j]);
    int iban = ids[j] == DET_IBAN;
    m[nm++] = (walker){kd, ids[j], {fn, user_data[j], 0, 0, NULL, len, 0}, iban ? 2 : 0, iban && len ? len - 1 : len,
                       kd == &kind_phone_fr || ids[j] == DET_PHONE ? SIZE_MAX : 0};
  }
  for (size_t a = 1; a < nm; a++)
    for (size_t b = a; b > 0 && walks_after(&m[b - 1], &m[b]); b--) tmp = m[b - 1], m[b - 1] = m[b], m[b] = tmp;
  det_emitter walk = {fn, NULL, 0, 0, digits, len, len > PREFETCH_MIN_TEXT ? 0 : SIZE_MAX};
  for (;;) {
    size_t from = SIZE_MAX;
    for (size_t j = 0; j < nm; j++)
      if (!m[j].e.stop && m[j].next < m[j].bound && m[j].next < from) from = m[j].next;
    if (from == SIZE_MAX) break;
    size_t x = digit_from(&walk, t, len, from);
    for (size_t j = 0; j < nm; j++) {
      walker *d = &m[j];
      if ((d->kind != &kind_phone_fr && d->id != DET_PHONE) || d->e.stop || d->next >= d->bound) continue;
      if (d->aux == SIZE_MAX || d->aux < d->next) d->aux = plus_from(&walk, t, len, d->next);
      if (d->aux < x) x = d->aux;
    }
    if (x >= len) break;
    int dig = is_digit(t[x]), ns = 0, alone = 0;
    size_t rend = 0;
    chain c;
    const chain_kind *ck = NULL, *ns_kind = NULL, *al_kind = NULL;
    for (size_t j = 0; j < nm; j++) {
      walker *d = &m[j];
      const chain_kind *kd = d->kind;
      if (d->e.stop || d->next >= d->bound || d->next > x) continue;
      if (x >= d->bound) { /* IBAN: no byte after x */
        d->next = d->bound;
        continue;
      }
      if (!dig) { /* a '+' */
        if (kd == &kind_phone_fr) d->next = phone_fr_plus(t, len, x, &d->e);
        else if (d->id == DET_PHONE) d->next = det_phone_step(t, len, x, &d->e);
        continue;
      }
      if (d->id == DET_PHONE && !(t[x] == '0' && x + 1 < len && t[x + 1] == '0')) { /* no "00": the run */
        if (!rend) rend = run_end(t, len, x);
        d->next = rend;
        continue;
      }
      if (!kd) {
        d->next = d->id == DET_RIB     ? det_rib_step(t, len, x, &d->e)
                  : d->id == DET_PHONE ? det_phone_step(t, len, x, &d->e)
                                       : det_iban_step(t, len, x, &d->e, &d->aux);
        continue;
      }
      if (kd == &kind_phone_fr && t[x] == '0' && fr_0033_trunk(t, len, x)) {
        d->next = phone_fr_cc(t, len, x, x + 4, &d->e);
        continue;
      }
      if (!rend) rend = run_end(t, len, x);
      int skip = kd->zero && t[x] != '0';
      if (!skip && rend - x < kd->min) { /* kinds come grouped by separators */
        if (!al_kind || al_kind->seps != kd->seps) alone = run_alone(t, len, rend, kd->seps), al_kind = kd;
        skip = alone;
      }
      if (skip) {
        d->next = rend;
        continue;
      }
      if (!ns_kind || ns_kind->seps != kd->seps) ns = num_start(t, len, x, kd->seps), ns_kind = kd;
      if (!ns) {
        d->next = rend;
        continue;
      }
      if (!ck || !chain_reuse(&c, ck, kd, t, len)) gather(t, len, x, kd->seps, kd->max, kd->nir, &c), ck = kd;
      d->next = chain_emit(t, len, x, kd, &c, &d->e);
    }
  }
}

/* ----------------------------------------------------------- dispatch */

void det_scan(int id, const char *text, size_t len, det_emit_fn fn, void *ud) { det_scan_bits(id, text, len, NULL, fn, ud); }

void det_scan_bits(int id, const char *text, size_t len, const uint64_t *digits, det_emit_fn fn, void *ud) {
  if (!text || !fn) return;
  const unsigned char *t = (const unsigned char *)text;
  det_emitter e = {fn, ud, 0, 0, digits, len, len > PREFETCH_MIN_TEXT ? 0 : SIZE_MAX};
  switch (id) {
  case DET_EMAIL: det_scan_email(t, len, &e); break;
  case DET_PHONE_FR: scan_phone_fr(t, len, &e); break;
  case DET_PHONE: scan_phone(t, len, &e); break;
  case DET_NIR: scan_chains(t, len, &e, &kind_nir); break;
  case DET_IBAN: scan_iban(t, len, &e); break;
  case DET_RIB:
    for (size_t p = 0; p < len && !e.stop;)
      if ((p = digit_from(&e, t, len, p)) < len) p = det_rib_step(t, len, p, &e);
    break;
  case DET_CARD: scan_chains(t, len, &e, &kind_card); break;
  case DET_SIREN: scan_chains(t, len, &e, &kind_siren); break;
  case DET_SIRET: scan_chains(t, len, &e, &kind_siret); break;
  default: det_kw_scan(id, t, len, &e); break;
  }
}

