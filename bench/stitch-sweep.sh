#!/usr/bin/env bash
# The stitch sweep on a throwaway warehouse: runs `atlas train-stitches` (the local profile's
# recipe unless options are given, e.g. --anchor-epochs 2), then prints every configuration's
# top-1 and MACs and the must-show figures of docs/stitched-families.md:
#   - the anchors' top-1 (worst, best) and how many stitched configurations fall outside
#     [worst - 2 points, best + 1 point]
#   - how many stitched configurations lie on the accuracy/MACs Pareto front strictly between
#     the smallest and the largest anchor's MACs
# Usage: bench/stitch-sweep.sh [train-stitches options]   (wall time of the stage on stderr)
# With WAREHOUSE (and DATE) set, nothing is trained: the figures are read from that warehouse's
# stitch sweep, e.g. the one `./atlas demo` wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n "${WAREHOUSE:-}" ]]; then
  warehouse=$WAREHOUSE
  date=${DATE:-$(date +%F)}
else
  warehouse=$(mktemp -d "${TMPDIR:-/tmp}/atlas-stitch-sweep.XXXXXX")
  trap 'rm -rf "$warehouse"' EXIT
  date=2026-11-30
  start=$(date +%s)
  ./atlas train-stitches --warehouse "$warehouse" --date "$date" "$@"
  echo "stitch-sweep: train-stitches took $(( $(date +%s) - start )) s wall (JVM start included)" >&2
fi

rows="SELECT a.encoding, a.macs, a.params, m.top1, a.stitch_front_anchor = a.stitch_back_anchor AS is_anchor
  FROM atlas.measurements m JOIN atlas.architectures a USING (arch_id)
  WHERE a.family = 'stitched' AND m.build_date = DATE'$date'"
./atlas sql --warehouse "$warehouse" --format table "SELECT * FROM ($rows) ORDER BY macs"
./atlas sql --warehouse "$warehouse" --format table "
WITH r AS ($rows),
b AS (SELECT min(top1) AS worst, max(top1) AS best, min(macs) AS lo, max(macs) AS hi FROM r WHERE is_anchor),
f AS (SELECT x.encoding FROM r x LEFT ANTI JOIN r o
  ON o.macs <= x.macs AND o.top1 >= x.top1 AND (o.macs < x.macs OR o.top1 > x.top1)),
p AS (SELECT r.*, f.encoding IS NOT NULL AS on_front FROM r LEFT JOIN f ON r.encoding = f.encoding)
SELECT round(b.worst, 4) AS worst_anchor_top1, round(b.best, 4) AS best_anchor_top1,
  sum(CASE WHEN NOT p.is_anchor THEN 1 ELSE 0 END) AS stitched,
  round(min(CASE WHEN NOT p.is_anchor THEN p.top1 END), 4) AS stitched_min_top1,
  round(max(CASE WHEN NOT p.is_anchor THEN p.top1 END), 4) AS stitched_max_top1,
  sum(CASE WHEN NOT p.is_anchor AND (p.top1 < b.worst - 0.02 OR p.top1 > b.best + 0.01)
      THEN 1 ELSE 0 END) AS stitched_outside_band,
  sum(CASE WHEN NOT p.is_anchor AND p.on_front AND p.macs > b.lo AND p.macs < b.hi
      THEN 1 ELSE 0 END) AS stitched_on_front_between
FROM p CROSS JOIN b GROUP BY b.worst, b.best"
