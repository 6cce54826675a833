package org.subnetatlas.udfs.training;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.subnetatlas.udfs.evaluation.CheckpointCodec;
import org.subnetatlas.udfs.evaluation.TrainedModel;
import org.subnetatlas.udfs.nets.ParamStore;

/**
 * What a model family supplies so that the shared machinery trains, checkpoints and loads it:
 * its parameter layout and initialisation, where its arrays live, its checkpoint identity, and
 * the trained model it wraps arrays in. The training loop ({@link TrainingLoop}), the optimisers
 * ({@link ClippedOptimizer}) and the checkpoint codec ({@link CheckpointCodec}) work on any family.
 *
 * @param <P> the family's parameter store
 * @param <T> the family's trained model
 */
public interface ModelFamily<P extends ParamStore<?, ?>, T extends TrainedModel<P>>
    extends CheckpointCodec.Format {

  /** A new base manager on the device the family's arrays live on. */
  NDManager newManager();

  /** The family's arrays, in checkpoint order. */
  List<? extends ParamStore.ArrayDef> layout();

  /** Fresh arrays, reproducible from {@code seed}, under {@code parent}. */
  P initialize(NDManager parent, long seed);

  /** Arrays from their values (every array of the layout), under {@code parent}. */
  P fromData(NDManager parent, Map<String, float[]> data);

  /** The trained model over {@code params}; it closes {@code owned} (may be null) with itself. */
  T trained(P params, List<PhaseHistory> history, long imagesSeen, long skippedSteps,
      NDManager owned);

  /**
   * Reads a checkpoint of this family, into a sub-manager of {@code parent} when given, else into
   * a manager the model owns.
   *
   * @throws IOException naming what is wrong with the stream
   */
  default T load(InputStream in, NDManager parent) throws IOException {
    CheckpointCodec.Contents c = CheckpointCodec.read(in, this, layout());
    NDManager owned = parent == null ? newManager() : null;
    return trained(fromData(parent == null ? owned : parent, c.data()), c.history(),
        c.imagesSeen(), c.skippedSteps(), owned);
  }

  /** Reads a checkpoint through without the engine and refuses non-finite weights. */
  default void verify(InputStream in) throws IOException {
    CheckpointCodec.requireFinite(CheckpointCodec.read(in, this, layout()), this);
  }
}
