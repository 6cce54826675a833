package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.LatencyLut;
import org.subnetatlas.schemas.Tables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.udfs.measurement.BlockKey;
import org.subnetatlas.udfs.measurement.MbTiming;
import org.subnetatlas.udfs.measurement.MeasureSettings;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.LatencyLutBuild;
import org.subnetatlas.udfs.spark.SubnetMeasurement;

/**
 * {@code measure --lut}: times every block of the space (stem, MBConv variants, head) with the
 * batch-1 protocol, stores them in {@code atlas.latency_lut}, predicts each directly measured
 * sub-network's batch-1 p50 as the sum of its blocks' p50 plus a constant per-forward overhead,
 * and scores the predictions. The overhead is fitted (median residual) on the first
 * {@code lut.calibration-subnets} sub-networks by arch_id and the score is over the others.
 */
final class LatencyLutStage {

  private static final Logger LOG = LoggerFactory.getLogger(LatencyLutStage.class);

  private LatencyLutStage() {}

  static void build(SparkSession spark, AtlasConfig config, MeasureSettings settings,
      String spaceName, LocalDate buildDate, RunRecorder run) {
    MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
    Date date = Date.valueOf(buildDate);
    List<Row> direct = spark.table(Measurements.TABLE.qualifiedName())
        .where(col(Measurements.BUILD_DATE).equalTo(lit(date))
            .and(col(Measurements.LATENCY_P50_MS).isNotNull())
            .and(col(Measurements.LATENCY_BATCH_SIZE).equalTo(settings.latency().batchSize())))
        .join(spark.table(Architectures.TABLE.qualifiedName())
            .where(col(Architectures.SPACE).equalTo(spaceName)), Architectures.ARCH_ID)
        .select(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
            Measurements.SPLIT, Measurements.DEVICE_ID, Architectures.ENCODING,
            Measurements.LATENCY_P50_MS)
        .orderBy(Measurements.ARCH_ID)
        .collectAsList();
    if (direct.isEmpty()) {
      throw new BadInputException("measure --lut: no directly measured sub-networks of " + spaceName
          + " for " + buildDate + " to score the lookup table against");
    }
    String supernetId = direct.get(0).getString(1);
    String checkpoint = spark.table(Supernets.TABLE.qualifiedName())
        .where(col(Supernets.SUPERNET_ID).equalTo(supernetId))
        .select(Supernets.CHECKPOINT_URI).head().getString(0);

    StructType in = new StructType().add(SubnetMeasurement.CHECKPOINT_URI,
        org.apache.spark.sql.types.DataTypes.StringType, false);
    List<Row> blocks = spark.createDataFrame(List.of(RowFactory.create(checkpoint)), in)
        .repartition(1)
        .mapPartitions(new LatencyLutBuild(spaceName, settings.latency(), settings.device(),
            run.runId(), date), Encoders.row(LatencyLutBuild.RESULT_SCHEMA))
        .collectAsList();
    Dataset<Row> lut = spark.createDataFrame(blocks, LatencyLutBuild.RESULT_SCHEMA);
    run.count("devices_inserted", Devices.upsert(spark, lut));
    String deviceId = blocks.get(0).getString(blocks.get(0).fieldIndex(LatencyLut.DEVICE_ID));
    Map<String, Double> p50 = new HashMap<>();
    for (Row r : blocks) {
      p50.put(r.getString(r.fieldIndex(LatencyLut.LUT_KEY)),
          r.getDouble(r.fieldIndex(LatencyLut.P50_MS)));
    }

    // only sub-networks timed on the device the table was built on are comparable
    List<Row> comparable = direct.stream().filter(r -> r.getString(4).equals(deviceId)).toList();
    double[] sums = comparable.stream()
        .mapToDouble(r -> blockSum(space, p50, r.getString(5))).toArray();
    // 0 (default): a tenth of the sub-networks, at least 5, fit the overhead; the rest are scored
    int configured = config.getInt(MeasureJob.LUT_CALIBRATION, 0, 0, 100_000);
    int calibration = Math.min(comparable.size(),
        configured > 0 ? configured : Math.max(5, (comparable.size() + 9) / 10));
    double[] residual = new double[calibration];
    for (int i = 0; i < calibration; i++) {
      residual[i] = comparable.get(i).getDouble(6) - sums[i];
    }
    double overhead = median(residual);
    int scored = 0;
    int within = 0;
    List<Row> predicted = new ArrayList<>();
    for (int i = 0; i < comparable.size(); i++) {
      Row r = comparable.get(i);
      double prediction = sums[i] + overhead;
      predicted.add(RowFactory.create(r.getString(0), r.getString(1), r.getString(2),
          r.getString(3), r.getString(4), date, prediction));
      if (i >= calibration) {
        scored++;
        within += Math.abs(prediction - r.getDouble(6)) <= 0.10 * r.getDouble(6) ? 1 : 0;
      }
    }
    double mean = Arrays.stream(residual).average().orElse(0);
    double var = Arrays.stream(residual).map(v -> (v - mean) * (v - mean)).sum()
        / Math.max(1, residual.length - 1);
    List<Row> lutRows = new ArrayList<>(blocks.stream().map(r -> dropDevice(r)).toList());
    lutRows.add(RowFactory.create(space.name(), space.version(), LatencyLut.OVERHEAD_KEY,
        settings.latency().batchSize(), deviceId, date, calibration, mean, var, overhead,
        settings.latency().warmup(), settings.latency().intraOpThreads(), run.runId()));
    StructType lutSchema = LatencyLut.TABLE.schema();
    Map<String, Long> merged = DeltaWrites.merge(spark, LatencyLut.TABLE,
        spark.createDataFrame(lutRows, lutSchema), DeltaWrites.OnMatch.UPDATE);
    run.count("lut_blocks", blocks.size());
    run.count("lut_inserted", merged.get("numTargetRowsInserted"));
    run.count("lut_updated", merged.get("numTargetRowsUpdated"));

    StructType predSchema = new StructType()
        .add(Measurements.ARCH_ID, org.apache.spark.sql.types.DataTypes.StringType)
        .add(Measurements.SUPERNET_ID, org.apache.spark.sql.types.DataTypes.StringType)
        .add(Measurements.DATASET, org.apache.spark.sql.types.DataTypes.StringType)
        .add(Measurements.SPLIT, org.apache.spark.sql.types.DataTypes.StringType)
        .add(Measurements.DEVICE_ID, org.apache.spark.sql.types.DataTypes.StringType)
        .add(Measurements.BUILD_DATE, org.apache.spark.sql.types.DataTypes.DateType)
        .add(Measurements.LUT_PREDICTED_P50_MS, org.apache.spark.sql.types.DataTypes.DoubleType);
    if (!predicted.isEmpty()) {
      DeltaWrites.mergeColumns(spark, Measurements.TABLE,
          spark.createDataFrame(predicted, predSchema)
              .withColumn(Measurements.RUN_ID, lit(run.runId()))
              .withColumn(Measurements.MEASURED_AT, org.apache.spark.sql.functions.current_timestamp()),
          List.of(Measurements.LUT_PREDICTED_P50_MS));
    }
    run.count("lut_scored", scored);
    run.count("lut_within_10pct", within);
    LOG.info("lut: {} blocks, overhead {} ms (median residual of {} calibration sub-networks); "
            + "{} of {} held-out sub-networks within ±10% of the direct p50 ({})",
        blocks.size(), MeasureJob.fmt(overhead), calibration, within, scored,
        scored == 0 ? "n/a" : String.format("%.1f%%", 100.0 * within / scored));
  }

  private static Row dropDevice(Row r) {
    Object[] v = new Object[r.size() - 1];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.get(i);
    }
    return RowFactory.create(v);
  }

  /** Σ (block p50 − harness p50) over the blocks of the sub-network. */
  static double blockSum(MbConvSpace space, Map<String, Double> p50, String encoding) {
    MbArch arch = space.parse(encoding);
    double harness = p50.getOrDefault(LatencyLut.HARNESS_KEY, 0.0);
    double sum = 0;
    for (BlockKey k : MbTiming.blocksOf(space.spec(), arch)) {
      Double v = p50.get(k.id());
      if (v == null) {
        throw new IllegalStateException("lookup table has no block " + k.id());
      }
      sum += v - harness;
    }
    return sum;
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return 0;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
