package org.subnetatlas.udfs.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.spaces.VitFamilySpec;
import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedStitches;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.nets.StitchedVit;
import org.subnetatlas.udfs.nets.VitFamilyParams;

/**
 * Trains a stitched ViT family as SN-Net does (see {@link StitchConfig}): anchors one after
 * another on their own, stitching layers fitted by least squares, then joint training with one
 * uniformly drawn configuration per step, on the shared {@link TrainingLoop} with {@link AdamW}.
 * Holds {@link DjlRuntime#trainingLock()} throughout.
 */
public final class StitchTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(StitchTrainer.class);
  private static final double GRAD_CLIP = 5.0;

  private final StitchedSpace space;
  private final VitFamilySpec spec;
  private final StitchConfig cfg;
  private final TrainingLoop loop;

  private StitchTrainer(StitchedSpace space, FashionData data, StitchConfig cfg,
      ProgressListener listener) {
    this.space = Objects.requireNonNull(space, "space");
    this.spec = space.spec();
    this.cfg = Objects.requireNonNull(cfg, "config");
    FashionData.Split train = TrainingLoop.trainSplit(Objects.requireNonNull(data, "data"),
        cfg.maxTrainImages());
    if (train.size() != spec.imageSize()) {
      throw new IllegalArgumentException(space.name() + " takes " + spec.imageSize() + "x"
          + spec.imageSize() + " images, the data has " + train.size() + "x" + train.size());
    }
    this.loop = new TrainingLoop(LOG, listener, train, cfg.batchSize(), spec.numClasses(),
        cfg.labelSmoothing(), cfg.seed(), false);
    loop.totalSteps((long) loop.stepsPerEpoch()
        * ((long) cfg.anchorEpochs() * spec.anchors().size() + cfg.jointEpochs()));
  }

  /** Trains the family of {@code space} on {@code data.train()}; blocks while another trains. */
  public static TrainedStitches train(StitchedSpace space, FashionData data, StitchConfig cfg,
      ProgressListener listener) {
    return TrainingLoop.locked(() -> new StitchTrainer(space, data, cfg, listener).run());
  }

  private TrainedStitches run() {
    return loop.train(new StitchFamily(space), cfg.intraOpThreads(), cfg.seed(), (base, params) -> {
      StitchedVit net = new StitchedVit(params);
      AdamW opt = new AdamW(params, base, cfg.weightDecay(), GRAD_CLIP);
      LOG.info("stitched family {}: {} values, {} train images, {} steps, {}", space.name(),
          params.count(), loop.split().count(), loop.totalSteps(), DjlRuntime.describe());
      List<PhaseHistory> history = new ArrayList<>();
      for (int a = 0; a < spec.anchors().size(); a++) {
        StitchArch anchor = StitchArch.anchor(a, spec.depth());
        history.add(phase(base, net, opt, "anchor:" + spec.anchor(a).name(),
            cfg.anchorEpochs(), cfg.learningRate(), () -> anchor));
      }
      if (cfg.leastSquaresInit()) {
        long t0 = System.nanoTime();
        leastSquaresInit(net, loop.split(), cfg);
        LOG.info("stitching layers fitted by least squares in {} s",
            String.format("%.1f", (System.nanoTime() - t0) / 1e9));
      }
      List<StitchArch> configs = space.configs();
      Random rnd = loop.random();
      history.add(phase(base, net, opt, "joint", cfg.jointEpochs(),
          cfg.jointLearningRate(), () -> configs.get(rnd.nextInt(configs.size()))));
      return history;
    });
  }

  private PhaseHistory phase(NDManager base, StitchedVit net, AdamW opt, String name, int epochs,
      double peakLr, Supplier<StitchArch> pick) {
    long phaseSteps = (long) loop.stepsPerEpoch() * epochs;
    // short phases (tests, small budgets) still reach their peak rate
    long warmup = Math.min(cfg.warmupSteps(), phaseSteps / 5);
    return loop.phase(name, epochs,
        step -> step < warmup ? peakLr * (step + 1) / warmup
            : peakLr * 0.5 * (1 + Math.cos(Math.PI * (step - warmup) / Math.max(1, phaseSteps - warmup))),
        (perm, from, lr) -> {
          StitchArch arch = pick.get();
          Set<String> used = new HashSet<>();
          return loop.step(base, opt, used, perm, from, lr,
              (stepM, targets, p, f, to) -> pass(net, arch, used, stepM, targets, p, f, to));
        },
        (phase, epoch) -> { });
  }

  /** Forward and backward pass of {@code arch}, recording in {@code used} the arrays it read. */
  private TrainingLoop.Outcome pass(StitchedVit net, StitchArch arch, Set<String> used,
      NDManager stepM, NDArray targets, int[] perm, int from, int to) {
    NDArray x = Batches.images(stepM, loop.split(), spec.imageSize(), perm, from, to, null);
    try (GradientCollector gc = loop.gradients()) {
      NDArray loss = Batches.softCrossEntropy(net.forward(stepM, arch, x, used), targets);
      float value = loss.getFloat();
      boolean finite = Float.isFinite(value);
      if (finite) {
        gc.backward(loss);
      }
      return new TrainingLoop.Outcome(value, finite);
    }
  }

  /**
   * Fits every stitching layer by least squares, in place: for each stitch position (front block
   * j, back block k) of a layer, front activations after block j are regressed onto back
   * activations entering block k (tokens as rows) on the first {@code leastSquaresImages} of a
   * fixed shuffle of {@code train}; a layer shared by several positions gets their mean (SN-Net).
   */
  public static void leastSquaresInit(StitchedVit net, FashionData.Split train, StitchConfig cfg) {
    VitFamilyParams params = net.params();
    StitchedSpace space = params.space();
    VitFamilySpec spec = space.spec();
    int n = Math.min(cfg.leastSquaresImages(), train.count());
    int[] idx = TrainingLoop.permutation(train.count(), new Random(cfg.seed() ^ 0x5717C4L));
    int tokens = spec.tokens();
    JniUtils.setGradMode(false);
    try (NDManager m = params.manager().newSubManager()) {
      NDArray x = Batches.images(m, train, spec.imageSize(), idx, 0, n, null);
      for (int pair = 0; pair + 1 < spec.anchors().size(); pair++) {
        List<float[]> front = toFloats(net.features(m, pair, x));
        List<float[]> back = toFloats(net.features(m, pair + 1, x));
        int df = spec.anchor(pair).dim();
        int db = spec.anchor(pair + 1).dim();
        Map<Integer, List<LeastSquares.Affine>> fits = new HashMap<>();
        for (StitchArch a : space.configs()) {
          if (a.isAnchor() || a.front() != pair) {
            continue;
          }
          LeastSquares.Affine fit = LeastSquares.fit(front.get(a.frontBlocks()),
              back.get(a.backStart()), n * tokens, df, db, cfg.ridge());
          fits.computeIfAbsent(space.stitchLayer(a), k -> new ArrayList<>()).add(fit);
        }
        for (Map.Entry<Integer, List<LeastSquares.Affine>> e : fits.entrySet()) {
          float[] w = new float[db * df];
          float[] b = new float[db];
          for (LeastSquares.Affine f : e.getValue()) {
            for (int i = 0; i < w.length; i++) {
              w[i] += f.weight()[i] / e.getValue().size();
            }
            for (int i = 0; i < b.length; i++) {
              b[i] += f.bias()[i] / e.getValue().size();
            }
          }
          params.get(VitFamilyParams.stitchWeight(pair, e.getKey())).set(w);
          params.get(VitFamilyParams.stitchBias(pair, e.getKey())).set(b);
        }
      }
    }
  }

  private static List<float[]> toFloats(List<NDArray> arrays) {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : arrays) {
      out.add(a.toFloatArray());
    }
    return out;
  }
}
