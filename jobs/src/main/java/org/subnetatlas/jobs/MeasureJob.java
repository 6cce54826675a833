package org.subnetatlas.jobs;

import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.udfs.measurement.LatencyProtocol;
import org.subnetatlas.udfs.measurement.MeasureSettings;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.SubnetMeasurement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas measure}: latency at batch 1 and at a throughput batch, energy and peak memory of
 * every sub-network evaluated for the date, one measurement at a time per executor and host,
 * MERGEd into the evaluated rows of {@code atlas.measurements} (accuracy columns are kept). With
 * {@code --lut} it also builds the per-block latency lookup table and scores it.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.MeasureJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "measure", mixinStandardHelpOptions = true,
    description = "Measure latency, energy and memory of the date's evaluated sub-networks into "
        + "atlas.measurements (and, with --lut, build atlas.latency_lut).")
public final class MeasureJob extends StageCommand {

  private static final Logger LOG = LoggerFactory.getLogger(MeasureJob.class);

  static final String P = AtlasConfig.PREFIX + "measure.";
  static final String WARMUP = P + "warmup";
  static final String REPEATS = P + "repeats";
  static final String BATCH = P + "batch-size";
  static final String THROUGHPUT_BATCH = P + "throughput-batch-size";
  static final String THREADS = P + "threads";
  static final String PARTITIONS = P + "partitions";
  static final String ENERGY = P + "energy-method";
  static final String WATTS = P + "device.watts";
  static final String DEVICE = AtlasConfig.PREFIX + "device";
  static final String LIMIT = P + "max-subnets";
  static final String FORCE = P + "force";
  static final String LUT = P + "lut";
  static final String LUT_CALIBRATION = P + "lut.calibration-subnets";

  /** Protocol floor of DESIGN.md: every stored latency had at least this much warm-up and repeats. */
  static final int MIN_WARMUP = 10;
  static final int MIN_REPEATS = 50;

  /** The columns this stage owns in atlas.measurements; a MERGE updates only these. */
  static final List<String> MEASURE_COLUMNS = Arrays.stream(SubnetMeasurement.RESULT_SCHEMA.fieldNames())
      .filter(c -> !c.equals(DeviceRows.COLUMN) && !Measurements.TABLE.keyColumns().contains(c))
      .toList();

  @Option(names = "--space", description = "Search space. Default: mbv3-tiny.")
  String space;

  @Option(names = "--warmup", description = "Untimed forwards before timing (>= 10).")
  Integer warmup;

  @Option(names = "--repeats", description = "Timed forwards (>= 50).")
  Integer repeats;

  @Option(names = "--throughput-batch-size", description = "Batch size of the throughput figure.")
  Integer throughputBatch;

  @Option(names = "--threads", description = "Engine intra-op threads while timing (pinned, recorded).")
  Integer threads;

  @Option(names = "--max-subnets", description = "Measure at most this many of the date's sub-networks "
      + "(deterministic choice by arch_id; 0 = all).")
  Integer limit;

  @Option(names = "--partitions", description = "Spark partitions of the measurement (tasks wait "
      + "for each other: one measurement per executor and host at a time).")
  Integer partitions;

  @Option(names = "--lut", description = "Also build atlas.latency_lut from measured blocks and "
      + "score its predictions against the direct measurements.")
  Boolean lut;

