/*
 * detect_table.c — the grade_table detector: students' grades in a table
 * pasted as text (CSV or TSV from a spreadsheet, a markdown table), where
 * no grade is written "/20" and no sentence names its student.  A header
 * row holds a grade column ("Note", "Moyenne", "Grade", "Mark"...) and a
 * column of names or student numbers ("Nom", "Prénom", "Étudiant",
 * "Student", "INE"...); each row below whose name cell holds a name or a
 * student number gives the cells of its grade columns that hold a grade.
 * The detector fires only where a grade header word starts (its trigger).
 */
#include "runtime/detect_util.h"

/* A grade column's header begins with one of these words ("Résultat"
 * with or without its accent: a spreadsheet's CSV often drops it; not
 * "Score", which heads every leaderboard's column). */
static const char *const grade_heads[] = {"note",     "notes",     "moyenne",  "moyennes",  "grade", "grades",
                                          "mark",     "marks",     "résultat", "résultats", "resultat", "resultats"};

/* A column of students begins with one of these (any case, accented
 * capitals too). */
static const char *const name_heads[] = {
    "nom", "noms", "prénom", "prénoms", "étudiant", "étudiante", "étudiants", "étudiantes", "élève", "élèves",
    "candidat", "candidate", "candidats", "identité", "matricule", "ine", "n° étudiant", "numéro étudiant",
    "numéro d'étudiant", "id étudiant", "name", "names", "surname", "last name", "first name", "full name",
    "family name", "given name", "student", "students", "pupil", "learner"};

/* A row whose name cell begins with one of these is the class's summary,
 * not a student. */
static const char *const summary_heads[] = {
    "moyenne", "moyennes", "total", "min", "max", "minimum", "maximum", "médiane", "mediane", "écart", "ecart",
    "effectif", "coef", "coefficient", "barème", "bareme", "average", "mean", "median", "std", "class", "classe"};

#define MAX_CELLS 64

/* Does the cell text t[a..b) begin with the word w (lower case UTF-8), in
 * any case: ASCII and the Latin-1 capitals À..Þ, whose second byte is the
 * small letter's less 0x20? */
static int cell_begins(const unsigned char *t, size_t a, size_t b, const char *w) {
  size_t k = 0;
  for (; w[k]; k++) {
    if (a + k >= b) return 0;
    unsigned c = t[a + k], x = (unsigned char)w[k];
    if (is_upper(c)) c += 32;
    else if (k > 0 && t[a + k - 1] == 0xc3 && c >= 0x80 && c <= 0x9e && c != 0x97) c += 0x20;
    if (c != x) return 0;
  }
  return !word_at(t, b, a + k);
}

static int cell_begins_any(const unsigned char *t, size_t a, size_t b, const char *const *ws, size_t nw) {
  for (size_t k = 0; k < nw; k++)
    if (cell_begins(t, a, b, ws[k])) return 1;
  return 0;
}

/* The cells of the line t[s..e) split by sep, each trimmed of its padding,
 * a quoted cell whole (a CSV "Dupont, Jean"); at most MAX_CELLS. */
static size_t split_cells(const unsigned char *t, size_t s, size_t e, unsigned sep, size_t *cs, size_t *ce) {
  size_t m = 0, i = s;
  while (m < MAX_CELLS) {
    size_t a = i;
    while (a < e && (t[a] == ' ' || (t[a] == '\t' && sep != '\t'))) a++;
    size_t j = a;
    if (j < e && t[j] == '"') { /* a quoted cell: to its closing quote */
      j++;
      while (j < e && t[j] != '"') j++;
      if (j < e) j++;
    }
    while (j < e && t[j] != sep) j++;
    size_t b = j;
    while (b > a && (cell_pad(t[b - 1]) || t[b - 1] == '\t')) b--;
    a = a < b ? cell_pad_after(t, b, a) : b;
    cs[m] = a, ce[m] = b, m++;
    if (j >= e) break;
    i = j + 1;
  }
  return m;
}

