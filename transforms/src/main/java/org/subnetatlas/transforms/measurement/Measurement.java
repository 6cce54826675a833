package org.subnetatlas.transforms.measurement;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.SampleScope;
import org.subnetatlas.transforms.tasks.ExecutorDevices;
import org.subnetatlas.transforms.tasks.KeyedTasks;
import org.subnetatlas.transforms.tasks.ProgressScope;
import org.subnetatlas.transforms.tasks.StageCounts;
import org.subnetatlas.udfs.measurement.LatencyProtocol;
import org.subnetatlas.udfs.measurement.MeasureSettings;
import org.subnetatlas.udfs.measurement.ReferenceNet;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.RunStamp;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import org.subnetatlas.udfs.spark.SubnetMeasurement;

/**
 * The measure stage's dataflow: latency, energy and memory of the date's evaluated sub-networks
 * and of its stitched configurations not yet measured, one measurement per executor and host at a
 * time, by one protocol and against one reference network, MERGEd into their evaluated rows of
 * {@code atlas.measurements} (accuracy columns are kept); then, if asked, the latency lookup
 * table of the supernet family ({@link LatencyLookupTable}).
 */
public final class Measurement {

  private static final Logger LOG = LoggerFactory.getLogger(Measurement.class);

  /** The columns this stage owns in atlas.measurements; a MERGE updates only these. */
  public static final List<String> MEASURE_COLUMNS =
      Arrays.stream(SubnetMeasurement.RESULT_SCHEMA.fieldNames())
          .filter(c -> !c.equals(DeviceRows.COLUMN) && !Measurements.TABLE.keyColumns().contains(c))
          .toList();

  /**
   * One measure run.
   *
   * @param partitions most Spark partitions (capped at the number pending)
   * @param limit measure at most this many of the supernet family's sub-networks, by arch_id (0:
   *     all); stitched configurations are few and always all measured
   * @param force re-measure sub-networks already measured for the date
   * @param lut also build and score the latency lookup table
   * @param lutCalibration sub-networks that fit the table's overhead (0: a tenth, at least 5)
   */
  public record Request(String space, MeasureSettings settings, int partitions, int limit,
      boolean force, boolean lut, int lutCalibration, LocalDate buildDate, String runId) {}

  private Measurement() {}

  /** Measures what is pending, MERGEs it, then builds the lookup table if asked. */
  public static void run(SparkSession spark, Request r, ProgressScope progress,
      StageCounts counts) {
    Dataset<Row> evaluated = evaluated(spark, r.space(), r.buildDate());
    long available = evaluated.count();
    if (available == 0) {
      throw new BadInputException("no evaluated sub-networks of " + r.space() + " for "
          + r.buildDate() + "; run `atlas evaluate --date " + r.buildDate() + "` first");
    }
    counts.count("evaluated", available);
    List<Row> sample = pending(spark, evaluated, r.buildDate(), r.force(), r.limit())
        .collectAsList();
    List<Batch> batches = new ArrayList<>();
    batches.add(new Batch(r.space(), "supernet", sample));
    Dataset<Row> stitched = stitched(spark, r.buildDate());
    counts.count("stitched_evaluated", stitched.count());
    Map<String, List<Row>> bySpace = new TreeMap<>();
    for (Row in : pending(spark, stitched, r.buildDate(), r.force(), 0).collectAsList()) {
      bySpace.computeIfAbsent(in.getAs(Architectures.SPACE), k -> new ArrayList<>()).add(in);
    }
    bySpace.forEach((space, inputs) -> batches.add(
        new Batch(space, StitchedSpace.FAMILY, inputs)));
    batches.removeIf(b -> b.inputs().isEmpty());
    if (!batches.isEmpty()) {
      measure(spark, r, batches, progress, counts);
    } else {
      LOG.info("measure: all {} evaluated sub-networks and the stitched configurations already "
          + "measured for {}; --force re-measures", available, r.buildDate());
    }
    if (r.lut()) {
      // a rerun that measured nothing new keeps the table it built: timing every block again
      // would only replace the night's figures with another draw of the same noise
      if (sample.isEmpty() && !r.force()
          && LatencyLookupTable.built(spark, r.space(), r.settings(), r.buildDate())) {
        LOG.info("measure: lookup table of {} for {} already built; --force rebuilds it",
            r.space(), r.buildDate());
      } else {
        LatencyLookupTable.build(spark, new LatencyLookupTable.Request(r.space(), r.settings(),
            r.lutCalibration(), r.buildDate(), r.runId()), counts);
      }
    }
  }

