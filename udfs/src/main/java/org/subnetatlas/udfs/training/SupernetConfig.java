package org.subnetatlas.udfs.training;

import org.subnetatlas.udfs.nets.Archs;
import java.util.List;
import java.util.Objects;

/**
 * Supernet training recipe: OFA's progressive shrinking. Phase {@code largest} trains the full
 * network alone; {@code kernel}, {@code depth} and {@code expand} open those dimensions one after
 * another (resolution is elastic in all of them) and train with the sandwich rule: largest,
 * smallest and {@code sandwichRandom} random sub-networks per step, gradients accumulated, the
 * others distilled in place from the largest's soft targets.
 *
 * @param phases phases in order, each with its epochs and peak learning rate (cosine decay)
 * @param batchSize images per step
 * @param sandwichRandom random sub-networks per elastic step, besides largest and smallest
 * @param kdRatio weight of the distillation loss
 * @param labelSmoothing label smoothing of the hard-label loss
 * @param momentum SGD Nesterov momentum
 * @param weightDecay decoupled weight decay of conv/linear weights (not BN, not biases)
 * @param gradClip global gradient norm clip (0 = off)
 * @param warmupSteps linear warm-up steps of the first phase
 * @param maxTrainImages use only the first this many training images (0 = all)
 * @param flip random horizontal flips
 * @param channelsLast NHWC activations (faster depthwise convolutions on CPU)
 * @param intraOpThreads PyTorch intra-op threads of the training thread
 * @param seed initialisation, shuffling and sampling seed
 */
public record SupernetConfig(
    List<Phase> phases,
    int batchSize,
    int sandwichRandom,
    double kdRatio,
    double labelSmoothing,
    double momentum,
    double weightDecay,
    double gradClip,
    int warmupSteps,
    int maxTrainImages,
    boolean flip,
    boolean channelsLast,
    int intraOpThreads,
    long seed) implements java.io.Serializable {

  /** One training phase. */
  public record Phase(String name, int epochs, double learningRate)
      implements java.io.Serializable {
    public static final List<String> NAMES = List.of("largest", "kernel", "depth", "expand");

    public Phase {
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("phase " + name + " is not one of " + NAMES);
      }
      if (epochs < 0 || learningRate <= 0) {
        throw new IllegalArgumentException("phase " + name + ": epochs " + epochs
            + " must be >= 0 and learning rate " + learningRate + " > 0");
      }
    }

    /** Dimensions this phase samples elastically. */
    public Archs.Elastic elastic() {
      return switch (name) {
        case "largest" -> Archs.Elastic.NONE;
        case "kernel" -> new Archs.Elastic(true, false, false, true);
        case "depth" -> new Archs.Elastic(true, true, false, true);
        default -> Archs.Elastic.ALL;
      };
    }
  }

  public SupernetConfig {
    phases = List.copyOf(Objects.requireNonNull(phases, "phases"));
    if (batchSize < 2 || sandwichRandom < 0 || intraOpThreads < 1 || maxTrainImages < 0) {
      throw new IllegalArgumentException("bad supernet config: " + batchSize + " batch, "
          + sandwichRandom + " random, " + intraOpThreads + " threads, " + maxTrainImages + " images");
    }
  }

  /** The default recipe: about 5 minutes on 2 cores for 12,000 training images. */
  public static SupernetConfig defaults() {
    return new SupernetConfig(
        List.of(new Phase("largest", 6, 0.1), new Phase("kernel", 1, 0.03),
            new Phase("depth", 1, 0.03), new Phase("expand", 2, 0.03)),
        128, 1, 1.0, 0.1, 0.9, 4e-5, 5.0, 50, 0, true, true, 2, 42L);
  }

  public SupernetConfig withPhases(List<Phase> newPhases) {
    return RecordCopy.with(this, "phases", newPhases);
  }

  /** Same phases with these epochs (largest, kernel, depth, expand). */
  public SupernetConfig withEpochs(int... epochs) {
    if (epochs.length != phases.size()) {
      throw new IllegalArgumentException(epochs.length + " epoch counts for " + phases.size() + " phases");
    }
    List<Phase> p = new java.util.ArrayList<>();
    for (int i = 0; i < epochs.length; i++) {
      p.add(new Phase(phases.get(i).name(), epochs[i], phases.get(i).learningRate()));
    }
    return withPhases(p);
  }

  public SupernetConfig withMaxTrainImages(int n) {
    return RecordCopy.with(this, "maxTrainImages", n);
  }

  public SupernetConfig withBatchSize(int n) {
    return RecordCopy.with(this, "batchSize", n);
  }

  public SupernetConfig withSandwichRandom(int n) {
    return RecordCopy.with(this, "sandwichRandom", n);
  }

  public SupernetConfig withChannelsLast(boolean on) {
    return RecordCopy.with(this, "channelsLast", on);
  }

  public SupernetConfig withSeed(long s) {
    return RecordCopy.with(this, "seed", s);
  }
}
