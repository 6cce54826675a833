#!/usr/bin/env bash
# How far can a top-1 predictor's held-out Kendall τ go, measured rather than modelled? Evaluates
# the held-out sub-networks of a date again, with the same checkpoint and recalibration subset, on
# B disjoint blocks of N valid images ([0, N) is what `evaluate` stored, [N, 2N) an independent
# sample of the same size), then prints:
#   - τ between two independent image blocks (test-retest agreement of the labels themselves);
#   - the ceiling it implies for a perfect predictor scored against one block: for jointly normal
#     figures ρ(true, block) = sqrt(ρ(block A, block B)), τ = (2/π) asin ρ;
#   - the best recorded predictor (atlas_predict_top1) scored against block 0, block 1 and their
#     mean, next to the τ train-predictor recorded;
#   - the ceiling bench/predictor-ceiling.sh derives from binomial noise, for comparison (that one
#     treats every sub-network's sampling error as independent; sub-networks sharing weights err on
#     the same images, so the measured agreement can be higher).
#   - with RECAL_SEEDS=s1,s2: each block scored again after BN recalibration on other subsets of the
#     same size, and how much the label depends on that draw (blocks may then be 1).
# Usage: bench/label-reliability.sh [images per block, default 1500] [blocks, default 2]
# Env: WAREHOUSE (default target/bench/demo-warehouse), DATE (default today), SPACE (mbv3-tiny),
#      THREADS (2), HELD_OUT_PERCENT (20, as train-predictor's --held-out-percent), RECAL_SEEDS (none). Needs a date on which evaluate and train-predictor ran with the default
#      recalibration subset (500 images).
source "$(dirname "$0")/lib.sh"
cd "$ATLAS_HOME"
images=${1:-1500}
blocks=${2:-2}
WAREHOUSE=${WAREHOUSE:-target/bench/demo-warehouse}
DATE=${DATE:-$(date +%F)}
SPACE=${SPACE:-mbv3-tiny}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
held_out=${HELD_OUT_PERCENT:-20}
# the stages' recalibration subset first (SubnetEvaluator.RECALIBRATION_SEED), then any others
seeds="20240601${RECAL_SEEDS:+,$RECAL_SEEDS}"
ckpt=$(./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT checkpoint_uri FROM atlas.supernets WHERE build_date = DATE'$DATE' AND space = '$SPACE'" \
  | tail -n +2 | head -1)
[[ -n "$ckpt" ]] || { echo "label-reliability: no $SPACE supernet on $DATE in $WAREHOUSE" >&2; exit 2; }
ckpt=${ckpt#file:}
./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT m.arch_id, a.encoding FROM atlas.measurements m JOIN atlas.architectures a ON a.arch_id = m.arch_id
   WHERE m.build_date = DATE'$DATE' AND m.split = 'valid' AND m.top1 IS NOT NULL AND a.space = '$SPACE'
   ORDER BY m.arch_id" | tail -n +2 | python3 -c '
import csv, sys
for arch_id, encoding in csv.reader(sys.stdin):
    print(f"{arch_id},{encoding}")' > "$work/archs.txt"
machine
# LabelReliability keeps the held-out ones (PredictorModels.isHeldOut, the split train-predictor uses)
bench_java org.subnetatlas.bench.LabelReliability --data "$ATLAS_HOME/data/fashion-mnist" \
  --checkpoint "$ckpt" --archs-file "$work/archs.txt" --out "$work/blocks.csv" \
  --images "$images" --blocks "$blocks" --threads "${THREADS:-2}" --held-out-percent "$held_out" \
  --recal-seeds "$seeds"
# stored top-1 and the SQL function's prediction, for the evaluated sub-networks only
ids=$(cut -d, -f1 "$work/blocks.csv" | sed "s/.*/'&'/" | paste -sd,)
./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT m.arch_id, m.top1, atlas_predict_top1(a.space, a.encoding) AS predicted
   FROM atlas.measurements m JOIN atlas.architectures a ON a.arch_id = m.arch_id
   WHERE m.build_date = DATE'$DATE' AND m.split = 'valid' AND m.top1 IS NOT NULL AND m.arch_id IN ($ids)" \
  | tail -n +2 > "$work/held-out.csv"
recorded=$(./atlas sql --warehouse "$WAREHOUSE" --format csv \
  "SELECT model, feature_set, round(kendall_tau, 3) FROM atlas.predictors
   WHERE build_date = DATE'$DATE' AND space = '$SPACE' AND target = 'top1' AND is_best" | tail -n +2)
python3 - "$work/held-out.csv" "$work/blocks.csv" "$images" "$recorded" "$blocks" "$seeds" <<'PY'
import csv, math, statistics, sys
from scipy.stats import kendalltau, pearsonr
held = {r[0]: (float(r[1]), float(r[2])) for r in csv.reader(open(sys.argv[1]))}
rows = {r[0]: [float(x) for x in r[1:]] for r in csv.reader(open(sys.argv[2]))}
n, nblocks, seeds = int(sys.argv[3]), int(sys.argv[5]), sys.argv[6].split(",")
ids = sorted(rows)
stored = [held[i][0] for i in ids]
pred = [held[i][1] for i in ids]
cols = list(zip(*(rows[i] for i in ids)))  # recalibration seed-major, then image block
col = lambda s, blk: cols[s * nblocks + blk]
b = [col(0, blk) for blk in range(nblocks)]  # the stages' recalibration subset
same = max(abs(s - x) for s, x in zip(stored, b[0]))
print(f"held-out sub-networks: {len(ids)}; {nblocks} disjoint blocks of {n} valid images; "
      f"recalibration subsets (seeds): {', '.join(seeds)}")
print(f"largest difference between the stored top-1 and block 0: {same:.6f} (0 = same evaluation)")
tau = lambda x, y: kendalltau(x, y)[0]
def ceiling(r):
    r = max(r, 0.0)
    return 2 / math.pi * math.asin(math.sqrt(r))
image_r = []
for i in range(len(b)):
    for j in range(i + 1, len(b)):
        r = pearsonr(b[i], b[j])[0]
        image_r.append(r)
        print(f"block {i} vs block {j}: Kendall tau {tau(b[i], b[j]):.3f}, Pearson r {r:.3f}"
              f" -> ceiling for a perfect predictor scored on one block: tau {ceiling(r):.3f}")
recal_r = []
for s in range(1, len(seeds)):
    for blk in range(nblocks):
        r = pearsonr(b[blk], col(s, blk))[0]
        recal_r.append(r)
        print(f"block {blk}, recalibration subset {seeds[0]} vs {seeds[s]}: Kendall tau "
              f"{tau(b[blk], col(s, blk)):.3f}, Pearson r {r:.3f}")
if image_r and recal_r:
    both = statistics.mean(image_r) * statistics.mean(recal_r)
    print(f"images and recalibration subset both drawn again: r {both:.3f} -> ceiling tau {ceiling(both):.3f}")
if nblocks >= 2:
    var = statistics.mean(statistics.variance(x) for x in b)
    noise = statistics.mean(t * (1 - t) / n for x in b for t in x)
    print(f"binomial model (independent errors): ceiling tau {ceiling(1 - noise / var):.3f}")
    mean = [statistics.mean(x) for x in zip(*b)]
    for name, y in [("block 0 (the stored labels)", b[0]), ("block 1", b[1]),
                    (f"mean of {len(b)} blocks", mean)]:
        print(f"best predictor vs {name}: Kendall tau {tau(pred, y):.3f}")
else:
    print(f"best predictor vs block 0 (the stored labels): Kendall tau {tau(pred, b[0]):.3f}")
for s in range(1, len(seeds)):
    print(f"best predictor vs block 0 with recalibration subset {seeds[s]}: Kendall tau "
          f"{tau(pred, col(s, 0)):.3f}")
print("recorded best top-1 predictor (model, features, tau): " + sys.argv[4].strip())
PY
