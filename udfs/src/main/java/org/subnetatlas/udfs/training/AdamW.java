package org.subnetatlas.udfs.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import org.subnetatlas.udfs.nets.ParamStore;

/** AdamW with per-array step counts (an array a step did not use keeps its count). */
public final class AdamW extends ClippedOptimizer {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final Map<String, NDArray> m1 = new HashMap<>();
  private final Map<String, NDArray> m2 = new HashMap<>();
  private final Map<String, Integer> steps = new HashMap<>();

  /** Both moments start at zero in {@code state}. */
  public AdamW(ParamStore<?, ?> params, NDManager state, double weightDecay, double clip) {
    super(params, clip, weightDecay);
    for (ParamStore.ArrayDef def : params.defs()) {
      m1.put(def.name(), state.zeros(def.shape()));
      m2.put(def.name(), state.zeros(def.shape()));
    }
  }

  @Override
  protected NDArray direction(String name, NDArray g, NDManager stepM) {
    int t = steps.merge(name, 1, Integer::sum);
    NDArray a = m1.get(name);
    NDArray v = m2.get(name);
    a.muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
    v.muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
    NDArray mhat = a.div((float) (1 - Math.pow(BETA1, t)));
    mhat.attach(stepM);
    NDArray denom = v.div((float) (1 - Math.pow(BETA2, t)));
    denom.attach(stepM);
    NDArray root = denom.sqrt().addi((float) EPS);
    return mhat.divi(root);
  }
}
