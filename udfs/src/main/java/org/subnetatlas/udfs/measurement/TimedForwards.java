package org.subnetatlas.udfs.measurement;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * What every family's timed forward shares: a fixed input already on the device, a scratch
 * manager per forward, and one untimed first call.
 */
final class TimedForwards {

  private static final long INPUT_SEED = 1234L;

  private TimedForwards() {}

  /** N(0,1) values from a fixed seed, created in {@code owner} (on its device). */
  static NDArray fixedInput(NDManager owner, Shape shape) {
    // fixed input: timing must not depend on the values, and runs must see the same ones
    Random rnd = new Random(INPUT_SEED);
    float[] v = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return owner.create(v, shape);
  }

  /**
   * A scratch manager for one forward. Results of an op land in its input's manager, so the input
   * joins the scratch manager until it closes (then returns to {@code owner}): every intermediate
   * is freed with the forward instead of piling up in the owner.
   */
  static NDManager scratch(NDManager owner, NDArray x) {
    NDManager m = owner.newSubManager();
    x.tempAttach(m);
    return m;
  }

  /** One untimed call, so first-call work (slicing, allocator warm-up) never lands in a count. */
  static Forward prime(Forward f) {
    try {
      f.run();
    } catch (Exception e) {
      throw new IllegalStateException("forward failed: " + e.getMessage(), e);
    }
    return f;
  }
}
