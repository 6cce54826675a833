package org.subnetatlas.jobs.settings;

import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.spaces.VitFamilySpec;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.udfs.training.StitchConfig;

/** Settings of train-stitches: the stitched family, its recipe and how it is measured. */
public final class StitchKeys {

  private static final StitchConfig D = StitchConfig.defaults();
  /** The family demo and nightly train: the one small enough for Fashion-MNIST. */
  public static final String DEFAULT_SPACE = "vit-tiny-family";

  public static final Setting.Int ANCHOR_EPOCHS = Setting.ofInt("stitch.anchor-epochs",
      D.anchorEpochs(), 0, 1000, "Epochs of each anchor's own training.");
  public static final Setting.Int JOINT_EPOCHS = Setting.ofInt("stitch.joint-epochs",
      D.jointEpochs(), 0, 1000, "Epochs of joint training (one random configuration per step).");
  public static final Setting.Text SPACE = Setting.ofText("stitch.space", DEFAULT_SPACE,
      "Stitched family to train.");
  public static final Setting.Int BATCH = Setting.ofInt("stitch.batch-size", D.batchSize(), 2,
      65_536, "Training batch size.");
  public static final Setting.Int MAX_IMAGES = Setting.ofInt("stitch.max-images",
      D.maxTrainImages(), 0, 10_000_000, "Train on the first N training images only (0: all).");
  public static final Setting.Flag LEAST_SQUARES = Setting.ofBoolean("stitch.least-squares",
      D.leastSquaresInit(),
      "Initialise stitching layers by least squares (true) or keep them random.");
  public static final Setting.Int THREADS = Setting.ofInt("stitch.threads", D.intraOpThreads(), 1,
      1024, "Engine intra-op threads of the training task, and while evaluating.");
  public static final Setting.Int64 SEED = Setting.ofLong("stitch.seed", D.seed(), Long.MIN_VALUE,
      Long.MAX_VALUE, "Seed of initialisation, batch order and configuration sampling.");
  public static final Setting.Flag FORCE = Setting.ofBoolean("stitch.force", false,
      "Retrain even if this date already has the family.");
  public static final Setting.Int EVAL_IMAGES = Setting.ofInt("stitch.eval-images", 1000, 1,
      1_000_000, "Held-out images scored per configuration.");

  private StitchKeys() {}

  /** The configured stitched family, if it can be trained on Fashion-MNIST; else bad input. */
  public static StitchedSpace trainableSpace(AtlasConfig config) {
    String name = SPACE.get(config);
    SearchSpace space = Spaces.get(name);
    if (!(space instanceof StitchedSpace s)) {
      throw new BadInputException(SPACE.key() + "=" + name + ": not a stitched family (family "
          + space.family() + "); stitched: " + stitchedNames());
    }
    VitFamilySpec spec = s.spec();
    if (spec.inChannels() != 1 || spec.imageSize() != 28 || spec.numClasses() != 10) {
      throw new BadInputException(SPACE.key() + "=" + name + ": cannot be trained on Fashion-MNIST"
          + " (28x28 grayscale, 10 classes); it is for enumeration and analytic cost only."
          + " Trainable: " + DEFAULT_SPACE);
    }
    return s;
  }

  private static String stitchedNames() {
    return String.join(", ", Spaces.all().stream().filter(s -> s instanceof StitchedSpace)
        .map(SearchSpace::name).toList());
  }

  /** The recipe: the defaults with the configured overrides. */
  public static StitchConfig stitchConfig(AtlasConfig config) {
    return new StitchConfig(ANCHOR_EPOCHS.get(config), JOINT_EPOCHS.get(config), BATCH.get(config),
        D.learningRate(), D.jointLearningRate(), D.weightDecay(), D.warmupSteps(),
        D.labelSmoothing(), LEAST_SQUARES.get(config), D.leastSquaresImages(), D.ridge(),
        MAX_IMAGES.get(config), THREADS.get(config), SEED.get(config));
  }
}
