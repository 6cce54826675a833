package org.subnetatlas.udfs.training;

import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedStitches;
import org.subnetatlas.udfs.nets.DjlRuntime;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.spaces.VitFamilySpec;
import org.subnetatlas.udfs.nets.StitchedVit;
import org.subnetatlas.udfs.nets.VitFamilyParams;

/**
 * Trains a stitched ViT family as SN-Net does (see {@link StitchConfig}): anchors one after
 * another on their own, stitching layers fitted by least squares, then joint training with one
 * uniformly drawn configuration per step. Holds {@link DjlRuntime#trainingLock()} throughout.
 */
public final class StitchTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(StitchTrainer.class);
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPS = 1e-8;
  private static final double GRAD_CLIP = 5.0;

  private final StitchedSpace space;
  private final VitFamilySpec spec;
  private final StitchConfig cfg;
  private final ProgressListener listener;
  private final FashionData.Split train;
  private final int batch;
  private final int stepsPerEpoch;
  private final long totalSteps;
  private final Random rnd;
  private long globalStep;
  private long imagesSeen;
  private long skipped;

  private StitchTrainer(StitchedSpace space, FashionData data, StitchConfig cfg,
      ProgressListener listener) {
    this.space = Objects.requireNonNull(space, "space");
    this.spec = space.spec();
    this.cfg = Objects.requireNonNull(cfg, "config");
    this.listener = listener == null ? ProgressListener.NONE : listener;
    FashionData.Split all = Objects.requireNonNull(data, "data").train();
    this.train = cfg.maxTrainImages() > 0 && cfg.maxTrainImages() < all.count()
        ? all.range("train", 0, cfg.maxTrainImages()) : all;
    if (train.size() != spec.imageSize()) {
      throw new IllegalArgumentException(space.name() + " takes " + spec.imageSize() + "x"
          + spec.imageSize() + " images, the data has " + train.size() + "x" + train.size());
    }
    this.batch = Math.min(cfg.batchSize(), train.count());
    this.stepsPerEpoch = train.count() / batch;
    this.totalSteps = (long) stepsPerEpoch
        * ((long) cfg.anchorEpochs() * spec.anchors().size() + cfg.jointEpochs());
    this.rnd = new Random(cfg.seed());
  }

  /** Trains the family of {@code space} on {@code data.train()}; blocks while another trains. */
  public static TrainedStitches train(StitchedSpace space, FashionData data, StitchConfig cfg,
      ProgressListener listener) {
    ReentrantLock lock = DjlRuntime.trainingLock();
    lock.lock();
    try {
      return new StitchTrainer(space, data, cfg, listener).run();
    } finally {
      lock.unlock();
    }
  }

  private TrainedStitches run() {
    DjlRuntime.setIntraOpThreads(cfg.intraOpThreads());
    JniUtils.setGradMode(false);
    Engine engine = DjlRuntime.engine();
    try (NDManager base = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
      VitFamilyParams params = VitFamilyParams.initialize(space, base, cfg.seed());
      for (VitFamilyParams.Def def : params.defs()) {
        params.get(def.name()).setRequiresGradient(true);
      }
      StitchedVit net = new StitchedVit(params);
      AdamW opt = new AdamW(params, base);
      LOG.info("stitched family {}: {} values, {} train images, {} steps, {}", space.name(),
          params.count(), train.count(), totalSteps, DjlRuntime.describe());
      List<PhaseHistory> history = new ArrayList<>();
      for (int a = 0; a < spec.anchors().size(); a++) {
        StitchArch anchor = StitchArch.anchor(a, spec.depth());
        history.add(phase(engine, base, net, opt, "anchor:" + spec.anchor(a).name(),
            cfg.anchorEpochs(), cfg.learningRate(), () -> anchor));
      }
      if (cfg.leastSquaresInit()) {
        long t0 = System.nanoTime();
        leastSquaresInit(net, train, cfg);
        LOG.info("stitching layers fitted by least squares in {} s",
            String.format("%.1f", (System.nanoTime() - t0) / 1e9));
      }
      List<StitchArch> configs = space.configs();
      history.add(phase(engine, base, net, opt, "joint", cfg.jointEpochs(),
          cfg.jointLearningRate(), () -> configs.get(rnd.nextInt(configs.size()))));
      NDManager owned = NDManager.newBaseManager(DjlRuntime.ENGINE);
      return new TrainedStitches(params.copy(owned), history, imagesSeen, skipped, owned);
    }
  }

  private PhaseHistory phase(Engine engine, NDManager base, StitchedVit net, AdamW opt,
      String name, int epochs, double peakLr, Supplier<StitchArch> pick) {
    long phaseSteps = (long) stepsPerEpoch * epochs;
    // short phases (tests, small budgets) still reach their peak rate
    long warmup = Math.min(cfg.warmupSteps(), phaseSteps / 5);
    double[] epochLoss = new double[epochs];
    for (int epoch = 0; epoch < epochs; epoch++) {
      long t0 = System.nanoTime();
      int[] perm = permutation(train.count(), rnd);
      double sum = 0;
      int counted = 0;
      for (int s = 0; s < stepsPerEpoch; s++) {
        long step = (long) epoch * stepsPerEpoch + s;
        double lr = step < warmup ? peakLr * (step + 1) / warmup
            : peakLr * 0.5 * (1 + Math.cos(Math.PI * (step - warmup) / Math.max(1, phaseSteps - warmup)));
        double loss = step(engine, base, net, opt, pick.get(), perm, s * batch, lr);
        globalStep++;
        imagesSeen += batch;
        if (Double.isFinite(loss)) {
          sum += loss;
          counted++;
        }
        listener.onStep(name, globalStep, totalSteps, loss);
      }
      epochLoss[epoch] = counted == 0 ? Double.NaN : sum / counted;
      LOG.info("phase {} epoch {}/{}: loss {} in {} s", name, epoch + 1, epochs,
          String.format("%.4f", epochLoss[epoch]),
          String.format("%.1f", (System.nanoTime() - t0) / 1e9));
    }
    return new PhaseHistory(name, epochLoss);
  }

  private double step(Engine engine, NDManager base, StitchedVit net, AdamW opt, StitchArch arch,
      int[] perm, int from, double lr) {
    int to = from + batch;
    Set<String> used = new HashSet<>();
    boolean finite;
    boolean backward = false;
    float value;
    try (NDManager stepM = base.newSubManager()) {
      NDArray targets = Batches.targets(stepM, train, perm, from, to, spec.numClasses(),
          (float) cfg.labelSmoothing());
      NDArray x = Batches.images(stepM, train, spec.imageSize(), perm, from, to, null);
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray loss = Batches.softCrossEntropy(net.forward(stepM, arch, x, used), targets);
        value = loss.getFloat();
        finite = Float.isFinite(value);
        if (finite) {
          gc.backward(loss);
          backward = true;
        }
      }
      JniUtils.setGradMode(false);
      if (finite) {
        finite = opt.update(stepM, used, lr);
      }
      if (backward) {
        opt.zeroGradients(used);
      }
    }
    if (!finite) {
      skipped++;
      LOG.warn("step {}: non-finite loss or gradient, step skipped ({} so far)", globalStep, skipped);
      return Double.NaN;
    }
    return value;
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
    int[] idx = permutation(train.count(), new Random(cfg.seed() ^ 0x5717C4L));
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

  static int[] permutation(int n, Random rnd) {
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

  /** AdamW over the arrays a step used, with per-array step counts and global-norm clipping. */
  private final class AdamW {
    private final VitFamilyParams params;
    private final Map<String, NDArray> m1 = new HashMap<>();
    private final Map<String, NDArray> m2 = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();
    private final Set<String> decayed = new HashSet<>();

    AdamW(VitFamilyParams params, NDManager state) {
      this.params = params;
      for (VitFamilyParams.Def def : params.defs()) {
        m1.put(def.name(), state.zeros(def.shape()));
        m2.put(def.name(), state.zeros(def.shape()));
        if (def.kind() == VitFamilyParams.Kind.WEIGHT) {
          decayed.add(def.name());
        }
      }
    }

    boolean update(NDManager stepM, Set<String> used, double lr) {
      Map<String, NDArray> grads = new HashMap<>();
      double sq = 0;
      for (String name : used) {
        NDArray g = params.get(name).getGradient();
        g.attach(stepM);
        grads.put(name, g);
        sq += g.square().sum().getFloat();
      }
      if (!Double.isFinite(sq)) {
        return false;
      }
      double norm = Math.sqrt(sq);
      float scale = norm > GRAD_CLIP ? (float) (GRAD_CLIP / norm) : 1f;
      for (String name : used) {
        NDArray p = params.get(name);
        NDArray g = grads.get(name).muli(scale);
        int t = steps.merge(name, 1, Integer::sum);
        NDArray a = m1.get(name);
        NDArray v = m2.get(name);
        a.muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
        v.muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
        NDArray mhat = a.div((float) (1 - Math.pow(BETA1, t)));
        mhat.attach(stepM);
        NDArray denom = v.div((float) (1 - Math.pow(BETA2, t)));
        denom.attach(stepM);
        NDArray root = denom.sqrt().addi((float) ADAM_EPS);
        if (decayed.contains(name) && cfg.weightDecay() > 0) {
          p.muli((float) (1 - lr * cfg.weightDecay()));
        }
        p.subi(mhat.divi(root).muli((float) lr));
      }
      return true;
    }

    void zeroGradients(Set<String> used) {
      for (String name : used) {
        JniUtils.zeroGrad((PtNDArray) params.get(name));
      }
    }
  }
}
