package org.subnetatlas.udfs.evaluation;

import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Objects;
import java.util.Random;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.udfs.nets.BnStats;
import org.subnetatlas.udfs.nets.ElasticMbNet;

/**
 * Scores sub-networks with inherited supernet weights: BN statistics recalibrated on a fixed
 * subset of the train split (private to each call, so the shared supernet is never written), then
 * top-1/top-5/loss on the first images of a held-out split: valid, or test where a figure must be
 * independent of the valid labels predictors learn from. Any number of evaluators may run in
 * parallel threads on one {@link TrainedSupernet}; each call frees its native memory.
 */
public final class SubnetEvaluator {

  /** Seed of the fixed recalibration subset: every evaluation in every run sees the same images. */
  public static final long RECALIBRATION_SEED = 20240601L;

  private final TrainedSupernet supernet;
  private final ElasticMbNet net;
  private final FashionData.Split train;
  private final FashionData.Split heldOut;
  private final EvalConfig cfg;
  private final int[] recalibration;
  private final int nEval;

  public SubnetEvaluator(TrainedSupernet supernet, FashionData data, EvalConfig cfg) {
    this(supernet, data, cfg, RECALIBRATION_SEED);
  }

  /**
   * An evaluator that scores on {@code split} ({@code valid} or {@code test}) of {@code data}, with
   * the same recalibration as every stage.
   */
  public SubnetEvaluator(TrainedSupernet supernet, FashionData data, String split, EvalConfig cfg) {
    this(supernet, data, split, cfg, RECALIBRATION_SEED);
  }

  /**
   * An evaluator whose recalibration subset is drawn with {@code recalibrationSeed} instead of the
   * fixed seed every stage uses: for measuring how much a label depends on which images set BN.
   */
  public SubnetEvaluator(TrainedSupernet supernet, FashionData data, EvalConfig cfg,
      long recalibrationSeed) {
    this(supernet, data, "valid", cfg, recalibrationSeed);
  }

  private SubnetEvaluator(TrainedSupernet supernet, FashionData data, String split, EvalConfig cfg,
      long recalibrationSeed) {
    this.supernet = Objects.requireNonNull(supernet, "supernet");
    this.net = supernet.net();
    this.cfg = Objects.requireNonNull(cfg, "config");
    this.train = Objects.requireNonNull(data, "data").train();
    this.heldOut = data.split(split);
    if (heldOut == train) {
      // the train split recalibrates BN and trained the supernet: no held-out figure
      throw new IllegalArgumentException("split " + split
          + ": sub-networks are scored on a held-out split (valid or test)");
    }
    this.nEval = Math.min(cfg.evalImages(), heldOut.count());
    this.recalibration = subset(train.count(), Math.min(cfg.recalibrationImages(), train.count()),
        recalibrationSeed);
  }

  /**
   * Indices into the train split of the fixed recalibration subset used for a train split of
   * {@code trainCount} images and {@code k} recalibration images (the same in every run).
   */
  public static int[] recalibrationIndices(int trainCount, int k) {
    return subset(trainCount, Math.min(k, trainCount), RECALIBRATION_SEED);
  }

  private static int[] subset(int n, int k, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Random rnd = new Random(seed);
    for (int i = 0; i < k; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return java.util.Arrays.copyOf(p, k);
  }

  /** Evaluates {@code arch} on the first {@code evalImages} held-out images; call from any thread. */
  public EvalResult evaluate(MbArch arch) {
    return evaluate(arch, 0, nEval);
  }

  /**
   * Evaluates {@code arch} on held-out images {@code [first, first + images)}, with the same fixed
   * recalibration subset (so disjoint ranges give independent estimates of the same network).
   */
  public EvalResult evaluate(MbArch arch, int first, int images) {
    return evaluate(arch, first, images, 1)[0];
  }

  /**
   * Evaluates {@code arch} on {@code blocks} consecutive ranges of {@code images} held-out images from
   * {@code first}: one result per range, all after one BN recalibration.
   */
  public EvalResult[] evaluate(MbArch arch, int first, int images, int blocks) {
    Objects.requireNonNull(arch, "arch");
    long end = first + (long) images * blocks;
    if (first < 0 || images < 1 || blocks < 1 || end > heldOut.count()) {
      throw new IllegalArgumentException(heldOut.name() + " images [" + first + ", " + end
          + ") are not inside the split's " + heldOut.count());
    }
    if (!supernet.spec().resolutionChoices().contains(arch.r())) {
      throw new IllegalArgumentException("resolution " + arch.r() + " is not one of "
          + supernet.spec().resolutionChoices());
    }
    // PyTorch grad mode is per thread and on in new threads
    JniUtils.setGradMode(false);
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
      EvalResult[] results = new EvalResult[blocks];
      for (int b = 0; b < blocks; b++) {
        results[b] = score(m, arch, stats, first + b * images, images);
      }
      return results;
    }
  }

  private EvalResult score(NDManager m, MbArch arch, BnStats stats, int first, int images) {
    LogitScores scores = new LogitScores(supernet.spec().numClasses());
    int end = first + images;
    for (int from = first; from < end; from += cfg.batchSize()) {
      int to = Math.min(from + cfg.batchSize(), end);
      try (NDManager bm = m.newSubManager()) {
        NDArray x = Batches.images(bm, heldOut, arch.r(), null, from, to, null);
        scores.add(net.forward(bm, arch, x, stats).toFloatArray(), heldOut, from);
      }
    }
    return scores.result(cfg.recalibrateBn());
  }
}
