package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.StitchKeys.*;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.transforms.training.StitchedFamilies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas train-stitches}: trains a stitched ViT family (SN-Net: anchors, least-squares
 * stitching layers, joint training) inside one Spark task, evaluates every configuration on the
 * held-out split, and MERGEs the configurations into {@code atlas.architectures} (family
 * {@code stitched}), the family into {@code atlas.supernets} and one row per configuration into
 * {@code atlas.measurements}. A family already trained for the same date, data and settings is
 * reused (only re-evaluated) unless {@code --force}.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.TrainStitchesJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "train-stitches", mixinStandardHelpOptions = true,
    description = "Train a stitched ViT family (SN-Net) and measure every stitched configuration.")
public final class TrainStitchesJob extends StageCommand {

  @Option(names = "--space", description = "Stitched family to train. Default: " + DEFAULT_SPACE + ".")
  String space;

  @Option(names = "--anchor-epochs", description = "Epochs of each anchor's own training.")
  Integer anchorEpochs;

  @Option(names = "--joint-epochs", description = "Epochs of joint training (one random configuration per step).")
  Integer jointEpochs;

  @Option(names = "--max-train-images", description = "Train on the first N training images only.")
  Integer maxImages;

  @Option(names = "--eval-images", description = "Held-out images scored per configuration.")
  Integer evalImages;

  @Option(names = "--least-squares", arity = "1", paramLabel = "true|false",
      description = "Initialise stitching layers by least squares (default true) or keep them random.")
  Boolean leastSquares;

  @Option(names = "--force", description = "Retrain even if this date already has the family.")
  Boolean force;

  @Override
  Map<String, String> overrides() {
    return settings(SPACE.key(), space, ANCHOR_EPOCHS.key(), anchorEpochs, JOINT_EPOCHS.key(),
        jointEpochs, MAX_IMAGES.key(), maxImages, EVAL_IMAGES.key(), evalImages,
        LEAST_SQUARES.key(), leastSquares, FORCE.key(), force);
  }

  @Override
  Stage stage() {
    return new TrainStitchesStage();
  }

  public static void main(String[] args) {
    launch(new TrainStitchesJob(), args);
  }

  /** Trains (or reuses) the stitched family and measures every configuration. */
  static final class TrainStitchesStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      trainableSpace(config);
      stitchConfig(config);
      EVAL_IMAGES.get(config);
      FORCE.get(config);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      StitchedFamilies.trainAndMeasure(spark, new StitchedFamilies.Request(trainableSpace(config),
          stitchConfig(config), config.data(), config.warehouse(), EVAL_IMAGES.get(config),
          FORCE.get(config), buildDate, run.runId()), run);
    }
  }
}
