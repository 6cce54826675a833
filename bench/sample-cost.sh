#!/usr/bin/env bash
# Sampling + analytic-cost throughput of a search space (single thread and 2 threads).
# Usage: bench/sample-cost.sh [seconds per run, default 10] [space, default ofa-mbv3]
source "$(dirname "$0")/lib.sh"
bench_java org.subnetatlas.bench.SampleCostBenchmark "$@"
