package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.StandaloneKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.jobs.settings.EvaluateKeys;
import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.transforms.training.GroundTruthTrainings;
import picocli.CommandLine.Command;

/**
 * {@code atlas train-standalone}: ground truth. Trains {@code --count} of the date's measured
 * sub-networks (evenly spread over MACs) from scratch with {@code --seeds} seeds each, stores each
 * learning curve in {@code atlas.standalone}, and records Kendall τ between their inherited-weight
 * top-1 and their seed-mean standalone top-1 in {@code atlas.ground_truth}. Not part of the
 * nightly build: it costs count × seeds trainings.
 */
@Command(name = "train-standalone", mixinStandardHelpOptions = true,
    description = "Train a sample of sub-networks from scratch; Kendall tau vs inherited-weight top-1.")
public final class TrainStandaloneJob extends StageCommand {

  public TrainStandaloneJob() {
    super(StandaloneStage::new, options("--space", CommonKeys.SPACE, "--count", COUNT,
        "--seeds", SEEDS, "--epochs", EPOCHS, "--train-images", TRAIN_IMAGES,
        "--eval-images", EvaluateKeys.EVAL_IMAGES,
        "--recalibration-images", EvaluateKeys.RECAL_IMAGES));
  }

  public static void main(String[] args) {
    launch(new TrainStandaloneJob(), args);
  }

  /** Trains the ground-truth sample and records its rank agreement with inherited weights. */
  static final class StandaloneStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      SupernetKeys.trainableSpec(config);
      COUNT.get(config);
      SEEDS.get(config);
      EPOCHS.get(config);
      TRAIN_IMAGES.get(config);
      LEARNING_RATE.get(config);
      PARTITIONS.get(config);
      EvaluateKeys.evalConfig(config);
      DataDirChecks.requireFashionMnist(config);
      DeviceCheck.onDriver(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      GroundTruthTrainings.trainAndCompare(spark, new GroundTruthTrainings.Request(
              CommonKeys.SPACE.get(config), config.data(),
              SupernetKeys.supernetConfig(config).withMaxTrainImages(TRAIN_IMAGES.get(config)),
              COUNT.get(config), SEEDS.get(config), EPOCHS.get(config), LEARNING_RATE.get(config),
              PARTITIONS.get(config), EvaluateKeys.evalConfig(config), buildDate, run.runId()),
          TaskProgress.scope(spark, "train-standalone", "trainings"), run);
    }
  }
}
