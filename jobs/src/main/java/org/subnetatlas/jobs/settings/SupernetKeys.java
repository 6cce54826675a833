package org.subnetatlas.jobs.settings;

import java.util.Arrays;
import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.udfs.training.SupernetConfig;

/** Settings of train-supernet, and the trainable space that evaluate and measure also need. */
public final class SupernetKeys {

  private static final SupernetConfig D = SupernetConfig.defaults();

  public static final Setting.Text EPOCHS = Setting.ofText("train.epochs", null,
      "Epochs of the phases largest, kernel, depth, expand (L,K,D,E). Default: the recipe's.");
  public static final Setting.Int MAX_IMAGES = Setting.ofInt("train.max-images",
      D.maxTrainImages(), 0, 10_000_000, "Train on the first N training images only (0: all).");
  public static final Setting.Int BATCH = Setting.ofInt("train.batch-size", D.batchSize(), 2,
      65_536, "Training batch size.");
  public static final Setting.Int64 SEED = Setting.ofLong("train.seed", D.seed(), Long.MIN_VALUE,
      Long.MAX_VALUE, "Seed of initialisation, batch order and sandwich sampling.");
  public static final Setting.Int THREADS = Setting.ofInt("train.threads", D.intraOpThreads(), 1,
      1024, "Engine intra-op threads of the training task.");
  public static final Setting.Flag FORCE = Setting.ofBoolean("train.force", false,
      "Retrain even if this date already has the supernet.");

  private SupernetKeys() {}

  /** The trainable spec of the configured space, or bad input. */
  public static MbConvSpec trainableSpec(AtlasConfig config) {
    String name = CommonKeys.SPACE.get(config);
    SearchSpace space = Spaces.get(name);
    if (!(space instanceof MbConvSpace mb) || mb.spec().inputChannels() != 1
        || mb.spec().resolutionChoices().stream().anyMatch(r -> r > 28)) {
      throw new BadInputException("--space " + name + ": no supernet can be trained on"
          + " Fashion-MNIST (28x28 grayscale) for this space; it is for sampling and analytic"
          + " cost only. Trainable: mbv3-tiny");
    }
    return mb.spec();
  }

  /** The training recipe: the defaults with the configured overrides. */
  public static SupernetConfig supernetConfig(AtlasConfig config) {
    SupernetConfig c = SupernetConfig.defaults();
    String epochs = EPOCHS.get(config);
    if (epochs != null) {
      try {
        int[] e = Arrays.stream(epochs.split(",")).map(String::trim).mapToInt(Integer::parseInt)
            .toArray();
        if (e.length != c.phases().size() || Arrays.stream(e).anyMatch(x -> x < 0 || x > 1000)) {
          throw new NumberFormatException();
        }
        c = c.withEpochs(e);
      } catch (NumberFormatException ex) {
        throw new BadInputException(EPOCHS.key() + "=" + epochs + ": expected " + c.phases().size()
            + " comma-separated epoch counts (largest,kernel,depth,expand), each 0..1000");
      }
    }
    c = c.withMaxTrainImages(MAX_IMAGES.get(config));
    c = c.withBatchSize(BATCH.get(config));
    c = c.withSeed(SEED.get(config));
    int threads = THREADS.get(config);
    return new SupernetConfig(c.phases(), c.batchSize(), c.sandwichRandom(), c.kdRatio(),
        c.labelSmoothing(), c.momentum(), c.weightDecay(), c.gradClip(), c.warmupSteps(),
        c.maxTrainImages(), c.flip(), c.channelsLast(), threads, c.seed());
  }
}
