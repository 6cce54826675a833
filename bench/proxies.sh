#!/usr/bin/env bash
# Zero-cost proxy cost per sub-network (synflow + snip + grad_norm, one intra-op thread).
# Usage: bench/proxies.sh [sub-networks, default 200] [space, default mbv3-tiny]
source "$(dirname "$0")/lib.sh"
cd "$ATLAS_HOME"
bench_java org.subnetatlas.bench.ProxyBenchmark "${1:-200}" "${2:-mbv3-tiny}" data/fashion-mnist
