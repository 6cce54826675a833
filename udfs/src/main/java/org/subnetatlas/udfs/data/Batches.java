package org.subnetatlas.udfs.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Network inputs: normalised, resized images of one split, as {@code (N, 1, r, r)} arrays. */
public final class Batches {

  /** Fashion-MNIST training-set pixel mean and standard deviation. */
  static final float MEAN = 0.2860f;
  static final float STD = 0.3530f;

  private Batches() {}

  /** Images {@code idx[from..to)} of {@code split} at resolution {@code r}; flipped at random when rnd is set. */
 public static NDArray images(NDManager m, FashionData.Split split, int r, int[] idx, int from, int to,
      Random flipRnd) {
    float[] src = split.pixelsAt(r);
    int px = r * r;
    int n = to - from;
    float[] out = new float[n * px];
    for (int i = 0; i < n; i++) {
      int base = idx == null ? (from + i) * px : idx[from + i] * px;
      boolean flip = flipRnd != null && flipRnd.nextBoolean();
      for (int y = 0; y < r; y++) {
        for (int x = 0; x < r; x++) {
          float v = src[base + y * r + (flip ? r - 1 - x : x)];
          out[i * px + y * r + x] = (v - MEAN) / STD;
        }
      }
    }
    return m.create(out, new Shape(n, 1, r, r));
  }

  /** One-hot (optionally smoothed) targets {@code (N, classes)}. */
 public static NDArray targets(NDManager m, FashionData.Split split, int[] idx, int from, int to,
      int classes, float smoothing) {
    int n = to - from;
    float[] t = new float[n * classes];
    float off = smoothing / classes;
    java.util.Arrays.fill(t, off);
    for (int i = 0; i < n; i++) {
      int label = split.label(idx == null ? from + i : idx[from + i]);
      t[i * classes + label] += 1 - smoothing;
    }
    return m.create(t, new Shape(n, classes));
  }

  /** Mean cross-entropy of logits against a target distribution per row. */
 public static NDArray softCrossEntropy(NDArray logits, NDArray targets) {
    return logits.logSoftmax(1).mul(targets).sum(new int[] {1}).mean().neg();
  }
}
