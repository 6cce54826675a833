package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.EvaluateKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.transforms.evaluation.Evaluation;
import picocli.CommandLine.Command;

/**
 * {@code atlas evaluate}: scores the night's sampled sub-networks with inherited supernet weights
 * (BN recalibrated) on the held-out split, per partition, and MERGEs the rows into
 * {@code atlas.measurements}. Sub-networks already measured for this date and supernet are
 * skipped unless {@code --force}, so a rerun only finishes what is missing.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.EvaluateJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate the date's sampled sub-networks with the date's supernet into atlas.measurements.")
public final class EvaluateJob extends StageCommand {

  public EvaluateJob() {
    super(EvaluateStage::new, options("--space", CommonKeys.SPACE, "--eval-images", EVAL_IMAGES,
        "--recalibration-images", RECAL_IMAGES, "--bn-recalibrate", BN_RECALIBRATE,
        "--force", FORCE));
  }

  public static void main(String[] args) {
    launch(new EvaluateJob(), args);
  }

  /** Evaluates the night's pending sub-networks with the date's supernet. */
  static final class EvaluateStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      SupernetKeys.trainableSpec(config);
      evalConfig(config);
      PARTITIONS.get(config);
      THREADS.get(config);
      FORCE.get(config);
      DataDirChecks.requireFashionMnist(config);
      DeviceCheck.onDriver(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      Evaluation.run(spark, new Evaluation.Request(SupernetKeys.trainableSpec(config),
              CommonKeys.SPACE.get(config), config.data(), evalConfig(config),
              PARTITIONS.get(config), THREADS.get(config), FORCE.get(config), buildDate,
              run.runId()),
          TaskProgress.scope(spark, "evaluate", "sub-networks"), run);
    }
  }
}
