#!/bin/bash
# atlas sql output of both demos with time-, run-, path- and timing-derived columns excluded, compared byte for byte.
# usage: WH_DIR=<dir holding wh-before and wh-after2> OUT=<output dir> bench/compare/bytes.sh
cd "$(dirname "$0")/../.."
mkdir -p "${OUT:-target/compare}"
EX=run_id,created_at,computed_at,proxy_ms,first_seen,eval_seconds,measured_at,measure_started_at,measure_ended_at,latency_p50_ms,latency_p90_ms,latency_p99_ms,latency_mean_ms,latency_std_ms,throughput_images_per_s,throughput_mean_ms,throughput_p50_ms,throughput_p90_ms,throughput_std_ms,energy_mj,train_seconds,checkpoint_uri,model_path,predictor_model,started_at,ended_at,args,config_hash,code_version,location,manifest_sha256,files_sha256,predictors.kendall_tau,predictors.rmse,predictors.spearman_rho,predictors.is_best
for side in before after2; do
  rm -rf /tmp/cmp-wh
  ./atlas sql --warehouse /tmp/cmp-wh --format csv "$(python3 bench/compare/query.py $EX ${WH_DIR:-/work}/wh-$side)" > ${OUT:-target/compare}/bytes-$side.csv 2>${OUT:-target/compare}/bytes-$side.err
  echo "rc=$?" >> ${OUT:-target/compare}/bytes-$side.err
  rm -rf /tmp/cmp-wh
  ./atlas sql --warehouse /tmp/cmp-wh --format csv "SELECT to_json(struct(build_date, space, target, model, feature_set, n_train, n_test, kendall_tau, spearman_rho, rmse, features, trained_on, is_best)) AS r FROM delta.\`${WH_DIR:-/work}/wh-$side/atlas.db/predictors\` WHERE target = 'top1' ORDER BY r" > ${OUT:-target/compare}/bytes-pred-$side.csv 2>>${OUT:-target/compare}/bytes-$side.err
  echo "rc=$?" >> ${OUT:-target/compare}/bytes-$side.err
done
cmp ${OUT:-target/compare}/bytes-before.csv ${OUT:-target/compare}/bytes-after2.csv && echo "all tables: identical bytes ($(wc -l < ${OUT:-target/compare}/bytes-after2.csv) lines, sha256 $(sha256sum < ${OUT:-target/compare}/bytes-after2.csv | cut -c1-16))"
cmp ${OUT:-target/compare}/bytes-pred-before.csv ${OUT:-target/compare}/bytes-pred-after2.csv && echo "top-1 predictors: identical bytes ($(wc -l < ${OUT:-target/compare}/bytes-pred-after2.csv) lines)"
