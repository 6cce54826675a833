package org.subnetatlas.udfs.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.nets.Archs;
import org.subnetatlas.udfs.nets.BnStats;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.nets.ElasticMbNet;
import org.subnetatlas.udfs.nets.Scalars;
import org.subnetatlas.udfs.nets.SupernetParams;

/**
 * Trains an elastic MBConv supernet with progressive shrinking, the sandwich rule and in-place
 * distillation (see {@link SupernetConfig}), on the shared {@link TrainingLoop} with
 * {@link NesterovSgd}. Holds {@link DjlRuntime#trainingLock()} throughout: DJL's gradient
 * collector is one per JVM.
 */
public final class SupernetTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(SupernetTrainer.class);

  private final MbConvSpec spec;
  private final SupernetConfig cfg;
  private final TrainingLoop loop;
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
    this.loop = new TrainingLoop(LOG, listener,
        TrainingLoop.trainSplit(Objects.requireNonNull(data, "data"), cfg.maxTrainImages()),
        cfg.batchSize(), spec.numClasses(), cfg.labelSmoothing(), cfg.seed(), true);
    loop.totalSteps((long) loop.stepsPerEpoch()
        * cfg.phases().stream().mapToInt(SupernetConfig.Phase::epochs).sum());
  }

  /** Trains a supernet for {@code spec} on {@code data.train()}; blocks while another trains. */
  public static TrainedSupernet train(MbConvSpec spec, FashionData data, SupernetConfig cfg,
      ProgressListener listener) {
    return TrainingLoop.locked(() -> new SupernetTrainer(spec, data, cfg, listener).run());
  }

  /**
   * Trains only {@code arch} from scratch (fresh arrays, the config's phases all train that one
   * sub-network), calling {@code hook} after each epoch; blocks while another trains.
   */
  static TrainedSupernet trainFixed(MbConvSpec spec, FashionData data, SupernetConfig cfg,
      MbArch arch, EpochHook hook) {
    return TrainingLoop.locked(() -> {
      SupernetTrainer t = new SupernetTrainer(spec, data, cfg, null);
      t.fixed = Objects.requireNonNull(arch, "arch");
      t.epochHook = Objects.requireNonNull(hook, "hook");
      return t.run();
    });
  }

  private TrainedSupernet run() {
    return loop.train(new SupernetFamily(spec), cfg.intraOpThreads(), cfg.seed(), (base, params) -> {
      NesterovSgd opt = new NesterovSgd(params, base, cfg.momentum(), cfg.weightDecay(),
          cfg.gradClip());
      List<String> trainable = params.trainableNames();
      ElasticMbNet net = new ElasticMbNet(params, cfg.channelsLast());
      List<PhaseHistory> history = new ArrayList<>();
      LOG.info("supernet {}: {} trainable values, {} train images, {} steps, {}", spec.name(),
          params.trainableCount(), loop.split().count(), loop.totalSteps(), DjlRuntime.describe());
      for (SupernetConfig.Phase phase : cfg.phases()) {
        history.add(runPhase(base, net, opt, trainable, phase, history.isEmpty()));
      }
      return history;
    });
  }

  private PhaseHistory runPhase(NDManager base, ElasticMbNet net, NesterovSgd opt,
      List<String> trainable, SupernetConfig.Phase phase, boolean first) {
    long phaseSteps = (long) loop.stepsPerEpoch() * phase.epochs();
    BnStats sharedBn = BnStats.shared(net.params(), true, 0.9f);
    Archs.Elastic elastic = phase.elastic();
    Random rnd = loop.random();
    return loop.phase(phase.name(), phase.epochs(),
        step -> learningRate(phase, step, phaseSteps, first),
        (perm, from, lr) -> {
          List<MbArch> archs = new ArrayList<>();
          archs.add(fixed != null ? fixed : Archs.largest(spec));
          if (fixed == null && elastic != Archs.Elastic.NONE) {
            archs.add(Archs.smallest(spec, elastic));
            for (int i = 0; i < cfg.sandwichRandom(); i++) {
              archs.add(Archs.random(spec, elastic, rnd));
            }
          }
          return loop.step(base, opt, trainable, perm, from, lr,
              (stepM, targets, p, f, to) -> sandwich(net, sharedBn, archs, stepM, targets, p, f, to));
        },
        (name, epoch) -> epochHook.afterEpoch(name, epoch, net.params()));
  }

  /**
   * Forward and backward passes of every sub-network of one sandwich step, gradients
   * accumulated; the mean loss, or NaN as soon as one loss is not finite.
   */
  private TrainingLoop.Outcome sandwich(ElasticMbNet net, BnStats sharedBn, List<MbArch> archs,
      NDManager stepM, NDArray targets, int[] perm, int from, int to) {
    long flipSeed = loop.random().nextLong();
    FashionData.Split train = loop.split();
    double lossSum = 0;
    boolean finite = true;
    float[] soft = null;
    try (GradientCollector gc = loop.gradients()) {
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
    // the sandwich always clears its gradients, whether or not a backward pass ran
    return new TrainingLoop.Outcome(finite ? lossSum / archs.size() : Double.NaN, true);
  }

  private double learningRate(SupernetConfig.Phase phase, long step, long steps, boolean first) {
    if (first && step < cfg.warmupSteps()) {
      return phase.learningRate() * (step + 1) / cfg.warmupSteps();
    }
    return phase.learningRate() * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, steps)));
  }
}
