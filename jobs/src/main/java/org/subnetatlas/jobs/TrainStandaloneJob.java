package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.StandaloneKeys.*;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.EvaluateKeys;
import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.transforms.training.GroundTruthTrainings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

  @Option(names = "--space", description = "Search space. Default: mbv3-tiny.")
  String space;

  @Option(names = "--count", description = "Sub-networks to train. Default: 30.")
  Integer count;

  @Option(names = "--seeds", description = "Seeds per sub-network. Default: 2.")
  Integer seeds;

  @Option(names = "--epochs", description = "Epochs per training. Default: 3.")
  Integer epochs;

  @Option(names = "--train-images", description = "Training images (first N of the train split). Default: 6000.")
  Integer trainImages;

  @Option(names = "--eval-images", description = "Held-out images scored after each epoch (as evaluate).")
  Integer evalImages;

  @Option(names = "--recalibration-images", description = "BN recalibration images (as evaluate).")
  Integer recalImages;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, COUNT.key(), count, SEEDS.key(), seeds,
        EPOCHS.key(), epochs, TRAIN_IMAGES.key(), trainImages, EvaluateKeys.EVAL_IMAGES.key(),
        evalImages, EvaluateKeys.RECAL_IMAGES.key(), recalImages);
  }

  @Override
  Stage stage() {
    return new StandaloneStage();
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
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      GroundTruthTrainings.trainAndCompare(spark, new GroundTruthTrainings.Request(
              config.require(AtlasConfig.SPACE), config.data(),
              SupernetKeys.supernetConfig(config).withMaxTrainImages(TRAIN_IMAGES.get(config)),
              COUNT.get(config), SEEDS.get(config), EPOCHS.get(config), LEARNING_RATE.get(config),
              PARTITIONS.get(config), EvaluateKeys.evalConfig(config), buildDate, run.runId()),
          TaskProgress.scope(spark, "train-standalone", "trainings"), run);
    }
  }
}
