#!/usr/bin/env bash
# Runs every harness built in BUILD_DIR for SECONDS each (make fuzz), one
# after the other at low priority, from its seed corpus plus what earlier
# runs found (BUILD_DIR/corpus/NAME). A crash leaves its input in
# BUILD_DIR/crashes/NAME-crash-*; the run goes on with the next harness and
# the exit status says whether any harness crashed.
#   tests/fuzz/run.sh BUILD_DIR SECONDS [NAME...]
set -u
build=$(cd "$1" && pwd)
seconds=$2
shift 2
seeds=$(cd "$(dirname "$0")" && pwd)/corpus
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for h in "$build"/tests/fuzz/fuzz_*; do names+=("${h##*/fuzz_}"); done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$build/crashes"
failed=()
for name in "${names[@]}"; do
  mkdir -p "$build/corpus/$name"
  echo "== fuzz_$name: ${seconds}s"
  TIMEFORMAT='%U %S'
  if ! { time nice -n 10 "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=30 \
      -print_final_stats=1 -artifact_prefix="$build/crashes/$name-" "$build/corpus/$name" "$seeds/$name" \
      2>"$build/crashes/$name.log"; } 2>"$build/crashes/$name.cpu"; then
    failed+=("$name")
    tail -n 40 "$build/crashes/$name.log"
  fi
  # CPU seconds matter more than wall time on a shared machine.
  read -r user sys <"$build/crashes/$name.cpu"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/crashes/$name.log")
  echo "fuzz_$name: ${runs:-?} inputs, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }') s of CPU"
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "crashed: ${failed[*]} (inputs and logs in $build/crashes/)"
  exit 1
fi
echo "no crash"
