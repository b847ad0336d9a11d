#!/usr/bin/env bash
# Opens the HTML report in a real browser (Debian's headless Chromium) and
# checks what only a browser can tell:
#   - the page loads with no console error and fetches nothing (the
#     Performance API lists no resource; every host name fails to resolve);
#   - it has a plausible height, and every chart's SVG is laid out with a
#     width and holds shapes (<rect>, <path>, <circle>);
#   - a full-page screenshot is saved, and has the width and height asked for.
# The report is made as samples/demo.sh makes its table: each CSV sample
# ingested, with samples/contacts.ndjson, and the unit costs of
# schemas/costs.tsv.
#   usage: check.sh PARCOURS_BINARY SOURCE_DIR OUT_DIR
# Writes OUT_DIR/report.html, OUT_DIR/report.png (the whole page) and
# OUT_DIR/report-top.png (its top, which README.md shows as docs/report.png).
# Exits 77 (skipped) when chromium is not installed, 1 on a failed check.
set -u
if [ $# -ne 3 ]; then
  echo "usage: check.sh PARCOURS_BINARY SOURCE_DIR OUT_DIR" >&2
  exit 2
fi
parcours=$1 src=$2 out=$3
export LC_ALL=C TZ=UTC
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium is not installed: skipped ('make deps' installs it)"
  exit 77
fi
mkdir -p "$out"
out=$(cd "$out" && pwd) src=$(cd "$src" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
problems=0
problem() {
  echo "FAIL: $*"
  problems=$((problems + 1))
}

# --- The report -------------------------------------------------------------
# Made in a folder of its own, from relative names: the inputs section then
# reads as it would for a user (contacts.ndjson, not a temporary path).
parcours=$(cd "$(dirname "$parcours")" && pwd)/$(basename "$parcours")
mkdir -p "$work/inputs"
cp "$src/samples/contacts.ndjson" "$src/schemas/costs.tsv" "$work/inputs/"
for export in mail-registry counter-visits ivr-log web-log; do
  "$parcours" ingest -q -F csv --map "$src/schemas/mappings/$export.map" --rules "$src/samples/rules.tsv" \
    -o "$work/inputs/$export.ndjson" "$src/samples/$export.csv" 2>"$work/ingest.err" ||
    { cat "$work/ingest.err"; problem "ingest of samples/$export.csv failed"; }
done
(cd "$work/inputs" && "$parcours" report -q --costs costs.tsv --period week -o "$out/report.html" contacts.ndjson \
  counter-visits.ndjson ivr-log.ndjson mail-registry.ndjson web-log.ndjson) || problem "parcours report failed"
[ -s "$out/report.html" ] || { echo "FAIL: no report"; exit 1; }

# Chromium wants a writable home and profile; no GPU, no sandbox (root in CI).
export HOME=$work
flags=(--headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check --hide-scrollbars
  --user-data-dir="$work/profile" --host-resolver-rules="MAP * ~NOTFOUND" --force-device-scale-factor=1
  --enable-logging=stderr --v=0)
width=1200

# --- A probe: a copy of the report with a script that measures it ----------
# The script runs last, once the whole page is parsed; it writes what it
# finds into the DOM, which --dump-dom prints.
probe='<script>
(function () {
  var rates = document.getElementById("rates");
  var r = { height: document.documentElement.scrollHeight,
            top: rates ? Math.ceil(rates.getBoundingClientRect().bottom + window.scrollY) : 2000,
            resources: performance.getEntriesByType("resource").length, charts: [] };
  document.querySelectorAll("svg[role=img]").forEach(function (s) {
    var box = s.getBoundingClientRect();
    r.charts.push(s.id + " " + s.querySelectorAll("rect, path, circle").length + " " + Math.round(box.width) +
                  " " + Math.round(box.height));
  });
  var p = document.createElement("pre");
  p.id = "probe";
  p.textContent = "height " + r.height + "\ntop " + r.top + "\nresources " + r.resources + "\n" + r.charts.join("\n");
  document.body.appendChild(p);
})();
</script>'
PROBE="$probe" awk '/^<\/body>$/ { print ENVIRON["PROBE"] } { print }' "$out/report.html" >"$work/probe.html"
timeout 120 "$browser" "${flags[@]}" --window-size=$width,1000 --virtual-time-budget=5000 --dump-dom \
  "file://$work/probe.html" >"$work/dom.html" 2>"$work/dom.err"
status=$?
[ $status -eq 0 ] || { cat "$work/dom.err"; problem "chromium --dump-dom exited with status $status"; }
sed -n '/<pre id="probe">/,/<\/pre>/p' "$work/dom.html" | sed 's/<[^>]*>//g' >"$work/probe.txt"
[ -s "$work/probe.txt" ] || problem "the probe script wrote nothing: the page did not load or scripts failed"
cat "$work/probe.txt"

# Console messages: chromium logs them as CONSOLE lines; the report has no
# script, so any is an error of the page (a CSP or parse problem, a failed load).
if grep -E 'CONSOLE|Uncaught|ERR_|Refused' "$work/dom.err" >"$work/console.txt"; then
  cat "$work/console.txt"
  problem "the browser logged console errors or failed loads"
fi

height=$(awk '$1 == "height" { print $2 }' "$work/probe.txt")
resources=$(awk '$1 == "resources" { print $2 }' "$work/probe.txt")
[ "${resources:-x}" = 0 ] || problem "the page loaded ${resources:-?} resources; it must load none"
# Every section is there: far more than one screen, but not runaway.
if [ -z "${height:-}" ] || [ "$height" -lt 3000 ] || [ "$height" -gt 40000 ]; then
  problem "page height ${height:-unknown} px, expected between 3000 and 40000"
fi
for chart in chart-rates chart-transitions chart-mix; do
  read -r _ shapes w h < <(awk -v id="$chart" '$1 == id' "$work/probe.txt") || true
  if [ -z "${shapes:-}" ]; then
    problem "$chart: no such chart in the page"
  else
    [ "$shapes" -gt 0 ] || problem "$chart: the SVG holds no shape"
    [ "$w" -gt 300 ] && [ "$h" -gt 100 ] || problem "$chart: laid out at ${w}x${h} px"
  fi
  shapes='' w='' h=''
done

# --- The screenshot ---------------------------------------------------------
rm -f "$out/report.png"
timeout 120 "$browser" "${flags[@]}" --window-size=$width,"${height:-3000}" --screenshot="$out/report.png" \
  "file://$out/report.html" >/dev/null 2>"$work/shot.err"
if [ ! -s "$out/report.png" ]; then
  cat "$work/shot.err"
  problem "no screenshot"
else
  # PNG: the IHDR chunk holds width and height, big-endian, at bytes 16 to 23.
  read -r png_w png_h < <(od -An -tu1 -j16 -N8 "$out/report.png" |
    awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4, $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')
  echo "screenshot $out/report.png: ${png_w}x${png_h}"
  [ "$png_w" = "$width" ] && [ "$png_h" = "${height:-3000}" ] ||
    problem "screenshot is ${png_w}x${png_h}, expected ${width}x${height:-3000}"
fi

# The top of the page down to the rates chart, as the README shows it
# (docs/report.png).
top=$(awk '$1 == "top" { print $2 }' "$work/probe.txt")
timeout 120 "$browser" "${flags[@]}" --window-size=$width,"${top:-2000}" --screenshot="$out/report-top.png" \
  "file://$out/report.html" >/dev/null 2>"$work/shot.err"
[ -s "$out/report-top.png" ] || problem "no screenshot of the top of the page"

[ "$problems" -eq 0 ] || { echo "$problems problem(s)"; exit 1; }
echo "ok"
