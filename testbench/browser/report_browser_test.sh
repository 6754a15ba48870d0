#!/usr/bin/env bash
# Opens report.html in Debian's headless Chromium: it must render without console errors, with
# every plot present and drawn, and without fetching anything from a network.
# Usage: report_browser_test.sh NEUROMESH SOURCE_DIR
set -u
nm="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
chromium=$(command -v chromium || command -v chromium-browser) || fail "chromium is not installed (scripts/install-deps installs it)"

"$nm" run --chip "$src/configs/chips/loihi2.yaml" --network "$src/configs/networks/ei_recurrent.yaml" \
  --steps 40 --mode cycle --out "$tmp/run" >/dev/null || fail "run failed"
html="$tmp/run/report.html"
[ -s "$html" ] || fail "no report.html"
# Self-contained: no external scripts, styles, images or fonts.
if grep -Eiq '(src|href)=["'"'"']?(https?:)?//' "$html"; then fail "report.html references a network resource"; fi

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0)
timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$html" > "$tmp/dom.html" 2> "$tmp/console.log" \
  || fail "chromium failed: $(tail -3 "$tmp/console.log")"
if grep -E 'CONSOLE|Uncaught' "$tmp/console.log" | grep -Eiq 'error|uncaught'; then
  grep -E 'CONSOLE|Uncaught' "$tmp/console.log" | head -5
  fail "console errors while rendering report.html"
fi
dom="$tmp/dom.html"
for id in key-figures energy-breakdown core-heatmap link-heatmap latency-plot breakdown-plot power-plot config-summary; do
  grep -q "id=\"$id\"" "$dom" || fail "the rendered page has no #$id"
done
# Each plot has content: bars, cores, links and two series with one point per step.
[ "$(grep -o 'class="bar"' "$dom" | wc -l)" -ge 5 ] || fail "energy breakdown has no bars"
used=$(grep -o '"cores_used": [0-9]*' "$tmp/run/report.json" | head -1 | grep -o '[0-9]*$')
[ "$(grep -o 'class="core"' "$dom" | wc -l)" -ge "$used" ] || fail "core heatmap lacks cores"
[ "$(grep -o 'class="link"' "$dom" | wc -l)" -ge 4 ] || fail "link heatmap has no links"
series=$(grep -o 'class="series"[^>]*points="[^"]*"' "$dom")
[ "$(echo "$series" | wc -l)" -eq 2 ] || fail "expected two step series"
while read -r line; do
  n=$(echo "$line" | grep -o 'points="[^"]*"' | tr ' ' '\n' | grep -c ',')
  [ "$n" -eq 40 ] || fail "a series has $n points, expected 40 (one per step)"
done <<< "$series"
[ "$(grep -o 'class="breakdown"' "$dom" | wc -l)" -eq 3 ] || fail "the latency breakdown needs its three lines"
grep -q 'Davies18 Table 2' "$dom" || fail "the sources of the figures are not shown"
# And it paints: a screenshot of reasonable size.
timeout 120 "$chromium" "${flags[@]}" --window-size=1150,2400 --screenshot="$tmp/shot.png" "file://$html" \
  >/dev/null 2>&1 || fail "screenshot failed"
[ "$(stat -c %s "$tmp/shot.png")" -gt 20000 ] || fail "screenshot is nearly empty"
echo "ok: report.html renders with every plot"
