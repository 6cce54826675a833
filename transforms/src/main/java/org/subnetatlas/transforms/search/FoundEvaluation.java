package org.subnetatlas.transforms.search;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Cost;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.tasks.ExecutorDevices;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.spark.RunStamp;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/**
 * What search found, and its random baseline, recorded like any other sub-network: each
 * architecture goes into {@code atlas.architectures} (sampler {@code search} or
 * {@code search-baseline}; one already there keeps its row), and its inherited-weight top-1 with
 * the date's supernet into {@code atlas.measurements} through evaluate's partition function, so it
 * is measured as a sampled one is, but on the test split ({@link #SPLIT}): the valid split's top-1
 * are the labels the predictor learnt, so a figure on them would not be independent of what chose
 * the finds. One that already has the date's test measurement with that supernet and protocol is
 * not evaluated again.
 */
public final class FoundEvaluation {

  private static final Logger LOG = LoggerFactory.getLogger(FoundEvaluation.class);

  /** The sampler that {@code atlas.architectures} names for what search found. */
  public static final String SAMPLER = "search";
  /** The sampler it names for search's random baseline. */
  public static final String BASELINE_SAMPLER = "search-baseline";
  /** The data split search measures on: no predictor learns from it, evaluate never scores it. */
  public static final String SPLIT = "test";

  /** Input of the partition function: what it needs of an architecture. */
  static final StructType INPUT = new StructType()
      .add(Architectures.ARCH_ID, DataTypes.StringType, false)
      .add(Architectures.SPACE, DataTypes.StringType, false)
      .add(Architectures.ENCODING, DataTypes.StringType, false);

  /** One architecture that search found under a budget, at a rank. */
  public record Found(String budget, int rank, String archId, String encoding, Cost cost) {}

  /** Architectures one sampler put here with one seed: the finds, or a budget's random draws. */
  public record Drawn(String sampler, long seed, List<Found> archs) {
    public Drawn {
      archs = List.copyOf(archs);
    }
  }

  /** How the found architectures are evaluated (as evaluate does), and by which run. */
  public record Protocol(String data, EvalConfig eval, int threads, int partitions, String runId) {}

  /**
   * Counts evaluated sub-networks as their tasks report them; the caller opens one per
   * evaluation (for the total it is told) and reports progress from it.
   */
  public interface Progress extends AutoCloseable {
    LongAccumulator counter();

    @Override
    void close();
  }

  private FoundEvaluation() {}

  /** One input row per distinct architecture of {@code found}. */
  static List<Row> distinctInputs(List<Found> found, String space) {
    Map<String, Row> distinct = new TreeMap<>();
    for (Found f : found) {
      distinct.putIfAbsent(f.archId(), RowBuilder.of(INPUT).set(Architectures.ARCH_ID, f.archId())
          .set(Architectures.SPACE, space).set(Architectures.ENCODING, f.encoding()).build());
    }
    return new ArrayList<>(distinct.values());
  }

  /**
   * {@code atlas.architectures} rows of the distinct architectures of {@code drawn}; one drawn
   * twice keeps the first sampler.
   */
  static List<Row> architectureRows(SearchSpace space, List<Drawn> drawn, LocalDate buildDate) {
    Map<String, Row> distinct = new TreeMap<>();
    for (Drawn d : drawn) {
      for (Found f : d.archs()) {
        distinct.computeIfAbsent(f.archId(), id -> RowBuilder.of(Architectures.TABLE.schema())
            .set(Architectures.ARCH_ID, id)
            .set(Architectures.SPACE, space.name())
            .set(Architectures.SPACE_VERSION, space.version())
            .set(Architectures.FAMILY, space.family())
            .set(Architectures.ENCODING, f.encoding())
            .set(Architectures.RESOLUTION, space.resolution(space.parse(f.encoding())))
            .set(Architectures.MACS, f.cost().macs())
            .set(Architectures.PARAMS, f.cost().params())
            .set(Architectures.SAMPLER, d.sampler())
            .set(Architectures.SEED, d.seed())
            .set(Architectures.FIRST_SEEN_DATE, Date.valueOf(buildDate))
            .build());
      }
    }
    return new ArrayList<>(distinct.values());
  }

