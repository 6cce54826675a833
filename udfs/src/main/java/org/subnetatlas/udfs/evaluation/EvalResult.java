package org.subnetatlas.udfs.evaluation;

/** Accuracy of one sub-network on {@code nImages} held-out images; loss is mean cross-entropy. */
public record EvalResult(double top1, double top5, double loss, int nImages, boolean bnRecalibrated) {

  /** Binomial standard error of {@link #top1()}: sqrt(p(1-p)/n). */
  public double top1StandardError() {
    return Math.sqrt(top1 * (1 - top1) / nImages);
  }
}
