#!/usr/bin/env bash
# Measures `parcours stats` against the parsing floor (parcours-floor) on
# generated canonical data, and its peak memory (also with the records
# named by UUIDs: parcours-gen --uuid-ids, and with pseudonyms: journeys
# --hash-key, anonymize). Figures go to BENCHMARKS.md.
#
#   bench/run.sh [BUILD_DIR] [SIZES...]     default: build 1000000 10000000
#
# Data is generated once per size into $PARCOURS_BENCH_DATA (default
# /tmp/parcours-bench) and reused: parcours-gen writes the same bytes for the
# same arguments, so the file name is its identity.
#
# When node and bench/duckdb/node_modules are there (`npm ci --prefix
# bench/duckdb`), the same counts are also computed by DuckDB from the SQL of
# bench/duckdb/stats.sql, checked equal to parcours (bench/compare.sh), and
# timed side by side. The SQL does not link identities, so both read the
# linked records (`parcours link`) of each size, linked-N.ndjson.
set -euo pipefail
build=${1:-build}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
data=${PARCOURS_BENCH_DATA:-/tmp/parcours-bench}
mkdir -p "$data"
parcours=$build/parcours gen=$build/bench/parcours-gen floor=$build/bench/parcours-floor
here=$(cd "$(dirname "$0")" && pwd)
duckdb=0
command -v node >/dev/null && [ -d "$here/duckdb/node_modules/@duckdb/node-api" ] && duckdb=1
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
    -n 'stats, 1 thread' "$parcours stats -q -j 1 $file" \
    -n journeys "$parcours journeys -q $file -o /dev/null" \
    -n transitions "$parcours transitions -q $file"
  cat "$data/stats-$n.md"
  for cmd in "$floor --threads 2 $file" "$parcours stats -q $file" "$parcours journeys -q -o /dev/null $file" \
             "$parcours transitions -q $file"; do
    /usr/bin/time -f "peak memory %M KiB, %e s: $cmd" $cmd >/dev/null
  done
  # The same records named by UUIDs, as phone switches and contact-centre
  # platforms name calls: 36 bytes an id as written.
  uuids=$data/contacts-$n-seed1-uuid.ndjson
  [ -s "$uuids" ] || "$gen" --contacts "$n" --seed 1 --days 365 --uuid-ids >"$uuids"
  echo "## $n records with UUID ids, $(du -m "$uuids" | cut -f1) MB"
  for cmd in "$parcours stats -q $uuids" "$parcours journeys -q -o /dev/null $uuids"; do
    /usr/bin/time -f "peak memory %M KiB, %e s: $cmd" $cmd >/dev/null
  done
  # Pseudonyms: journeys writing its customer keys as HMACs, and
  # anonymize (an HMAC for each record's customer key and identifier).
  key=$data/bench.key
  [ -s "$key" ] || echo 'a key for benchmarks, not a secret' >"$key"
  for cmd in "$parcours journeys -q --hash-key $key -o /dev/null $file" \
             "$parcours anonymize -q --key-file $key -o /dev/null $file"; do
    /usr/bin/time -f "peak memory %M KiB, %e s: $cmd" $cmd >/dev/null
  done
  [ $duckdb -eq 1 ] || continue
  # Linked again whenever parcours is newer than the linked file: its
  # customer keys are parcours's own.
  linked=$data/linked-$n.ndjson
  [ "$linked" -nt "$parcours" ] || "$parcours" link -q "$file" >"$linked"
  echo "## DuckDB, $n linked records"
  if ! PARCOURS=$parcours "$here/compare.sh" "$linked"; then
    echo "DuckDB's table differs from parcours's: not timed" >&2
    continue
  fi
  duck="node $here/duckdb/stats.mjs --threads 2 $linked"
  hyperfine --warmup 1 --runs "${PARCOURS_BENCH_RUNS:-3}" --style basic --export-markdown "$data/duckdb-$n.md" \
    -n 'stats, linked input' "$parcours stats -q $linked" \
    -n 'DuckDB SQL, 2 threads' "$duck"
  cat "$data/duckdb-$n.md"
  for cmd in "$parcours stats -q $linked" "$duck"; do
    /usr/bin/time -f "peak memory %M KiB, %e s: $cmd" $cmd >/dev/null
  done
done
