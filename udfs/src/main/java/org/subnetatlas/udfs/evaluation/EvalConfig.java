package org.subnetatlas.udfs.evaluation;

import org.subnetatlas.udfs.nets.DjlRuntime;

/**
 * How a sub-network is evaluated.
 *
 * @param recalibrationImages training images (a fixed subset) forwarded to reset BN statistics
 * @param evalImages first this many images of the held-out split are scored (valid; test for
 *     what search found)
 * @param batchSize images per forward
 * @param recalibrateBn recalibrate BN (true) or use the supernet's inherited running statistics
 * @param device where the networks run (auto, cpu or gpu; {@link DjlRuntime#preferDevice})
 */
public record EvalConfig(int recalibrationImages, int evalImages, int batchSize,
    boolean recalibrateBn, String device) implements java.io.Serializable {

  public EvalConfig {
    if (recalibrationImages < 1 || evalImages < 1 || batchSize < 1) {
      throw new IllegalArgumentException("eval config needs positive sizes, got " + recalibrationImages
          + " recalibration images, " + evalImages + " eval images, batch " + batchSize);
    }
    DjlRuntime.checkPreference(device);
  }

  /** Defaults: 500 + 1,500 images; about 4 sub-networks/s with 2 threads x 1 intra-op thread on 2 cores (500 + 2,000 measured 3.4/s). */
  public static EvalConfig defaults() {
    return new EvalConfig(500, 1500, 500, true, "auto");
  }

  public EvalConfig withRecalibrateBn(boolean on) {
    return new EvalConfig(recalibrationImages, evalImages, batchSize, on, device);
  }

  /** The same protocol on the configured {@code device}. */
  public EvalConfig withDevice(String device) {
    return new EvalConfig(recalibrationImages, evalImages, batchSize, recalibrateBn, device);
  }
}
