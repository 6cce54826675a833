package org.subnetatlas.udfs.measurement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.spaces.VitFamilySpec;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.nets.StitchedVit;
import org.subnetatlas.udfs.nets.VitFamilyParams;

/** The timed stitched forward is the evaluated one, frees what it makes; memory by hand. */
class StitchTimingTest {

  private static final StitchedSpace SPACE = (StitchedSpace) Spaces.get("vit-tiny-family");
  private static final VitFamilySpec SPEC = SPACE.spec();
  private static NDManager base;
  private static StitchedVit net;

  @BeforeAll
  static void family() {
    DjlRuntime.inferenceThread(1);
    base = NDManager.newBaseManager(DjlRuntime.ENGINE);
    net = new StitchedVit(VitFamilyParams.initialize(SPACE, base, 7));
  }

  @AfterAll
  static void close() {
    base.close();
  }

  private static StitchArch aStitch() {
    return SPACE.configs().stream().filter(a -> !a.isAnchor()).findFirst().orElseThrow();
  }

  @Test
  void timedForwardsComputeTheEvaluatedLogitsAndLeaveNothingBehind() throws Exception {
    StitchArch arch = aStitch();
    try (TimedNetwork timed = new StitchTiming(net, base).network(arch,
        SPACE.cost(arch).params())) {
      assertEquals(StitchTiming.TIMED, timed.timed());
      assertEquals(base.getDevice(), timed.device());
      List<Forward> forwards = List.of(timed.forward().apply(1), timed.forward().apply(3));
      long before = MbTimingTest.countArrays(base);
      for (int i = 0; i < 5; i++) {
        for (Forward f : forwards) {
          f.run();
        }
      }
      assertEquals(before, MbTimingTest.countArrays(base), "arrays left behind by timed forwards");
    }
    // the timed input is the fixed one; the forward is the one evaluation runs
    try (NDManager m = base.newSubManager()) {
      NDArray x = TimedForwards.fixedInput(m, new Shape(2, 1, 28, 28));
      float[] once = net.forward(m, arch, x, null).toFloatArray();
      assertArrayEquals(once, net.forward(m, arch, x, null).toFloatArray(), 1e-6f);
      assertEquals(2 * SPEC.numClasses(), once.length);
    }
  }

  @Test
  void analyticPeakMemoryOfAnAnchorByHand() {
    // vit-32 alone: 17 tokens of width 32, 2 heads, MLP 128 wide; its largest step is the MLP's
    // GELU: residual sum (17 x 32) + hidden in and out (2 x 17 x 128) = 4,896 floats
    StitchArch smallest = StitchArch.anchor(0, SPEC.depth());
    assertEquals(4_896L, MemoryModel.largestActivation(SPEC, smallest));
    assertEquals(4L * (1_000 + 2 * 4_896), MemoryModel.peakBytes(SPEC, smallest, 1_000, 2));
    for (StitchArch a : SPACE.configs()) {
      long front = MemoryModel.largestActivation(SPEC, StitchArch.anchor(a.front(), SPEC.depth()));
      long back = MemoryModel.largestActivation(SPEC, StitchArch.anchor(a.back(), SPEC.depth()));
      long stitched = MemoryModel.largestActivation(SPEC, a);
      assertTrue(stitched <= Math.max(front, back), a + ": no step larger than its anchors' own");
      assertTrue(stitched >= Math.min(front, back), a + ": at least the smaller anchor's block");
    }
  }
}
