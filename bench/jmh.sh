#!/usr/bin/env bash
# Figure 4 (JMH): architectures sampled + costed per second, 1 and 2 threads, per built-in space.
# Usage: bench/jmh.sh [extra JMH options, e.g. -wi 1 -i 2]
source "$(dirname "$0")/lib.sh"
machine
for t in 1 2; do
  bench_java org.openjdk.jmh.Main 'org.subnetatlas.bench.SampleCostJmh' -f 1 -wi 2 -w 2s -i 3 -r 3s -t "$t" \
    -rf text -rff "$ATLAS_HOME/target/bench/jmh-t$t.txt" "$@" 2>&1 | grep -E "^(Benchmark|SampleCostJmh)"
done
echo "per minute = ops/s x 60 x threads' total (JMH reports the sum over threads); goal >= 1,000,000/min on 2 cores"
