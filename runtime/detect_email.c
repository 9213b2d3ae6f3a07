/*
 * detect_email.c — the e-mail detector (detect.h, DET_EMAIL): an address
 * is found from its '@', its local part read backwards and its domain
 * forwards, with no digit machinery (detect.c) and no keyword
 * (detect_keyword.c).  Same invariants as detect.c: linear time (no byte
 * left of the previous '@' is read again), no allocation, spans ordered
 * and disjoint, any bytes safe.
 */
#include <stdint.h>
#include <string.h>

#include "runtime/detect_util.h"

/* Local part: RFC 5322 dot-atoms restricted to what people type and
 * what does not run into surrounding punctuation. */
static int email_local(unsigned c) { return is_alnum(c) || in_set(c, "._%+-'"); }

/* Letters allowed in an internationalised domain label or local part
 * (RFC 5890, RFC 6531): the Latin, Greek and Cyrillic letters of
 * is_letter_cp (detect_util.h) plus whole blocks of the other scripts
 * addresses are written in.  A block is taken whole, combining marks
 * included: Devanagari or Thai words carry vowel signs (category Mn,
 * "मोहन", "ตัวอย่าง") that a letters-only test would cut an address at. */
static int idn_letter(uint32_t cp) {
  static const uint32_t blocks[][2] = {
      {0x0300, 0x036f}, /* combining diacritics left by a decomposed input */
      {0x0531, 0x058f}, /* Armenian */
      {0x0590, 0x08ff}, /* Hebrew, Arabic, Syriac, Thaana, N'Ko */
      {0x0900, 0x0dff}, /* Devanagari to Sinhala */
      {0x0e00, 0x0fff}, /* Thai, Lao, Tibetan */
      {0x1000, 0x137f}, /* Myanmar, Georgian, Hangul Jamo, Ethiopic */
      {0x1780, 0x17ff}, /* Khmer */
      {0x3040, 0x30ff}, /* Hiragana, Katakana */
      {0x3400, 0x4dbf}, /* CJK extension A */
      {0x4e00, 0x9fff}, /* CJK */
      {0xac00, 0xd7af}, /* Hangul syllables */
  };
  /* the sentence punctuation inside those blocks ends an address */
  static const uint32_t stops[] = {0x0589, 0x060c, 0x061b, 0x061f, 0x06d4, 0x0964, 0x0965, 0x0e5a,
                                   0x0e5b, 0x0f0d, 0x0f0e, 0x104a, 0x104b, 0x1362, 0x1363, 0x1364,
                                   0x1367, 0x1368, 0x17d4, 0x17d5, 0x3001, 0x3002, 0x30fb};
  if (is_letter_cp(cp)) return 1;
  for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
    if (cp == stops[i]) return 0;
  for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
    if (cp >= blocks[i][0] && cp <= blocks[i][1]) return 1;
  return 0;
}

/* Where the letter that ends at t[s] starts, when it is one of
 * idn_letter's and lies right of floor; s when not. */
static size_t local_letter_before(const unsigned char *t, size_t s, size_t floor) {
  size_t q = s - 1;
  while (q > floor && s - q < 4 && (t[q] & 0xc0) == 0x80) q--;
  uint32_t cp;
  if (q < floor || norm_decode(t + q, s - q, &cp) != s - q || !idn_letter(cp)) return s;
  return q;
}

/* Is t[colon] the ':' of scheme://user:password@host?  Then what follows
 * is credentials, which the password detector reports, not an address. */
static int url_userinfo(const unsigned char *t, size_t colon) {
  size_t k = colon;
  while (k > 0 && colon - k < 130 && t[k - 1] > ' ' && t[k - 1] != '/' && t[k - 1] != '@') k--;
  return k >= 3 && t[k - 1] == '/' && t[k - 2] == '/' && t[k - 3] == ':';
}

void det_scan_email(const unsigned char *t, size_t n, det_emitter *e) {
  size_t floor = 0; /* never read left of the previous '@': linear */
  for (size_t i = 0; i < n && !e->stop; i++) {
    const unsigned char *at = memchr(t + i, '@', n - i);
    if (!at) break;
    i = (size_t)(at - t);
    size_t s = i;
    while (s > floor && i - s < 64) {
      if (t[s - 1] >= 0x80) { /* "hélène.durand@", "zoë@" (RFC 6531) */
        size_t q = local_letter_before(t, s, floor);
        if (q == s) break;
        s = q;
        continue;
      }
      if (in_set(t[s - 1], "!#$&*/=?^`{|}~")) {
        /* the rest of RFC 5322's atext, between two letters or digits
         * ("yoann=faure@", SRS's "a=b@"), not markup around an address
         * ("**jean@", "{jean@", "`jean@") */
        if (s >= floor + 2 && s < i && is_alnum(t[s]) && is_alnum(t[s - 2])) {
          s--;
          continue;
        }
        break;
      }
      if (!email_local(t[s - 1])) break;
      if (t[s - 1] == '.' && s >= 2 && s - 1 > floor && t[s - 2] == '.') break; /* "voir...jean@" */
      s--;
    }
    floor = i + 1;
    while (s < i && (t[s] == '.' || t[s] == '\'' || t[s] == '-')) s++;
    if (s == i || t[i - 1] == '.' || word_before(t, s)) continue;
    if (s > 0 && t[s - 1] == ':' && url_userinfo(t, s - 1)) continue;
    /* Domain: labels of letters, digits and '-', separated by dots. */
    size_t d = i + 1, end = d, label = 0, labels = 0, tld_start = d;
    int ok = 1, tld_alpha = 1;
    while (end < n && end - d < 253) {
      unsigned c = t[end];
      uint32_t cp = c;
      size_t k = 1;
      if (c >= 0x80) {
        k = norm_decode(t + end, n - end, &cp);
        if (!k || !idn_letter(cp)) break;
      } else if (c == '.') {
        if (label == 0 || t[end - 1] == '-') {
          ok = end + 1 < n && word_at(t, n, end + 1) ? 0 : ok; /* "a..b" */
          break;
        }
        if (!(end + 1 < n && (is_alnum(t[end + 1]) || t[end + 1] >= 0x80))) break; /* sentence end */
        labels++;
        label = 0;
        tld_start = end + 1;
        tld_alpha = 1;
        end++;
        continue;
      } else if (!(is_alnum(c) || c == '-')) {
        break;
      }
      if (label == 0 && c == '-') {
        ok = 0;
        break;
      }
      if (!(c >= 0x80 || is_alpha(c))) tld_alpha = 0;
      label += k;
      end += k;
    }
    while (end > tld_start && t[end - 1] == '-') end--, tld_alpha = 0;
    size_t tld_len = end - tld_start;
    int punycode = tld_len > 4 && !memcmp(t + tld_start, "xn--", 4);
    if (!ok || labels == 0 || tld_len < 2 || (!tld_alpha && !punycode) || label > 63) continue;
    if (word_at(t, n, end)) continue;
    emit(e, s, end);
    floor = end;
    i = end - 1;
  }
}
