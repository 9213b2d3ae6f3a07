/*
 * test_rt_detect_table.c — the grade_table detector (runtime/detect_table.c):
 * students' grades in a table pasted as CSV, TSV or markdown, each grade
 * cell a span; summary rows, other tables and prose found nothing; and,
 * on generated text, the same spans at its triggers as over the whole
 * text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/detect.h"
#include "runtime/normalize.h"
#include "tests/detect_helpers.h"

#define G DET_GRADE_TABLE

/* Each row's grade is found, in the forms a spreadsheet's copy, an export
 * and a markdown table give; the first span is the first grade exactly. */
static void test_grade_tables(void **state) {
  (void)state;
  static const struct {
    const char *text, *first;
    int n;
  } cases[] = {
      {"Nom;Pr\xc3\xa9nom;Note\nDupont;Jean;12\nMartin;Alice;15,5\n", "12", 2},
      {"Calcule la moyenne :\r\nnom,prenom,note\r\nDupont,Jean,14,5\r\nMartin,Alice,9\r\n", "14,5", 2},
      {"NOM\tPR\xc3\x89NOM\tMOYENNE\nDUPONT\tJean\t11,25\nMARTIN\tAlice\t8\n", "11,25", 2},
      {"| \xc3\x89tudiant | Note /20 |\n|---|---|\n| Jean Dupont | 12 |\n| Alice Martin | 8,5 |\n", "12", 2},
      {"| **Nom** | **Note CC** | **Note examen** |\n|:--|--:|--:|\n| Dupont | 12 | 14.5 |\n", "12", 2},
      {"\"Nom, pr\xc3\xa9nom\";\"Note\"\n\"Dupont, Jean\";\"12\"\n", "12", 1},
      {"Student,Grade\nJohn Smith,A-\nJane Doe,B+\nLea Roe,FX\n", "A-", 3},
      {"Name\tMark\nJohn Smith\t72%\nJane Doe\t64 / 100\n", "72%", 2},
      {"INE;Note\n1234567890A;12\n0987654321F;17,5/20\n", "12", 2},
      {"N\xc2\xb0 \xc3\xa9tudiant;Note\n21901234;12\n", "12", 1},
      /* the grade column before the names, and absent students between */
      {"Note;Nom\n12;Dupont\nABI;Martin\n9;Durand\n", "12", 2},
      /* a title above, the class's average below (not a student) */
      {"Groupe TD2\nNom | Note\nDupont | 12\nMoyenne | 11\n", "12", 1},
      /* "Résultat", accented or not, in any case */
      {"Nom;Pr\xc3\xa9nom;R\xc3\xa9sultat\nDupont;Jean;13,5\nMartin;Alice;ABI\n", "13,5", 1},
      {"NOM\tRESULTATS /20\nDupont\t9\nMartin\t16\n", "9", 2},
      {"| \xc3\x89tudiant | R\xc3\x89SULTAT |\n|---|---|\n| Jean Dupont | 12 |\n", "12", 1},
  };
  for (size_t i = 0; i < N_OF(cases); i++) {
    int got = detect(G, cases[i].text, cases[i].first);
    if (got != cases[i].n) fail_msg("case %zu: %d grades, want %d", i, got, cases[i].n);
  }
  /* forty rows, the last as the first */
  char t[4096];
  size_t n = (size_t)snprintf(t, sizeof t, "Voici les r\xc3\xa9sultats :\nNom;Pr\xc3\xa9nom;Note\n");
  for (int r = 0; r < 40; r++) n += (size_t)snprintf(t + n, sizeof t - n, "Nom%c;Jean;%d,%d\n", 'A' + r % 26, r % 21, r % 10);
  assert_int_equal(detect_in(G, t, n, "0,0"), 40);
}

/* What is no student's grade: a table without a column of students, a
 * grade out of range or with more in its cell, summary rows, the rows
 * after the table's blank line or after a line with no separator, and
 * prose. */
static void test_not_grade_tables(void **state) {
  (void)state;
  static const char *const none[] = {
      "| Question | Note |\n|---|---|\n| Q1 | 4 |\n",
      "| Name | Type | Default |\n|---|---|---|\n| width | int | 12 |\n",
      "Nom;Note\nDupont;25/20\nMartin;101\nDurand;12 ans\nRoux;12/30\n",
      "Nom;Note /20\nDupont;20,5\nMartin;21\n",
      "| Nom | Note |\n|---|---|\n| Moyenne | 12 |\n| Total | 100 |\n| M\303\251diane | 11 |\n",
      "Nom;Note\n\nDupont;12\n",
      "Nom;Note\nUne phrase sans s\xc3\xa9parateur.\nDupont;12\n",
      "Notes, remarques et nom du fichier\nDupont, 12\n",
      "Note : le nom du fichier, 12 caract\xc3\xa8res au plus.\n",
      "Indiquez vos nom, pr\xc3\xa9nom, note\nDupont, Jean, 12 ans, habite \xc3\xa0 Lyon\n",
      "Nom;Pr\xc3\xa9nom;Remarque\nDupont;Jean;12\n",
      "Nom;Notebook\nDupont;12\n",
      "Nom;Bloc-note\nDupont;12\n",
      "Nom;Note\nX;12\n",
      "| \303\211chantillon | R\xc3\xa9sultat |\n|---|---|\n| A12 | 14 |\n",
      "Nom;Score\nDupont;12\n",
  };
  for (size_t i = 0; i < N_OF(none); i++) expect_none(G, none[i]);
}

/* Tables, header words and cells glued at random: the detector finds the
 * same spans at its triggers as over the whole text. */
static void test_grade_triggers_on_generated_text(void **state) {
  (void)state;
  static const char *const parts[] = {
      "Nom", "NOM", "Pr\xc3\xa9nom", "PR\xc3\x89NOM", "\xc3\x89tudiant", "Student", "Name", "INE", "Note", "NOTE", "Notes",
      "note", "Moyenne", "Grade", "grades", "Mark", "Marks", "Notebook", "not\xc3\xa9", "Moyenne", "Total",
      "R\xc3\xa9sultat", "RESULTATS", "r\xc3\xa9sultats",
      "Dupont", "Jean", "A-", "B+", "FX", "12", "15,5", "8.25", "20", "21", "100", "/20", "/ 20", "%", "ABI",
      "1234567890A", ";", ",", "\t", "|", " | ", "**", "\"", " ", "  ", "\n", "\r\n", "\n\n", "|---|---|\n", ":", "-",
      "x", "\xc3\xa9",
  };
  char t[1024];
  uint32_t seed = 2024;
  for (int it = 0; it < 6000; it++) {
    size_t n = glued_text(t, sizeof t, parts, N_OF(parts), 16, &seed);
    same_at_triggers(G, t, n);
    same_with_bits(G, t, n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grade_tables),
      cmocka_unit_test(test_not_grade_tables),
      cmocka_unit_test(test_grade_triggers_on_generated_text),
  };
  return cmocka_run_group_tests_name("grade tables", tests, NULL, NULL);
}
