package org.subnetatlas.udfs.training;

import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.EvalResult;
import org.subnetatlas.udfs.evaluation.SubnetEvaluator;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.nets.Archs;
import org.subnetatlas.udfs.nets.DjlRuntime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;

/** One tiny training run (a few hundred images, every phase) shared by the tests. */
class SupernetTest {

  private static final MbConvSpec SPEC = BuiltinSpecs.MBV3_TINY;
  private static final EvalConfig EVAL = new EvalConfig(200, 400, 100, true, "auto");
  private static FashionData data;
  private static TrainedSupernet supernet;
  private static final List<Double> losses = new ArrayList<>();

  @BeforeAll
  static void train() throws IOException {
    data = FashionData.load("../data/fashion-mnist");
    SupernetConfig cfg = SupernetConfig.defaults().withEpochs(2, 1, 1, 1).withMaxTrainImages(384)
        .withBatchSize(64).withSandwichRandom(1);
    supernet = SupernetTrainer.train(SPEC, data, cfg, (phase, step, total, loss) -> losses.add(loss));
  }

  @AfterAll
  static void close() {
    supernet.close();
  }

  @Test
  void trainingRecordsEveryPhaseAndStep() {
    assertEquals(List.of("largest", "kernel", "depth", "expand"),
        supernet.history().stream().map(PhaseHistory::phase).toList());
    assertEquals(5, supernet.epochs());
    assertEquals(5L * 6 * 64, supernet.imagesSeen());
    assertEquals(30, losses.size());
    // a rare non-finite step is skipped by the guard (NaN reported), never applied
    long skipped = losses.stream().filter(l -> !Double.isFinite(l)).count();
    assertEquals(skipped, supernet.skippedSteps(), losses.toString());
    assertTrue(skipped <= 3, "too many skipped steps: " + losses);
    assertFalse(DjlRuntime.trainingLock().isLocked(), "the training lock must be released");
  }

  @Test
  void bnRecalibrationChangesInheritedAccuracy() {
    MbArch small = Archs.smallest(SPEC);
    EvalResult recal = new SubnetEvaluator(supernet, data, EVAL).evaluate(small);
    EvalResult inherited = new SubnetEvaluator(supernet, data, EVAL.withRecalibrateBn(false))
        .evaluate(small);
    assertTrue(recal.bnRecalibrated());
    assertFalse(inherited.bnRecalibrated());
    assertEquals(400, recal.nImages());
    assertNotEquals(recal.loss(), inherited.loss(), 1e-6);
    assertNotEquals(recal.top1(), inherited.top1());
    assertTrue(recal.top5() >= recal.top1());
  }

  @Test
  void disjointImageRangesSplitTheFullEvaluation() {
    MbArch arch = Archs.random(SPEC, new Random(5));
    SubnetEvaluator evaluator = new SubnetEvaluator(supernet, data, EVAL);
    EvalResult all = evaluator.evaluate(arch);
    assertEquals(all, evaluator.evaluate(arch, 0, 400));
    EvalResult first = evaluator.evaluate(arch, 0, 200);
    EvalResult second = evaluator.evaluate(arch, 200, 200);
    assertEquals(200, second.nImages());
    assertEquals(all.top1(), (first.top1() + second.top1()) / 2, 1e-12);
    assertEquals(all.loss(), (first.loss() + second.loss()) / 2, 1e-9);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> evaluator.evaluate(arch, data.valid().count() - 10, 20));
    assertTrue(e.getMessage().contains("are not inside the split's " + data.valid().count()),
        e.getMessage());
  }

  @Test
  void checkpointRoundTripGivesIdenticalEvaluation() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    supernet.save(bytes);
    MbArch arch = Archs.random(SPEC, new Random(11));
    EvalResult before = new SubnetEvaluator(supernet, data, EVAL).evaluate(arch);
    try (TrainedSupernet loaded = TrainedSupernet.load(SPEC,
        new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(before, new SubnetEvaluator(loaded, data, EVAL).evaluate(arch));
      assertEquals(supernet.imagesSeen(), loaded.imagesSeen());
      assertEquals(supernet.epochs(), loaded.epochs());
      assertTrue(Arrays.equals(supernet.history().get(0).epochLoss(),
          loaded.history().get(0).epochLoss()));
    }
  }

  @Test
  void corruptCheckpointsAreRejectedClearly() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    supernet.save(bytes);
    byte[] good = bytes.toByteArray();

    IOException garbage = assertThrows(IOException.class, () -> TrainedSupernet.load(SPEC,
        new ByteArrayInputStream("PK\3\4 not a checkpoint at all".getBytes())));
    assertTrue(garbage.getMessage().contains("not a Subnet Atlas supernet checkpoint"),
        garbage.getMessage());

    IOException truncated = assertThrows(IOException.class, () -> TrainedSupernet.load(SPEC,
        new ByteArrayInputStream(Arrays.copyOf(good, good.length / 2))));
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

    MbConvSpec other = new MbConvSpec("mbv3-tiny", "1", 1, 10, 16, 16, SPEC.stages(), 3, 192, 256,
        SPEC.kernelChoices(), SPEC.expandChoices(), SPEC.depthChoices(), SPEC.resolutionChoices(),
        4, 8);
    IOException geometry = assertThrows(IOException.class,
        () -> TrainedSupernet.load(other, new ByteArrayInputStream(good)));
    assertTrue(geometry.getMessage().contains("different geometry"), geometry.getMessage());

    IOException space = assertThrows(IOException.class,
        () -> TrainedSupernet.load(BuiltinSpecs.OFA_MBV3, new ByteArrayInputStream(good)));
    assertTrue(space.getMessage().contains("mbv3-tiny") && space.getMessage().contains("ofa-mbv3"),
        space.getMessage());
  }

  @Test
  void concurrentEvaluationEqualsSequential() throws Exception {
    Random rnd = new Random(5);
    List<MbArch> archs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      archs.add(Archs.random(SPEC, rnd));
    }
    SubnetEvaluator evaluator = new SubnetEvaluator(supernet, data, EVAL);
    // same intra-op thread count as the parallel run: reductions then sum in the same order
    ExecutorService single = Executors.newSingleThreadExecutor();
    List<EvalResult> sequential = single.submit(() -> {
      DjlRuntime.inferenceThread(1);
      List<EvalResult> results = new ArrayList<>();
      for (MbArch a : archs) {
        results.add(evaluator.evaluate(a));
      }
      return results;
    }).get();
    single.shutdown();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<EvalResult>> futures = new ArrayList<>();
      for (MbArch a : archs) {
        futures.add(pool.submit(() -> {
          DjlRuntime.inferenceThread(1);
          return evaluator.evaluate(a);
        }));
      }
      for (int i = 0; i < archs.size(); i++) {
        assertEquals(sequential.get(i), futures.get(i).get(), "arch " + i);
      }
    } finally {
      pool.shutdown();
    }
  }
}
