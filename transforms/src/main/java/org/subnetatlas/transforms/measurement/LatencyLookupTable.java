package org.subnetatlas.transforms.measurement;

import static org.apache.spark.sql.functions.*;

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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.MeasurementTables.LatencyLut;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.SampleScope;
import org.subnetatlas.transforms.tasks.ExecutorDevices;
import org.subnetatlas.transforms.tasks.StageCounts;
import org.subnetatlas.udfs.measurement.BlockKey;
import org.subnetatlas.udfs.measurement.LatencyProtocol;
import org.subnetatlas.udfs.measurement.MbTiming;
import org.subnetatlas.udfs.measurement.MeasureSettings;
import org.subnetatlas.udfs.measurement.ReferenceNet;
import org.subnetatlas.udfs.spark.LatencyLutBuild;
import org.subnetatlas.udfs.spark.RunStamp;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import org.subnetatlas.udfs.spark.SubnetMeasurement;

/**
 * {@code measure --lut}: times every block of the space (stem, MBConv variants, head) with the
 * batch-1 protocol, each paired round by round with the {@link ReferenceNet}, stores them in
 * {@code atlas.latency_lut}, predicts each directly measured sub-network's batch-1 p50 as the sum
 * of its blocks' p50 plus a constant per-forward overhead, and its {@code latency_rel} the same
 * way from the blocks' relative figures, and scores both predictions. The overhead is fitted (median residual) on the first
 * {@code calibration} sub-networks by arch_id and the score is over the others.
 */
public final class LatencyLookupTable {

  private static final Logger LOG = LoggerFactory.getLogger(LatencyLookupTable.class);

  /** @param calibration sub-networks that fit the overhead (0: a tenth, at least 5) */
  public record Request(String space, MeasureSettings settings, int calibration,
      LocalDate buildDate, String runId) {}

  private static final StructType CHECKPOINT = new StructType()
      .add(SubnetMeasurement.CHECKPOINT_URI, DataTypes.StringType, false);
  private static final StructType PREDICTIONS = new StructType()
      .add(Measurements.ARCH_ID, DataTypes.StringType)
      .add(Measurements.SUPERNET_ID, DataTypes.StringType)
      .add(Measurements.DATASET, DataTypes.StringType)
      .add(Measurements.SPLIT, DataTypes.StringType)
      .add(Measurements.DEVICE_ID, DataTypes.StringType)
      .add(Measurements.BUILD_DATE, DataTypes.DateType)
      .add(Measurements.LUT_PREDICTED_P50_MS, DataTypes.DoubleType)
      .add(Measurements.LUT_PREDICTED_REL, DataTypes.DoubleType);

  private LatencyLookupTable() {}

