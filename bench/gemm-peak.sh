#!/usr/bin/env bash
# Figure 5: FP32 GEMM peak through DJL/PyTorch on this machine, and the fraction of it the largest
# mbv3-tiny sub-network's evaluation (BN recalibration + held-out scoring) reaches.
# Usage: bench/gemm-peak.sh [seconds per GEMM size, default 3] [evaluations per thread, default 10]
source "$(dirname "$0")/lib.sh"
machine
bench_java org.subnetatlas.bench.GemmPeak --data "$ATLAS_HOME/data/fashion-mnist" --seconds "${1:-3}" --evals "${2:-10}"
