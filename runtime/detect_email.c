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

/* Letters allowed in an internationalised domain label (RFC 5890): the
 * Latin, Greek and Cyrillic letters of is_letter_cp (detect_util.h) plus
 * the main other scripts. */
static int idn_letter(uint32_t cp) {
  return is_letter_cp(cp) || (cp >= 0x590 && cp <= 0x6ff) || (cp >= 0x3040 && cp <= 0x30ff) ||
         (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af);
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
