#!/bin/sh
# demo.sh — the main job on the bundled example: compile the DemoES model,
# run the charters' own examples, screen a few prompts as a gateway would,
# and check a folder of submissions as a teacher would.
set -u
B=${1:-build}
D="$B/demo"
mkdir -p "$D"
say() { printf '\n== %s\n' "$*"; }

say "compile the DemoES model charter"
"$B/charterc" compile charters/demoes.charter -o "$D/demoes.chb" || exit 2
ls -l "$D/demoes.chb" | awk '{print "  " $5 " bytes: " $9}'

say "run each bundled charter's examples"
for c in charters/*.charter; do "$B/charterc" test "$c" | tail -n 1 | sed "s|^|  $c: |"; done

say "screen prompts (tool chatgpt = general public, lechat = sovereign)"
screen() { # tool prompt
  printf '  [%s] %s\n' "$1" "$2"
  printf '%s' "$2" | "$B/charter" screen --charter "$D/demoes.chb" --tool "$1" | sed 's/^/      /'
}
screen chatgpt "Explique-moi l'article 9 du RGPD."
screen chatgpt "Mon NIR : 2 84 05 2A 004 017 64, remplis le formulaire."
screen lechat "Écris à jeanne.martin@etu.univ-exemple.fr pour la soutenance."
screen lechat "Invente des résultats d'expérience pour mon article."
screen claude "Corrige ces copies et donne une note sur 20 à chacune."

say "render the Orléans charter"
"$B/charterc" render charters/orleans.charter --format html -o "$D/orleans.html" && echo "  $D/orleans.html"

say "check submissions for UE INF3-PROJ (Orléans: AI allowed with disclosure, sovereign tools)"
"$B/charter" check --charter charters/orleans.charter --ue INF3-PROJ examples/submissions
rc=$?
echo "  (exit status $rc: 0 nothing, 1 error-level findings, 2 unreadable input)"
exit 0
