/*
 * detect_phone.c — international phone numbers (the phone detector):
 * E.164's '+' and country code, or the "00" Europe dials for it, then
 * groups, parentheses and a trunk "(0)".  A step of the digit walk
 * (detect.c), from a '+' or from a digit that starts a run.
 */
#include "runtime/detect_util.h"

/* Where the country code starts in an international number written with
 * "00" for '+' ("0044 20 7946 0958", "00 32 2 555 12 34"), t[i] being a
 * digit run's first digit: after the 00 and maybe a blank, or 0.  The code
 * must be one the ITU assigned: E.164's codes are prefix-free, 1 and 7
 * alone, the two-digit ones below, three digits otherwise but none from
 * 28, 80, 83, 89.  A 00 that goes on a grouped number ("2 001 234 567") is
 * not a prefix. */
static size_t intl_00(const unsigned char *t, size_t n, size_t i) {
  static const unsigned char two[] = {20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51,
                                      52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90,
                                      91, 92, 93, 94, 95, 98};
  if (i + 5 >= n || t[i] != '0' || t[i + 1] != '0') return 0;
  if (i > 0 && (word_before(t, i) || is_digit(t[i - 1]) || t[i - 1] == '+')) return 0;
  if (i > 1 && in_set(t[i - 1], " .-") && is_digit(t[i - 2])) return 0;
  size_t j = i + 2;
  if (t[j] == ' ' && is_digit(t[j + 1])) j++;
  if (!is_digit(t[j]) || t[j] == '0') return 0;
  if (t[j] == '1' || t[j] == '7') return j;
  if (j + 2 >= n || !is_digit(t[j + 1])) return 0;
  unsigned ab = (unsigned)(t[j] - '0') * 10 + (unsigned)(t[j + 1] - '0');
  for (size_t k = 0; k < sizeof two; k++)
    if (two[k] == ab) return j;
  if (ab == 28 || ab == 80 || ab == 83 || ab == 89 || !is_digit(t[j + 2])) return 0;
  return j;
}

/* The number whose '+' (or "00") is t[i] and whose country code starts at
 * t[j], emitted if it is one; returns where the scan looks next.  E.164
 * (ITU-T): '+', a country code not starting with 0, at most 15 digits in
 * all.  Groups may be split by one of " .-", the area code may be in
 * parentheses, and a national trunk prefix "(0)" is not a digit of the
 * number ("+44 (0)20 7946 0958").  One '/' may end the area code, as
 * Slovakia and Germany write it ("+421 2/212 345 67"); a second one makes
 * it a date or a fraction.  7 digits at least: shorter
 * international numbers do not reach a person. */
static size_t phone_at(const unsigned char *t, size_t n, size_t i, size_t j, det_emitter *e) {
  static const char seps[] = " .-";
  size_t j0 = j, end = j, digits = 0, groups = 0, glen = 0, all3 = 1;
  int too_long = 0, slash = 0;
  char last3[3] = {0, 0, 0};
  while (j < n) {
    unsigned ch = t[j];
    if (is_digit(ch)) {
      if (++digits > 15) {
        too_long = 1;
        break;
      }
      if (glen == 0) groups++;
      glen++;
      last3[0] = last3[1], last3[1] = last3[2], last3[2] = (char)ch;
      end = ++j;
      continue;
    }
    if (ch == ')' && groups == 1 && i > 0 && t[i - 1] == '(' && j + 2 < n && in_set(t[j + 1], seps) &&
        is_digit(t[j + 2])) { /* "(+44) 7911 123456": the country code in parentheses */
      glen = 0;
      j += 2;
      continue;
    }
    if (glen > 0 || (j > 0 && t[j - 1] == ')')) {
      /* a group ends: remember whether all groups after the first have
       * exactly 3 digits (a thousands grouping, see below) */
      if (glen > 0 && groups > 1 && glen != 3) all3 = 0;
      if (in_set(ch, seps) && j + 1 < n && (is_digit(t[j + 1]) || t[j + 1] == '(')) {
        glen = 0;
        j++;
        continue;
      }
      if (ch == '/' && glen > 0 && (slash || (groups == 2 && j + 1 < n && is_digit(t[j + 1])))) {
        if (slash) { /* "+351 12/05/2024" */
          too_long = 1;
          break;
        }
        slash = 1;
        glen = 0;
        j++;
        continue;
      }
    }
    if (ch == '(' && digits > 0) {
      size_t m = j + 1, d = 0;
      while (m < n && is_digit(t[m]) && d < 5) m++, d++;
      if (d == 0 || d > 4 || m >= n || t[m] != ')') break;
      if (!(d == 1 && t[j + 1] == '0')) { /* "(0)" is the trunk prefix */
        if (digits + d > 15) {
          too_long = 1;
          break;
        }
        digits += d;
        groups++;
      }
      glen = 0;
      end = j = m + 1;
      if (j < n && in_set(t[j], seps) && j + 1 < n && is_digit(t[j + 1])) j++;
      continue;
    }
    break;
  }
  if (glen > 0 && groups > 1 && glen != 3) all3 = 0;
  /* "+15 000 000" and "+2 500 000" are amounts, not phones: every group
   * after the first has 3 digits and the last one is 000. */
  int amount = groups >= 3 && all3 && !memcmp(last3, "000", 3);
  /* "00" says less than '+': 8 digits at least, and North America's
   * numbers have their 10 after the 1 ("le 00 12 34 56 78" is none) */
  int weak = t[i] != '+' && (digits < 8 || (t[j0] == '1' && digits != 11));
  if (!too_long && digits >= 7 && !amount && !weak && num_end(t, n, end)) {
    emit(e, i, end);
    return end;
  }
  return end > i + 1 ? end : i + 1;
}

/* The phone detector's step at t[x], a '+' or a digit run's first digit:
 * where it looks next. */
size_t det_phone_step(const unsigned char *t, size_t n, size_t x, det_emitter *e) {
  if (t[x] == '+') {
    if (x + 1 >= n || !is_digit(t[x + 1]) || t[x + 1] == '0') return x + 1;
    if (x > 0 && (word_before(t, x) || is_digit(t[x - 1]))) return x + 1;
    return phone_at(t, n, x, x + 1, e);
  }
  size_t j = intl_00(t, n, x);
  return j ? phone_at(t, n, x, j, e) : run_end(t, n, x);
}
