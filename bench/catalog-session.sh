#!/usr/bin/env bash
# What the catalog server adds to a command's start: wall time of one `atlas sql` on a small
# warehouse, catalog embedded vs served (cold: no server runs, the command starts one; warm: one
# runs already), alternated so the machine's drift falls on every mode alike.
# Usage: bench/catalog-session.sh [warehouse, default target/bench-catalog] [rounds, default 3]
source "$(dirname "$0")/lib.sh"
W="${1:-$ATLAS_HOME/target/bench-catalog}"
ROUNDS="${2:-3}"
ATLAS="$ATLAS_HOME/atlas"
Q="SELECT count(*) AS n FROM atlas.architectures"
machine
if [[ ! -d "$W/atlas.db" ]]; then
  "$ATLAS" sample --warehouse "$W" --date 2026-11-30 --count 5 --seed 3 >/dev/null
fi
"$ATLAS" metastore stop --force --warehouse "$W" >/dev/null || true

timed_sql() {  # timed_sql LABEL MODE
  local t0 t1
  t0=$(date +%s%N)
  ATLAS_JAVA_OPTS="-Dspark.atlas.metastore.mode=$2" "$ATLAS" sql --warehouse "$W" --format csv "$Q" >/dev/null
  t1=$(date +%s%N)
  echo "$1 $(( (t1 - t0) / 1000000 )) ms (load $(cut -d' ' -f1 /proc/loadavg))"
}

for _ in $(seq "$ROUNDS"); do
  timed_sql embedded embedded
  timed_sql server-cold server
  timed_sql server-warm server
  "$ATLAS" metastore stop --force --warehouse "$W" >/dev/null
done
