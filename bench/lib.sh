# Shared by the bench/*.sh commands: builds the bench module (and what it needs) when missing or
# stale, and runs one of its classes with the DJL flags the pipeline uses.
set -euo pipefail
ATLAS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ATLAS_HOME/target/djl-cache}"
BENCH_CP_FILE="$ATLAS_HOME/bench/target/classpath.txt"

bench_build() {
  local jar="$ATLAS_HOME/bench/target/atlas-bench-0.1.0-SNAPSHOT.jar"
  if [[ ! -f "$jar" || ! -f "$BENCH_CP_FILE" || -n "$(find "$ATLAS_HOME"/*/src/main "$ATLAS_HOME"/*/pom.xml \
        -newer "$jar" -type f -print -quit)" ]]; then
    echo "bench: building the bench module..." >&2
    (cd "$ATLAS_HOME" && mvn -q -B -Dstyle.color=never -pl bench -am package -DskipTests \
       dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=compile) >&2
  fi
}

bench_java() {  # bench_java CLASS ARGS...
  bench_build
  local cp
  cp="$ATLAS_HOME/bench/target/classes:$(tr ':' '\n' < "$BENCH_CP_FILE" \
      | sed -E "s#^.*/atlas-([a-z]+)(-[^/]+)?\.jar\$#$ATLAS_HOME/\1/target/classes#" | paste -sd:)"
  java -Xmx6g -Dai.djl.offline=true "-DDJL_CACHE_DIR=$DJL_CACHE_DIR" \
    "-Dlog4j2.configurationFile=$ATLAS_HOME/conf/log4j2.properties" -cp "$cp" "$@"
}

machine() {
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)," \
    "$(java -version 2>&1 | head -1)"
}
