#!/usr/bin/env bash
# The machine's own speed over time: the same fixed busy loop (pure Python, one thread, no memory
# traffic, no allocation) timed in blocks a couple of seconds apart. On a machine whose CPU speed
# is steady, every block's median is the same within ~1%; the spread this prints is the floor
# under any latency repeatability figure measured on this machine.
# Usage: bench/cpu-drift.sh [blocks, default 10] [pause seconds between blocks, default 2]
set -euo pipefail
python3 - "${1:-10}" "${2:-2}" <<'PY'
import statistics, sys, time

blocks, pause = int(sys.argv[1]), float(sys.argv[2])

def work():
    s = 0
    for i in range(20000):
        s += i * i
    return s

medians, ratio = [], []
for b in range(blocks):
    wall, cpu = [], []
    for _ in range(200):
        t0, c0 = time.perf_counter(), time.thread_time()
        work()
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
    medians.append(1e3 * statistics.median(wall))
    ratio.append(sum(wall) / sum(cpu))
    print(f"block {b + 1}: median {medians[-1]:.3f} ms, wall/thread-CPU {ratio[-1]:.3f}")
    time.sleep(pause)
cv = statistics.stdev(medians) / statistics.mean(medians)
print(f"blocks: {blocks}, median of block medians {statistics.median(medians):.3f} ms, "
      f"min {min(medians):.3f}, max {max(medians):.3f} ({100 * (max(medians) / min(medians) - 1):.1f}% apart)")
print(f"CV of block medians: {100 * cv:.2f}%")
print("wall/thread-CPU near 1.000 in every block: the thread was not preempted inside the guest, "
      "so any spread is the virtual CPU itself running slower or faster")
PY
