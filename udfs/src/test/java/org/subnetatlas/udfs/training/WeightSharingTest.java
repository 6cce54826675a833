package org.subnetatlas.udfs.training;

import org.subnetatlas.udfs.nets.Archs;
import org.subnetatlas.udfs.nets.DjlRuntime;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.BnStats;
import org.subnetatlas.udfs.nets.ElasticMbNet;
import org.subnetatlas.udfs.nets.Geometry;
import org.subnetatlas.udfs.nets.SupernetParams;

class WeightSharingTest {

  private static final MbConvSpec SPEC = BuiltinSpecs.MBV3_TINY;

  /** The native library loads with the engine; grad mode is a native call. */
  @BeforeAll
  static void loadEngine() {
    DjlRuntime.engine();
  }

  /** Stage 0 block 0 at kernel 3, expand 3; everything else largest. */
  private static MbArch arch() {
    MbArch big = Archs.largest(SPEC);
    int[] ks = big.ks();
    int[] e = big.e();
    ks[0] = 3;
    e[0] = 3;
    return new MbArch(ks, e, big.d(), 28);
  }

  private static float[] forward(ElasticMbNet net, NDManager base, MbArch arch, float[] input) {
    try (NDManager m = base.newSubManager()) {
      NDArray x = m.create(input, new ai.djl.ndarray.types.Shape(4, 1, 28, 28));
      return net.forward(m, arch, x, BnStats.shared(net.params(), false, 0.9f)).toFloatArray();
    }
  }

  private static void bump(NDArray a, String index) {
    a.set(new NDIndex(index), a.get(new NDIndex(index)).add(0.5f));
  }

  @Test
  void subNetworkUsesExactlyItsSlices() {
    JniUtils.setGradMode(false);
    try (NDManager base = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
      SupernetParams params = SupernetParams.initialize(SPEC, base, 3);
      for (boolean channelsLast : new boolean[] {false, true}) {
        ElasticMbNet net = new ElasticMbNet(params, channelsLast);
        float[] input = new float[4 * 28 * 28];
        Random rnd = new Random(1);
        for (int i = 0; i < input.length; i++) {
          input[i] = (float) rnd.nextGaussian();
        }
        MbArch arch = arch();
        float[] before = forward(net, base, arch, input);
        int mid = Geometry.mid(SPEC, SPEC.firstBlockWidth(), 3);
        // outside the slice: a 7x7 corner tap, an expand channel past mid, the project input past mid
        bump(params.get("s0.b0.dw"), "0, 0, 0, 0");
        bump(params.get("s0.b0.expand"), mid + ", 0, 0, 0");
        bump(params.get("s0.b0.project"), "0, " + mid + ", 0, 0");
        assertArrayEquals(before, forward(net, base, arch, input), 0f, "channelsLast " + channelsLast);
        // inside the slice: the centre tap of the cropped 3x3 kernel
        bump(params.get("s0.b0.dw"), "0, 0, 3, 3");
        float[] after = forward(net, base, arch, input);
        assertFalse(Arrays.equals(before, after), "a weight inside the slice must matter");
      }
    }
  }

  @Test
  void channelsLastGivesTheSameLogits() {
    JniUtils.setGradMode(false);
    try (NDManager base = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
      SupernetParams params = SupernetParams.initialize(SPEC, base, 5);
      float[] input = new float[4 * 28 * 28];
      Random rnd = new Random(2);
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) rnd.nextGaussian();
      }
      MbArch arch = Archs.random(SPEC, rnd);
      assertArrayEquals(forward(new ElasticMbNet(params, false), base, arch, input),
          forward(new ElasticMbNet(params, true), base, arch, input), 1e-3f);
    }
  }
}
