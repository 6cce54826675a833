#!/usr/bin/env bash
# Figure 1: sub-network evaluations per core-second, Atlas (DJL, the evaluator the Spark stage runs)
# vs the same evaluations written as a plain PyTorch loop (Debian python3-torch), same
# architectures, weights, images, batch size and one thread each. Checks both compute the same
# top-1 before printing the ratio.
#
# Usage: bench/eval-throughput.sh [archs, default 40] [checkpoint, default: untrained weights]
source "$(dirname "$0")/lib.sh"
n="${1:-40}"
ckpt="${2:-}"
out="$ATLAS_HOME/target/bench/eval-throughput"
rm -rf "$out" && mkdir -p "$out"
machine
args=(--data "$ATLAS_HOME/data/fashion-mnist" --archs "$n" --threads 1 --export "$out")
[[ -n "$ckpt" ]] && args+=(--checkpoint "$ckpt")
bench_java org.subnetatlas.bench.EvalThroughput "${args[@]}" | tee "$out/atlas.txt"
/usr/bin/python3 "$ATLAS_HOME/bench/pytorch_eval.py" "$out" "$ATLAS_HOME/data/fashion-mnist" 1 | tee "$out/pytorch.txt"
a=$(sed -n 's/.* \([0-9.]*\) per core-second/\1/p' "$out/atlas.txt")
p=$(sed -n 's/.* \([0-9.]*\) per core-second/\1/p' "$out/pytorch.txt")
echo "ratio Atlas / PyTorch (evaluations per core-second): $(awk -v a="$a" -v p="$p" 'BEGIN {printf "%.2f", a / p}') (goal >= 1.5)"
# context: the same evaluator on both cores (two threads, one intra-op thread each)
bench_java org.subnetatlas.bench.EvalThroughput --data "$ATLAS_HOME/data/fashion-mnist" --archs "$n" --threads 2 \
  ${ckpt:+--checkpoint "$ckpt"}
