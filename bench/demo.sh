#!/usr/bin/env bash
# Figure 6: full `./atlas demo` wall time and peak memory (largest resident set of any process it
# ran, from getrusage of the waited-for children), on a fresh warehouse under target/bench/.
# Usage: bench/demo.sh [extra atlas options]
source "$(dirname "$0")/lib.sh"
wh="$ATLAS_HOME/target/bench/demo-warehouse"
rm -rf "$wh"
machine
/usr/bin/python3 - "$ATLAS_HOME/atlas" demo --warehouse "$wh" "$@" <<'PY'
import resource, subprocess, sys, time
start = time.time()
rc = subprocess.call(sys.argv[1:])
wall = time.time() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
print(f"demo: exit {rc}, wall {wall / 60:.0f} min {wall % 60:.0f} s, peak resident memory {peak:.2f} GiB")
sys.exit(rc)
PY
