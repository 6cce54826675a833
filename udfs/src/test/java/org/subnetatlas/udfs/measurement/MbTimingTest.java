package org.subnetatlas.udfs.measurement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.Archs;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.nets.BnStats;
import org.subnetatlas.udfs.nets.ElasticMbNet;
import org.subnetatlas.udfs.nets.SupernetParams;

/** The timed sub-network is the evaluated one, the lookup table covers it, memory is monotone. */
class MbTimingTest {

  private static final MbConvSpec SPEC = BuiltinSpecs.MBV3_TINY;
  private static NDManager base;
  private static ElasticMbNet net;

  @BeforeAll
  static void supernet() {
    DjlRuntime.inferenceThread(1);
    base = NDManager.newBaseManager(DjlRuntime.ENGINE);
    net = new ElasticMbNet(SupernetParams.initialize(SPEC, base, 7), true);
  }

  @AfterAll
  static void close() {
    base.close();
  }

  @Test
  void materialisedSubnetworkComputesTheSameLogitsAsSlicing() {
    JniUtils.setGradMode(false);
    MbArch arch = Archs.random(SPEC, new Random(5));
    float[] input = new float[2 * arch.r() * arch.r()];
    Random rnd = new Random(2);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) rnd.nextGaussian();
    }
    try (NDManager owner = base.newSubManager(); NDManager m = base.newSubManager()) {
      ElasticMbNet mat = net.materialized(owner);
      NDArray x = m.create(input, new Shape(2, 1, arch.r(), arch.r()));
      BnStats bn = BnStats.shared(net.params(), false, 0.9f);
      float[] sliced = net.forward(m, arch, x, bn).toFloatArray();
      float[] first = mat.forward(m, arch, x, bn).toFloatArray();
      float[] again = mat.forward(m, arch, x, bn).toFloatArray();
      assertArrayEquals(sliced, first, 1e-5f);
      assertArrayEquals(sliced, again, 1e-5f);
    }
  }

  @Test
  void lookupTableHasEveryBlockOfEverySubnetwork() {
    Set<String> table = MbTiming.allBlocks(SPEC).stream().map(BlockKey::id)
        .collect(Collectors.toSet());
    assertEquals(MbTiming.allBlocks(SPEC).size(), table.size(), "block keys are unique");
    Random rnd = new Random(11);
    for (int i = 0; i < 200; i++) {
      MbArch arch = Archs.random(SPEC, rnd);
      List<BlockKey> keys = MbTiming.blocksOf(SPEC, arch);
      int depth = java.util.Arrays.stream(arch.d()).sum();
      assertEquals(depth + 2, keys.size(), "stem + active blocks + head of " + arch);
      for (BlockKey k : keys) {
        assertTrue(table.contains(k.id()), k.id() + " of " + arch + " is not in the table");
      }
    }
  }

  @Test
  void repeatedForwardsFreeTheirIntermediates() throws Exception {
    try (MbTiming timing = new MbTiming(net, base)) {
      MbArch arch = Archs.smallest(SPEC);
      List<Forward> forwards = new java.util.ArrayList<>();
      for (BlockKey k : MbTiming.blocksOf(SPEC, arch)) {
        forwards.add(timing.block(k, 2));
      }
      forwards.add(timing.subnet(arch, 3));
      forwards.add(timing.harness());
      long before = liveArrays();
      for (int i = 0; i < 5; i++) {
        for (Forward f : forwards) {
          f.run();
        }
      }
      assertEquals(before, liveArrays(), "arrays left behind by timed forwards");
    }
  }

  /** Arrays alive under the test's base manager, sub-managers included. */
  private static long liveArrays() throws ReflectiveOperationException {
    return countArrays(base);
  }

  static long countArrays(NDManager m) throws ReflectiveOperationException {
    // DJL keeps a manager's resources in a protected map; no public accessor
    java.lang.reflect.Field f = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
    f.setAccessible(true);
    long n = 0;
    for (Object r : ((java.util.Map<?, ?>) f.get(m)).values()) {
      n += r instanceof NDManager sub ? countArrays(sub) : 1;
    }
    return n;
  }

  @Test
  void analyticPeakMemoryGrowsWithBatchAndSize() {
    MbConvSpace space = new MbConvSpace(SPEC);
    MbArch small = Archs.smallest(SPEC);
    MbArch large = Archs.largest(SPEC);
    long ps = space.cost(small).params();
    long pl = space.cost(large).params();
    long s1 = MemoryModel.peakBytes(SPEC, small, ps, 1);
    assertTrue(s1 > 4 * ps, "parameters plus activations");
    assertTrue(MemoryModel.peakBytes(SPEC, small, ps, 8) > s1);
    assertTrue(MemoryModel.peakBytes(SPEC, large, pl, 1) > s1);
    // stem at 28x28: 1x28x28 input + 16x14x14 output is a lower bound of the largest layer
    assertTrue(MemoryModel.largestActivation(SPEC, large) >= 28 * 28 + 16 * 14 * 14);
  }
}
