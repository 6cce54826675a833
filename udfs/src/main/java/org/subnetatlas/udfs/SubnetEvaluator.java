package org.subnetatlas.udfs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Objects;
import java.util.Random;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.udfs.net.BnStats;
import org.subnetatlas.udfs.net.ElasticMbNet;

/**
 * Scores sub-networks with inherited supernet weights: BN statistics recalibrated on a fixed
 * subset of the train split (private to each call, so the shared supernet is never written), then
 * top-1/top-5/loss on the first images of the valid split. Any number of evaluators may run in
 * parallel threads on one {@link TrainedSupernet}; each call frees its native memory.
 */
public final class SubnetEvaluator {

  /** Seed of the fixed recalibration subset: every evaluation in every run sees the same images. */
  static final long RECALIBRATION_SEED = 20240601L;

  private final TrainedSupernet supernet;
  private final ElasticMbNet net;
  private final FashionData.Split train;
  private final FashionData.Split valid;
  private final EvalConfig cfg;
  private final int[] recalibration;
  private final int nEval;

  public SubnetEvaluator(TrainedSupernet supernet, FashionData data, EvalConfig cfg) {
    this.supernet = Objects.requireNonNull(supernet, "supernet");
    this.net = supernet.net();
    this.cfg = Objects.requireNonNull(cfg, "config");
    this.train = Objects.requireNonNull(data, "data").train();
    this.valid = data.valid();
    this.nEval = Math.min(cfg.evalImages(), valid.count());
    this.recalibration = subset(train.count(), Math.min(cfg.recalibrationImages(), train.count()));
  }

  /**
   * Indices into the train split of the fixed recalibration subset used for a train split of
   * {@code trainCount} images and {@code k} recalibration images (the same in every run).
   */
  public static int[] recalibrationIndices(int trainCount, int k) {
    return subset(trainCount, Math.min(k, trainCount));
  }

  private static int[] subset(int n, int k) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Random rnd = new Random(RECALIBRATION_SEED);
    for (int i = 0; i < k; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return java.util.Arrays.copyOf(p, k);
  }

  /** Evaluates {@code arch} on the first {@code evalImages} valid images; call from any thread. */
  public EvalResult evaluate(MbArch arch) {
    return evaluate(arch, 0, nEval);
  }

  /**
   * Evaluates {@code arch} on valid images {@code [first, first + images)}, with the same fixed
   * recalibration subset (so disjoint ranges give independent estimates of the same network).
   */
  public EvalResult evaluate(MbArch arch, int first, int images) {
    Objects.requireNonNull(arch, "arch");
    if (first < 0 || images < 1 || first + images > valid.count()) {
      throw new IllegalArgumentException("valid images [" + first + ", " + (first + images)
          + ") are not inside the split's " + valid.count());
    }
    if (!supernet.spec().resolutionChoices().contains(arch.r())) {
      throw new IllegalArgumentException("resolution " + arch.r() + " is not one of "
          + supernet.spec().resolutionChoices());
    }
    // PyTorch grad mode is per thread and on in new threads
    JniUtils.setGradMode(false);
    int classes = supernet.spec().numClasses();
    try (NDManager m = supernet.manager().newSubManager()) {
      BnStats stats;
      if (cfg.recalibrateBn()) {
        BnStats.Recalibrated rec = new BnStats.Recalibrated(m);
        for (int from = 0; from < recalibration.length; from += cfg.batchSize()) {
          int to = Math.min(from + cfg.batchSize(), recalibration.length);
          try (NDManager bm = m.newSubManager()) {
            rec.nextBatch();
            net.forward(bm, arch, Batches.images(bm, train, arch.r(), recalibration, from, to, null),
                rec);
          }
        }
        rec.freeze();
        stats = rec;
      } else {
        stats = BnStats.shared(net.params(), false, 0.9f);
      }
      long top1 = 0;
      long top5 = 0;
      double loss = 0;
      int end = first + images;
      for (int from = first; from < end; from += cfg.batchSize()) {
        int to = Math.min(from + cfg.batchSize(), end);
        float[] logits;
        try (NDManager bm = m.newSubManager()) {
          NDArray x = Batches.images(bm, valid, arch.r(), null, from, to, null);
          logits = net.forward(bm, arch, x, stats).toFloatArray();
        }
        for (int i = 0; i < to - from; i++) {
          int label = valid.label(from + i);
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
        }
      }
      return new EvalResult((double) top1 / images, (double) top5 / images, loss / images, images,
          cfg.recalibrateBn());
    }
  }
}
