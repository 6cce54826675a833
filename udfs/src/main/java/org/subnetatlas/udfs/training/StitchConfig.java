package org.subnetatlas.udfs.training;

/**
 * Recipe of a stitched family: each anchor trained alone, stitching layers initialised by least
 * squares (or left random), then SN-Net's joint training, one uniformly drawn configuration per
 * step with anchors and stitching layers updated together. AdamW with linear warm-up and cosine
 * decay in every phase.
 *
 * @param anchorEpochs epochs of each anchor's own training
 * @param jointEpochs epochs of joint training
 * @param batchSize images per step
 * @param learningRate peak AdamW learning rate of anchor training
 * @param jointLearningRate peak AdamW learning rate of joint training
 * @param weightDecay decoupled weight decay of linear/conv weights
 * @param warmupSteps linear warm-up steps at the start of each phase
 * @param labelSmoothing label smoothing of the cross-entropy
 * @param leastSquaresInit initialise stitching layers by least squares (false: keep random init)
 * @param leastSquaresImages training images whose activations fit the stitching layers
 * @param ridge ridge of the least-squares fit, relative to the mean activation energy
 * @param maxTrainImages use only the first this many training images (0 = all)
 * @param intraOpThreads PyTorch intra-op threads of the training thread
 * @param seed initialisation, shuffling and sampling seed
 */
public record StitchConfig(int anchorEpochs, int jointEpochs, int batchSize, double learningRate,
    double jointLearningRate, double weightDecay, int warmupSteps, double labelSmoothing,
    boolean leastSquaresInit, int leastSquaresImages, double ridge, int maxTrainImages,
    int intraOpThreads, long seed) {

  public StitchConfig {
    if (anchorEpochs < 0 || jointEpochs < 0 || batchSize < 2 || learningRate <= 0
        || jointLearningRate <= 0 || weightDecay < 0 || warmupSteps < 0 || leastSquaresImages < 1
        || ridge < 0 || maxTrainImages < 0 || intraOpThreads < 1) {
      throw new IllegalArgumentException("bad stitch config: " + this);
    }
  }

  /** The default recipe (see docs/stitched-families.md for its measured time and accuracy). */
  public static StitchConfig defaults() {
    return new StitchConfig(3, 3, 96, 3e-3, 1e-3, 0.05, 20, 0.1, true, 100, 1e-4, 6000, 1, 42L);
  }

  public StitchConfig withEpochs(int anchor, int joint) {
    return RecordCopy.with(this, java.util.Map.of("anchorEpochs", anchor, "jointEpochs", joint));
  }

  public StitchConfig withBatchSize(int n) {
    return RecordCopy.with(this, "batchSize", n);
  }

  public StitchConfig withLearningRates(double anchor, double joint) {
    return RecordCopy.with(this,
        java.util.Map.of("learningRate", anchor, "jointLearningRate", joint));
  }

  public StitchConfig withRidge(double r) {
    return RecordCopy.with(this, "ridge", r);
  }

  public StitchConfig withLeastSquaresInit(boolean on) {
    return RecordCopy.with(this, "leastSquaresInit", on);
  }

  public StitchConfig withMaxTrainImages(int n) {
    return RecordCopy.with(this, "maxTrainImages", n);
  }

  public StitchConfig withThreads(int n) {
    return RecordCopy.with(this, "intraOpThreads", n);
  }

  public StitchConfig withSeed(long s) {
    return RecordCopy.with(this, "seed", s);
  }
}
