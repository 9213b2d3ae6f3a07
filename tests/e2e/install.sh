#!/bin/sh
# install.sh — `make install` into a scratch root, then what an embedder
# does with it: examples/embed built by its own Makefile with pkg-config
# against the installed library, run on prompts from its four threads.
# Also: the installed shared library exports only ch_ symbols.
. "$(dirname "$0")/lib.sh"
case "$BUILD" in
  *asan*|*cov*|*fuzz*|*vg*)
    # instrumented libraries need their runtime flags to link: the plain
    # build tests the installed files
    echo "install: skipped under $BUILD"; finish install; exit $? ;;
esac
if ! command -v pkg-config >/dev/null 2>&1; then echo "install: skipped (no pkg-config)"; finish install; exit $?; fi
R="$TMP/root"
expect_rc 0 "make install into a scratch root" make -s install BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr/local
L="$R/usr/local/lib"
check "the static library is installed" test -f "$L/libcharter.a"
check "the shared library is installed" test -f "$L/libcharter.so.0"
check "charter.h is installed" test -f "$R/usr/local/include/charter.h"
check "the pkg-config file is installed" test -f "$L/pkgconfig/charter.pc"
check "the bundled charters are installed" test -f "$R/usr/local/share/charter/charters/demoes.charter"
other=$(nm -D --defined-only "$L/libcharter.so.0" 2>/dev/null | awk '{print $3}' | grep -v '^ch_' | head -n 5)
if [ -z "$other" ] && nm -D --defined-only "$L/libcharter.so.0" | grep -q ' ch_charter_load_file$'; then ok
else ko "the shared library exports only ch_ symbols (also: $other)"; fi

# the example, as its README line says: its Makefile, pkg-config, the
# installed headers and library (PKG_CONFIG_SYSROOT_DIR maps /usr/local
# into the scratch root)
cp -r examples/embed "$TMP/embed"
export PKG_CONFIG_PATH="$L/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$R"
expect_rc 0 "examples/embed builds against the installed library" make -s -C "$TMP/embed"
"$R/usr/local/bin/charterc" compile "$R/usr/local/share/charter/charters/demoes.charter" -o "$TMP/d.chb" 2>/dev/null
{
  echo "Explique le RGPD."
  echo "Mon NIR : 2 84 05 2A 004 017 64"
  echo "Résume ce texte sur la photosynthèse."
  echo "mail: jeanne.martin@etu.univ-exemple.fr"
  echo "Traduis : le chat dort."
  echo "IBAN FR76 3000 6000 0112 3456 7890 189"
  echo "Invente des résultats d'expérience pour mon article."
  echo "Bonjour"
  echo "password = hunter2hunter2"
} > "$TMP/prompts.txt"
# exit 1: some prompt was denied; the shared library is found as after
# ldconfig in /usr/local
expect_rc 1 "the example screens prompts from several threads" env LD_LIBRARY_PATH="$L" sh -c "'$TMP/embed/screen_threads' '$TMP/d.chb' chatgpt < '$TMP/prompts.txt'"
n=$(grep -c ': deny' "$TMP/out")
if [ "$n" = 5 ]; then ok; else ko "five of the nine prompts denied (got $n)"; sed 's/^/    /' "$TMP/out" | head; fi
contains "$TMP/out" "prompt 2: deny (sensitive-to-public)" "the NIR's prompt is denied by its rule"
contains "$TMP/out" "prompt 7: deny (fabricated-data)" "made-up results are denied"
contains "$TMP/out" "^9 prompts, 5 denied" "the threads' counts add up"
finish install
