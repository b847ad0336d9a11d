#!/usr/bin/env bash
# Checks that the SQL of bench/duckdb/stats.sql, run by DuckDB, prints the same
# bytes as `parcours stats -q` on each file named: the benchmark compares two
# programs only once they agree.
#
#   bench/compare.sh [--link] FILE...
#
# The files must hold linked records (the output of `parcours link`), since
# the SQL takes the customer field as is; with --link, each file is linked
# first into a temporary file. PARCOURS names the binary (default
# build/parcours). Needs node and `npm ci --prefix bench/duckdb`.
# Exit status: 0 when every file agrees, 1 when one differs, 2 on a usage or
# setup error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
parcours=${PARCOURS:-$here/../build/parcours}
link=0
if [ "${1:-}" = --link ]; then link=1; shift; fi
[ $# -gt 0 ] || { echo "usage: bench/compare.sh [--link] FILE..." >&2; exit 2; }
[ -x "$parcours" ] || { echo "bench/compare.sh: $parcours is missing; build it, or set PARCOURS" >&2; exit 2; }
command -v node >/dev/null || { echo "bench/compare.sh: node is missing; apt-get install nodejs npm" >&2; exit 2; }
[ -d "$here/duckdb/node_modules/@duckdb/node-api" ] ||
  { echo "bench/compare.sh: DuckDB is missing; run npm ci --prefix bench/duckdb" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "$@"; do
  input=$f
  if [ $link -eq 1 ]; then
    input=$tmp/linked.ndjson
    "$parcours" link -q "$f" >"$input"
  fi
  # parcours exits 1 when it rejected records: the SQL does not check them,
  # so the comparison would mean nothing.
  "$parcours" stats -q "$input" >"$tmp/parcours.tsv" ||
    { echo "bench/compare.sh: $f: parcours stats failed; compare valid files only (parcours validate)" >&2; exit 2; }
  node "$here/duckdb/stats.mjs" "$input" >"$tmp/duckdb.tsv"
  if cmp -s "$tmp/parcours.tsv" "$tmp/duckdb.tsv"; then
    echo "same: $f ($(($(wc -l <"$tmp/parcours.tsv") - 2)) services, byte for byte)"
  else
    echo "DIFFERENT: $f (< parcours stats -q, > DuckDB); if it is not the output of parcours link, use --link"
    diff "$tmp/parcours.tsv" "$tmp/duckdb.tsv" || true
    status=1
  fi
done
exit $status
