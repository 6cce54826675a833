package org.subnetatlas.udfs.evaluation;

import org.subnetatlas.udfs.data.FashionData;
/**
 * Top-1, top-5 and mean cross-entropy accumulated over batches of logits, the way every evaluator
 * scores: a tie counts against the true class unless the tied class comes after it.
 */
public final class LogitScores {

  private final int classes;
  private long top1;
  private long top5;
  private double loss;
  private int images;

  LogitScores(int classes) {
    this.classes = classes;
  }

  /** Adds a batch of logits, row-major (images × classes); row {@code i} is image {@code first + i}. */
  void add(float[] logits, FashionData.Split split, int first) {
    for (int i = 0; i < logits.length / classes; i++) {
      int label = split.label(first + i);
      float target = logits[i * classes + label];
      int rank = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        float v = logits[i * classes + c];
        if (v > target || (v == target && c < label)) {
          rank++;
        }
        max = Math.max(max, v);
      }
      double sumExp = 0;
      for (int c = 0; c < classes; c++) {
        sumExp += Math.exp(logits[i * classes + c] - max);
      }
      loss += Math.log(sumExp) + max - target;
      top1 += rank == 0 ? 1 : 0;
      top5 += rank < 5 ? 1 : 0;
      images++;
    }
  }

  EvalResult result(boolean bnRecalibrated) {
    return new EvalResult((double) top1 / images, (double) top5 / images, loss / images, images,
        bnRecalibrated);
  }
}
