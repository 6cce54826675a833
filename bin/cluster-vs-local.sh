#!/usr/bin/env bash
# The nightly build for one date on the local standalone cluster (shaded jar, spark-submit,
# executors in their own JVMs) and in local mode (./atlas, one JVM), with the same small settings
# (bin/small-budget.properties); then the row counts of every table, side by side. Exit 0 when
# they are equal.
#
#   bin/local-cluster.sh start && bin/cluster-vs-local.sh [DATE] [WORKDIR]
set -euo pipefail
ATLAS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATE="${1:-2026-11-30}"
WORK="$(mkdir -p "${2:-$ATLAS_HOME/target/cluster-vs-local}" && cd "${2:-$ATLAS_HOME/target/cluster-vs-local}" && pwd)"
conf=(); props=()
while IFS= read -r kv; do
  [[ -z "$kv" || "$kv" == \#* ]] && continue
  conf+=(--conf "$kv"); props+=("-D$kv")
done < "$ATLAS_HOME/bin/small-budget.properties"

echo "cluster: nightly $DATE -> $WORK/wh-cluster (log $WORK/cluster.log)" >&2
start=$(date +%s)
"$ATLAS_HOME/bin/local-cluster.sh" submit "${conf[@]}" --profile cluster nightly \
  --warehouse "$WORK/wh-cluster" --date "$DATE" > "$WORK/cluster.log" 2>&1
echo "cluster: done in $(( $(date +%s) - start )) s" >&2

echo "local: nightly $DATE -> $WORK/wh-local (log $WORK/local.log)" >&2
start=$(date +%s)
ATLAS_MASTER='local[2]' ATLAS_DRIVER_MEMORY=4g ATLAS_JAVA_OPTS="${props[*]}" \
  "$ATLAS_HOME/atlas" nightly --warehouse "$WORK/wh-local" --date "$DATE" > "$WORK/local.log" 2>&1
echo "local: done in $(( $(date +%s) - start )) s" >&2

# every table of the catalog, plus the measurement key's distinct count (a duplicate shows there)
tables=$("$ATLAS_HOME/atlas" sql --warehouse "$WORK/wh-local" --format csv "SHOW TABLES IN atlas" 2>/dev/null \
  | tail -n +2 | cut -d, -f2)
query="SELECT 'measurements_distinct_keys' AS t, count(DISTINCT arch_id, supernet_id, split) AS n
  FROM atlas.measurements WHERE build_date = DATE'$DATE'"
for t in $tables; do query+=" UNION ALL SELECT '$t', count(*) FROM atlas.$t"; done
"$ATLAS_HOME/atlas" sql --warehouse "$WORK/wh-cluster" --format csv "$query" 2>/dev/null > "$WORK/cluster-counts.csv"
"$ATLAS_HOME/atlas" sql --warehouse "$WORK/wh-local" --format csv "$query" 2>/dev/null > "$WORK/local-counts.csv"
paste -d, "$WORK/cluster-counts.csv" "$WORK/local-counts.csv" | awk -F, '
  NR == 1 { printf "%-28s %8s %8s\n", "table", "cluster", "local"; next }
  { printf "%-28s %8s %8s%s\n", $1, $2, $4, ($2 == $4 ? "" : "   DIFFERENT"); if ($2 != $4) bad = 1 }
  END { exit bad }'
