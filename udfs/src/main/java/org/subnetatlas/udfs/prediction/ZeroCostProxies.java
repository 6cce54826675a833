package org.subnetatlas.udfs.prediction;

import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.NonFiniteMetricsException;
import org.subnetatlas.udfs.nets.DjlRuntime;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.BnStats;
import org.subnetatlas.udfs.nets.ElasticMbNet;
import org.subnetatlas.udfs.nets.ParamStore;
import org.subnetatlas.udfs.nets.SupernetParams;

/**
 * Zero-cost proxies of a sub-network at initialisation: one forward and one backward through a
 * randomly initialised supernet (fixed seed) on one fixed batch, no training.
 *
 * <ul>
 *   <li>{@code synflow} (Tanaka et al. 2020): log of Σ θ·∂R/∂θ with |θ| weights, an all-ones input
 *       and R the sum of the logits; BN uses its initial statistics (eval mode).
 *   <li>{@code snip} (Lee et al. 2019): Σ |θ·∂L/∂θ| for the cross-entropy L on the batch.
 *   <li>{@code grad_norm}: Σ over arrays of ‖∂L/∂θ‖₂ on the same backward.
 * </ul>
 *
 * Only the slices a sub-network uses receive gradient, so sums over the full arrays are sums over
 * the sub-network. Holds {@link DjlRuntime#trainingLock()} per sub-network (one gradient
 * collector per JVM); not for concurrent use from several threads.
 */
public final class ZeroCostProxies implements AutoCloseable {

  /** Seed of the random supernet and of the batch: every run scores against the same network. */
  public static final long DEFAULT_SEED = 20261201L;
  public static final int DEFAULT_BATCH = 32;

  /** The proxies of one sub-network and the milliseconds they took. */
  public record Scores(double synflow, double snip, double gradNorm, double millis) {
    public Map<String, Double> asMap() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("synflow", synflow);
      m.put("snip", snip);
      m.put("grad_norm", gradNorm);
      return m;
    }
  }

  private final MbConvSpec spec;
  private final NDManager base;
  private final ElasticMbNet net;
  private final ElasticMbNet absNet;
  private final List<NDArray> trainable = new ArrayList<>();
  private final List<NDArray> absTrainable = new ArrayList<>();
  private final FashionData.Split batch;
  private final long seed;

  /** Uses the first {@code batchSize} images of {@code data.train()} as the fixed batch. */
  public ZeroCostProxies(MbConvSpec spec, FashionData data, long seed, int batchSize) {
    this.spec = Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(data, "data");
    if (batchSize < 1 || batchSize > data.train().count()) {
      throw new IllegalArgumentException("proxy batch size " + batchSize + " not in 1.."
          + data.train().count());
    }
    this.seed = seed;
    this.batch = data.train().range("proxy-batch", 0, batchSize);
    this.base = NDManager.newBaseManager(DjlRuntime.ENGINE);
    SupernetParams params = SupernetParams.initialize(spec, base, seed);
    Map<String, float[]> abs = params.toData();
    abs.replaceAll((k, v) -> {
      float[] a = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        a[i] = Math.abs(v[i]);
      }
      return a;
    });
    // the |θ| network runs in double precision: headroom for the path products of larger spaces
    // (mbv3-tiny's totals, e^18 to e^32, fit either precision)
    SupernetParams absParams;
    try (SupernetParams single = SupernetParams.fromData(spec, base, abs)) {
      absParams = single.withType(ai.djl.ndarray.types.DataType.FLOAT64, base);
    }
    for (SupernetParams.Def def : params.defs()) {
      if (def.kind() == ParamStore.Kind.WEIGHT) {
        NDArray p = params.get(def.name());
        p.setRequiresGradient(true);
        trainable.add(p);
        NDArray a = absParams.get(def.name());
        a.setRequiresGradient(true);
        absTrainable.add(a);
      }
    }
    this.net = new ElasticMbNet(params, false);
    this.absNet = new ElasticMbNet(absParams, false);
  }

  public long seed() {
    return seed;
  }

  public int batchSize() {
    return batch.count();
  }

  /**
   * Scores {@code arch}; blocks while another training or proxy computation holds the lock.
   *
   * @throws NonFiniteMetricsException when a score is not finite (nothing is returned)
   */
  public Scores score(MbArch arch) {
    Objects.requireNonNull(arch, "arch");
    if (!spec.resolutionChoices().contains(arch.r())) {
      throw new IllegalArgumentException("resolution " + arch.r() + " is not one of "
          + spec.resolutionChoices());
    }
    ReentrantLock lock = DjlRuntime.trainingLock();
    lock.lock();
    long t0 = System.nanoTime();
    try {
      Engine engine = DjlRuntime.engine();
      double synflow = synflow(engine, arch);
      double[] sg = snipAndGradNorm(engine, arch);
      Scores scores = new Scores(synflow, sg[0], sg[1], (System.nanoTime() - t0) / 1e6);
      if (!Double.isFinite(synflow) || !Double.isFinite(sg[0]) || !Double.isFinite(sg[1])) {
        throw new NonFiniteMetricsException("zero-cost proxies of " + spec.name() + " arch " + arch
            + " are not finite (" + scores + "); nothing was written");
      }
      return scores;
    } finally {
      JniUtils.setGradMode(false);
      lock.unlock();
    }
  }

  private double synflow(Engine engine, MbArch arch) {
    try (NDManager m = base.newSubManager()) {
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray x = m.ones(new ai.djl.ndarray.types.Shape(1, 1, arch.r(), arch.r()),
            ai.djl.ndarray.types.DataType.FLOAT64);
        NDArray logits = absNet.forward(m, arch, x, BnStats.shared(absNet.params(), false, 0.9f));
        gc.backward(logits.sum());
      }
      double total = 0;
      for (NDArray p : absTrainable) {
        try (NDArray g = p.getGradient(); NDArray prod = p.mul(g); NDArray s = prod.sum()) {
          total += s.getDouble();
        }
        JniUtils.zeroGrad((PtNDArray) p);
      }
      // synflow spans many orders of magnitude across sub-networks; its log is the usable feature.
      // With |θ| weights and an all-ones input every path is positive, so a total that is not
      // positive (or NaN) is a fault, reported as NaN rather than as the log of zero
      return total > 0 ? Math.log(total) : Double.NaN;
    }
  }

  private double[] snipAndGradNorm(Engine engine, MbArch arch) {
    try (NDManager m = base.newSubManager()) {
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray x = Batches.images(m, batch, arch.r(), null, 0, batch.count(), null);
        NDArray targets = Batches.targets(m, batch, null, 0, batch.count(), spec.numClasses(), 0f);
        NDArray logits = net.forward(m, arch, x, BnStats.scratch());
        gc.backward(Batches.softCrossEntropy(logits, targets));
      }
      double snip = 0;
      double gradNorm = 0;
      for (NDArray p : trainable) {
        try (NDArray g = p.getGradient(); NDArray prod = p.mul(g); NDArray a = prod.abs();
            NDArray s = a.sum(); NDArray n = g.norm()) {
          snip += s.getFloat();
          gradNorm += n.getFloat();
        }
        JniUtils.zeroGrad((PtNDArray) p);
      }
      return new double[] {snip, gradNorm};
    }
  }

  @Override
  public void close() {
    base.close();
  }
}
