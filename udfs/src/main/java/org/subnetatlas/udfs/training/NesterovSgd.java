package org.subnetatlas.udfs.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import org.subnetatlas.udfs.nets.ParamStore;

/**
 * SGD with Nesterov momentum over the trainable arrays of a store (velocity kept per array).
 * DJL's PyTorch engine has no Nesterov update, hence ours.
 */
public final class NesterovSgd extends ClippedOptimizer {

  private final float momentum;
  private final Map<String, NDArray> velocity = new HashMap<>();

  /** Velocities start at zero in {@code state}. */
  public NesterovSgd(ParamStore<?, ?> params, NDManager state, double momentum, double weightDecay,
      double clip) {
    super(params, clip, weightDecay);
    this.momentum = (float) momentum;
    for (String name : params.trainableNames()) {
      velocity.put(name, state.zeros(params.get(name).getShape()));
    }
  }

  @Override
  protected NDArray direction(String name, NDArray g, NDManager stepM) {
    NDArray v = velocity.get(name);
    v.muli(momentum).addi(g);
    try (NDArray look = v.mul(momentum)) {
      g.addi(look);
    }
    return g;
  }
}
