#!/usr/bin/env bash
# Headless-browser check of the HTML report: generate a report from a bundled scenario, open it in Chromium,
# and fail unless the page logs nothing to the console, every image decodes, it needs nothing from the network,
# and its screenshot is not blank. Needs Chromium (Debian: apt-get install -y chromium); without it this FAILS,
# it never skips. Usage: tests/browser/check-report.sh [OUTPUT_DIR]   (default: TestResults/browser)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-TestResults/browser}"
rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

fail() { echo "check-report: FAIL: $*" >&2; exit 1; }

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$(command -v "$candidate")"; break; fi
done
[ -n "$browser" ] || fail "Chromium is not installed (Debian: apt-get install -y chromium); the report cannot be checked"
echo "check-report: $("$browser" --version 2>/dev/null | tail -n 1)"

# 1. A run folder with plots and report, then `biassim report` on it into a second folder.
dotnet build src/BiasSim.Cli -c Release -v quiet -nologo >"$out/build.log" 2>&1 \
  || fail "the build failed: $(grep -E ' error ' "$out/build.log" | sort -u | head -n 20)"
biassim=(dotnet src/BiasSim.Cli/bin/Release/net10.0/biassim.dll)
"${biassim[@]}" run scenarios/mcar-65.yaml --replicates 2000 --threads 2 --quiet --out "$out/run" --report >"$out/run.log" \
  || fail "biassim run --report failed: $(cat "$out/run.log")"
"${biassim[@]}" report "$out/run" --out "$out/report" >"$out/report.log" || fail "biassim report failed: $(cat "$out/report.log")"
report="$out/report/report.html"
[ -s "$report" ] || fail "no $report"

chrome() {
  # A fresh profile per call; nothing may reach the network.
  local profile
  profile="$(mktemp -d "$out/profile.XXXXXX")"
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --disable-default-apps --mute-audio --hide-scrollbars \
    --user-data-dir="$profile" "$@"
  rm -rf "$profile"
}

# 2. Screenshot with the console log on stderr. The report has no scripts, so any console line at all (a failed
#    load, a blocked request, a parse error) is a failure.
chrome --enable-logging=stderr --v=0 --window-size=1280,2400 --screenshot="$out/report.png" "file://$report" \
  >"$out/chromium.log" 2>&1 || fail "Chromium could not load the report: $(tail -n 5 "$out/chromium.log")"
[ -s "$out/report.png" ] || fail "Chromium wrote no screenshot; log: $(tail -n 5 "$out/chromium.log")"
if grep -E ':CONSOLE(:|\()' "$out/chromium.log" >"$out/console.log"; then
  fail "the report logged to the browser console: $(cat "$out/console.log")"
fi

# 3. The rendered DOM: the headline and headings are there.
chrome --dump-dom --virtual-time-budget=5000 "file://$report" >"$out/dom.html" 2>/dev/null || fail "Chromium could not dump the DOM"
grep -q '<html lang="en"' "$out/dom.html" || fail "no <html lang=\"en\"> in the rendered page"
grep -q '<h1>mcar-65</h1>' "$out/dom.html" || fail "no <h1> naming the scenario in the rendered page"
grep -q 'class="headline">With 64.7% of ethnicity unrecorded' "$out/dom.html" || fail "the plain-language headline is missing"

# 4. Inside the browser: every image decodes and nothing is fetched from anywhere but the page itself.
cat >"$out/report/harness.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>report check</title></head><body>
<iframe id="f" src="report.html" style="width:1280px;height:2000px"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var d = this.contentDocument, imgs = Array.from(d.images);
  var decoded = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  var fetched = this.contentWindow.performance.getEntriesByType('resource')
    .filter(function (e) { return !/^data:/.test(e.name); }).length;
  var out = document.createElement('pre');
  out.id = 'result';
  out.textContent = 'IMAGES ' + decoded + '/' + imgs.length + ' FETCHED ' + fetched;
  document.body.appendChild(out);
});
</script></body></html>
HTML
chrome --allow-file-access-from-files --dump-dom --virtual-time-budget=10000 "file://$out/report/harness.html" >"$out/harness.html" 2>/dev/null \
  || fail "Chromium could not run the image check"
result="$(grep -o 'IMAGES [0-9]*/[0-9]* FETCHED [0-9]*' "$out/harness.html" || true)"
[ -n "$result" ] || fail "the image check produced no result"
read -r _ images _ fetched <<<"$result"
[ "${images%/*}" = "${images#*/}" ] && [ "${images#*/}" -ge 3 ] || fail "not every image decoded: $result"
[ "$fetched" = 0 ] || fail "the report fetched $fetched outside resource(s)"
rm -f "$out/report/harness.html"

# 5. The screenshot is a page, not a blank: real contrast and a fair share of drawn pixels.
read -r width height sd ink < <(python3 tests/browser/png_stats.py "$out/report.png")
python3 -c "import sys; sys.exit(0 if $sd > 10 and $ink > 0.01 else 1)" \
  || fail "the screenshot looks blank (${width}x${height}, luminance SD $sd, ink share $ink): see $out/report.png"

echo "check-report: OK: no console output, $result, screenshot ${width}x${height} (luminance SD $sd, ink share $ink): $out/report.png"
