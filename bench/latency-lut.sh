#!/usr/bin/env bash
# Latency lookup table accuracy: measure N sub-networks directly, build atlas.latency_lut from
# measured blocks (atlas measure --lut), predict each sub-network's batch-1 p50 as the sum of its
# blocks plus the fitted per-forward overhead, and its latency_rel the same way from the blocks'
# figures relative to the reference network; prints, for both, the fraction of held-out
# sub-networks predicted within ±10% of the direct measurement (log lines) and the same over all
# rows with a prediction (SQL). Goal: >= 95% of 200.
# Usage: bench/latency-lut.sh [sub-networks, default 200]
# Env: WAREHOUSE (reuse one with evaluated sub-networks), DATE (default 2026-11-30).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
source bench/measure-setup.sh "$n"
log=$(mktemp)
./atlas measure --warehouse "$WAREHOUSE" --date "$DATE" --force --max-subnets "$n" --lut 2> "$log" \
  || { cat "$log" >&2; exit 1; }
grep -E "measure:|lut:" "$log" >&2 || true
grep -o "lut: .*" "$log" | tail -2
./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT count(*) AS subnets,
          round(100 * avg(CASE WHEN abs(lut_predicted_p50_ms - latency_p50_ms) <= 0.1 * latency_p50_ms
                      THEN 1 ELSE 0 END), 1) AS abs_pct_within_10,
          round(100 * avg(CASE WHEN abs(lut_predicted_rel - latency_rel) <= 0.1 * latency_rel
                      THEN 1 ELSE 0 END), 1) AS rel_pct_within_10,
          round(percentile(abs(lut_predicted_p50_ms - latency_p50_ms) / latency_p50_ms, 0.5) * 100, 2)
            AS abs_median_err_pct,
          round(percentile(abs(lut_predicted_rel - latency_rel) / latency_rel, 0.5) * 100, 2)
            AS rel_median_err_pct
   FROM atlas.measurements
   WHERE build_date = DATE'$DATE' AND lut_predicted_p50_ms IS NOT NULL
     AND lut_predicted_rel IS NOT NULL AND latency_rel IS NOT NULL"
rm -f "$log"