  /** The pending networks of one space and its family. */
  private record Batch(String space, String family, List<Row> inputs) {}

  /**
   * The date's evaluated sampled sub-networks of {@code space}, one row per measurement key,
   * with what a measurement task needs (encoding, params, checkpoint). Only the night's sample on
   * evaluate's split: what search finds or scores on the test split later in the night is not
   * measured, so a rerun chooses the same ones.
   */
  public static Dataset<Row> evaluated(SparkSession spark, String space, LocalDate buildDate) {
    return measurable(spark, buildDate, col(Architectures.SPACE).equalTo(space)
        .and(col(Architectures.FAMILY).equalTo("supernet")));
  }

  /**
   * The date's stitched configurations that train-stitches evaluated (every stitched family of
   * the date), shaped like {@link #evaluated}; the checkpoint is the trained family's.
   */
  public static Dataset<Row> stitched(SparkSession spark, LocalDate buildDate) {
    return measurable(spark, buildDate, col(Architectures.FAMILY).equalTo(StitchedSpace.FAMILY));
  }

  /** The date's evaluated rows of the night's draws whose architecture passes {@code which}. */
  private static Dataset<Row> measurable(SparkSession spark, LocalDate buildDate,
      Column which) {
    return SampleScope.measurements(spark, spark.table(Measurements.TABLE.qualifiedName())
            .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
                .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT))
                .and(col(Measurements.TOP1).isNotNull())))
        .select(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
            Measurements.SPLIT)
        .join(spark.table(Architectures.TABLE.qualifiedName()).where(which)
            .select(Architectures.ARCH_ID, Architectures.SPACE, Architectures.ENCODING,
                Architectures.PARAMS),
            Architectures.ARCH_ID)
        .join(spark.table(Supernets.TABLE.qualifiedName())
            .select(col(Supernets.SUPERNET_ID),
                col(Supernets.CHECKPOINT_URI).as(SubnetMeasurement.CHECKPOINT_URI)),
            Supernets.SUPERNET_ID)
        .dropDuplicates(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
            Measurements.SPLIT);
  }

  /**
   * The date's chosen sub-networks (the first {@code limit} of {@code evaluated} by arch_id when
   * {@code limit > 0}, else all), less those with a latency for the date unless {@code force}. The
   * choice comes before what is done, so a rerun finishes the same choice instead of measuring
   * {@code limit} more.
   */
  public static Dataset<Row> pending(SparkSession spark, Dataset<Row> evaluated,
      LocalDate buildDate, boolean force, int limit) {
    Dataset<Row> todo = evaluated;
    if (limit > 0) {
      // arch_id is a hash: its order is a fixed pseudo-random choice, the same on every rerun
      todo = todo.orderBy(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
          Measurements.SPLIT).limit(limit);
    }
    if (!force) {
      Dataset<Row> done = spark.table(Measurements.TABLE.qualifiedName())
          .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
              .and(col(Measurements.LATENCY_P50_MS).isNotNull()))
          .select(col(Measurements.ARCH_ID).as("done_arch"),
              col(Measurements.SUPERNET_ID).as("done_supernet"));
      todo = todo.join(done, todo.col(Measurements.ARCH_ID).equalTo(done.col("done_arch"))
          .and(todo.col(Measurements.SUPERNET_ID).equalTo(done.col("done_supernet"))),
          "left_anti");
    }
    return todo;
  }

  private static void measure(SparkSession spark, Request r, List<Batch> batches,
      ProgressScope progress, StageCounts counts) {
    MeasureSettings settings = r.settings();
    LatencyProtocol p = settings.latency();
    LOG.info("measure: {}; warm-up {}, repeats {}, batch {} and {}, {} intra-op thread(s), "
            + "energy {}, one measurement per executor and host at a time",
        batches.stream().map(b -> b.inputs().size() + " " + b.family() + " networks of "
            + b.space()).collect(Collectors.joining(", ")),
        p.warmup(), p.repeats(), p.batchSize(), settings.throughputBatch(), p.intraOpThreads(),
        settings.energyMethod());
    LOG.info("measure: batch-{} forwards paired with reference {} ({})", p.batchSize(),
        ReferenceNet.id(), ReferenceNet.definition());
    RunStamp run = RunStamp.of(r.runId(), r.buildDate());
    long total = batches.stream().mapToLong(b -> b.inputs().size()).sum();
    List<Row> results = progress.collect(total, counter -> {
      List<Row> all = new ArrayList<>();
      for (Batch b : batches) {
        long t0 = System.nanoTime();
        Dataset<Row> source = spark.createDataFrame(b.inputs(), b.inputs().get(0).schema());
        List<Row> measured = KeyedTasks.collect(source,
            Math.min(b.inputs().size(), r.partitions()), Measurements.ARCH_ID,
            new SubnetMeasurement(b.space(), settings, run, counter),
            SubnetMeasurement.RESULT_SCHEMA);
        summary(b, measured, (System.nanoTime() - t0) / 1e9, settings);
        all.addAll(measured);
      }
      return all;
    });
    Dataset<Row> measured = spark.createDataFrame(results, SubnetMeasurement.RESULT_SCHEMA);
    counts.count("devices_inserted", ExecutorDevices.upsert(spark, measured));
    Map<String, Long> merged = DeltaWrites.mergeColumns(spark, Measurements.TABLE,
        measured.drop(DeviceRows.COLUMN), MEASURE_COLUMNS);
    counts.count("measured", results.size());
    counts.count("measurements_inserted", merged.get("numTargetRowsInserted"));
    counts.count("measurements_updated", merged.get("numTargetRowsUpdated"));
    counts.count("latency_remeasured", results.stream()
        .filter(row -> row.<Boolean>getAs(Measurements.LATENCY_REMEASURED)).count());
    counts.count("latency_rel_flagged", results.stream()
        .filter(row -> row.<Boolean>getAs(Measurements.LATENCY_REL_FLAGGED)).count());
  }

  /** One log line per family and space: how long, what range, how many re-measured. */
  private static void summary(Batch b, List<Row> results, double seconds,
      MeasureSettings settings) {
    double[] p50 = column(results, Measurements.LATENCY_P50_MS);
    double[] rel = column(results, Measurements.LATENCY_REL);
    double[] ref = column(results, Measurements.REFERENCE_P50_MS);
    long remeasured = results.stream()
        .filter(row -> row.<Boolean>getAs(Measurements.LATENCY_REMEASURED)).count();
    long flagged = results.stream()
        .filter(row -> row.<Boolean>getAs(Measurements.LATENCY_REL_FLAGGED)).count();
    LOG.info("measure: {} {} networks of {} in {} s, batch-1 p50 {}..{} ms (median {} ms), "
            + "energy {}; latency_rel {}..{} (median {}) against reference {} (p50 median {} ms), "
            + "{} re-measured, {} still above relative MAD {}",
        p50.length, b.family(), b.space(), String.format("%.1f", seconds), fmt(p50[0]),
        fmt(p50[p50.length - 1]), fmt(p50[p50.length / 2]),
        results.get(0).<String>getAs(Measurements.ENERGY_METHOD),
        fmt(rel[0]), fmt(rel[rel.length - 1]), fmt(rel[rel.length / 2]),
        results.get(0).<String>getAs(Measurements.LATENCY_REFERENCE), fmt(ref[ref.length / 2]),
        remeasured, flagged, settings.relDispersionMax());
  }

  private static double[] column(List<Row> rows, String name) {
    return rows.stream().mapToDouble(row -> row.getDouble(row.fieldIndex(name))).sorted()
        .toArray();
  }

  /** Cores per executor: spark.executor.cores, or the local master's thread count. */
  public static int executorCores(SparkSession spark) {
    var conf = spark.sparkContext().getConf();
    if (conf.contains("spark.executor.cores")) {
      return conf.getInt("spark.executor.cores", 1);
    }
    return spark.sparkContext().isLocal() ? spark.sparkContext().defaultParallelism() : 1;
  }

  static String fmt(double v) {
    return String.format("%.3f", v);
  }
}