  /** Records {@code found} as search's finds alone, drawn with {@code seed}. */
  public static Map<String, Double> record(SparkSession spark, SearchSpace space,
      LocalDate buildDate, Row supernet, List<Found> found, long seed, Protocol p,
      LongFunction<Progress> progress, ObjLongConsumer<String> counts) {
    return record(spark, space, buildDate, supernet, List.of(new Drawn(SAMPLER, seed, found)), p,
        progress, counts);
  }

  /**
   * Records the distinct architectures of {@code drawn} and their test-split measurements, all in
   * one evaluation; returns the measured top-1 by arch_id. Counts architectures_inserted,
   * evaluated and measurements_inserted into {@code counts}.
   */
  public static Map<String, Double> record(SparkSession spark, SearchSpace space,
      LocalDate buildDate, Row supernet, List<Drawn> drawn, Protocol p,
      LongFunction<Progress> progress, ObjLongConsumer<String> counts) {
    List<Found> found = drawn.stream().flatMap(d -> d.archs().stream()).toList();
    Map<String, Long> arch = DeltaWrites.merge(spark, Architectures.TABLE, spark.createDataFrame(
        architectureRows(space, drawn, buildDate), Architectures.TABLE.schema()),
        OnMatch.KEEP);
    counts.accept("architectures_inserted", arch.get("numTargetRowsInserted"));
    String supernetId = supernet.getAs(Supernets.SUPERNET_ID);
    Map<String, Double> out = measured(spark, buildDate, supernetId, found, p.eval());
    List<Row> input = distinctInputs(found, space.name()).stream()
        .filter(r -> !out.containsKey((String) r.getAs(Architectures.ARCH_ID))).toList();
    LOG.info("search: evaluating {} architectures on split {} with supernet {} ({} already"
        + " measured)", input.size(), SPLIT, supernetId.substring(0, 12), out.size());
    counts.accept("evaluated", input.size());
    if (input.isEmpty()) {
      return out;
    }
    List<Row> rows;
    try (Progress tracked = progress.apply(input.size())) {
      SubnetEvaluation fn = new SubnetEvaluation(space.name(),
          supernet.getAs(Supernets.CHECKPOINT_URI), p.data(), supernetId, p.eval(), p.threads(),
          RunStamp.of(p.runId(), buildDate), tracked.counter()).onSplit(SPLIT);
      int partitions = Math.max(1, Math.min(input.size(), p.partitions()));
      rows = spark.createDataFrame(input, INPUT).repartition(partitions)
          .mapPartitions(fn, Encoders.row(SubnetEvaluation.RESULT_SCHEMA)).collectAsList();
    }
    Dataset<Row> results = spark.createDataFrame(rows, SubnetEvaluation.RESULT_SCHEMA);
    ExecutorDevices.upsert(spark, results);
    Map<String, Long> merged = DeltaWrites.merge(spark, Measurements.TABLE,
        results.drop(DeviceRows.COLUMN), OnMatch.KEEP);
    counts.accept("measurements_inserted", merged.get("numTargetRowsInserted"));
    rows.forEach(r -> out.put(r.getAs(Measurements.ARCH_ID), r.getAs(Measurements.TOP1)));
    return out;
  }

  /**
   * Top-1 by arch_id of those of {@code found} the date already measured on the test split with
   * the supernet under the same protocol (held-out images and BN recalibration).
   */
  static Map<String, Double> measured(SparkSession spark, LocalDate buildDate, String supernetId,
      List<Found> found, EvalConfig eval) {
    Map<String, Double> out = new HashMap<>();
    List<String> ids = found.stream().map(Found::archId).distinct().toList();
    spark.table(Measurements.TABLE.qualifiedName())
        .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
            .and(col(Measurements.SUPERNET_ID).equalTo(supernetId))
            .and(col(Measurements.SPLIT).equalTo(SPLIT))
            .and(col(Measurements.ARCH_ID).isin(ids.toArray()))
            .and(col(Measurements.TOP1).isNotNull())
            .and(col(Measurements.N_IMAGES).equalTo(eval.evalImages()))
            .and(col(Measurements.BN_RECALIBRATED).equalTo(eval.recalibrateBn()))
            .and(col(Measurements.RECALIBRATION_IMAGES).eqNullSafe(
                eval.recalibrateBn() ? eval.recalibrationImages() : null)))
        .select(Measurements.ARCH_ID, Measurements.TOP1)
        .collectAsList().forEach(r -> out.put(r.getString(0), r.getDouble(1)));
    return out;
  }
}
