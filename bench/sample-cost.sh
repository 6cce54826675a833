#!/usr/bin/env bash
# Sampling + analytic-cost throughput of a search space (single thread and 2 threads).
# Usage: bench/sample-cost.sh [seconds per run, default 10] [space, default ofa-mbv3]
# Builds spaces/ offline if its jar is missing; run from anywhere inside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=spaces/target/atlas-spaces-0.1.0-SNAPSHOT.jar
[[ -f $jar ]] || mvn -q -pl spaces -am package -DskipTests
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -pl spaces dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
exec java -cp "$jar:$(cat "$cp_file")" org.subnetatlas.spaces.bench.SampleCostBenchmark "$@"
