package org.subnetatlas.udfs.evaluation;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.subnetatlas.udfs.nets.ParamStore;
import org.subnetatlas.udfs.training.PhaseHistory;

/**
 * A trained member of a model family: its arrays (no gradient state) and how it was trained.
 * Read-only after construction and safe to share between evaluator threads; {@link #close()}
 * frees native memory.
 *
 * @param <P> the family's parameter store
 */
public abstract class TrainedModel<P extends ParamStore<?, ?>> implements AutoCloseable {

  private final P params;
  private final List<PhaseHistory> history;
  private final long imagesSeen;
  private final long skippedSteps;
  private final NDManager owned;

  /** {@code owned}: the manager this model closes with itself (null for a view it does not own). */
  protected TrainedModel(P params, List<PhaseHistory> history, long imagesSeen, long skippedSteps,
      NDManager owned) {
    this.params = Objects.requireNonNull(params, "params");
    this.history = List.copyOf(history);
    this.imagesSeen = imagesSeen;
    this.skippedSteps = skippedSteps;
    this.owned = owned;
  }

  /** How this model's checkpoints identify themselves. */
  protected abstract CheckpointCodec.Format checkpointFormat();

  public final P params() {
    return params;
  }

  public final NDManager manager() {
    return params.manager();
  }

  public final List<PhaseHistory> history() {
    return history;
  }

  public final int epochs() {
    return history.stream().mapToInt(PhaseHistory::epochs).sum();
  }

  public final long imagesSeen() {
    return imagesSeen;
  }

  /** Optimiser steps skipped because a loss or gradient was not finite. */
  public final long skippedSteps() {
    return skippedSteps;
  }

  /** Writes the checkpoint: header, history, then every array with its shape. */
  public final void save(OutputStream out) throws IOException {
    CheckpointCodec.write(out, checkpointFormat(),
        new CheckpointCodec.Contents(params.toData(), history, imagesSeen, skippedSteps),
        params.defs());
  }

  @Override
  public void close() {
    params.close();
    if (owned != null) {
      owned.close();
    }
  }
}
