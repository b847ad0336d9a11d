#!/usr/bin/env bash
# Measures `parcours stats` against the parsing floor (parcours-floor) on
# generated canonical data, and its peak memory. Figures go to BENCHMARKS.md.
#
#   bench/run.sh [BUILD_DIR] [SIZES...]     default: build 1000000 10000000
#
# Data is generated once per size into $PARCOURS_BENCH_DATA (default
# /tmp/parcours-bench) and reused: parcours-gen writes the same bytes for the
# same arguments, so the file name is its identity.
set -euo pipefail
build=${1:-build}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
data=${PARCOURS_BENCH_DATA:-/tmp/parcours-bench}
mkdir -p "$data"
parcours=$build/parcours gen=$build/bench/parcours-gen floor=$build/bench/parcours-floor
for tool in hyperfine /usr/bin/time; do
  command -v $tool >/dev/null || { echo "bench/run.sh: $tool is missing; apt-get install hyperfine time" >&2; exit 2; }
done
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# parcours $("$parcours" --version)"
for n in "${sizes[@]}"; do
  file=$data/contacts-$n-seed1.ndjson
  [ -s "$file" ] || "$gen" --contacts "$n" --seed 1 --days 365 >"$file"
  echo "## $n records, $(du -m "$file" | cut -f1) MB"
  hyperfine --warmup 1 --runs "${PARCOURS_BENCH_RUNS:-3}" --style basic --export-markdown "$data/stats-$n.md" \
    -n 'floor, 2 threads' "$floor --threads 2 $file" \
    -n 'floor, 1 thread' "$floor --threads 1 $file" \
    -n stats "$parcours stats -q $file" \
    -n journeys "$parcours journeys -q $file -o /dev/null" \
    -n transitions "$parcours transitions -q $file"
  cat "$data/stats-$n.md"
  for cmd in "$floor --threads 2 $file" "$parcours stats -q $file" "$parcours journeys -q -o /dev/null $file" \
             "$parcours transitions -q $file"; do
    /usr/bin/time -f "peak memory %M KiB, %e s: $cmd" $cmd >/dev/null
  done
done
