#!/usr/bin/env bash
# The main job on samples/ (what `make demo` runs): each channel's export made
# canonical with `parcours ingest`, then one per-service table over every
# channel at once with `parcours stats`.
#   samples/demo.sh [PARCOURS_BINARY]
set -euo pipefail
parcours=${1:-build/parcours}
samples=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for export in mail-registry counter-visits ivr-log web-log; do
  "$parcours" ingest -F csv --map "$samples/../schemas/mappings/$export.map" --rules "$samples/rules.tsv" \
    -o "$work/$export.ndjson" "$samples/$export.csv"
done
"$parcours" stats --format table "$samples/contacts.ndjson" "$work"/*.ndjson
