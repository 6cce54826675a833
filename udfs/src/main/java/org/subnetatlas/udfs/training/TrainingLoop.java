package org.subnetatlas.udfs.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.LongToDoubleFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedModel;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.nets.ParamStore;

/**
 * The loop every model family trains with: phases of epochs over a fresh shuffle of the train
 * split, fixed-size mini-batches, one optimiser step per batch (skipped when a loss or gradient
 * is not finite), progress to a {@link ProgressListener}. A family's trainer supplies the
 * schedule, which sub-networks a step trains, and their forward and backward passes.
 */
public final class TrainingLoop {

  /** The forward and backward passes of one step on batch {@code [from, to)} of {@code perm}. */
  @FunctionalInterface
  public interface Pass {
    Outcome run(NDManager stepM, NDArray targets, int[] perm, int from, int to);
  }

  /**
   * A pass's loss (not finite: skip the step) and whether gradients must be cleared after it
   * (they must once a backward pass ran).
   */
  public record Outcome(double loss, boolean clearGradients) {}

  /** One step of a phase at learning rate {@code lr}; returns its loss, NaN when skipped. */
  @FunctionalInterface
  public interface Step {
    double run(int[] perm, int from, double lr);
  }

  /** Called after every epoch. */
  @FunctionalInterface
  public interface EpochEnd {
    void after(String phase, int epoch);
  }

  private final Logger log;
  private final ProgressListener listener;
  private final FashionData.Split train;
  private final int batch;
  private final int stepsPerEpoch;
  private final int numClasses;
  private final float labelSmoothing;
  private final Random rnd;
  private final boolean logSkipped;
  private Engine engine;
  private long totalSteps;
  private long globalStep;
  private long imagesSeen;
  private long skipped;

  /** {@code logSkipped}: epoch lines also say how many steps were skipped so far. */
  public TrainingLoop(Logger log, ProgressListener listener, FashionData.Split train, int batchSize,
      int numClasses, double labelSmoothing, long seed, boolean logSkipped) {
    this.log = log;
    this.listener = listener == null ? ProgressListener.NONE : listener;
    this.train = train;
    this.batch = Math.min(batchSize, train.count());
    this.stepsPerEpoch = train.count() / batch;
    this.numClasses = numClasses;
    this.labelSmoothing = (float) labelSmoothing;
    this.rnd = new Random(seed);
    this.logSkipped = logSkipped;
  }

  /** The first {@code maxImages} of {@code data}'s train split (all when 0 or more than it has). */
  public static FashionData.Split trainSplit(FashionData data, int maxImages) {
    FashionData.Split all = data.train();
    return maxImages > 0 && maxImages < all.count() ? all.range("train", 0, maxImages) : all;
  }

  /** Runs {@code training} holding {@link DjlRuntime#trainingLock()}: one collector per JVM. */
  public static <T> T locked(Supplier<T> training) {
    ReentrantLock lock = DjlRuntime.trainingLock();
    lock.lock();
    try {
      return training.get();
    } finally {
      lock.unlock();
    }
  }

  /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates, from the top). */
  public static int[] permutation(int n, Random rnd) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * Trains a fresh member of {@code family}: arrays initialised from {@code seed} with gradients
   * on the trainable ones, {@code phases} run on them, then a detached copy wrapped as the
   * family's trained model.
   */
  public <P extends ParamStore<?, ?>, T extends TrainedModel<P>> T train(ModelFamily<P, T> family,
      int intraOpThreads, long seed, BiFunction<NDManager, P, List<PhaseHistory>> phases) {
    DjlRuntime.setIntraOpThreads(intraOpThreads);
    JniUtils.setGradMode(false);
    engine = DjlRuntime.engine();
    try (NDManager base = family.newManager()) {
      P params = family.initialize(base, seed);
      for (String name : params.trainableNames()) {
        params.get(name).setRequiresGradient(true);
      }
      List<PhaseHistory> history = phases.apply(base, params);
      NDManager owned = family.newManager();
      return family.trained(family.fromData(owned, params.toData()), history, imagesSeen, skipped,
          owned);
    }
  }

  /** One phase of {@code epochs} epochs, the rate of each step from its index in the phase. */
  public PhaseHistory phase(String name, int epochs, LongToDoubleFunction lr, Step step,
      EpochEnd end) {
    double[] epochLoss = new double[epochs];
    for (int epoch = 0; epoch < epochs; epoch++) {
      long t0 = System.nanoTime();
      int[] perm = permutation(train.count(), rnd);
      double sum = 0;
      int counted = 0;
      for (int s = 0; s < stepsPerEpoch; s++) {
        double loss = step.run(perm, s * batch, lr.applyAsDouble((long) epoch * stepsPerEpoch + s));
        globalStep++;
        imagesSeen += batch;
        if (Double.isFinite(loss)) {
          sum += loss;
          counted++;
        }
        listener.onStep(name, globalStep, totalSteps, loss);
      }
      epochLoss[epoch] = counted == 0 ? Double.NaN : sum / counted;
      String loss = String.format("%.4f", epochLoss[epoch]);
      String seconds = String.format("%.1f", (System.nanoTime() - t0) / 1e9);
      if (logSkipped) {
        log.info("phase {} epoch {}/{}: loss {} in {} s ({} skipped steps so far)", name,
            epoch + 1, epochs, loss, seconds, skipped);
      } else {
        log.info("phase {} epoch {}/{}: loss {} in {} s", name, epoch + 1, epochs, loss, seconds);
      }
      end.after(name, epoch);
    }
    return new PhaseHistory(name, epochLoss);
  }

  /**
   * One optimiser step: the batch's targets, {@code pass}, then (when its loss is finite) an
   * update of the arrays {@code used} names, which the pass may fill as it runs.
   */
  public double step(NDManager base, ClippedOptimizer opt, Collection<String> used, int[] perm,
      int from, double lr, Pass pass) {
    int to = from + batch;
    Outcome outcome;
    boolean finite;
    try (NDManager stepM = base.newSubManager()) {
      NDArray targets = Batches.targets(stepM, train, perm, from, to, numClasses, labelSmoothing);
      outcome = pass.run(stepM, targets, perm, from, to);
      JniUtils.setGradMode(false);
      finite = Double.isFinite(outcome.loss());
      if (finite) {
        finite = opt.update(stepM, used, lr);
      }
      if (outcome.clearGradients()) {
        opt.zeroGradients(used);
      }
    }
    if (!finite) {
      skipped++;
      log.warn("step {}: non-finite loss or gradient, step skipped ({} so far)", globalStep, skipped);
      return Double.NaN;
    }
    return outcome.loss();
  }

  /** A gradient collector of the engine training runs on. */
  public GradientCollector gradients() {
    return engine.newGradientCollector();
  }

  public FashionData.Split split() {
    return train;
  }

  public int batch() {
    return batch;
  }

  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  public Random random() {
    return rnd;
  }

  /** Steps of the whole training, for progress: set once the trainer knows its phases. */
  public void totalSteps(long steps) {
    this.totalSteps = steps;
  }

  public long totalSteps() {
    return totalSteps;
  }
}
