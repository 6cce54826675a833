package org.subnetatlas.udfs.evaluation;

/**
 * How a sub-network is evaluated.
 *
 * @param recalibrationImages training images (a fixed subset) forwarded to reset BN statistics
 * @param evalImages first this many images of the valid split are scored
 * @param batchSize images per forward
 * @param recalibrateBn recalibrate BN (true) or use the supernet's inherited running statistics
 */
public record EvalConfig(int recalibrationImages, int evalImages, int batchSize,
    boolean recalibrateBn) implements java.io.Serializable {

  public EvalConfig {
    if (recalibrationImages < 1 || evalImages < 1 || batchSize < 1) {
      throw new IllegalArgumentException("eval config needs positive sizes, got " + recalibrationImages
          + " recalibration images, " + evalImages + " eval images, batch " + batchSize);
    }
  }

  /** Defaults: 500 + 1,500 images; about 4 sub-networks/s with 2 threads x 1 intra-op thread on 2 cores (500 + 2,000 measured 3.4/s). */
  public static EvalConfig defaults() {
    return new EvalConfig(500, 1500, 500, true);
  }

  public EvalConfig withRecalibrateBn(boolean on) {
    return new EvalConfig(recalibrationImages, evalImages, batchSize, on);
  }
}
