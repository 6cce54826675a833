package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.SupernetKeys.*;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.transforms.training.SupernetTrainings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

  @Option(names = "--space", description = "Search space with a trainable supernet. Default: mbv3-tiny.")
  String space;

  @Option(names = "--epochs", paramLabel = "L,K,D,E",
      description = "Epochs of the phases largest, kernel, depth, expand. Default: the recipe's.")
  String epochs;

  @Option(names = "--max-train-images", description = "Train on the first N training images only.")
  Integer maxImages;

  @Option(names = "--force", description = "Retrain even if this date already has the supernet.")
  Boolean force;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, EPOCHS.key(), epochs, MAX_IMAGES.key(), maxImages,
        FORCE.key(), force);
  }

  @Override
  Stage stage() {
    return new TrainStage();
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
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      SupernetTrainings.trainOrReuse(spark, new SupernetTrainings.Request(trainableSpec(config),
          supernetConfig(config), config.data(), config.warehouse(), FORCE.get(config), buildDate,
          run.runId()), run);
    }
  }
}
