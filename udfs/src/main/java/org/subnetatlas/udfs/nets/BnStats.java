package org.subnetatlas.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a forward pass finds its batch-norm running statistics, and whether it normalises with
 * batch statistics (training) and updates them.
 */
public interface BnStats {

  /** Running mean and variance of the first {@code channels} channels of {@code layer}. */
  NDArray[] meanVar(String layer, int channels, NDManager m);

  boolean training();

  /** DJL momentum (PyTorch's 1 - m): weight of the old running value. */
  float momentum();

  /** The supernet's own statistics, sliced; in training mode they are updated in place. */
  static BnStats shared(SupernetParams params, boolean training, float momentum) {
    return new BnStats() {
      @Override
      public NDArray[] meanVar(String layer, int channels, NDManager m) {
        NDIndex idx = new NDIndex(":{}", channels);
        return new NDArray[] {params.get(layer + ".mean").get(m, idx),
            params.get(layer + ".var").get(m, idx)};
      }

      @Override
      public boolean training() {
        return training;
      }

      @Override
      public float momentum() {
        return momentum;
      }
    };
  }

  /** Batch statistics only: throw-away running statistics, nothing shared is touched. */
  static BnStats scratch() {
    return new BnStats() {
      @Override
      public NDArray[] meanVar(String layer, int channels, NDManager m) {
        return new NDArray[] {m.zeros(new ai.djl.ndarray.types.Shape(channels)),
            m.ones(new ai.djl.ndarray.types.Shape(channels))};
      }

      @Override
      public boolean training() {
        return true;
      }

      @Override
      public float momentum() {
        return 0.9f;
      }
    };
  }

  /**
   * Private statistics of one sub-network, reset to (0, 1) and accumulated as a cumulative average
   * over recalibration batches; the shared supernet is never written.
   */
  final class Recalibrated implements BnStats {
    private final NDManager owner;
    private final Map<String, NDArray[]> stats = new HashMap<>();
    private boolean training = true;
    private int batches;

    public Recalibrated(NDManager owner) {
      this.owner = owner;
    }

    /** Call before each recalibration batch: cumulative-average momentum for it. */
    public void nextBatch() {
      batches++;
    }

    /** Stop accumulating: later forwards normalise with the accumulated statistics. */
    public void freeze() {
      training = false;
    }

    @Override
    public NDArray[] meanVar(String layer, int channels, NDManager m) {
      return stats.computeIfAbsent(layer, k -> new NDArray[] {
          owner.zeros(new ai.djl.ndarray.types.Shape(channels)),
          owner.ones(new ai.djl.ndarray.types.Shape(channels))});
    }

    @Override
    public boolean training() {
      return training;
    }

    @Override
    public float momentum() {
      // batch b (1-based) gets weight 1/b: running = (b-1)/b * running + 1/b * batch
      return batches <= 1 ? 0f : 1f - 1f / batches;
    }
  }
}
