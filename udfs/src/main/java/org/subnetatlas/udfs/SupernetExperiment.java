package org.subnetatlas.udfs;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;

/**
 * Trains the {@code mbv3-tiny} supernet with the default recipe (or loads a checkpoint), evaluates
 * largest, smallest and N random sub-networks in parallel threads and prints timings, top-1 and
 * Spearman(top-1, MACs). Run with:
 *
 * <pre>
 * java -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache -cp … \
 *   org.subnetatlas.udfs.SupernetExperiment [dataDir] [nRandom] [checkpoint] [epochs e1,e2,e3,e4]
 * </pre>
 */
public final class SupernetExperiment {

  private SupernetExperiment() {}

  public static void main(String[] args) throws Exception {
    String dataDir = args.length > 0 ? args[0] : "data/fashion-mnist";
    int nRandom = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path checkpoint = args.length > 2 && !args[2].isEmpty() && !args[2].equals("-") ? Path.of(args[2]) : null;
    SupernetConfig cfg = SupernetConfig.defaults();
    if (args.length > 3) {
      cfg = cfg.withEpochs(Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray());
    }
    int threads = Integer.getInteger("threads", 2);
    if (Integer.getInteger("trainThreads") != null) {
      cfg = new SupernetConfig(cfg.phases(), cfg.batchSize(), cfg.sandwichRandom(), cfg.kdRatio(),
          cfg.labelSmoothing(), cfg.momentum(), cfg.weightDecay(), cfg.gradClip(),
          cfg.warmupSteps(), cfg.maxTrainImages(), cfg.flip(), cfg.channelsLast(),
          Integer.getInteger("trainThreads"), cfg.seed());
    }
    EvalConfig evalCfg = new EvalConfig(Integer.getInteger("recal", EvalConfig.defaults()
        .recalibrationImages()), Integer.getInteger("eval", EvalConfig.defaults().evalImages()),
        Integer.getInteger("batch", EvalConfig.defaults().batchSize()), true);
    MbConvSpec spec = BuiltinSpecs.MBV3_TINY;
    FashionData data = FashionData.load(dataDir);
    System.out.println(DjlRuntime.describe());
    System.out.printf("data: train %d, valid %d, test %d%n", data.train().count(),
        data.valid().count(), data.test().count());

    TrainedSupernet supernet;
    if (checkpoint != null && Files.exists(checkpoint)) {
      try (InputStream in = Files.newInputStream(checkpoint)) {
        supernet = TrainedSupernet.load(spec, in);
      }
      System.out.println("loaded " + checkpoint);
    } else {
      long t0 = System.nanoTime();
      System.out.println("training with " + cfg);
      supernet = SupernetTrainer.train(spec, data, cfg, (phase, step, total, loss) -> {
        if (step % 20 == 0 || step == total) {
          double s = (System.nanoTime() - t0) / 1e9;
          System.out.printf("  %s step %d/%d loss %.4f %.1f s, ETA %.0f s%n", phase, step, total,
              loss, s, s / step * (total - step));
        }
      });
      System.out.printf("training: %.1f s, %d images seen, %d skipped steps%n",
          (System.nanoTime() - t0) / 1e9, supernet.imagesSeen(), supernet.skippedSteps());
      for (PhaseHistory h : supernet.history()) {
        System.out.println("  " + h.phase() + " " + Arrays.toString(h.epochLoss()));
      }
      if (checkpoint != null) {
        try (OutputStream out = Files.newOutputStream(checkpoint)) {
          supernet.save(out);
        }
      }
    }

    Random rnd = new Random(7);
    List<MbArch> archs = new ArrayList<>();
    archs.add(Archs.largest(spec));
    archs.add(Archs.smallest(spec));
    for (int i = 0; i < nRandom; i++) {
      archs.add(Archs.random(spec, rnd));
    }
    SubnetEvaluator evaluator = new SubnetEvaluator(supernet, data, evalCfg);
    for (int r : spec.resolutionChoices()) {
      data.train().pixelsAt(r);
      data.valid().pixelsAt(r);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, run -> {
      Thread t = new Thread(() -> {
        DjlRuntime.inferenceThread(1);
        run.run();
      });
      t.setDaemon(true);
      return t;
    });
    long t1 = System.nanoTime();
    List<Future<EvalResult>> futures = new ArrayList<>();
    for (MbArch a : archs) {
      futures.add(pool.submit(() -> evaluator.evaluate(a)));
    }
    double[] top1 = new double[archs.size()];
    double[] macs = new double[archs.size()];
    for (int i = 0; i < archs.size(); i++) {
      top1[i] = futures.get(i).get().top1();
      macs[i] = Archs.macs(spec, archs.get(i));
    }
    double secs = (System.nanoTime() - t1) / 1e9;
    pool.shutdown();
    EvalResult largest = futures.get(0).get();
    System.out.printf("eval %s: %d archs in %.1f s = %.2f archs/s with %d threads%n", evalCfg,
        archs.size(), secs, archs.size() / secs, threads);
    System.out.printf("largest top1 %.4f ± %.4f (%.2fM MACs), smallest top1 %.4f (%.2fM MACs)%n",
        largest.top1(), largest.top1StandardError(), macs[0] / 1e6, top1[1], macs[1] / 1e6);
    double[] rt = Arrays.copyOfRange(top1, 2, top1.length);
    double[] rm = Arrays.copyOfRange(macs, 2, macs.length);
    System.out.printf("random: top1 mean %.4f sd %.4f min %.4f max %.4f; Spearman(top1, MACs) %.3f "
        + "over %d%n", mean(rt), sd(rt), Arrays.stream(rt).min().orElse(0),
        Arrays.stream(rt).max().orElse(0), RankCorrelation.spearman(rt, rm), rt.length);
    supernet.close();
  }

  static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  static double sd(double[] v) {
    double m = mean(v);
    return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / Math.max(1, v.length - 1));
  }

}