/* A grade, the whole cell: 0 to `most` with at most two decimals (a
 * comma or a point) and "/20", "/100" or '%' after it, or a letter grade
 * A to F (ECTS's FX), with a '+' or '-'. */
static int grade_cell(const unsigned char *t, size_t a, size_t b, unsigned most) {
  if (b - a <= 2 && t[a] >= 'A' && t[a] <= 'F')
    return b - a == 1 || t[a + 1] == '+' || t[a + 1] == '-' || (t[a] == 'F' && t[a + 1] == 'X');
  size_t i = a;
  unsigned v = 0, frac = 0;
  while (i < b && is_digit(t[i]) && i - a < 3) v = v * 10 + (t[i++] - '0');
  if (i == a) return 0;
  if (i + 1 < b && (t[i] == ',' || t[i] == '.') && is_digit(t[i + 1])) {
    size_t d = ++i;
    while (i < b && is_digit(t[i]) && i - d < 2) frac |= t[i++] != '0';
  }
  while (i < b && t[i] == ' ') i++;
  if (i < b && t[i] == '%') i++, most = 100;
  else if (i < b && t[i] == '/') {
    i++;
    while (i < b && t[i] == ' ') i++;
    if (i + 2 <= b && t[i] == '2' && t[i + 1] == '0') i += 2, most = 20;
    else if (i + 3 <= b && !memcmp(t + i, "100", 3)) i += 3, most = 100;
    else return 0;
  }
  return i == b && (v < most || (v == most && !frac));
}

/* A student in the name column: a name (two letters or more) or a
 * student number (five characters or more, one a digit), not the class's
 * average or total. */
static int student_cell(const unsigned char *t, size_t a, size_t b) {
  size_t letters = 0, alnum = 0, digits = 0;
  for (size_t i = a; i < b; i++) {
    if (is_alpha(t[i]) || (t[i] >= 0xc3 && t[i] <= 0xc5)) letters++;
    if (is_alnum(t[i])) alnum++;
    if (is_digit(t[i])) digits++;
  }
  if (letters < 2 && !(alnum >= 5 && digits)) return 0;
  return !cell_begins_any(t, a, b, summary_heads, sizeof summary_heads / sizeof *summary_heads);
}

/* A markdown rule between the header and the rows: |---|:---:| */
static int rule_line(const unsigned char *t, size_t s, size_t e) {
  for (size_t i = s; i < e; i++)
    if (!in_set(t[i], " \t|:-+=")) return 0;
  return 1;
}

static size_t line_end(const unsigned char *t, size_t n, size_t i) {
  while (i < n && t[i] != '\n' && t[i] != '\r') i++;
  return i;
}

/* A grade header word at p, whole: the test cell_begins makes of a
 * header cell, here on the text from the trigger on. */
static int grade_head_at(const unsigned char *t, size_t n, size_t p) {
  return !word_before(t, p) && cell_begins_any(t, p, n, grade_heads, sizeof grade_heads / sizeof *grade_heads);
}

/* The separator of the header row t[ls..le) whose cell t[p..q) (begun
 * after a separator or at the line's start, ended by one or by the line's
 * end, at most 48 bytes: det_grade_at's tests) holds the trigger: the
 * separator beside the cell that the row holds most of; 0 when none is. */
static unsigned header_sep(const unsigned char *t, size_t ls, size_t le, size_t p, size_t q) {
  size_t b = cell_pad_before(t, p);
  unsigned before = b > ls && cell_sep(t[b - 1]) ? t[b - 1] : 0, after = q < le ? t[q] : 0;
  if (!before || !after || before == after) return before ? before : after;
  size_t nb = 0, na = 0;
  for (size_t i = ls; i < le; i++) nb += t[i] == before, na += t[i] == after;
  return nb >= na ? before : after;
}

/* The table whose header holds the grade word at p, its grades emitted.
 * Returns 0 when p heads no table, else where the table ends: the
 * triggers before that were part of it. */
