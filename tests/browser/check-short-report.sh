#!/usr/bin/env bash
# Prints the one-page summary (biassim report --short) of a run, a three-parameter sweep and an MDRR grid to PDF with
# headless Chromium and fails unless each is exactly one A4 page. Needs Chromium and pdfinfo (Debian:
# apt-get install -y chromium poppler-utils); without them this FAILS, it never skips.
# Usage: tests/browser/check-short-report.sh [OUTPUT_DIR]   (default: TestResults/short-report)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-TestResults/short-report}"
rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

fail() { echo "check-short-report: FAIL: $*" >&2; exit 1; }

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$(command -v "$candidate")"; break; fi
done
[ -n "$browser" ] || fail "Chromium is not installed (Debian: apt-get install -y chromium)"
command -v pdfinfo >/dev/null 2>&1 || fail "pdfinfo is not installed (Debian: apt-get install -y poppler-utils)"

dotnet build src/BiasSim.Cli -c Release -v quiet -nologo >"$out/build.log" 2>&1 || fail "the build failed: see $out/build.log"
biassim=(dotnet src/BiasSim.Cli/bin/Release/net10.0/biassim.dll)
"${biassim[@]}" run scenarios/prevent-2015-2023.yaml --replicates 2000 --quiet --no-plots --out "$out/run" >"$out/run.log" || fail "run failed"
"${biassim[@]}" sweep scenarios/mcar-65.yaml --set recording.missing.share=0.2,0.5,0.8 --set referrals.rate_ratios.Black=1,1.2,1.4 \
  --set referrals.total=2000,4000 --replicates 500 --quiet --no-plots --out "$out/sweep" >"$out/sweep.log" || fail "sweep failed"
"${biassim[@]}" mdrr scenarios/mcar-65.yaml --group Black --set recording.missing.share=0.2,0.5,0.9 --replicates 1000 --out "$out/mdrr" >"$out/mdrr.log" \
  || fail "mdrr failed"

for folder in run sweep mdrr; do
  "${biassim[@]}" report "$out/$folder" --short >>"$out/report.log" || fail "report --short failed on $folder"
  page="$out/$folder/report-short.html"
  "$browser" --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$out/$folder.pdf" "file://$page" >/dev/null 2>&1 \
    || fail "Chromium could not print $page"
  pages="$(pdfinfo "$out/$folder.pdf" | awk '/^Pages:/ {print $2}')"
  size="$(pdfinfo "$out/$folder.pdf" | awk -F': *' '/^Page size:/ {print $2}')"
  [ "$pages" = 1 ] || fail "$folder: report-short.html prints on $pages pages, expected 1: see $out/$folder.pdf"
  case "$size" in *"(A4)"*) ;; *) fail "$folder: page size $size, expected A4";; esac
  echo "check-short-report: $folder: 1 A4 page ($size)"
done
echo "check-short-report: OK"
