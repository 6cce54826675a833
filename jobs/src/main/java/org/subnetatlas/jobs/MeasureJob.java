package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.MeasureKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.transforms.measurement.Measurement;
import picocli.CommandLine.Command;

/**
 * {@code atlas measure}: latency at batch 1 and at a throughput batch, energy and peak memory of
 * every sub-network evaluated for the date and of every stitched configuration train-stitches
 * evaluated, one measurement at a time per executor and host, by one protocol against one
 * reference network, MERGEd into their evaluated rows of {@code atlas.measurements} (accuracy
 * columns are kept). With {@code --lut} it also builds the supernet family's per-block latency
 * lookup table and scores it.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.MeasureJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "measure", mixinStandardHelpOptions = true,
    description = "Measure latency, energy and memory of the date's evaluated sub-networks and "
        + "stitched configurations into atlas.measurements (and, with --lut, build "
        + "atlas.latency_lut for the supernet family).")
public final class MeasureJob extends StageCommand {

  public MeasureJob() {
    super(MeasureStage::new, options("--space", CommonKeys.SPACE, "--warmup", WARMUP,
        "--repeats", REPEATS, "--throughput-batch-size", THROUGHPUT_BATCH, "--threads", THREADS,
        "--max-subnets", LIMIT, "--partitions", PARTITIONS, "--lut", LUT, "--force", FORCE));
  }

  public static void main(String[] args) {
    launch(new MeasureJob(), args);
  }

  /** Measures the date's evaluated networks, and with --lut builds the lookup table. */
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
      DeviceCheck.onDriver(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      Measurement.run(spark, new Measurement.Request(CommonKeys.SPACE.get(config),
              measureSettings(config, Measurement.executorCores(spark)), PARTITIONS.get(config),
              LIMIT.get(config), FORCE.get(config), LUT.get(config), LUT_CALIBRATION.get(config),
              buildDate, run.runId()),
          TaskProgress.scope(spark, "measure", "sub-networks"), run);
    }
  }
}
