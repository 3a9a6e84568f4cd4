#!/usr/bin/env bash
# Side-by-side timing of biassim against the numpy yardstick (../shared/peers/np_count.py), as whole processes,
# in one sitting, runs interleaved (A B A B ...) so load from other work on the machine hits both alike.
# Prints medians of wall time and CPU time (user + sys), their ratios, and peak memory (max RSS).
#
#   benchmarks/peer-compare.sh [BIASSIM] [RUNS]
#
# BIASSIM defaults to the native executable that `dotnet publish src/BiasSim.Cli -c Release -r linux-x64` writes
# (see the README's Install section); RUNS defaults to 11. PEERS (default ../shared/peers beside the repository)
# and PYTHON (default /usr/bin/python3, Debian's, which has numpy) can be set in the environment.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
biassim="${1:-$root/artifacts/native/biassim}"
runs="${2:-11}"
peers="${PEERS:-$root/../shared/peers}"
python="${PYTHON:-/usr/bin/python3}"
[ -x "$biassim" ] || { echo "peer-compare: $biassim is not an executable; build it (README: Install) or pass its path" >&2; exit 2; }
[ -f "$peers/np_count.py" ] || { echo "peer-compare: no $peers/np_count.py; set PEERS to the folder holding it" >&2; exit 2; }
"$python" -c "import numpy" 2>/dev/null || { echo "peer-compare: $python lacks numpy (apt-get install python3-numpy)" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

exec "$python" - "$biassim" "$runs" "$peers" "$python" "$root" "$out" <<'PY'
import os, statistics, subprocess, sys, time

biassim, runs, peers, python, root, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
yardstick = os.path.join(root, "benchmarks", "scenarios", "numpy-yardstick.yaml")
bundled = os.path.join(root, "scenarios", "prevent-2015-2023.yaml")
# numpy: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow a current numpy on this workplace's processors; unset them for the
# peer's commands only (np_count.py uses no BLAS kernel, so they change little either way).
np_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def measure(cmd, env=None):
    """Wall seconds, CPU seconds (user + sys of the child) and max RSS (MiB) of one whole process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"peer-compare: {' '.join(cmd)} exited {code}: {err.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_case(title, a_name, a_cmd, b_name, b_cmd, a_env=None, b_env=None):
    measure(a_cmd, a_env), measure(b_cmd, b_env)  # warm the file cache
    a, b = [], []
    for _ in range(runs):
        a.append(measure(a_cmd, a_env))
        b.append(measure(b_cmd, b_env))
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    print(f"\n{title} ({runs} runs each, interleaved; medians)")
    for name, xs in ((a_name, a), (b_name, b)):
        print(f"  {name:<44} wall {med(xs, 0):7.3f} s   cpu {med(xs, 1):7.3f} s   max RSS {med(xs, 2):7.1f} MiB")
    print(f"  ratio {b_name} / {a_name}: wall {med(b, 0) / med(a, 0):.2f}x, cpu {med(b, 1) / med(a, 1):.2f}x")


print(f"biassim: {subprocess.run([biassim, '--version'], capture_output=True, text=True).stdout.strip()}")
print(f"numpy:   {subprocess.run([python, '-c', 'import numpy; print(numpy.__version__)'], capture_output=True, text=True, env=np_env).stdout.strip()}")
print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start (shared machines: prefer the ratios)")

run_case("1,000,000 replicates of the yardstick scenario, whole process",
         "biassim run --no-plots",
         [biassim, "run", yardstick, "--replicates", "1000000", "--no-plots", "--quiet", "--force", "--out", os.path.join(out, "run")],
         "numpy np_count.py", [python, os.path.join(peers, "np_count.py"), "1000000", "0.65"], b_env=np_env)
run_case("Start-up: validate the bundled scenario vs importing numpy",
         "biassim validate", [biassim, "validate", bundled],
         "python3 -c 'import numpy'", [python, "-c", "import numpy"], b_env=np_env)

print("\nMemory in replicates (biassim run --no-plots, one run each)")
for r in (100_000, 1_000_000, 10_000_000):
    wall, cpu, rss = measure([biassim, "run", yardstick, "--replicates", str(r), "--no-plots", "--quiet", "--force",
                              "--out", os.path.join(out, f"mem{r}")])
    print(f"  {r:>10,} replicates: max RSS {rss:6.1f} MiB, wall {wall:6.2f} s")
PY
