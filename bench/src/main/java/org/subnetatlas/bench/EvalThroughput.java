package org.subnetatlas.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.EvalResult;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.SubnetEvaluator;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.nets.Geometry;
import org.subnetatlas.udfs.nets.SupernetParams;

/**
 * Figure 1, Atlas side: sub-network evaluations (inherit weights, recalibrate BN, score the
 * held-out split) per second of {@code mbv3-tiny}, exactly the evaluator the Spark stage runs, on
 * T threads with one intra-op thread each. With {@code --export DIR} it also writes the weights,
 * the architectures, the geometry, the recalibration indices and its own top-1 per architecture,
 * so {@code bench/pytorch_eval.py} runs the same evaluations and checks it computes the same
 * numbers.
 */
public final class EvalThroughput {

  private EvalThroughput() {}

  public static void main(String[] argv) {
    Args.main(() -> run(new Args("eval-throughput", argv,
        Set.of("data", "archs", "archs-file", "threads", "checkpoint", "export", "seed", "recal",
            "eval", "batch", "warmup"))));
  }

  private static void run(Args a) {
    MbConvSpec spec = BuiltinSpecs.MBV3_TINY;
    MbConvSpace space = new MbConvSpace(spec);
    int threads = a.getInt("threads", 1, 1);
    int warmup = a.getInt("warmup", 3, 0);
    EvalConfig cfg = new EvalConfig(a.getInt("recal", 500, 1), a.getInt("eval", 1500, 1),
        a.getInt("batch", 500, 1), true, a.get("device", "auto"));
    org.subnetatlas.udfs.nets.DjlRuntime.preferDevice(cfg.device());
    List<MbArch> archs = new ArrayList<>();
    String file = a.get("archs-file", null);
    SplittableRandom rnd = new SplittableRandom(a.getInt("seed", 7, 0));
    for (int i = 0; i < warmup; i++) {
      archs.add(space.sample(rnd));
    }
    if (file != null) {  // canonical encodings, one per line (e.g. exported from atlas.architectures)
      try {
        for (String line : Files.readAllLines(Path.of(file))) {
          if (!line.isBlank()) {
            archs.add(space.parse(line));
          }
        }
      } catch (IOException | RuntimeException e) {
        throw a.usage("--archs-file " + file + ": " + e.getMessage());
      }
    } else {
      for (int i = 0, n = a.getInt("archs", 40, 1); i < n; i++) {
        archs.add(space.sample(rnd));
      }
    }
    int n = archs.size() - warmup;
    FashionData data;
    try {
      data = FashionData.load(a.get("data", "data/fashion-mnist"));
    } catch (IOException e) {
      throw a.usage("--data: " + e.getMessage());
    }
    for (int r : spec.resolutionChoices()) {  // resized once per process, as on an executor
      data.train().pixelsAt(r);
      data.valid().pixelsAt(r);
    }
    String checkpoint = a.get("checkpoint", null);
    try (TrainedSupernet supernet = checkpoint == null
        ? TrainedSupernet.untrained(spec, 42) : load(spec, checkpoint)) {
      SubnetEvaluator evaluator = new SubnetEvaluator(supernet, data, cfg);
      double[] top1 = new double[archs.size()];
      ExecutorService pool = evaluationPool(threads);
      try {
        evaluateAll(pool, evaluator, archs, 0, warmup, top1);
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        evaluateAll(pool, evaluator, archs, warmup, warmup + n, top1);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        // evaluations per core-second from the process's CPU time (every thread, JIT and GC
        // included), which a busy machine disturbs far less than wall time
        System.out.printf("atlas-djl: %d evaluations (%d recalibration + %d held-out images, batch %d),"
                + " %d thread(s) x 1 intra-op thread: wall %.2f s (%.3f evaluations/s), CPU %.2f s,"
                + " %.3f per core-second%n",
            n, cfg.recalibrationImages(), cfg.evalImages(), cfg.batchSize(), threads, seconds,
            n / seconds, cpuSeconds, n / cpuSeconds);
      } finally {
        pool.shutdownNow();
      }
      String export = a.get("export", null);
      if (export != null) {
        export(Path.of(export), spec, space, supernet.net().params(), archs, warmup, top1, cfg, data);
      }
    }
  }

