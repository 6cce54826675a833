package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.SupernetKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.transforms.training.SupernetTrainings;
import picocli.CommandLine.Command;

/**
 * {@code atlas train-supernet}: trains the space's weight-sharing supernet with progressive
 * shrinking inside one Spark task, writes the checkpoint under the warehouse and records it in
 * {@code atlas.supernets}. A supernet already trained for the same date, data and settings is
 * reused unless {@code --force}.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.TrainSupernetJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "train-supernet", mixinStandardHelpOptions = true,
    description = "Train the space's supernet (progressive shrinking, sandwich rule, in-place distillation).")
public final class TrainSupernetJob extends StageCommand {

  public TrainSupernetJob() {
    super(TrainStage::new, options("--space", CommonKeys.SPACE, "--epochs", EPOCHS,
        "--max-train-images", MAX_IMAGES, "--force", FORCE));
  }

  public static void main(String[] args) {
    launch(new TrainSupernetJob(), args);
  }

  /** Trains the space's supernet, or finds it already trained for the date. */
  static final class TrainStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      trainableSpec(config);
      supernetConfig(config);
      FORCE.get(config);
      DataDirChecks.requireFashionMnist(config);
      DeviceCheck.onDriver(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      SupernetTrainings.trainOrReuse(spark, request(config, buildDate, run.runId()), run);
    }

    static SupernetTrainings.Request request(AtlasConfig config, LocalDate buildDate,
        String runId) {
      return new SupernetTrainings.Request(trainableSpec(config), supernetConfig(config),
          config.data(), config.warehouse(), FORCE.get(config), buildDate, runId,
          CommonKeys.device(config));
    }
  }
}
