#!/usr/bin/env bash
# Fault test on the local standalone cluster: kill -9 an executor JVM while `evaluate` runs.
# Expected: the driver reruns the lost tasks on the other executor and on the replacement the
# worker starts, the job finishes (exit 0), and atlas.measurements holds every sampled
# sub-network of the date exactly once.
#
#   bin/local-cluster.sh start && bin/fault-kill-executor.sh [DATE] [WORKDIR]
set -euo pipefail
ATLAS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATE="${1:-2026-11-26}"
WORK="${2:-$ATLAS_HOME/target/fault-kill-executor}"
mkdir -p "$WORK" && WORK="$(cd "$WORK" && pwd)"
WH="$WORK/warehouse"
CLUSTER="$ATLAS_HOME/bin/local-cluster.sh"
SMALL=(--conf spark.atlas.sample.count=24 --conf spark.atlas.sample.seed=7
  --conf spark.atlas.train.epochs=1,0,0,0 --conf spark.atlas.train.max-images=512
  --conf spark.atlas.eval.images=300 --conf spark.atlas.eval.recalibration-images=128
  --conf spark.atlas.eval.partitions=8)

"$CLUSTER" status > /dev/null || { echo "fault: start the cluster first: $CLUSTER start" >&2; exit 2; }
for stage in sample train-supernet; do
  echo "fault: $stage $DATE" >&2
  "$CLUSTER" submit "${SMALL[@]}" --profile cluster "$stage" --warehouse "$WH" --date "$DATE" \
    > "$WORK/$stage.log" 2>&1
done

echo "fault: evaluate $DATE in the background" >&2
"$CLUSTER" submit "${SMALL[@]}" --profile cluster evaluate --warehouse "$WH" --date "$DATE" \
  > "$WORK/evaluate.log" 2>&1 &
driver=$!

# wait until sub-networks are being evaluated (at least one done), then kill one executor
victim=""
for _ in $(seq 1 600); do
  if grep -q "progress: evaluate: [1-9]" "$WORK/evaluate.log" 2>/dev/null; then
    victim="$("$CLUSTER" status | awk '/^executor running/ {print $4; exit}')"
    break
  fi
  kill -0 "$driver" 2>/dev/null || break
  sleep 1
done
if [[ -z "$victim" ]]; then
  echo "fault: evaluate never reached a running state; see $WORK/evaluate.log" >&2
  wait "$driver" || true
  exit 1
fi
echo "fault: kill -9 executor pid $victim at $(date -u +%T)" >&2
kill -9 "$victim"

rc=0; wait "$driver" || rc=$?
echo "fault: evaluate exited $rc" >&2
lost="$(grep -c -E 'Lost executor|ExecutorLostFailure|Removing executor' "$WORK/evaluate.log" || true)"

query="SELECT (SELECT count(*) FROM atlas.samples WHERE build_date = DATE'$DATE') AS sampled,
  (SELECT count(*) FROM atlas.measurements WHERE build_date = DATE'$DATE') AS measured,
  (SELECT count(DISTINCT arch_id, supernet_id, split, device_id) FROM atlas.measurements
     WHERE build_date = DATE'$DATE') AS distinct_keys"
"$ATLAS_HOME/atlas" sql --warehouse "$WH" --format csv "$query" 2>/dev/null | tee "$WORK/counts.csv"
IFS=, read -r sampled measured distinct < <(tail -n 1 "$WORK/counts.csv")
echo "fault: executor killed: $victim; driver log lines about the lost executor: $lost" >&2
echo "fault: sampled $sampled, measured $measured, distinct keys $distinct" >&2
[[ "$rc" -eq 0 && "$sampled" -gt 0 && "$measured" -eq "$sampled" && "$distinct" -eq "$sampled" ]]
