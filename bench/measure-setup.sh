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
  # the small nightly budget's supernet and evaluation settings; the count is this benchmark's own
  small=()
  while IFS= read -r kv; do
    [[ -z "$kv" || "$kv" == \#* ]] && continue
    small+=("-D$kv")
  done < bin/small-budget.properties
  for stage in sample train-supernet evaluate; do
    ATLAS_JAVA_OPTS="${small[*]} ${ATLAS_JAVA_OPTS:-}" ./atlas "$stage" --warehouse "$WAREHOUSE" \
      --date "$DATE" $([[ $stage == sample ]] && echo --count "$n_subnets") >&2
  done
fi
