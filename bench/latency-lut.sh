#!/usr/bin/env bash
# Latency lookup table accuracy: measure N sub-networks directly, build atlas.latency_lut from
# measured blocks (atlas measure --lut), predict each sub-network's batch-1 p50 as the sum of its
# blocks plus the fitted per-forward overhead; prints the fraction of held-out sub-networks
# predicted within ±10% of the direct measurement. Goal (issue 3): >= 95% of 200.
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
grep -o "lut: .*" "$log" | tail -1
./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT count(*) AS subnets,
          round(100 * avg(CASE WHEN abs(lut_predicted_p50_ms - latency_p50_ms) <= 0.1 * latency_p50_ms
                      THEN 1 ELSE 0 END), 1) AS pct_within_10,
          round(percentile(abs(lut_predicted_p50_ms - latency_p50_ms) / latency_p50_ms, 0.5) * 100, 2)
            AS median_abs_err_pct
   FROM atlas.measurements
   WHERE build_date = DATE'$DATE' AND lut_predicted_p50_ms IS NOT NULL"
rm -f "$log"
