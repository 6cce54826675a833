package org.subnetatlas.udfs.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.subnetatlas.udfs.nets.ParamStore;

/**
 * An in-place optimiser over named arrays of a parameter store, with global-norm gradient
 * clipping and decoupled weight decay of the decayed arrays. Subclasses give the update
 * direction; the step is {@code p *= 1 - lr * decay} (decayed arrays), then
 * {@code p -= lr * direction}.
 */
public abstract class ClippedOptimizer {

  private final ParamStore<?, ?> params;
  private final double clip;
  private final double weightDecay;
  private final Set<String> decayed;

  /** {@code clip}: global gradient norm above which gradients are scaled down (0 = off). */
  protected ClippedOptimizer(ParamStore<?, ?> params, double clip, double weightDecay) {
    this.params = params;
    this.clip = clip;
    this.weightDecay = weightDecay;
    this.decayed = params.defs().stream().filter(ParamStore.ArrayDef::decayed)
        .map(ParamStore.ArrayDef::name).collect(Collectors.toUnmodifiableSet());
  }

  /** The update direction of array {@code name} from its clipped gradient {@code g} (may reuse g). */
  protected abstract NDArray direction(String name, NDArray g, NDManager stepM);

  /**
   * Updates the arrays {@code names}, in their iteration order, from their gradients; temporaries
   * go to {@code stepM}. False (and nothing changed) when a gradient is not finite.
   */
  public final boolean update(NDManager stepM, Collection<String> names, double lr) {
    List<String> order = List.copyOf(names);
    List<NDArray> grads = new ArrayList<>();
    double sq = 0;
    for (String name : order) {
      NDArray g = params.get(name).getGradient();
      g.attach(stepM);
      grads.add(g);
      sq += g.square().sum().getFloat();
    }
    if (!Double.isFinite(sq)) {
      return false;
    }
    double norm = Math.sqrt(sq);
    float scale = clip > 0 && norm > clip ? (float) (clip / norm) : 1f;
    for (int i = 0; i < order.size(); i++) {
      String name = order.get(i);
      NDArray p = params.get(name);
      NDArray step = direction(name, grads.get(i).muli(scale), stepM);
      if (decayed.contains(name) && weightDecay > 0) {
        p.muli((float) (1 - lr * weightDecay));
      }
      p.subi(step.muli((float) lr));
    }
    return true;
  }

  /** Clears the gradients of {@code names}. */
  public final void zeroGradients(Collection<String> names) {
    for (String name : names) {
      JniUtils.zeroGrad((PtNDArray) params.get(name));
    }
  }
}
