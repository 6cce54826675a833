package org.subnetatlas.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.SubnetEvaluator;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;

/**
 * Figure 5: the machine's FP32 GEMM peak through the same engine (DJL, PyTorch natives), on one
 * intra-op thread and on all cores, and the fraction of it that evaluating the largest
 * {@code mbv3-tiny} sub-network reaches (2 x MACs per image over recalibration + held-out
 * images, the evaluator the Spark stage runs).
 */
public final class GemmPeak {

  private GemmPeak() {}

  public static void main(String[] argv) {
    Args.main(() -> run(new Args("gemm-peak", argv, Set.of("data", "evals", "seconds"))));
  }

  private static void run(Args a) {
    int cores = Runtime.getRuntime().availableProcessors();
    double seconds = a.getInt("seconds", 3, 1);
    double peak1 = 0;
    double peakAll = 0;
    for (int n : new int[] {512, 1024, 2048}) {
      double g1 = gemm(n, 1, seconds);
      double gAll = gemm(n, cores, seconds);
      System.out.printf("gemm %dx%d fp32: %.1f GFLOP/s on 1 thread, %.1f GFLOP/s on %d threads%n",
          n, n, g1, gAll, cores);
      peak1 = Math.max(peak1, g1);
      peakAll = Math.max(peakAll, gAll);
    }
    System.out.printf("peak: %.1f GFLOP/s on 1 thread, %.1f GFLOP/s on %d threads%n", peak1,
        peakAll, cores);

    MbConvSpace space = new MbConvSpace(BuiltinSpecs.MBV3_TINY);
    MbArch largest = space.largest();
    long macs = space.cost(largest).macs();
    EvalConfig cfg = EvalConfig.defaults();
    FashionData data;
    try {
      data = FashionData.load(a.get("data", "data/fashion-mnist"));
    } catch (IOException e) {
      throw a.usage("--data: " + e.getMessage());
    }
    data.train().pixelsAt(largest.r());
    data.valid().pixelsAt(largest.r());
    int evals = a.getInt("evals", 10, 1);
    try (TrainedSupernet supernet = TrainedSupernet.untrained(BuiltinSpecs.MBV3_TINY, 42)) {
      SubnetEvaluator evaluator = new SubnetEvaluator(supernet, data, cfg);
      long images = (long) Math.min(cfg.recalibrationImages(), data.train().count())
          + Math.min(cfg.evalImages(), data.valid().count());
      for (int threads : new int[] {1, cores}) {
        double perSecond = evaluations(evaluator, largest, threads, evals);
        double gflops = perSecond * images * 2.0 * macs / 1e9;
        double peak = threads == 1 ? peak1 : peakAll;
        System.out.printf("largest sub-network (%d MACs, r=%d), %d thread(s) x 1 intra-op thread:"
                + " %.2f evaluations/s, %.2f GFLOP/s = %.1f%% of the %s GEMM peak (goal >= 30%%)%n",
            macs, largest.r(), threads, perSecond, gflops, 100 * gflops / peak,
            threads == 1 ? "1-thread" : cores + "-thread");
      }
    }
  }

  private static double gemm(int n, int threads, double seconds) {
    DjlRuntime.setIntraOpThreads(threads);
    try (NDManager m = DjlRuntime.engine().newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(n, n));
      NDArray y = m.randomNormal(new Shape(n, n));
      for (int i = 0; i < 3; i++) {
        x.matMul(y).close();
      }
      long start = System.nanoTime();
      long deadline = start + (long) (seconds * 1e9);
      int reps = 0;
      do {
        x.matMul(y).close();
        reps++;
      } while (System.nanoTime() < deadline);
      double s = (System.nanoTime() - start) / 1e9;
      return reps * 2.0 * n * n * n / s / 1e9;
    } finally {
      DjlRuntime.setIntraOpThreads(1);
    }
  }

  private static double evaluations(SubnetEvaluator evaluator, MbArch arch, int threads, int evals) {
    ExecutorService pool = EvalThroughput.evaluationPool(threads);
    try {
      evaluator.evaluate(arch);  // warm-up
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < evals * threads; i++) {
        futures.add(pool.submit(() -> evaluator.evaluate(arch)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      return evals * threads / ((System.nanoTime() - start) / 1e9);
    } catch (Exception e) {
      throw new IllegalStateException("evaluation failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }
}
