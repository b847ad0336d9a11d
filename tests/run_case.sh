#!/usr/bin/env bash
# Runs one end-to-end case: tests/cases/<tool>/<case>/ holds
#   cmd     the shell command, run in the case folder with parcours on PATH
#   out     the expected standard output (exact bytes)
#   err     the expected standard error, if present (exact bytes)
#   status  the expected exit status, if not 0
# and any input files the command names. A command that cannot test what it
# is for on this build writes why into a file `skip` and the case is
# reported skipped (status 77). Expected files are written and
# reviewed by hand: never regenerate them blindly.
# The command may use $SAMPLES (the repository's samples/) and
# $SHARED_SAMPLES (real exports kept beside the repository, when present),
# and run parcours-gen (bench/gen.cpp), whose folder is the fifth argument.
set -u
bin_dir=$(cd "$(dirname "$1")" && pwd)
case_dir=$2
export SAMPLES=${3:-} SHARED_SAMPLES=${4:-}
export PATH="$bin_dir${5:+:$5}:$PATH" LC_ALL=C TZ=UTC
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$case_dir"/. "$work"/
cd "$work"
bash ./cmd >"$work/.stdout" 2>"$work/.stderr" </dev/null
status=$?
if [ -f skip ]; then
  echo "skipped: $(cat skip)"
  exit 77
fi
want_status=0
[ -f status ] && want_status=$(cat status)
failed=0
if [ "$status" != "$want_status" ]; then
  echo "exit status $status, expected $want_status"
  failed=1
fi
if ! diff -u out .stdout >"$work/.diff"; then
  echo "standard output differs (- expected, + actual):"
  cat "$work/.diff"
  failed=1
fi
if [ -f err ] && ! diff -u err .stderr >"$work/.diff"; then
  echo "standard error differs (- expected, + actual):"
  cat "$work/.diff"
  failed=1
fi
if [ $failed -ne 0 ]; then
  echo "--- command:"; cat cmd
  echo "--- stderr:"; cat .stderr
fi
exit $failed