  /** Daemon threads for evaluation, each with one intra-op thread and grad mode off. */
  static ExecutorService evaluationPool(int threads) {
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(() -> {
        DjlRuntime.inferenceThread(1);
        r.run();
      }, "eval");
      t.setDaemon(true);
      return t;
    });
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static TrainedSupernet load(MbConvSpec spec, String path) {
    try (FileInputStream in = new FileInputStream(path)) {
      return TrainedSupernet.load(spec, in);
    } catch (IOException e) {
      throw new IllegalArgumentException("--checkpoint " + path + ": " + e.getMessage());
    }
  }

  private static void evaluateAll(ExecutorService pool, SubnetEvaluator evaluator,
      List<MbArch> archs, int from, int to, double[] top1) {
    List<Future<EvalResult>> futures = new ArrayList<>();
    for (int i = from; i < to; i++) {
      MbArch arch = archs.get(i);
      futures.add(pool.submit(() -> evaluator.evaluate(arch)));
    }
    try {
      for (int i = from; i < to; i++) {
        top1[i] = futures.get(i - from).get().top1();
      }
    } catch (Exception e) {
      throw new IllegalStateException("evaluation failed: " + e, e);
    }
  }

  private static void export(Path dir, MbConvSpec spec, MbConvSpace space, SupernetParams params,
      List<MbArch> archs, int warmup, double[] top1, EvalConfig cfg, FashionData data) {
    ObjectMapper json = new ObjectMapper();
    try {
      Files.createDirectories(dir);
      ArrayNode index = json.createArrayNode();
      Map<String, float[]> values = params.toData();
      long offset = 0;
      try (DataOutputStream out = new DataOutputStream(
          Files.newOutputStream(dir.resolve("weights.bin")))) {
        for (SupernetParams.Def def : params.defs()) {
          float[] v = values.get(def.name());
          ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
          b.asFloatBuffer().put(v);
          out.write(b.array());
          ObjectNode e = index.addObject().put("name", def.name()).put("offset", offset);
          ArrayNode shape = e.putArray("shape");
          for (long s : def.shape().getShape()) {
            shape.add(s);
          }
          offset += v.length;
        }
      }
      ObjectNode meta = json.createObjectNode();
      meta.set("weights", index);
      ArrayNode blocks = meta.putArray("blocks");
      for (Geometry.Block b : Geometry.blocks(spec)) {
        blocks.addObject().put("name", b.name()).put("stage", b.stage()).put("index", b.index())
            .put("in", b.in()).put("out", b.out()).put("stride", b.stride())
            .put("activation", b.activation().name()).put("se", b.squeezeExcite());
      }
      meta.put("max_depth", spec.maxDepth()).put("max_kernel", Geometry.maxOf(spec.kernelChoices()))
          .put("channel_divisor", spec.channelDivisor()).put("se_reduction", spec.seReduction())
          .put("stem_width", spec.stemWidth()).put("first_width", spec.firstBlockWidth())
          .put("final_expand_width", spec.finalExpandWidth())
          .put("feature_mix_width", spec.featureMixWidth()).put("classes", spec.numClasses())
          .put("recalibration_images", cfg.recalibrationImages())
          .put("eval_images", cfg.evalImages()).put("batch", cfg.batchSize()).put("warmup", warmup);
      ArrayNode recal = meta.putArray("recalibration_indices");
      for (int i : SubnetEvaluator.recalibrationIndices(data.train().count(),
          cfg.recalibrationImages())) {
        recal.add(i);
      }
      json.writeValue(dir.resolve("meta.json").toFile(), meta);
      List<String> lines = new ArrayList<>();
      List<String> scores = new ArrayList<>();
      for (int i = 0; i < archs.size(); i++) {
        lines.add(space.canonical(archs.get(i)));
        scores.add(Double.toString(top1[i]));
      }
      Files.write(dir.resolve("archs.jsonl"), lines);
      Files.write(dir.resolve("atlas-top1.txt"), scores);
    } catch (IOException e) {
      throw new UncheckedIOException("export to " + dir, e);
    }
  }
}
