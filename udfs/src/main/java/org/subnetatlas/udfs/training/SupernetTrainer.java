package org.subnetatlas.udfs.training;

import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.nets.Archs;
import org.subnetatlas.udfs.nets.DjlRuntime;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.BnStats;
import org.subnetatlas.udfs.nets.ElasticMbNet;
import org.subnetatlas.udfs.nets.Scalars;
import org.subnetatlas.udfs.nets.SupernetParams;

/**
 * Trains an elastic MBConv supernet with progressive shrinking, the sandwich rule and in-place
 * distillation (see {@link SupernetConfig}). Holds {@link DjlRuntime#trainingLock()} throughout:
 * DJL's gradient collector is one per JVM.
 */
public final class SupernetTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(SupernetTrainer.class);

  private final MbConvSpec spec;
  private final SupernetConfig cfg;
  private final ProgressListener listener;
  private final FashionData.Split train;
  private final int batch;
  private final int stepsPerEpoch;
  private final long totalSteps;
  private final Random rnd;
  private long globalStep;
  private long imagesSeen;
  private long skipped;
  /** Standalone training: this one sub-network instead of the sandwich (null for a supernet). */
  private MbArch fixed;
  private EpochHook epochHook = (phase, epoch, params) -> { };

  /** Called after every epoch with the live arrays (read them, do not keep them). */
  @FunctionalInterface
  interface EpochHook {
    void afterEpoch(String phase, int epoch, SupernetParams params);
  }

  private SupernetTrainer(MbConvSpec spec, FashionData data, SupernetConfig cfg,
      ProgressListener listener) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.cfg = Objects.requireNonNull(cfg, "config");
    this.listener = listener == null ? ProgressListener.NONE : listener;
    FashionData.Split all = Objects.requireNonNull(data, "data").train();
    this.train = cfg.maxTrainImages() > 0 && cfg.maxTrainImages() < all.count()
        ? all.range("train", 0, cfg.maxTrainImages()) : all;
    this.batch = Math.min(cfg.batchSize(), train.count());
    this.stepsPerEpoch = train.count() / batch;
    this.totalSteps = (long) stepsPerEpoch
        * cfg.phases().stream().mapToInt(SupernetConfig.Phase::epochs).sum();
    this.rnd = new Random(cfg.seed());
  }

  /** Trains a supernet for {@code spec} on {@code data.train()}; blocks while another trains. */
  public static TrainedSupernet train(MbConvSpec spec, FashionData data, SupernetConfig cfg,
      ProgressListener listener) {
    ReentrantLock lock = DjlRuntime.trainingLock();
    lock.lock();
    try {
      return new SupernetTrainer(spec, data, cfg, listener).run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Trains only {@code arch} from scratch (fresh arrays, the config's phases all train that one
   * sub-network), calling {@code hook} after each epoch; blocks while another trains.
   */
  static TrainedSupernet trainFixed(MbConvSpec spec, FashionData data, SupernetConfig cfg,
      MbArch arch, EpochHook hook) {
    ReentrantLock lock = DjlRuntime.trainingLock();
    lock.lock();
    try {
      SupernetTrainer t = new SupernetTrainer(spec, data, cfg, null);
      t.fixed = Objects.requireNonNull(arch, "arch");
      t.epochHook = Objects.requireNonNull(hook, "hook");
      return t.run();
    } finally {
      lock.unlock();
    }
  }

  private TrainedSupernet run() {
    DjlRuntime.setIntraOpThreads(cfg.intraOpThreads());
    JniUtils.setGradMode(false);
    Engine engine = DjlRuntime.engine();
    try (NDManager base = NDManager.newBaseManager(DjlRuntime.device(), DjlRuntime.ENGINE)) {
      SupernetParams params = SupernetParams.initialize(spec, base, cfg.seed());
      List<NDArray> trainable = new ArrayList<>();
      List<NDArray> velocity = new ArrayList<>();
      List<Boolean> decay = new ArrayList<>();
      for (SupernetParams.Def def : params.defs()) {
        if (def.kind() != SupernetParams.Kind.BUFFER) {
          NDArray p = params.get(def.name());
          p.setRequiresGradient(true);
          trainable.add(p);
          velocity.add(base.zeros(p.getShape()));
          decay.add(def.kind() == SupernetParams.Kind.WEIGHT);
        }
      }
      Optimizer opt = new Optimizer(trainable, velocity, decay);
      ElasticMbNet net = new ElasticMbNet(params, cfg.channelsLast());
      List<PhaseHistory> history = new ArrayList<>();
      LOG.info("supernet {}: {} trainable values, {} train images, {} steps, {}", spec.name(),
          params.trainableCount(), train.count(), totalSteps, DjlRuntime.describe());
      for (SupernetConfig.Phase phase : cfg.phases()) {
        history.add(runPhase(engine, base, net, opt, phase, history.isEmpty()));
      }
      NDManager owned = NDManager.newBaseManager(DjlRuntime.device(), DjlRuntime.ENGINE);
      return new TrainedSupernet(params.copy(owned), history, imagesSeen, skipped, owned);
    }
  }

  private PhaseHistory runPhase(Engine engine, NDManager base, ElasticMbNet net, Optimizer opt,
      SupernetConfig.Phase phase, boolean first) {
    long phaseSteps = (long) stepsPerEpoch * phase.epochs();
    double[] epochLoss = new double[phase.epochs()];
    BnStats sharedBn = BnStats.shared(net.params(), true, 0.9f);
    Archs.Elastic elastic = phase.elastic();
    for (int epoch = 0; epoch < phase.epochs(); epoch++) {
      long t0 = System.nanoTime();
      int[] perm = permutation(train.count());
      double sum = 0;
      int counted = 0;
      for (int s = 0; s < stepsPerEpoch; s++) {
        long stepInPhase = (long) epoch * stepsPerEpoch + s;
        double lr = learningRate(phase, stepInPhase, phaseSteps, first);
        List<MbArch> archs = new ArrayList<>();
        archs.add(fixed != null ? fixed : Archs.largest(spec));
        if (fixed == null && elastic != Archs.Elastic.NONE) {
          archs.add(Archs.smallest(spec, elastic));
          for (int i = 0; i < cfg.sandwichRandom(); i++) {
            archs.add(Archs.random(spec, elastic, rnd));
          }
        }
        double loss = step(engine, base, net, opt, sharedBn, archs, perm, s * batch, lr);
        globalStep++;
        imagesSeen += batch;
        if (Double.isFinite(loss)) {
          sum += loss;
          counted++;
        }
        listener.onStep(phase.name(), globalStep, totalSteps, loss);
      }
      epochLoss[epoch] = counted == 0 ? Double.NaN : sum / counted;
      LOG.info("phase {} epoch {}/{}: loss {} in {} s ({} skipped steps so far)", phase.name(),
          epoch + 1, phase.epochs(), String.format("%.4f", epochLoss[epoch]),
          String.format("%.1f", (System.nanoTime() - t0) / 1e9), skipped);
      epochHook.afterEpoch(phase.name(), epoch, net.params());
    }
    return new PhaseHistory(phase.name(), epochLoss);
  }

  /** One sandwich step; returns the mean loss, or NaN when the step was skipped. */
  private double step(Engine engine, NDManager base, ElasticMbNet net, Optimizer opt,
      BnStats sharedBn, List<MbArch> archs, int[] perm, int from, double lr) {
    int to = from + batch;
    long flipSeed = rnd.nextLong();
    double lossSum = 0;
    boolean finite = true;
    try (NDManager stepM = base.newSubManager()) {
      NDArray targets = Batches.targets(stepM, train, perm, from, to, spec.numClasses(),
          (float) cfg.labelSmoothing());
      float[] soft = null;
      try (GradientCollector gc = engine.newGradientCollector()) {
        for (int i = 0; i < archs.size() && finite; i++) {
          MbArch arch = archs.get(i);
          try (NDManager fm = stepM.newSubManager()) {
            NDArray x = Batches.images(fm, train, arch.r(), perm, from, to,
                cfg.flip() ? new Random(flipSeed) : null);
            // only the largest network keeps the shared running statistics meaningful
            NDArray logits = net.forward(fm, arch, x, i == 0 ? sharedBn : BnStats.scratch());
            NDArray loss = Batches.softCrossEntropy(logits, targets);
            if (soft != null && cfg.kdRatio() > 0) {
              NDArray teacher = fm.create(soft, new Shape(to - from, spec.numClasses()));
              loss = loss.add(Scalars.mul(Batches.softCrossEntropy(logits, teacher), cfg.kdRatio()));
            }
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
              finite = false;
              break;
            }
            lossSum += value;
            gc.backward(loss);
            if (i == 0 && archs.size() > 1) {
              soft = logits.stopGradient().softmax(1).toFloatArray();
            }
          }
        }
      }
      JniUtils.setGradMode(false);
      if (finite) {
        finite = opt.update(stepM, lr);
      }
      opt.zeroGradients();
    }
    if (!finite) {
      skipped++;
      LOG.warn("step {}: non-finite loss or gradient, step skipped ({} so far)", globalStep, skipped);
      return Double.NaN;
    }
    return lossSum / archs.size();
  }

  private double learningRate(SupernetConfig.Phase phase, long step, long steps, boolean first) {
    if (first && step < cfg.warmupSteps()) {
      return phase.learningRate() * (step + 1) / cfg.warmupSteps();
    }
    return phase.learningRate() * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, steps)));
  }

  private int[] permutation(int n) {
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

  /** SGD with Nesterov momentum, decoupled weight decay and global-norm clipping, in place. */
  private final class Optimizer {
    private final List<NDArray> params;
    private final List<NDArray> velocity;
    private final List<Boolean> decay;

    Optimizer(List<NDArray> params, List<NDArray> velocity, List<Boolean> decay) {
      this.params = params;
      this.velocity = velocity;
      this.decay = decay;
    }

    /** False (and nothing changed) when a gradient is not finite. */
    boolean update(NDManager stepM, double lr) {
      List<NDArray> grads = new ArrayList<>();
      double sq = 0;
      for (NDArray p : params) {
        NDArray g = p.getGradient();
        g.attach(stepM);
        grads.add(g);
        sq += g.square().sum().getFloat();
      }
      if (!Double.isFinite(sq)) {
        return false;
      }
      double norm = Math.sqrt(sq);
      float scale = cfg.gradClip() > 0 && norm > cfg.gradClip() ? (float) (cfg.gradClip() / norm) : 1f;
      float mom = (float) cfg.momentum();
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i);
        NDArray v = velocity.get(i);
        NDArray g = grads.get(i).muli(scale);
        v.muli(mom).addi(g);
        try (NDArray look = v.mul(mom)) {
          g.addi(look);
        }
        if (decay.get(i) && cfg.weightDecay() > 0) {
          p.muli((float) (1 - lr * cfg.weightDecay()));
        }
        p.subi(g.muli((float) lr));
      }
      return true;
    }

    void zeroGradients() {
      for (NDArray p : params) {
        JniUtils.zeroGrad((PtNDArray) p);
      }
    }
  }
}
