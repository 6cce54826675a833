package org.subnetatlas.udfs.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.nets.ParamStore;
import org.subnetatlas.udfs.nets.ParamStore.Kind;

/**
 * The shared optimisers against the same arithmetic in Java floats: one decayed and one plain
 * array, gradients large enough to be clipped.
 */
class OptimizersTest {

  private record Def(String name, Shape shape, Kind kind) implements ParamStore.ArrayDef {}

  private static final List<Def> LAYOUT = List.of(new Def("w", new Shape(2), Kind.WEIGHT),
      new Def("b", new Shape(1), Kind.OTHER));

  /** A two-array store: enough to see clipping and decay apply where they should. */
  private static final class Store extends ParamStore<Def, String> {
    Store(NDManager m, Map<String, float[]> data) {
      super("toy", m, LAYOUT, create(m, LAYOUT, data));
    }

    @Override
    protected String noSuchArray(String name) {
      return name;
    }

    @Override
    public Store copy(NDManager parent) {
      return new Store(parent, toData());
    }

    @Override
    public void close() {
      arrays().values().forEach(NDArray::close);
    }
  }

  private static final float[] W = {1f, -2f};
  private static final float[] B = {0.5f};
  /** d loss / d w and d loss / d b of loss = 3 w0 - 4 w1 + 2 b: norm sqrt(29) > clip 5. */
  private static final float[] GW = {3f, -4f};
  private static final float[] GB = {2f};

  private static Store store(NDManager m) {
    Map<String, float[]> data = new LinkedHashMap<>();
    data.put("w", W.clone());
    data.put("b", B.clone());
    Store s = new Store(m, data);
    s.trainableNames().forEach(n -> s.get(n).setRequiresGradient(true));
    return s;
  }

  private static void backward(Store s, NDManager m) {
    try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
      NDArray loss = s.get("w").mul(m.create(GW)).sum().add(s.get("b").mul(m.create(GB)).sum());
      gc.backward(loss);
    }
    JniUtils.setGradMode(false);
  }

  private static float scale() {
    double sq = 0;
    for (float g : GW) {
      sq += g * g;
    }
    sq += GB[0] * GB[0];
    return (float) (5.0 / Math.sqrt(sq));
  }

  @Test
  void nesterovSgdClipsDecaysAndStepsLikeTheFormula() {
    double lr = 0.1;
    double wd = 0.01;
    float mom = 0.9f;
    try (NDManager m = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
      Store s = store(m);
      NesterovSgd opt = new NesterovSgd(s, m, mom, wd, 5.0);
      backward(s, m);
      try (NDManager stepM = m.newSubManager()) {
        assertTrue(opt.update(stepM, s.trainableNames(), lr));
      }
      float k = scale();
      float[] w = new float[2];
      for (int i = 0; i < 2; i++) {
        float g = GW[i] * k;
        float v = 0f * mom + g;
        float d = g + v * mom;
        w[i] = W[i] * (float) (1 - lr * wd) - d * (float) lr;
      }
      float gb = GB[0] * k;
      float db = gb + gb * mom;
      assertArrayEquals(w, s.get("w").toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {B[0] - db * (float) lr}, s.get("b").toFloatArray(), 1e-6f);
    }
  }

  @Test
  void adamWFirstStepMovesEachValueByTheRateAgainstItsGradient() {
    double lr = 0.01;
    double wd = 0.05;
    try (NDManager m = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
      Store s = store(m);
      AdamW opt = new AdamW(s, m, wd, 5.0);
      backward(s, m);
      try (NDManager stepM = m.newSubManager()) {
        assertTrue(opt.update(stepM, List.of("w", "b"), lr));
      }
      // first step: m-hat / sqrt(v-hat) is the gradient's sign (up to epsilon)
      float[] w = {W[0] * (float) (1 - lr * wd) - (float) lr, W[1] * (float) (1 - lr * wd) + (float) lr};
      assertArrayEquals(w, s.get("w").toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {B[0] - (float) lr}, s.get("b").toFloatArray(), 1e-6f);
    }
  }

  @Test
  void aNonFiniteGradientChangesNothing() {
    try (NDManager m = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
      Store s = store(m);
      AdamW opt = new AdamW(s, m, 0.05, 5.0);
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        gc.backward(s.get("w").mul(Float.POSITIVE_INFINITY).sum().add(s.get("b").sum()));
      }
      JniUtils.setGradMode(false);
      try (NDManager stepM = m.newSubManager()) {
        assertFalse(opt.update(stepM, List.of("w", "b"), 0.01));
      }
      assertArrayEquals(W, s.get("w").toFloatArray());
      assertArrayEquals(B, s.get("b").toFloatArray());
    }
  }
}
