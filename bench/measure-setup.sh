#!/usr/bin/env bash
# Shared by the latency benchmarks: a warehouse with N evaluated mbv3-tiny sub-networks for one
# date. A tiny supernet is trained (latency does not depend on how well it was trained).
# Sourced, not run: sets WAREHOUSE and DATE (reuses $WAREHOUSE when it already holds N evaluated
# sub-networks for $DATE).
n_subnets=${1:?number of sub-networks}
DATE=${DATE:-2026-11-30}
if [[ -z "${WAREHOUSE:-}" ]]; then
  WAREHOUSE=$(mktemp -d "${TMPDIR:-/tmp}/atlas-bench-XXXXXX")
  trap 'rm -rf "$WAREHOUSE"' EXIT
fi
have=$(./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT count(*) FROM atlas.measurements WHERE build_date = DATE'$DATE' AND top1 IS NOT NULL" \
  2>/dev/null | tail -1 || echo 0)
if [[ "${have:-0}" -lt "$n_subnets" ]]; then
  echo "bench: preparing $n_subnets evaluated sub-networks in $WAREHOUSE" >&2
  ./atlas sample --warehouse "$WAREHOUSE" --date "$DATE" --count "$n_subnets" --seed 5 >&2
  ./atlas train-supernet --warehouse "$WAREHOUSE" --date "$DATE" --epochs 1,1,0,1 \
    --max-train-images 768 >&2
  ./atlas evaluate --warehouse "$WAREHOUSE" --date "$DATE" --eval-images 300 \
    --recalibration-images 128 >&2
fi