  @Option(names = "--force", description = "Re-measure sub-networks already measured for this date.")
  Boolean force;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, WARMUP, warmup, REPEATS, repeats,
        THROUGHPUT_BATCH, throughputBatch, THREADS, threads, LIMIT, limit, PARTITIONS, partitions, LUT, lut, FORCE, force);
  }

  @Override
  Stage stage() {
    return new MeasureStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new MeasureJob()), args));
  }

  static LatencyProtocol protocol(AtlasConfig config) {
    return new LatencyProtocol(
        config.getInt(WARMUP, MIN_WARMUP, MIN_WARMUP, 100_000),
        config.getInt(REPEATS, MIN_REPEATS, MIN_REPEATS, 1_000_000),
        config.getInt(BATCH, 1, 1, 65_536),
        config.getInt(THREADS, 1, 1, 1024));
  }

  static MeasureSettings settings(AtlasConfig config, int executorCores) {
    String energy = config.get(ENERGY, "auto");
    if (!List.of("auto", "nvml", "rapl", "estimated").contains(energy)) {
      throw new BadInputException(ENERGY + "=" + energy + ": not one of auto, nvml, rapl, estimated");
    }
    String device = config.get(DEVICE, "auto");
    if (!List.of("auto", "cpu", "gpu").contains(device)) {
      throw new BadInputException(DEVICE + "=" + device + ": not one of auto, cpu, gpu");
    }
    double watts;
    String rawWatts = config.get(WATTS, "15");
    try {
      watts = Double.parseDouble(rawWatts);
    } catch (NumberFormatException e) {
      watts = Double.NaN;
    }
    if (!(watts > 0) || Double.isInfinite(watts)) {
      throw new BadInputException(WATTS + "=" + rawWatts + ": not a positive number of watts");
    }
    return new MeasureSettings(protocol(config), config.getInt(THROUGHPUT_BATCH, 8, 1, 65_536),
        energy, watts, device, executorCores);
  }

  static final class MeasureStage implements Stage {
    @Override
    public String name() {
      return "measure";
    }

    @Override
    public void validate(AtlasConfig config) {
      SupernetKeys.trainableSpec(config);
      settings(config, 1);
      config.getInt(PARTITIONS, 2, 1, 100_000);
      config.getInt(LIMIT, 0, 0, Integer.MAX_VALUE);
      config.getBoolean(FORCE, false);
      config.getBoolean(LUT, false);
      config.getInt(LUT_CALIBRATION, 0, 0, 100_000);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      String space = config.require(AtlasConfig.SPACE);
      MeasureSettings settings = settings(config, executorCores(spark));
      Date date = Date.valueOf(buildDate);
      Dataset<Row> evaluated = spark.table(Measurements.TABLE.qualifiedName())
          .where(col(Measurements.BUILD_DATE).equalTo(lit(date))
              .and(col(Measurements.TOP1).isNotNull()))
          .select(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
              Measurements.SPLIT)
          .join(spark.table(Architectures.TABLE.qualifiedName())
              .where(col(Architectures.SPACE).equalTo(space)
                  .and(col(Architectures.FAMILY).equalTo("supernet")))
              .select(Architectures.ARCH_ID, Architectures.ENCODING, Architectures.PARAMS),
              Architectures.ARCH_ID)
          .join(spark.table(Supernets.TABLE.qualifiedName())
              .select(col(Supernets.SUPERNET_ID),
                  col(Supernets.CHECKPOINT_URI).as(SubnetMeasurement.CHECKPOINT_URI)),
              Supernets.SUPERNET_ID)
          .dropDuplicates(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
              Measurements.SPLIT);
      long available = evaluated.count();
      if (available == 0) {
        throw new BadInputException("no evaluated sub-networks of " + space + " for " + buildDate
            + "; run `atlas evaluate --date " + buildDate + "` first");
      }
      Dataset<Row> todo = evaluated;
      if (!config.getBoolean(FORCE, false)) {
        Dataset<Row> done = spark.table(Measurements.TABLE.qualifiedName())
            .where(col(Measurements.BUILD_DATE).equalTo(lit(date))
                .and(col(Measurements.LATENCY_P50_MS).isNotNull()))
            .select(col(Measurements.ARCH_ID).as("done_arch"),
                col(Measurements.SUPERNET_ID).as("done_supernet"));
        todo = todo.join(done, todo.col(Measurements.ARCH_ID).equalTo(done.col("done_arch"))
            .and(todo.col(Measurements.SUPERNET_ID).equalTo(done.col("done_supernet"))),
            "left_anti");
      }
      int limit = config.getInt(LIMIT, 0, 0, Integer.MAX_VALUE);
      if (limit > 0) {
        // arch_id is a hash: its order is a fixed pseudo-random choice, the same on every rerun
        todo = todo.orderBy(Measurements.ARCH_ID).limit(limit);
      }
      List<Row> inputs = todo.collectAsList();
      run.count("evaluated", available);
      if (!inputs.isEmpty()) {
        measure(spark, config, settings, space, date, run, inputs);
      } else {
        LOG.info("measure: all {} evaluated sub-networks already measured for {}; --force re-measures",
            available, buildDate);
      }
      if (config.getBoolean(LUT, false)) {
        LatencyLutStage.build(spark, config, settings, space, buildDate, run);
      }
    }

    private static void measure(SparkSession spark, AtlasConfig config, MeasureSettings settings,
        String space, Date date, RunRecorder run, List<Row> inputs) {
      int partitions = Math.min(inputs.size(), config.getInt(PARTITIONS, 2, 1, 100_000));
      LatencyProtocol p = settings.latency();
      LOG.info("measure: {} sub-networks of {} in {} partitions, warm-up {}, repeats {}, batch {} and {}, "
              + "{} intra-op thread(s), energy {}, one measurement per executor and host at a time",
          inputs.size(), space, partitions, p.warmup(), p.repeats(), p.batchSize(),
          settings.throughputBatch(), p.intraOpThreads(), settings.energyMethod());
      Dataset<Row> source = spark.createDataFrame(inputs, inputs.get(0).schema());
      List<Row> results;
      try (TaskProgress progress = new TaskProgress(spark, "measure", "sub-networks",
          inputs.size(), 10)) {
        SubnetMeasurement fn = new SubnetMeasurement(space, settings, run.runId(), date,
            progress.counter());
        // collected before any write: a MERGE reads its source twice, measuring must not rerun
        results = source.repartition(partitions, col(Measurements.ARCH_ID))
            .mapPartitions(fn, Encoders.row(SubnetMeasurement.RESULT_SCHEMA))
            .collectAsList();
      }
      Dataset<Row> measured = spark.createDataFrame(results, SubnetMeasurement.RESULT_SCHEMA);
      run.count("devices_inserted", Devices.upsert(spark, measured));
      Map<String, Long> merged = DeltaWrites.mergeColumns(spark, Measurements.TABLE,
          measured.drop(DeviceRows.COLUMN), MEASURE_COLUMNS);
      run.count("measured", results.size());
      run.count("measurements_inserted", merged.get("numTargetRowsInserted"));
      run.count("measurements_updated", merged.get("numTargetRowsUpdated"));
      double[] p50 = results.stream().mapToDouble(r -> r.getDouble(r.fieldIndex(
          Measurements.LATENCY_P50_MS))).sorted().toArray();
      LOG.info("measure: {} sub-networks, batch-1 p50 {}..{} ms (median {} ms), energy {}",
          p50.length, fmt(p50[0]), fmt(p50[p50.length - 1]), fmt(p50[p50.length / 2]),
          results.get(0).getString(results.get(0).fieldIndex(Measurements.ENERGY_METHOD)));
    }

    /** Cores per executor: spark.executor.cores, or the local master's thread count. */
    private static int executorCores(SparkSession spark) {
      var conf = spark.sparkContext().getConf();
      if (conf.contains("spark.executor.cores")) {
        return conf.getInt("spark.executor.cores", 1);
      }
      return spark.sparkContext().isLocal() ? spark.sparkContext().defaultParallelism() : 1;
    }
  }

  static String fmt(double v) {
    return String.format("%.3f", v);
  }
}
