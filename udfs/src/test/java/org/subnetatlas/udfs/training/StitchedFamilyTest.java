package org.subnetatlas.udfs.training;

import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedStitches;
import org.subnetatlas.udfs.nets.DjlRuntime;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;

/**
 * One tiny training of the CPU stitched family on real Fashion-MNIST (anchors only, stitching
 * layers left random), shared by the tests; then least squares against random stitching.
 */
class StitchedFamilyTest {

  private static final StitchedSpace SPACE = (StitchedSpace) Spaces.get("vit-tiny-family");
  private static final StitchConfig CFG = StitchConfig.defaults().withEpochs(2, 0)
      .withMaxTrainImages(1536).withBatchSize(64).withLeastSquaresInit(false).withThreads(1);
  private static final int EVAL_IMAGES = 400;
  private static FashionData data;
  private static TrainedStitches family;
  private static int steps;

  @BeforeAll
  static void train() throws IOException {
    data = FashionData.load("../data/fashion-mnist");
    family = StitchTrainer.train(SPACE, data, CFG, (phase, step, total, loss) -> steps++);
  }

  @AfterAll
  static void close() {
    family.close();
  }

  private static List<StitchArch> stitched() {
    return SPACE.configs().stream().filter(a -> !a.isAnchor()).toList();
  }

  /** Every third stitch of each pair: both pairs, early and late cuts, at a third of the cost. */
  private static List<StitchArch> someStitches() {
    List<StitchArch> all = stitched();
    return java.util.stream.IntStream.range(0, all.size()).filter(i -> i % 3 == 0)
        .mapToObj(all::get).toList();
  }

  private static double meanTop1(List<StitchArch> archs) {
    return archs.stream()
        .mapToDouble(a -> family.evaluate(a, data.valid(), EVAL_IMAGES, EVAL_IMAGES).top1())
        .average().orElseThrow();
  }

  @Test
  void leastSquaresStitchingBeatsRandomStitchingBeforeJointTraining() {
    List<StitchArch> stitched = someStitches();
    double random = meanTop1(stitched);
    double[] anchors = SPACE.configs().stream().filter(StitchArch::isAnchor)
        .mapToDouble(a -> family.evaluate(a, data.valid(), EVAL_IMAGES, EVAL_IMAGES).top1()).toArray();
    family.refitStitches(data.train(), CFG.withLeastSquaresInit(true));
    double leastSquares = meanTop1(stitched);
    System.err.printf("anchors %s, stitched mean top-1: random %.4f, least squares %.4f%n",
        java.util.Arrays.toString(anchors), random, leastSquares);
    assertTrue(java.util.Arrays.stream(anchors).max().orElseThrow() > 0.3, "anchors learned nothing: " + java.util.Arrays.toString(anchors));
    assertTrue(leastSquares > random + 0.05,
        "least squares " + leastSquares + " vs random " + random);
  }

  @Test
  void trainingRecordsEveryPhase() {
    assertEquals(List.of("anchor:vit-32", "anchor:vit-64", "anchor:vit-128", "joint"),
        family.history().stream().map(PhaseHistory::phase).toList());
    assertEquals(6, family.epochs());
    assertEquals(6 * (1536 / 64), steps);
    assertEquals(0, family.skippedSteps());
    assertFalse(DjlRuntime.trainingLock().isLocked());
  }

  @Test
  void checkpointRoundTripGivesTheSameScores() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    family.save(bytes);
    StitchArch a = stitched().get(5);
    try (TrainedStitches copy = TrainedStitches.load(SPACE,
        new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(family.evaluate(a, data.valid(), 200, 100),
          copy.evaluate(a, data.valid(), 200, 100));
      assertEquals(family.history().get(0).phase(), copy.history().get(0).phase());
    }
    byte[] truncated = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
    IOException e = assertThrows(IOException.class,
        () -> TrainedStitches.load(SPACE, new ByteArrayInputStream(truncated)));
    assertEquals("stitched-family checkpoint is truncated", e.getMessage());
    StitchedSpace deit = (StitchedSpace) Spaces.get("snnet-deit-tsb");
    IOException other = assertThrows(IOException.class,
        () -> TrainedStitches.load(deit, new ByteArrayInputStream(bytes.toByteArray())));
    assertTrue(other.getMessage().startsWith("stitched-family checkpoint is for vit-tiny-family"),
        other.getMessage());
  }

  @Test
  void forwardReadsOnlyTheConfigurationsArrays() {
    StitchArch a = SPACE.parse("{\"front\":\"vit-32\",\"front_blocks\":3,\"back\":\"vit-64\",\"back_start\":3}");
    Set<String> used = new HashSet<>();
    try (NDManager m = family.net().params().manager().newSubManager()) {
      NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
      NDArray logits = family.net().forward(m, a, x, used);
      assertEquals(new Shape(2, 10), logits.getShape());
    }
    assertTrue(used.contains("a0.b2.fc2.w") && !used.contains("a0.b3.fc2.w"), used.toString());
    assertTrue(used.contains("a1.b3.qkv.w") && !used.contains("a1.b2.qkv.w"), used.toString());
    assertTrue(used.contains("s0.l" + SPACE.stitchLayer(a) + ".w"));
    assertTrue(used.contains("a1.head.w") && !used.contains("a0.head.w"));
  }

  @Test
  void leastSquaresRecoversAnExactAffineMap() {
    Random rnd = new Random(7);
    int rows = 200;
    int in = 5;
    int out = 3;
    float[] w = new float[out * in];
    float[] b = new float[out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) rnd.nextGaussian();
    }
    float[] x = new float[rows * in];
    float[] y = new float[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < in; i++) {
        x[r * in + i] = (float) rnd.nextGaussian();
      }
      for (int o = 0; o < out; o++) {
        double s = b[o];
        for (int i = 0; i < in; i++) {
          s += w[o * in + i] * x[r * in + i];
        }
        y[r * out + o] = (float) s;
      }
    }
    LeastSquares.Affine fit = LeastSquares.fit(x, y, rows, in, out, 0);
    assertArrayEquals(w, fit.weight(), 1e-3f);
    assertArrayEquals(b, fit.bias(), 1e-3f);
  }
}
