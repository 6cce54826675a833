package org.subnetatlas.udfs.evaluation;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.ElasticMbNet;
import org.subnetatlas.udfs.nets.SupernetParams;
import org.subnetatlas.udfs.training.PhaseHistory;
import org.subnetatlas.udfs.training.SupernetFamily;

/**
 * A trained supernet: its arrays (no gradient state) and how it was trained. Read-only after
 * construction and safe to share between evaluator threads; {@link #close()} frees native memory.
 */
public final class TrainedSupernet extends TrainedModel<SupernetParams> {

  private final ElasticMbNet net;

  public TrainedSupernet(SupernetParams params, List<PhaseHistory> history, long imagesSeen,
      long skippedSteps, NDManager owned) {
    super(params, history, imagesSeen, skippedSteps, owned);
    this.net = new ElasticMbNet(params, true);
  }

  /**
   * A supernet with freshly initialised weights (seeded) and no training history, for benchmarks
   * and proxies computed at initialisation.
   */
  public static TrainedSupernet untrained(MbConvSpec spec, long seed) {
    SupernetFamily family = new SupernetFamily(spec);
    NDManager owned = family.newManager();
    return family.trained(family.initialize(owned, seed), List.of(), 0, 0, owned);
  }

  public MbConvSpec spec() {
    return params().spec();
  }

  public ElasticMbNet net() {
    return net;
  }

  @Override
  protected CheckpointCodec.Format checkpointFormat() {
    return new SupernetFamily(spec());
  }

  /**
   * Reads a checkpoint written by {@link #save} for {@code spec}.
   *
   * @throws IOException when the stream is not a supernet checkpoint, is truncated or was written
   *     for another spec or layout; the message says which
   */
  public static TrainedSupernet load(MbConvSpec spec, InputStream in) throws IOException {
    return load(spec, in, null);
  }

  /** As {@link #load(MbConvSpec, InputStream)}, into a sub-manager of {@code parent} when given. */
  public static TrainedSupernet load(MbConvSpec spec, InputStream in, NDManager parent)
      throws IOException {
    return new SupernetFamily(spec).load(in, parent);
  }

  /**
   * Reads a checkpoint through without the engine, as {@link #load} would, and also refuses
   * non-finite weights: a cheap check on the driver before any task loads it.
   *
   * @throws IOException naming what is wrong
   */
  public static void verify(MbConvSpec spec, InputStream in) throws IOException {
    new SupernetFamily(spec).verify(in);
  }
}
