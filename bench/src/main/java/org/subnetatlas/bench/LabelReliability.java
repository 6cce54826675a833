package org.subnetatlas.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.prediction.PredictorModels;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.EvalResult;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.SubnetEvaluator;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;

/**
 * How noisy is a top-1 label? Evaluates each held-out architecture (train-predictor's split at
 * {@code --held-out-percent}, default 20) with the evaluator the Spark stage runs
 * (same checkpoint, same fixed recalibration subset) on {@code --blocks} disjoint ranges of
 * {@code --images} valid images each: [0, n), [n, 2n), ... Range 0 is what {@code evaluate}
 * stores. With {@code --recal-seeds s1,s2,...} each block is scored once per recalibration subset
 * (drawn with that seed; the stages' fixed seed is the default), seed-major. Writes {@code
 * arch_id,top1_0,top1_1,...} to {@code --out}; {@code
 * bench/label-reliability.sh} turns that into the agreement between independent image samples.
 */
public final class LabelReliability {

  private LabelReliability() {}

  public static void main(String[] argv) {
    Args.main(() -> run(new Args("label-reliability", argv,
        Set.of("data", "archs-file", "checkpoint", "out", "threads", "recal", "images", "blocks",
            "batch", "held-out-percent", "recal-seeds"))));
  }

  private static void run(Args a) {
    MbConvSpec spec = BuiltinSpecs.MBV3_TINY;
    MbConvSpace space = new MbConvSpace(spec);
    int images = a.getInt("images", 1500, 1);
    long[] seeds;
    try {
      seeds = java.util.Arrays.stream(a.get("recal-seeds",
          Long.toString(SubnetEvaluator.RECALIBRATION_SEED)).split(",")).map(String::trim)
          .mapToLong(Long::parseLong).toArray();
    } catch (NumberFormatException e) {
      throw a.usage("--recal-seeds wants comma-separated integers: " + e.getMessage());
    }
    int blocks = a.getInt("blocks", 2, seeds.length > 1 ? 1 : 2);
    int heldOut = a.getInt("held-out-percent", 20, 1);
    String file = a.get("archs-file", null);
    String checkpoint = a.get("checkpoint", null);
    String out = a.get("out", null);
    if (file == null || checkpoint == null || out == null) {
      throw a.usage("--archs-file, --checkpoint and --out are required");
    }
    List<String> ids = new ArrayList<>();
    List<MbArch> archs = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.isBlank()) {
          continue;
        }
        int comma = line.indexOf(',');  // arch_id,encoding
        String id = line.substring(0, comma);
        if (PredictorModels.role(id, heldOut, 0) == PredictorModels.Role.TEST) {  // train-predictor's test split
          ids.add(id);
          archs.add(space.parse(line.substring(comma + 1)));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw a.usage("--archs-file " + file + ": " + e.getMessage());
    }
    FashionData data;
    try {
      data = FashionData.load(a.get("data", "data/fashion-mnist"));
    } catch (IOException e) {
      throw a.usage("--data: " + e.getMessage());
    }
    if ((long) images * blocks > data.valid().count()) {
      throw a.usage(blocks + " blocks of " + images + " images need more than the valid split's "
          + data.valid().count());
    }
    EvalConfig cfg = new EvalConfig(a.getInt("recal", 500, 1), images, a.getInt("batch", 500, 1),
        true, a.get("device", "auto"));
    org.subnetatlas.udfs.nets.DjlRuntime.preferDevice(cfg.device());
    double[][] top1 = new double[archs.size()][seeds.length * blocks];
    long start = System.nanoTime();
    try (TrainedSupernet supernet = EvalThroughput.load(spec, checkpoint)) {
      List<SubnetEvaluator> evaluators = new ArrayList<>();
      for (long seed : seeds) {
        evaluators.add(new SubnetEvaluator(supernet, data, cfg, seed));
      }
      ExecutorService pool = EvalThroughput.evaluationPool(a.getInt("threads", 2, 1));
      try {
        List<Future<double[]>> futures = new ArrayList<>();
        for (MbArch arch : archs) {
          futures.add(pool.submit(() -> evaluators.stream()
              .flatMap(ev -> java.util.Arrays.stream(ev.evaluate(arch, 0, images, blocks)))
              .mapToDouble(EvalResult::top1).toArray()));
        }
        for (int i = 0; i < archs.size(); i++) {
          top1[i] = futures.get(i).get();
          if ((i + 1) % 50 == 0) {
            System.err.printf("label-reliability: %d of %d architectures, %.0f s%n", i + 1,
                archs.size(), (System.nanoTime() - start) / 1e9);
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException("evaluation failed: " + e, e);
      } finally {
        pool.shutdownNow();
      }
    }
    try (PrintStream ps = new PrintStream(Files.newOutputStream(Path.of(out)))) {
      for (int i = 0; i < archs.size(); i++) {
        StringBuilder row = new StringBuilder(ids.get(i));
        for (double t : top1[i]) {
          row.append(',').append(t);
        }
        ps.println(row);
      }
    } catch (IOException e) {
      throw new IllegalStateException("--out " + out + ": " + e.getMessage(), e);
    }
    System.err.printf("label-reliability: %d architectures x %d blocks of %d images in %.0f s%n",
        archs.size(), blocks, images, (System.nanoTime() - start) / 1e9);
  }
}