  /**
   * Whether {@code buildDate} already has the space's table under {@code settings}' batch size
   * and this code's reference network, overhead row included (written last, in the same commit).
   */
  public static boolean built(SparkSession spark, String spaceName, MeasureSettings settings,
      LocalDate buildDate) {
    MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
    return !spark.table(LatencyLut.TABLE.qualifiedName())
        .where(col(LatencyLut.SPACE).equalTo(space.name())
            .and(col(LatencyLut.SPACE_VERSION).equalTo(space.version()))
            .and(col(LatencyLut.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate))))
            .and(col(LatencyLut.BATCH_SIZE).equalTo(settings.latency().batchSize()))
            .and(col(LatencyLut.LATENCY_REFERENCE).equalTo(ReferenceNet.id()))
            .and(col(LatencyLut.LUT_KEY).equalTo(LatencyLut.OVERHEAD_KEY)))
        .isEmpty();
  }

  /** Builds, stores and scores the table; reports counts as each write commits. */
  public static void build(SparkSession spark, Request r, StageCounts counts) {
    MbConvSpace space = (MbConvSpace) Spaces.get(r.space());
    LatencyProtocol protocol = r.settings().latency();
    Date date = Date.valueOf(r.buildDate());
    List<Row> direct = direct(spark, r.space(), protocol.batchSize(), r.buildDate());
    if (direct.isEmpty()) {
      throw new BadInputException("measure --lut: no directly measured sub-networks of "
          + r.space() + " for " + r.buildDate() + " to score the lookup table against");
    }
    String supernetId = direct.get(0).getAs(Measurements.SUPERNET_ID);
    String checkpoint = spark.table(Supernets.TABLE.qualifiedName())
        .where(col(Supernets.SUPERNET_ID).equalTo(supernetId))
        .select(Supernets.CHECKPOINT_URI).head().getString(0);

    List<Row> blocks = spark.createDataFrame(List.of(
            RowBuilder.of(CHECKPOINT).set(SubnetMeasurement.CHECKPOINT_URI, checkpoint).build()),
            CHECKPOINT)
        .repartition(1)
        .mapPartitions(new LatencyLutBuild(r.space(), protocol, r.settings().device(),
            new RunStamp(r.runId(), date)), Encoders.row(LatencyLutBuild.RESULT_SCHEMA))
        .collectAsList();
    Dataset<Row> lut = spark.createDataFrame(blocks, LatencyLutBuild.RESULT_SCHEMA);
    counts.count("devices_inserted", ExecutorDevices.upsert(spark, lut));
    String deviceId = blocks.get(0).getAs(LatencyLut.DEVICE_ID);
    Map<String, Double> p50 = new HashMap<>();
    for (Row b : blocks) {
      p50.put(b.getAs(LatencyLut.LUT_KEY), b.getAs(LatencyLut.P50_MS));
    }

    // only sub-networks timed on the device the table was built on are comparable
    List<Row> comparable = direct.stream()
        .filter(d -> d.<String>getAs(Measurements.DEVICE_ID).equals(deviceId)).toList();
    int calibration = calibrationSize(r.calibration(), comparable.size());
    LutFit abs = LutFit.of(directOf(comparable, Measurements.LATENCY_P50_MS),
        sums(space, p50, comparable), calibration);
    LutFit rel = LutFit.of(directOf(comparable, Measurements.LATENCY_REL),
        sums(space, relOf(blocks), comparable), calibration);
    // the run's reference speed turns a relative prediction back into milliseconds
    double referenceP50 = median(blocks.stream()
        .mapToDouble(b -> b.<Double>getAs(LatencyLut.REFERENCE_P50_MS)).toArray());
    List<Row> predicted = new ArrayList<>();
    int absFromRel = 0;
    for (int i = 0; i < comparable.size(); i++) {
      Row d = comparable.get(i);
      predicted.add(prediction(d, date, abs.predictions()[i], rel.predictions()[i]));
      double p50Ms = d.<Double>getAs(Measurements.LATENCY_P50_MS);
      if (i >= calibration && Math.abs(rel.predictions()[i] * referenceP50 - p50Ms) <= 0.10 * p50Ms) {
        absFromRel++;
      }
    }
    List<Row> lutRows = new ArrayList<>(blocks.stream().map(LatencyLookupTable::lutRow).toList());
    lutRows.add(RowBuilder.of(LatencyLut.TABLE.schema())
        .set(LatencyLut.SPACE, space.name())
        .set(LatencyLut.SPACE_VERSION, space.version())
        .set(LatencyLut.LUT_KEY, LatencyLut.OVERHEAD_KEY)
        .set(LatencyLut.BATCH_SIZE, protocol.batchSize())
        .set(LatencyLut.DEVICE_ID, deviceId)
        .set(LatencyLut.BUILD_DATE, date)
        .set(LatencyLut.COUNT, calibration)
        .set(LatencyLut.MEAN_MS, abs.overheadMean())
        .set(LatencyLut.VARIANCE_MS2, abs.overheadVariance())
        .set(LatencyLut.P50_MS, abs.overhead())
        .set(LatencyLut.WARMUP, protocol.warmup())
        .set(LatencyLut.INTRA_OP_THREADS, protocol.intraOpThreads())
        .set(LatencyLut.RUN_ID, r.runId())
        .set(LatencyLut.REL, rel.overhead())
        .set(LatencyLut.REFERENCE_P50_MS, referenceP50)
        .set(LatencyLut.LATENCY_REFERENCE, ReferenceNet.id())
        .build());
    Map<String, Long> merged = DeltaWrites.merge(spark, LatencyLut.TABLE,
        spark.createDataFrame(lutRows, LatencyLut.TABLE.schema()), DeltaWrites.OnMatch.UPDATE);
    counts.count("lut_blocks", blocks.size());
    counts.count("lut_inserted", merged.get("numTargetRowsInserted"));
    counts.count("lut_updated", merged.get("numTargetRowsUpdated"));

    if (!predicted.isEmpty()) {
      DeltaWrites.mergeColumns(spark, Measurements.TABLE,
          spark.createDataFrame(predicted, PREDICTIONS)
              .withColumn(Measurements.RUN_ID, lit(r.runId()))
              .withColumn(Measurements.MEASURED_AT, current_timestamp()),
          List.of(Measurements.LUT_PREDICTED_P50_MS, Measurements.LUT_PREDICTED_REL));
    }
    counts.count("lut_scored", abs.scored());
    counts.count("lut_within_10pct", abs.within());
    counts.count("lut_rel_scored", rel.scored());
    counts.count("lut_rel_within_10pct", rel.within());
    LOG.info("lut: {} blocks, overhead {} ms (median residual of {} calibration sub-networks); {}",
        blocks.size(), Measurement.fmt(abs.overhead()), calibration, abs.score("p50"));
    LOG.info("lut: relative to reference {}: overhead {}, {}; relative x the table's reference p50"
            + " {} ms: {} of {} within ±10% of the direct p50", ReferenceNet.id(),
        Measurement.fmt(rel.overhead()), rel.score("latency_rel"), Measurement.fmt(referenceP50),
        absFromRel, abs.scored());
  }

  private static double[] sums(MbConvSpace space, Map<String, Double> lut, List<Row> rows) {
    return rows.stream()
        .mapToDouble(d -> blockSum(space, lut, d.getAs(Architectures.ENCODING))).toArray();
  }

  /** A column of {@code rows} as doubles, NaN where null. */
  private static double[] directOf(List<Row> rows, String column) {
    return rows.stream().mapToDouble(d -> d.isNullAt(d.fieldIndex(column)) ? Double.NaN
        : d.getDouble(d.fieldIndex(column))).toArray();
  }

  private static Map<String, Double> relOf(List<Row> blocks) {
    Map<String, Double> rel = new HashMap<>();
    for (Row b : blocks) {
      rel.put(b.getAs(LatencyLut.LUT_KEY), b.getAs(LatencyLut.REL));
    }
    return rel;
  }

  /**
   * The night's sampled sub-networks of {@code space} with a direct p50 at {@code batchSize}, by
   * arch_id: the table is fitted and scored on the sample, as measure chose it.
   */
  public static List<Row> direct(SparkSession spark, String space, int batchSize,
      LocalDate buildDate) {
    return SampleScope.measurements(spark, spark.table(Measurements.TABLE.qualifiedName())
            .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
                .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT))
                .and(col(Measurements.LATENCY_P50_MS).isNotNull())
                .and(col(Measurements.LATENCY_BATCH_SIZE).equalTo(batchSize))))
        .join(spark.table(Architectures.TABLE.qualifiedName())
            .where(col(Architectures.SPACE).equalTo(space)), Architectures.ARCH_ID)
        .select(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
            Measurements.SPLIT, Measurements.DEVICE_ID, Architectures.ENCODING,
            Measurements.LATENCY_P50_MS, Measurements.LATENCY_REL)
        .orderBy(Measurements.ARCH_ID)
        .collectAsList();
  }

  /** Sub-networks that fit the overhead: as configured, else a tenth, at least 5; at most all. */
  public static int calibrationSize(int configured, int comparable) {
    return Math.min(comparable, configured > 0 ? configured : Math.max(5, (comparable + 9) / 10));
  }

  private static Row prediction(Row direct, Date date, double prediction, double rel) {
    return RowBuilder.of(PREDICTIONS)
        .set(Measurements.ARCH_ID, direct.getAs(Measurements.ARCH_ID))
        .set(Measurements.SUPERNET_ID, direct.getAs(Measurements.SUPERNET_ID))
        .set(Measurements.DATASET, direct.getAs(Measurements.DATASET))
        .set(Measurements.SPLIT, direct.getAs(Measurements.SPLIT))
        .set(Measurements.DEVICE_ID, direct.getAs(Measurements.DEVICE_ID))
        .set(Measurements.BUILD_DATE, date)
        .set(Measurements.LUT_PREDICTED_P50_MS, prediction)
        .set(Measurements.LUT_PREDICTED_REL, rel)
        .build();
  }

  /** A timed block as its atlas.latency_lut row (the device fingerprint is in atlas.devices). */
  private static Row lutRow(Row block) {
    RowBuilder b = RowBuilder.of(LatencyLut.TABLE.schema());
    for (StructField f : LatencyLut.TABLE.schema().fields()) {
      b.set(f.name(), block.getAs(f.name()));
    }
    return b.build();
  }

  /** Σ (block p50 − harness p50) over the blocks of the sub-network. */
  public static double blockSum(MbConvSpace space, Map<String, Double> p50, String encoding) {
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

  /** The median; 0 for no values. */
  public static double median(double[] v) {
    if (v.length == 0) {
      return 0;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
