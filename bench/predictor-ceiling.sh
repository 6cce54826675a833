#!/usr/bin/env bash
# How high can a top-1 predictor's held-out Kendall τ go when the labels it is scored against are
# themselves estimates? Each inherited-weight top-1 is a binomial estimate over n_images held-out
# images, so it carries sampling noise of variance p(1-p)/n. With the spread of top-1 over the
# night's sub-networks, var(true) = var(measured) - mean(noise variance), and even a perfect
# predictor of the true top-1 correlates with the measured one at most at
# rho = sqrt(var(true) / var(measured)); for jointly normal figures tau = (2/pi) asin(rho).
# Prints that ceiling next to the best τ train-predictor recorded, and the held-out images
# per sub-network that a ceiling of 0.9 or 0.95 would need at the same spread. The model treats
# each sub-network's sampling error as independent; sub-networks that share supernet weights err
# on the same images, so the real ceiling is higher: bench/label-reliability.sh measures it.
# Usage: bench/predictor-ceiling.sh  (env WAREHOUSE, default target/bench/demo-warehouse; DATE,
# default today; SPACE, default mbv3-tiny)
set -euo pipefail
cd "$(dirname "$0")/.."
WAREHOUSE=${WAREHOUSE:-target/bench/demo-warehouse}
DATE=${DATE:-$(date +%F)}
SPACE=${SPACE:-mbv3-tiny}
stats=$(./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT count(*), var_samp(t), avg(t * (1 - t) / n), avg(n) FROM (
     SELECT m.arch_id, avg(m.top1) AS t, min(m.n_images) AS n
     FROM atlas.measurements m JOIN atlas.architectures a ON a.arch_id = m.arch_id
     WHERE m.build_date = DATE'$DATE' AND m.split = 'valid' AND m.top1 IS NOT NULL
       AND a.space = '$SPACE' GROUP BY m.arch_id)" \
  | tail -n +2)
best=$(./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT model, feature_set, n_train, n_selection, n_test, round(selection_kendall_tau, 3),
     round(kendall_tau, 3), is_best FROM atlas.predictors
   WHERE build_date = DATE'$DATE' AND space = '$SPACE' AND target = 'top1'
   ORDER BY selection_kendall_tau DESC" | tail -n +2)
python3 - "$stats" "$best" <<'PY'
import math, sys
count, var_m, noise, n = (float(x) for x in sys.argv[1].split(","))
var_t = max(var_m - noise, 0.0)
rho = math.sqrt(var_t / var_m)
tau = 2 / math.pi * math.asin(rho)
print(f"sub-networks: {count:.0f}, held-out images each: {n:.0f}")
print(f"top-1 SD across sub-networks: {100 * math.sqrt(var_m):.2f} points; "
      f"sampling SE of one top-1: {100 * math.sqrt(noise):.2f} points")
print(f"ceiling of held-out Kendall tau for a perfect predictor, independent errors: {tau:.3f} (rho {rho:.3f})")
for goal in (0.9, 0.95):
    r = math.sin(goal * math.pi / 2)
    # noise variance allowed at this spread, scaled from the present n (noise ~ 1/n)
    allowed = var_t * (1 / r ** 2 - 1)
    print(f"held-out images per sub-network for a ceiling of {goal}: {n * noise / allowed:,.0f}")
print("recorded top-1 predictors, best on selection first (model, features, n_train, "
      "n_selection, n_test, selection tau, test tau, is_best):")
for line in sys.argv[2].splitlines():
    print("  " + line)
PY
