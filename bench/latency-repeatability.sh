#!/usr/bin/env bash
# Latency repeatability: the same sub-networks measured in R separate processes (atlas measure
# --force, one JVM each), then the coefficient of variation of each sub-network's batch-1 p50
# across the runs, and of its latency_rel (timed against the fixed reference network in the same
# rounds); prints both median CVs and the Spearman rank correlation between runs for both, side by
# side. Goal: median CV <= 3% for 50 sub-networks, 3 runs.
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
    "SELECT arch_id, latency_p50_ms, latency_rel FROM atlas.measurements
     WHERE build_date = DATE'$DATE' AND latency_p50_ms IS NOT NULL AND latency_rel IS NOT NULL
     ORDER BY arch_id LIMIT $n" \
    | tail -n +2 | sed "s/^/$run,/" >> "$out"
done
python3 - "$out" "$runs" "$probe" <<'PY'
import collections, itertools, statistics, sys
rows = [line.strip().split(",") for line in open(sys.argv[1])]
runs = int(sys.argv[2])

def median_cv(values):
    by_arch = collections.defaultdict(list)
    for arch, v in values:
        by_arch[arch].append(v)
    cvs = [statistics.stdev(v) / statistics.mean(v) for v in by_arch.values() if len(v) == runs]
    return len(cvs), statistics.median(cvs), max(cvs)

def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1  # ties share their mean rank
        i = j + 1
    return r

def spearman(col):
    # every pair of runs, over the sub-networks both measured
    by_run = collections.defaultdict(dict)
    for row in rows:
        by_run[row[0]][row[1]] = float(row[col])
    out = []
    for a, b in itertools.combinations(sorted(by_run), 2):
        common = sorted(set(by_run[a]) & set(by_run[b]))
        if len(common) > 2:
            out.append(statistics.correlation(ranks([by_run[a][k] for k in common]),
                                              ranks([by_run[b][k] for k in common])))
    return out

n, med, worst = median_cv((arch, float(p50)) for _, arch, p50, _ in rows)
_, rel_med, rel_worst = median_cv((arch, float(rel)) for _, arch, _, rel in rows)
print(f"sub-networks: {n}, runs: {runs}")
print(f"{'':44} {'absolute p50':>14} {'latency_rel':>14}")
print(f"{'median CV over the runs (goal <= 3%)':44} {100 * med:13.2f}% {100 * rel_med:13.2f}%")
print(f"{'max CV':44} {100 * worst:13.2f}% {100 * rel_worst:13.2f}%")
sp_abs, sp_rel = spearman(2), spearman(3)
print(f"{'Spearman between runs (min of run pairs)':44} {min(sp_abs, default=float('nan')):14.3f}"
      f" {min(sp_rel, default=float('nan')):14.3f}")
print(f"{'Spearman between runs (mean of run pairs)':44}"
      f" {statistics.mean(sp_abs) if sp_abs else float('nan'):14.3f}"
      f" {statistics.mean(sp_rel) if sp_rel else float('nan'):14.3f}")
# a whole process running faster or slower (host noise, placement) moves every sub-network alike;
# dividing each run by its own median p50 removes that and leaves the per-sub-network noise
by_run = collections.defaultdict(list)
for run, _, p50, _ in rows:
    by_run[run].append(float(p50))
scale = {run: statistics.median(v) for run, v in by_run.items()}
print("median batch-1 p50 per run: " + ", ".join(f"{scale[r]:.3f} ms" for r in sorted(scale)))
probe = [float(line) for line in open(sys.argv[3]) if line.strip()]
print("machine speed probe before each run (bench/cpu-drift.sh, fixed loop): "
      + ", ".join(f"{p:.3f} ms" for p in probe))
_, norm_med, _ = median_cv((arch, float(p50) / scale[run]) for run, arch, p50, _ in rows)
print(f"median CV of p50 with each run divided by its median: {100 * norm_med:.2f}%")
PY
rm -f "$out" "$probe"
