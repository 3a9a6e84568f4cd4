#!/usr/bin/env bash
# Before/after output comparison for refactors: builds the biassim CLI of two repositories, runs both on every
# bundled scenario and on every documented command with identical arguments, and compares every file written and
# the console output (stdout, stderr, exit code) byte for byte after normalising only what legitimately varies.
#
# Usage: tests/tools/compare-outputs.sh BASELINE_REPO_DIR CANDIDATE_REPO_DIR [WORKDIR]
#   WORKDIR (default /work/bytecheck) holds the builds, the sandbox and the results.
#   The baseline is built from a snapshot (git clone of its HEAD, plus its uncommitted changes if any) so its
#   working tree is never written to; that build is cached under WORKDIR/builds/<commit> and reused on reruns.
#   The candidate is built in place (its bin/ and obj/ are git-ignored), every time.
# Environment:
#   BYTECHECK_REPRO=0   skip the second baseline run that finds outputs the baseline itself does not reproduce
#   BYTECHECK_REPLICATES (default 2000), BYTECHECK_SEED (default 7), BYTECHECK_THREADS (default 2)
#   BYTECHECK_KEEP_SANDBOX=1 copy the candidate's outputs back into WORKDIR/sandbox afterwards
#   BYTECHECK_EXPLORE_PORT (default 5199) the local port the explore case serves on
#   BYTECHECK_COMPARE_ONLY=1 neither build nor run: compare the results already in WORKDIR/results again
# Exit code: 0 all IDENTICAL, 1 something DIFFERS, 2 usage or build error.
#
# Both sides run in the same absolute sandbox folder, one after the other (results are moved out after each side),
# so absolute paths written into outputs agree without any rewriting; only timings, version/commit strings,
# timestamps, temp paths and a "command" line present on one side only are normalised (see normalise() below).
set -uo pipefail

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}
[[ $# -ge 2 && $# -le 3 ]] || usage
[[ "$1" == -h || "$1" == --help ]] && usage

BASE_REPO=$(cd "$1" && pwd) || { echo "compare-outputs: no such folder: $1" >&2; exit 2; }
CAND_REPO=$(cd "$2" && pwd) || { echo "compare-outputs: no such folder: $2" >&2; exit 2; }
WORKDIR=${3:-/work/bytecheck}
mkdir -p "$WORKDIR" && WORKDIR=$(cd "$WORKDIR" && pwd)
REPS=${BYTECHECK_REPLICATES:-2000}
SEED=${BYTECHECK_SEED:-7}
THREADS=${BYTECHECK_THREADS:-2}
REPRO=${BYTECHECK_REPRO:-1}

command -v python3 >/dev/null || { echo "compare-outputs: python3 is needed for the comparison" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "compare-outputs: dotnet is needed" >&2; exit 2; }
command -v curl >/dev/null || { echo "compare-outputs: curl is needed for the explore case" >&2; exit 2; }

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Console layout must not depend on the terminal the script happens to run in.
export TERM=dumb NO_COLOR=1 COLUMNS=200 LC_ALL=C.UTF-8 TZ=UTC

T0=$(date +%s)
log() { printf '[%4ss] %s\n' $(($(date +%s) - T0)) "$*" >&2; }

# ---------------------------------------------------------------------------------------------------------------
# Builds

build_cli() { # SRC_DIR OUT_DIR LOG
  rm -rf "$2"
  if ! (cd "$1" && dotnet build src/BiasSim.Cli -c Release -o "$2") >"$3" 2>&1; then
    echo "compare-outputs: build of $1 failed, see $3" >&2
    tail -20 "$3" >&2
    exit 2
  fi
}

SANDBOX=$WORKDIR/sandbox
RESULTS=$WORKDIR/results
if [[ "${BYTECHECK_COMPARE_ONLY:-0}" != 1 ]]; then
mkdir -p "$WORKDIR/builds" "$WORKDIR/src"
BASE_COMMIT=$(git -C "$BASE_REPO" rev-parse HEAD) || { echo "compare-outputs: $BASE_REPO is not a git repository" >&2; exit 2; }
BASE_DIRTY=$( (git -C "$BASE_REPO" diff HEAD --binary; git -C "$BASE_REPO" ls-files -o --exclude-standard) | sha256sum | cut -c1-12)
if [[ -z "$(git -C "$BASE_REPO" status --porcelain)" ]]; then BASE_KEY=$BASE_COMMIT; else BASE_KEY=$BASE_COMMIT-dirty-$BASE_DIRTY; fi
BASE_BIN=$WORKDIR/builds/$BASE_KEY
if [[ -f "$BASE_BIN/.complete" ]]; then
  log "baseline $BASE_KEY: cached build $BASE_BIN"
else
  log "baseline $BASE_KEY: building from a snapshot of $BASE_REPO"
  snap=$WORKDIR/src/$BASE_KEY
  rm -rf "$snap"
  # The fetch brings a detached HEAD that no branch holds (a clone copies only refs).
  git clone --quiet --no-checkout "$BASE_REPO" "$snap" && git -C "$snap" fetch --quiet "$BASE_REPO" HEAD &&
    git -C "$snap" checkout --quiet --detach "$BASE_COMMIT" || exit 2
  if [[ $BASE_KEY == *-dirty-* ]]; then
    # Uncommitted changes and untracked files are part of what is being compared.
    git -C "$BASE_REPO" diff HEAD --binary | git -C "$snap" apply --whitespace=nowarn || exit 2
    (cd "$BASE_REPO" && git ls-files -o --exclude-standard -z | xargs -0 -r cp --parents -t "$snap") || exit 2
  fi
  build_cli "$snap" "$BASE_BIN" "$WORKDIR/builds/$BASE_KEY.log"
  touch "$BASE_BIN/.complete"
fi
CAND_BIN=$WORKDIR/builds/candidate
log "candidate: building $CAND_REPO ($(git -C "$CAND_REPO" rev-parse --short HEAD 2>/dev/null || echo no git))"
build_cli "$CAND_REPO" "$CAND_BIN" "$WORKDIR/builds/candidate.log"
log "builds ready"
fi

# ---------------------------------------------------------------------------------------------------------------
# The cases. Every case runs in the sandbox, writes only under out/<case>/ (or prints), and is run identically on
# both sides. Inputs are the candidate's scenarios/ (copied into the sandbox) plus a few fixtures written here.

BIN=
CONSOLE=

make_inputs() {
  mkdir -p inputs
  # Counts with a stratifier, so ipw and missing-share run on counts too.
  cat >inputs/counts-by-region.csv <<'EOF'
# Small fixture: referrals by recorded group and region, with Unknown rows.
group,referrals,region
White,400,North
Asian,90,North
Black,40,North
Mixed,15,North
Other,12,North
Unknown,300,North
White,650,South
Asian,160,South
Black,95,South
Mixed,30,South
Other,25,South
Unknown,420,South
EOF
  # Square misclassification matrix: self-defined group by row, officer's category by column, rows summing to 1.
  cat >inputs/misclassification.csv <<'EOF'
self_defined,White,Asian,Black,Mixed,Other
White,0.97,0.01,0.01,0.005,0.005
Asian,0.04,0.9,0.02,0.02,0.02
Black,0.03,0.02,0.9,0.03,0.02
Mixed,0.45,0.05,0.3,0.15,0.05
Other,0.3,0.2,0.05,0.05,0.4
EOF
  # A scenario with its own sweep: section (no bundled scenario has one).
  { cat scenarios/mcar-65.yaml; printf '\nsweep:\n  recording.missing.share: 0.2,0.6\n  referrals.rate_ratios.Black: [1.0, 1.3]\n'; } \
    >inputs/sweep-in-file.yaml
  # A scenario with mistakes, for the error path (exit code 2 and its message).
  sed -e 's/^\( *reference:\).*/\1 Nobody/' scenarios/mcar-65.yaml >inputs/broken.yaml
  printf 'this: is: not: yaml: [\n' >inputs/not-yaml.yaml
}

run_case() { # NAME ARGS...
  local name=$1
  shift
  mkdir -p "out/$name"
  timeout 600 dotnet "$BIN/biassim.dll" "$@" >"$CONSOLE/$name.stdout" 2>"$CONSOLE/$name.stderr" </dev/null
  echo $? >"$CONSOLE/$name.rc"
  printf '%s\n' "$*" >"$CONSOLE/$name.args"
}

run_cases() {
  local r=(--replicates "$REPS" --seed "$SEED" --threads "$THREADS")
  local s n
  run_case version --version
  run_case help --help
  for c in run validate report sweep mdrr generate detect merge init explain compare explore; do
    run_case "help-$c" "$c" --help
  done

  # Every bundled scenario: run with its default outputs (plots included), then with --report.
  for s in scenarios/*.yaml; do
    n=$(basename "$s" .yaml)
    run_case "run-$n" run "$s" "${r[@]}" --force --out "out/run-$n"
    run_case "run-report-$n" run "$s" "${r[@]}" --force --report --out "out/run-report-$n"
    run_case "generate-$n" generate "$s" --seed "$SEED" --replicate 1 --out "out/generate-$n/referrals.csv"
  done
  run_case validate-all validate scenarios/*.yaml inputs/sweep-in-file.yaml
  run_case validate-set validate scenarios/mcar-65.yaml \
    --set 'recording.missing={mechanism: mnar, recording_ratio: {Black: 0.5}, target_share: 0.4}'
  run_case validate-broken validate inputs/broken.yaml inputs/not-yaml.yaml
  run_case run-missing-file run inputs/does-not-exist.yaml --out out/run-missing-file

  # run options beyond the defaults.
  run_case run-set run scenarios/mcar-65.yaml "${r[@]}" --force --no-plots --quiet --set referrals.rate_ratios.Black=1.5 \
    --set recording.missing.share=0.4 --out out/run-set
  run_case run-save-replicates run scenarios/officer-assigned.yaml --replicates 300 --seed "$SEED" --threads "$THREADS" \
    --force --no-plots --save-replicates --out out/run-save-replicates
  run_case run-resume-complete run --resume out/run-mcar-65
  # Enough replicates for several segments, so that both shards hold some.
  local sh=(--replicates 20000 --seed "$SEED" --threads "$THREADS" --force --no-plots)
  run_case run-shard-0 run scenarios/mnar-by-group.yaml "${sh[@]}" --shard 0/2 --out out/run-shard-0
  run_case run-shard-1 run scenarios/mnar-by-group.yaml "${sh[@]}" --shard 1/2 --out out/run-shard-1
  run_case merge merge out/run-shard-0 out/run-shard-1 --force --out out/merge

  # report on runs, sweeps and mdrr folders, full and short, into folders of their own.
  run_case report-run report out/run-prevent-2015-2023 --out out/report-run
  run_case report-run-short report out/run-officer-assigned --short --out out/report-run-short
  run_case report-run-noplots report out/run-mnar-by-group --no-plots --out out/report-run-noplots
  run_case report-not-results report inputs --out out/report-not-results

  # sweep: 1, 2 and 3 parameters (line plot, heatmap, panels) and a sweep: section in the file.
  run_case sweep-1d sweep scenarios/mcar-65.yaml --set recording.missing.share=0.2,0.5,0.8 "${r[@]}" --force \
    --out out/sweep-1d
  run_case sweep-2d sweep scenarios/mcar-65.yaml --set recording.missing.share=0.2:0.6:0.2 \
    --set referrals.rate_ratios.Black=1,1.3 --replicates 500 --seed "$SEED" --threads "$THREADS" --force --out out/sweep-2d
  # At c304b5a this one ends in an internal error while drawing (exit 1); kept, since a refactor must not change that either.
  run_case sweep-2d-officer sweep scenarios/officer-assigned.yaml --set recording.missing.share=0.2:0.6:0.2 \
    --set referrals.rate_ratios.Black=1,1.3 --replicates 500 --seed "$SEED" --threads "$THREADS" --force --out out/sweep-2d-officer
  run_case sweep-3d sweep scenarios/mcar-65.yaml --set recording.missing.share=0.2,0.8 --set referrals.rate_ratios.Black=1,1.4 \
    --set referrals.total=2000,4000 --replicates 300 --seed "$SEED" --threads "$THREADS" --force --out out/sweep-3d
  run_case sweep-in-file sweep inputs/sweep-in-file.yaml --replicates 500 --seed "$SEED" --threads "$THREADS" --force \
    --no-plots --out out/sweep-in-file
  run_case sweep-shard sweep scenarios/mcar-65.yaml --set recording.missing.share=0.2,0.5,0.8 "${r[@]}" --force --no-plots \
    --shard 1/2 --out out/sweep-shard
  run_case report-sweep report out/sweep-1d --out out/report-sweep
  run_case sweep-resume-complete sweep --resume out/sweep-1d
  run_case sweep-shard-0 sweep scenarios/mcar-65.yaml --set recording.missing.share=0.2,0.5,0.8 "${r[@]}" --force --no-plots \
    --shard 0/2 --out out/sweep-shard-0
  run_case merge-sweep merge out/sweep-shard-0 out/sweep-shard --force --out out/merge-sweep
  run_case report-sweep-short report out/sweep-3d --short --out out/report-sweep-short

  # mdrr: one point, a grid of missing shares (plot, trend headline), under-referral, another detector.
  run_case mdrr mdrr scenarios/mcar-65.yaml --group Black --replicates 500 --seed "$SEED" --threads "$THREADS" --force \
    --out out/mdrr
  run_case mdrr-grid mdrr scenarios/mcar-65.yaml --group Black --set recording.missing.share=0.2,0.5,0.9 --replicates 400 \
    --seed "$SEED" --threads "$THREADS" --force --out out/mdrr-grid
  run_case mdrr-down mdrr scenarios/mnar-by-group.yaml --group Asian --direction down --power 0.7 --replicates 400 \
    --seed "$SEED" --threads "$THREADS" --force --out out/mdrr-down
  run_case mdrr-officer mdrr scenarios/officer-assigned.yaml --group Black --replicates 400 --seed "$SEED" --threads "$THREADS" \
    --force --out out/mdrr-officer
  run_case report-mdrr-grid report out/mdrr-grid --out out/report-mdrr-grid
  run_case report-mdrr-grid-short report out/mdrr-grid --short --out out/report-mdrr-grid-short

  # detect: published counts (with report), bias analysis, counts it must refuse, counts with strata, records.
  run_case detect-counts detect scenarios/data/prevent-2024-25-counts.csv --reference White \
    --census scenarios/data/census-2021-ethnicity.csv --detectors rate-ratio,bounds,tipping-point --report --force \
    --out out/detect-counts
  run_case detect-bias-analysis detect scenarios/data/prevent-2024-25-counts.csv \
    --census scenarios/data/census-2021-ethnicity-4-groups.csv --reference White \
    --bias-analysis scenarios/data/bias-priors-example.yaml --draws 2000 --seed "$SEED" --force --report --out out/detect-bias-analysis
  run_case detect-unsplit detect scenarios/data/prevent-2015-2023-counts.csv --reference White \
    --census scenarios/data/census-2021-ethnicity.csv --force --out out/detect-unsplit
  run_case detect-strata detect inputs/counts-by-region.csv --reference White --census scenarios/data/census-2021-ethnicity.csv \
    --detectors rate-ratio,chi-square,bounds,ipw,missing-share,tipping-point --alpha 0.01 --force --out out/detect-strata
  run_case detect-records detect out/generate-prevent-2015-2023/referrals.csv --reference White \
    --census scenarios/data/census-2021-ethnicity.csv --detectors rate-ratio,ipw,missing-share --by region --force \
    --no-plots --out out/detect-records
  run_case detect-misclassification detect out/generate-mcar-65/referrals.csv --reference White \
    --census scenarios/data/census-2021-ethnicity.csv --misclassification inputs/misclassification.csv --force \
    --out out/detect-misclassification
  run_case report-detect-refused report out/detect-strata --out out/report-detect-refused

  # compare three designs, and init / explain.
  run_case compare compare scenarios/mcar-65.yaml scenarios/mnar-by-group.yaml scenarios/officer-assigned.yaml "${r[@]}" \
    --force --out out/compare
  run_case init init out/init/my-audit.yaml
  run_case init-again init out/init/my-audit.yaml
  run_case init-stdout init -
  run_case validate-init validate out/init/my-audit.yaml
  run_case run-init run out/init/my-audit.yaml "${r[@]}" --no-plots --force --out out/run-init
  run_case explain-list explain
  for t in coverage coverge rate-ratio ipw mnar target_share correct_rate; do
    run_case "explain-$t" explain "$t"
  done
  run_explore
}

# explore is a local web server: start it, fetch the page, its assets and each API once, then stop it (by its pid).
run_explore() {
  local name=explore port=${BYTECHECK_EXPLORE_PORT:-5199} pid i
  local q="scenario=mcar-65&seed=$SEED&replicates=500"
  mkdir -p out/explore
  dotnet "$BIN/biassim.dll" explore --no-browser --port "$port" >"$CONSOLE/$name.stdout" 2>"$CONSOLE/$name.stderr" </dev/null &
  pid=$!
  for i in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  fetch() { printf '%s %s\n' "$2" "$(curl -s -o "out/explore/$1" -w '%{http_code} %{content_type}' "http://127.0.0.1:$port$2")" \
    >>out/explore/status.txt; }
  fetch index.html /
  fetch app.js /app.js
  fetch app.css /app.css
  fetch favicon.svg /favicon.svg
  fetch scenarios.json /api/scenarios
  fetch run.json "/api/run?$q&set=referrals.rate_ratios.Black=1.5"
  fetch run-officer.json "/api/run?scenario=officer-assigned&seed=$SEED&replicates=500"
  fetch power.json "/api/power?$q"
  fetch scenario.yaml "/api/scenario.yaml?$q&set=recording.missing.share=0.4"
  fetch bad-query.json "/api/run?scenario=nope&seed=x"
  kill "$pid"
  wait "$pid"
  echo $? >"$CONSOLE/$name.rc"
  printf 'explore --no-browser --port %s\n' "$port" >"$CONSOLE/$name.args"
}

run_side() { # NAME BIN
  local side=$1
  BIN=$2
  log "running $side"
  rm -rf "$SANDBOX" "$RESULTS/$side" "$RESULTS/$side.console"
  mkdir -p "$SANDBOX" "$RESULTS/$side.console"
  CONSOLE=$RESULTS/$side.console
  cp -r "$CAND_REPO/scenarios" "$SANDBOX/scenarios"
  (cd "$SANDBOX" && make_inputs && run_cases)
  mv "$SANDBOX" "$RESULTS/$side"
  dotnet "$BIN/biassim.dll" --version >"$RESULTS/$side.version" 2>&1
}

if [[ "${BYTECHECK_COMPARE_ONLY:-0}" != 1 ]]; then
  rm -rf "$RESULTS"
  mkdir -p "$RESULTS"
  run_side baseline "$BASE_BIN"
  [[ "$REPRO" != 0 ]] && run_side baseline-again "$BASE_BIN"
  run_side candidate "$CAND_BIN"
  [[ "${BYTECHECK_KEEP_SANDBOX:-0}" == 1 ]] && cp -r "$RESULTS/candidate" "$SANDBOX"
fi
log "comparing"

# ---------------------------------------------------------------------------------------------------------------
# Comparison

python3 - "$RESULTS" "$SANDBOX" "$(diff -rq "$BASE_REPO/scenarios" "$CAND_REPO/scenarios" >/dev/null 2>&1 && echo same || echo differ)" <<'PY'
import difflib, hashlib, os, re, sys

results, sandbox = sys.argv[1], sys.argv[2]
BINARY = {".png", ".pdf", ".bin", ".jpg", ".gz", ".zip"}


def version_tokens(side):
    # "0.1.0 (commit <sha>; JIT, .NET 10.0.12)": the version and commit this side was built from.
    text = open(os.path.join(results, side + ".version"), encoding="utf-8", errors="replace").read()
    tokens = []
    m = re.match(r"\s*(\S+)", text)
    if m:
        tokens.append((m.group(1), "<VERSION>"))
    m = re.search(r"commit ([0-9a-f]{7,40})", text)
    if m:
        tokens += [(m.group(1), "<COMMIT>"), (m.group(1)[:7], "<COMMIT>")]
    return tokens


# Only what legitimately varies between two runs of the same code; each rule names why.
RULES = [
    # Wall-clock timings: JSON fields (elapsed_seconds, plot_seconds, the explorer's elapsedMs).
    (re.compile(r'("[A-Za-z_]*(?:seconds|Seconds|Ms|_ms)"\s*:\s*)-?[0-9.]+(?:[eE][-+]?[0-9]+)?'), r"\1<T>"),
    # Console: "..., seed 7, 0.03 s on 2 thread(s)", "Wrote 4 plot(s) ... in 0.57 s", "took 1.2 s".
    (re.compile(r"\b[0-9]+(?:\.[0-9]+)? s on ([0-9]+ thread)"), r"<T> s on \1"),
    (re.compile(r"\b(in|took|after) [0-9]+(?:\.[0-9]+)? (s|ms|seconds?)\b"), r"\1 <T> \2"),
    # Reports: "Run time</dt><dd>0.021 s", "**Run time:** 0.021 s", and any "time(s): N s" phrasing.
    (re.compile(r"([Rr]un time\b[^0-9\n]{0,20})[0-9]+(?:\.[0-9]+)? (s|ms)\b"), r"\1<T> \2"),
    # Timestamps with a time of day (plain dates are data, e.g. referral_date, and stay).
    (re.compile(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?"),
     "<TIMESTAMP>"),
    # .NET runtime patch version in --version ("JIT, .NET 10.0.12").
    (re.compile(r"\.NET [0-9]+\.[0-9]+\.[0-9]+"), ".NET <RUNTIME>"),
    # Temporary paths (the sandbox itself is the same absolute path on both sides).
    (re.compile(r"/tmp/[A-Za-z0-9._/-]+"), "<TMP>"),
    # Process ids and host names in lock messages.
    (re.compile(r"\bpid [0-9]+"), "pid <PID>"),
]
COMMAND = re.compile(r'^\s*"command"\s*:\s*".*",?\s*$')


def normalise(text, side):
    text = text.replace(sandbox, "<SANDBOX>")
    for old, new in version_tokens(side):
        text = text.replace(old, new)
    for rx, rep in RULES:
        text = rx.sub(rep, text)
    return text.splitlines(keepends=True)


def drop_one_sided_commands(a, b):
    """Drop "command" lines present on one side only (the field issue 11 adds). The diff runs on lines without
    their trailing comma, since a "command" line added last in a JSON object gives the line before it a comma;
    the comma-free lines are returned only when such a line was dropped."""
    strip = lambda ls: [re.sub(r",(\s*)$", r"\1", x) for x in ls]
    ac, bc = strip(a), strip(b)
    drop_a, drop_b = set(), set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ac, bc, autojunk=False).get_opcodes():
        if tag == "delete" and all(COMMAND.match(x) for x in ac[i1:i2]):
            drop_a.update(range(i1, i2))
        elif tag == "insert" and all(COMMAND.match(x) for x in bc[j1:j2]):
            drop_b.update(range(j1, j2))
    if not (drop_a or drop_b):
        return a, b
    return ([x for i, x in enumerate(ac) if i not in drop_a], [x for j, x in enumerate(bc) if j not in drop_b])


def files_under(root):
    out = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = p
    return out


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def text_lines(path, side):
    return normalise(read(path).decode("utf-8", errors="surrogateescape"), side)


def is_binary(rel, data):
    return os.path.splitext(rel)[1].lower() in BINARY or b"\0" in data[:4096]


def size_class(n):
    return n.bit_length()  # same power-of-two bucket


def compare(rel, pa, pb, sa, sb):
    """None when equal after normalisation, else a list of lines describing the difference."""
    da, db = read(pa), read(pb)
    if is_binary(rel, da) or is_binary(rel, db):
        if da == db:
            return None
        return [f"binary {rel}: sha256 {hashlib.sha256(da).hexdigest()[:16]} ({len(da)} B) vs "
                f"{hashlib.sha256(db).hexdigest()[:16]} ({len(db)} B)\n"]
    a, b = text_lines(pa, sa), text_lines(pb, sb)
    if a == b:
        return None
    a, b = drop_one_sided_commands(a, b)
    if a == b:
        return None
    return list(difflib.unified_diff(a, b, "baseline/" + rel, "candidate/" + rel, n=1))


def case_of(rel):
    # out/<case>/... belongs to <case>; console files are <case>.stdout etc.; anything else to "(other files)".
    parts = rel.split(os.sep)
    if len(parts) >= 2 and parts[0] == "out":
        return parts[1]
    return "(other files)"


def collect(side):
    items = {}
    for rel, p in files_under(os.path.join(results, side)).items():
        items[(case_of(rel), rel)] = p
    for rel, p in files_under(os.path.join(results, side + ".console")).items():
        case, kind = rel.rsplit(".", 1)
        if kind != "args":
            items[(case, f"[{kind}]")] = p
    return items


base, cand = collect("baseline"), collect("candidate")
again = collect("baseline-again") if os.path.isdir(os.path.join(results, "baseline-again")) else None

# Outputs the baseline does not reproduce run to run compare by existence and size class only.
unstable = set()
if again is not None:
    for key in base.keys() | again.keys():
        if key not in base or key not in again or compare(key[1], base[key], again[key], "baseline", "baseline-again"):
            unstable.add(key)

cases = {}
for key in sorted(base.keys() | cand.keys()):
    case, rel = key
    res = cases.setdefault(case, {"files": 0, "diffs": []})
    res["files"] += 1
    if key not in cand:
        res["diffs"].append(f"only in baseline: {rel}\n")
        continue
    if key not in base:
        res["diffs"].append(f"only in candidate: {rel}\n")
        continue
    if key in unstable:
        sa, sb = os.path.getsize(base[key]), os.path.getsize(cand[key])
        if size_class(sa) != size_class(sb):
            res["diffs"].append(f"{rel} (not reproducible in baseline): size {sa} B vs {sb} B, different size class\n")
        continue
    d = compare(rel, base[key], cand[key], "baseline", "candidate")
    if d:
        res["diffs"].append("".join(d[:14]) + ("  ...\n" if len(d) > 14 else ""))

order = {}
for side in ("baseline", "candidate"):
    # Cases in the order they ran (console files are written in that order).
    con = os.path.join(results, side + ".console")
    for f in sorted(os.listdir(con), key=lambda f: os.stat(os.path.join(con, f)).st_mtime_ns):
        order.setdefault(f.rsplit(".", 1)[0], len(order))
differs = 0
print()
print(f"{'case':34} {'files':>5}  result")
for case in sorted(cases, key=lambda c: order.get(c, 10**6)):
    r = cases[case]
    status = "IDENTICAL" if not r["diffs"] else "DIFFERS"
    differs += bool(r["diffs"])
    rc = os.path.join(results, "baseline.console", case + ".rc")
    code = f"  (exit {open(rc).read().strip()})" if os.path.exists(rc) else ""
    print(f"{case:34} {r['files']:>5}  {status}{code}")
    for d in r["diffs"][:4]:
        for line in d.splitlines()[:14]:
            print("      " + (line if len(line) <= 300 else line[:300] + " ..."))
    if len(r["diffs"]) > 4:
        print(f"      ... and {len(r['diffs']) - 4} more differing file(s)")
if again is not None:
    print()
    if unstable:
        print(f"Not reproducible run to run in the baseline (compared by existence and size class only): {len(unstable)}")
        for case, rel in sorted(unstable)[:20]:
            print(f"  {case}: {rel}")
    else:
        print("Baseline reproducible run to run: every file and console output (after normalisation), PNGs included.")
if sys.argv[3] != "same":
    print("note: the baseline's scenarios/ differs from the candidate's; both sides ran the candidate's scenarios/")
total = len(cases)
print()
print(f"{total - differs} of {total} cases IDENTICAL, {differs} DIFFER")
sys.exit(1 if differs else 0)
PY
rc=$?
log "done (results in $RESULTS)"
exit $rc
