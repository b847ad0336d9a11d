#!/usr/bin/env bash
# Checks the man pages: each one lints clean under groff and mandoc, its .TH
# names its file, and every subcommand the binary lists has its page.
#   usage: check.sh PARCOURS_BINARY MAN_DIR
# Prints each problem on a line of its own; exits 1 if there is any.
set -u
if [ $# -ne 2 ]; then
  echo "usage: check.sh PARCOURS_BINARY MAN_DIR" >&2
  exit 2
fi
bin=$1 dir=$2
export LC_ALL=C
problems=0
problem() {
  echo "$*"
  problems=$((problems + 1))
}

for tool in groff mandoc; do
  command -v "$tool" >/dev/null || problem "$tool is not installed; it is needed to check the man pages"
done
[ -d "$dir" ] || problem "$dir: no such directory"
[ "$problems" -eq 0 ] || exit 1

shopt -s nullglob
pages=("$dir"/*.[1-9])
[ ${#pages[@]} -gt 0 ] || problem "$dir: no man pages"
for page in "${pages[@]}"; do
  base=${page##*/}
  msgs=$(groff -man -ww -z "$page" 2>&1)
  [ -z "$msgs" ] || problem "$base: groff -man -ww -z:"$'\n'"$msgs"
  msgs=$(mandoc -Tlint -W warning "$page" 2>&1)
  [ -z "$msgs" ] || problem "$base: mandoc -Tlint -W warning:"$'\n'"$msgs"
  # .TH NAME SECTION: NAME is the file name in upper case, SECTION its suffix.
  # The name may be quoted and spell its hyphens \-; case does not matter.
  read -r _ th_name th_section _ < <(grep -m1 '^\.TH ' "$page")
  th_name=${th_name:-} th_section=${th_section:-}
  th_name=${th_name//\"/} th_name=${th_name//\\-/-} th_section=${th_section//\"/}
  want_name=${base%.*} want_section=${base##*.}
  if [ "${th_name^^}" != "${want_name^^}" ] || [ "$th_section" != "$want_section" ]; then
    problem "$base: .TH says '$th_name $th_section', expected '${want_name^^} $want_section'"
  fi
done

# The commands are the indented lines after "commands:" in 'parcours help'.
if ! help=$("$bin" help 2>&1); then
  problem "$bin help failed:"$'\n'"$help"
fi
commands=$(printf '%s\n' "$help" | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$commands" ] || problem "'$bin help' lists no commands"
[ -f "$dir/parcours.1" ] || problem "parcours.1 is missing"
for cmd in $commands; do
  [ -f "$dir/parcours-$cmd.1" ] || problem "parcours-$cmd.1 is missing: '$cmd' has no man page"
  grep -q "parcours\\\\-$cmd (1)" "$dir/parcours.1" 2>/dev/null ||
    problem "parcours.1 does not refer to parcours-$cmd(1)"
done

[ "$problems" -eq 0 ] || { echo "$problems problem(s)"; exit 1; }
