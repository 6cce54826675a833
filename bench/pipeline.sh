#!/usr/bin/env bash
# Figures 2 and 3: the evaluate stage through Spark vs the same evaluations in a bare DJL loop in
# one JVM (same architectures, checkpoint, images, 2 threads x 1 intra-op thread), and scaling of
# the Spark stage from local[1] to local[2]. Uses its own warehouse under target/bench/; the
# supernet is trained briefly (its accuracy does not change the cost of an evaluation).
#
# Usage: bench/pipeline.sh [evaluations, default 2000] [recalibration images, default 200]
#                          [held-out images, default 300]
source "$(dirname "$0")/lib.sh"
n="${1:-2000}"; recal="${2:-200}"; held="${3:-300}"
wh="$ATLAS_HOME/target/bench/pipeline-warehouse"; out="$ATLAS_HOME/target/bench/pipeline"
date=2000-01-01
rm -rf "$wh" "$out" && mkdir -p "$out"
machine
export ATLAS_JAVA_OPTS="-Dspark.atlas.sample.count=$n -Dspark.atlas.train.epochs=1,0,0,0 \
 -Dspark.atlas.train.max-images=1024 -Dspark.atlas.eval.recalibration-images=$recal \
 -Dspark.atlas.eval.images=$held -Dspark.atlas.eval.threads=1"
atlas() { "$ATLAS_HOME/atlas" "$@" --warehouse "$wh"; }
secs() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>"$out/last.log" || { cat "$out/last.log" >&2; exit 1; }; \
  awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'; }
atlas sample --date "$date" 2>/dev/null
atlas train-supernet --date "$date" 2>/dev/null
spark2=$(ATLAS_MASTER='local[2]' secs atlas evaluate --date "$date")
echo "spark local[2]: $n draws, whole process $spark2 s"
grep "evaluate:" "$out/last.log" | tail -2 | cut -c1-200
spark1=$(ATLAS_MASTER='local[1]' secs atlas evaluate --date "$date" --force)
echo "spark local[1]: $n draws, whole process $spark1 s"

atlas sql --format json "SELECT a.encoding FROM atlas.samples s JOIN atlas.architectures a USING (arch_id) \
  WHERE s.build_date = DATE'$date'" 2>/dev/null \
  | /usr/bin/python3 -c 'import sys, json; [print(json.loads(l)["encoding"]) for l in sys.stdin if l.strip()]' \
  > "$out/archs.jsonl"
ckpt=$(atlas sql --format csv "SELECT checkpoint_uri FROM atlas.supernets WHERE build_date = DATE'$date'" 2>/dev/null \
  | tail -1 | sed 's#^file:##')
start=$(date +%s.%N)
bench_java org.subnetatlas.bench.EvalThroughput --data "$ATLAS_HOME/data/fashion-mnist" --archs-file "$out/archs.jsonl" \
  --checkpoint "$ckpt" --threads 2 --warmup 0 --recal "$recal" --eval "$held" --batch 500 | tee "$out/loop.txt"
loop=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
echo "bare DJL loop: $(wc -l < "$out/archs.jsonl") evaluations, whole process $loop s"
awk -v s="$spark2" -v l="$loop" 'BEGIN {printf "ratio Spark / bare loop (whole process): %.3f (goal <= 1.10)\n", s / l}'
awk -v a="$spark1" -v b="$spark2" 'BEGIN {printf "scaling local[1] -> local[2]: %.2fx (goal >= 1.8x)\n", a / b}'
