#!/usr/bin/env bash
# Latency repeatability: the same sub-networks measured in R separate processes (atlas measure
# --force, one JVM each), then the coefficient of variation of each sub-network's batch-1 p50
# across the runs; prints the median CV. Goal (issue 3): median CV <= 3% for 50 sub-networks, 3 runs.
# Usage: bench/latency-repeatability.sh [sub-networks, default 50] [runs, default 3]
# Env: WAREHOUSE (reuse one with evaluated sub-networks), DATE (default 2026-11-30).
# Run it on a quiet machine: any other load on the host shows up as variation. Before each run it
# also times a fixed loop (bench/cpu-drift.sh), so a run that was slow because the machine was slow
# shows as such.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
runs=${2:-3}
source bench/measure-setup.sh "$n"
out=$(mktemp)
probe=$(mktemp)
for run in $(seq 1 "$runs"); do
  echo "bench: measurement run $run of $runs" >&2
  # the machine's own speed just before this run (bench/cpu-drift.sh): same work, same code
  bench/cpu-drift.sh 3 1 | sed -n 's/.*median of block medians \([0-9.]*\) ms.*/\1/p' >> "$probe"
  ./atlas measure --warehouse "$WAREHOUSE" --date "$DATE" --force --max-subnets "$n" >&2
  ./atlas sql --warehouse "$WAREHOUSE" --format csv \
    "SELECT arch_id, latency_p50_ms FROM atlas.measurements
     WHERE build_date = DATE'$DATE' AND latency_p50_ms IS NOT NULL ORDER BY arch_id LIMIT $n" \
    | tail -n +2 | sed "s/^/$run,/" >> "$out"
done
python3 - "$out" "$runs" "$probe" <<'PY'
import collections, statistics, sys
rows = [line.strip().split(",") for line in open(sys.argv[1])]
runs = int(sys.argv[2])

def median_cv(values):
    by_arch = collections.defaultdict(list)
    for arch, v in values:
        by_arch[arch].append(v)
    cvs = [statistics.stdev(v) / statistics.mean(v) for v in by_arch.values() if len(v) == runs]
    return len(cvs), statistics.median(cvs), max(cvs)

n, med, worst = median_cv((arch, float(p50)) for _, arch, p50 in rows)
print(f"sub-networks: {n}, runs: {runs}")
print(f"median CV of batch-1 p50: {100 * med:.2f}%  (goal <= 3%)")
print(f"max CV: {100 * worst:.2f}%")
# a whole process running faster or slower (host noise, placement) moves every sub-network alike;
# dividing each run by its own median p50 removes that and leaves the per-sub-network noise
by_run = collections.defaultdict(list)
for run, _, p50 in rows:
    by_run[run].append(float(p50))
scale = {run: statistics.median(v) for run, v in by_run.items()}
print("median batch-1 p50 per run: " + ", ".join(f"{scale[r]:.3f} ms" for r in sorted(scale)))
probe = [float(line) for line in open(sys.argv[3]) if line.strip()]
print("machine speed probe before each run (bench/cpu-drift.sh, fixed loop): "
      + ", ".join(f"{p:.3f} ms" for p in probe))
_, norm_med, _ = median_cv((arch, float(p50) / scale[run]) for run, arch, p50 in rows)
print(f"median CV with each run divided by its median: {100 * norm_med:.2f}%")
PY
rm -f "$out" "$probe"