size_t det_grade_at(const unsigned char *t, size_t n, size_t p, det_emitter *e) {
  if (!cell_starts(t, p) || !grade_head_at(t, n, p)) return 0; /* the cheaper test first */
  /* the cell ends within 48 bytes, at a separator or the line's end:
   * tested before the line's bounds are looked for ("les résultats" in a
   * long line of prose is a trigger too, and finding its line would cost
   * its length each time) */
  size_t q = p;
  while (q < n && q - p <= 48 && !cell_sep(t[q]) && t[q] != '\n' && t[q] != '\r') q++;
  if (q - p > 48) return 0;
  size_t ls = p, le = line_end(t, n, p);
  while (ls > 0 && t[ls - 1] != '\n' && t[ls - 1] != '\r') ls--;
  unsigned sep = header_sep(t, ls, le, p, q);
  if (!sep) return 0;
  size_t hs[MAX_CELLS], he[MAX_CELLS], rs[MAX_CELLS], re[MAX_CELLS];
  size_t nh = split_cells(t, ls, le, sep, hs, he), name = MAX_CELLS;
  uint64_t grades = 0, of20 = 0;
  for (size_t c = 0; c < nh; c++) {
    if (cell_begins_any(t, hs[c], he[c], grade_heads, sizeof grade_heads / sizeof *grade_heads)) {
      grades |= 1ull << c;
      for (size_t i = hs[c]; i + 2 <= he[c]; i++)
        if (t[i] == '2' && t[i + 1] == '0' && !(i > hs[c] && is_digit(t[i - 1]))) of20 |= 1ull << c;
    } else if (name == MAX_CELLS && cell_begins_any(t, hs[c], he[c], name_heads, sizeof name_heads / sizeof *name_heads)) {
      name = c;
    }
  }
  if (name == MAX_CELLS || !grades) return le;
  size_t to = table_end(t, n, p), i = le;
  while (i < to && !e->stop) {
    while (i < to && (t[i] == '\n' || t[i] == '\r')) i++;
    size_t s = i, end = line_end(t, to, i);
    i = end;
    if (s >= end || rule_line(t, s, end)) continue;
    if (!memchr(t + s, (int)sep, end - s)) return end; /* the table has ended */
    size_t m = split_cells(t, s, end, sep, rs, re), ca[MAX_CELLS], cb[MAX_CELLS], nc = 0;
    /* the row's cell under each header cell; "Dupont,Jean,14,5": a
     * decimal comma in CSV splits a grade in two cells, joined again
     * while the row has more cells than the header */
    for (size_t j = 0; j < m && nc < nh; j++, nc++) {
      ca[nc] = rs[j], cb[nc] = re[j];
      if (sep == ',' && (grades >> nc & 1) && m - (j - nc) > nh && j + 1 < m && re[j] > rs[j] &&
          re[j] - rs[j] <= 3 && rs[j + 1] == re[j] + 1 && re[j + 1] > rs[j + 1] && re[j + 1] - rs[j + 1] <= 2 &&
          is_digit(t[rs[j + 1]]) && is_digit(t[re[j] - 1]))
        cb[nc] = re[++j];
    }
    if (name >= nc || !student_cell(t, ca[name], cb[name])) continue;
    for (size_t c = 0; c < nc; c++)
      if ((grades >> c & 1) && cb[c] > ca[c] && grade_cell(t, ca[c], cb[c], of20 >> c & 1 ? 20 : 100))
        emit(e, ca[c], cb[c]);
  }
  return to;
}

const char *det_grade_trigger(size_t k, unsigned *flags) {
  *flags = DET_TRIG_START | DET_TRIG_END;
  return k < sizeof grade_heads / sizeof *grade_heads ? grade_heads[k] : NULL;
}

void det_grade_scan(const unsigned char *t, size_t n, det_emitter *e) {
  size_t tried = 0;
  for (size_t p = 0; p < n && !e->stop; p++) {
    unsigned c = t[p] | 32;
    if (p < tried || (c != 'n' && c != 'm' && c != 'g' && c != 'r')) continue;
    size_t r = det_grade_at(t, n, p, e);
    if (r) tried = r;
  }
}
