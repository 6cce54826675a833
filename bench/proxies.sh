#!/usr/bin/env bash
# Zero-cost proxy cost per sub-network (synflow + snip + grad_norm, one intra-op thread).
# Usage: bench/proxies.sh [sub-networks, default 200] [space, default mbv3-tiny]
# Builds udfs/ offline (package, never install); run from anywhere inside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -B -pl udfs -am package -DskipTests
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -o -B -pl udfs dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=compile >/dev/null
cp="udfs/target/classes:spaces/target/classes:schemas/target/classes:$(cat "$cp_file")"
exec java -Dai.djl.offline=true -DDJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}" \
  -cp "$cp" org.subnetatlas.udfs.bench.ProxyBenchmark "${1:-200}" "${2:-mbv3-tiny}" data/fashion-mnist
