package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.StitchKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.transforms.training.StitchedFamilies;
import picocli.CommandLine.Command;

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

  public TrainStitchesJob() {
    super(TrainStitchesStage::new, options("--space", SPACE, "--anchor-epochs", ANCHOR_EPOCHS,
        "--joint-epochs", JOINT_EPOCHS, "--max-train-images", MAX_IMAGES,
        "--eval-images", EVAL_IMAGES, "--least-squares", LEAST_SQUARES, "--force", FORCE));
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
      DeviceCheck.onDriver(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      StitchedFamilies.trainAndMeasure(spark, request(config, buildDate, run.runId()), run);
    }

    static StitchedFamilies.Request request(AtlasConfig config, LocalDate buildDate,
        String runId) {
      return new StitchedFamilies.Request(trainableSpace(config), stitchConfig(config),
          config.data(), config.warehouse(), EVAL_IMAGES.get(config), FORCE.get(config), buildDate,
          runId, CommonKeys.device(config));
    }
  }
}
