package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.MeasureKeys.*;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.transforms.measurement.Measurement;
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
    return settings(AtlasConfig.SPACE, space, WARMUP.key(), warmup, REPEATS.key(), repeats,
        THROUGHPUT_BATCH.key(), throughputBatch, THREADS.key(), threads, LIMIT.key(), limit,
        PARTITIONS.key(), partitions, LUT.key(), lut, FORCE.key(), force);
  }

  @Override
  Stage stage() {
    return new MeasureStage();
  }

  public static void main(String[] args) {
    launch(new MeasureJob(), args);
  }

  /** Measures the date's evaluated sub-networks, and with --lut builds the lookup table. */
  static final class MeasureStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      SupernetKeys.trainableSpec(config);
      measureSettings(config, 1);
      PARTITIONS.get(config);
      LIMIT.get(config);
      FORCE.get(config);
      LUT.get(config);
      LUT_CALIBRATION.get(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      Measurement.run(spark, new Measurement.Request(config.require(AtlasConfig.SPACE),
              measureSettings(config, Measurement.executorCores(spark)), PARTITIONS.get(config),
              LIMIT.get(config), FORCE.get(config), LUT.get(config), LUT_CALIBRATION.get(config),
              buildDate, run.runId()),
          TaskProgress.scope(spark, "measure", "sub-networks"), run);
    }
  }
}
