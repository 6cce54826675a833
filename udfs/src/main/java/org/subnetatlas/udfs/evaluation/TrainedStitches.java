package org.subnetatlas.udfs.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.nets.StitchedVit;
import org.subnetatlas.udfs.nets.VitFamilyParams;
import org.subnetatlas.udfs.training.PhaseHistory;
import org.subnetatlas.udfs.training.StitchConfig;
import org.subnetatlas.udfs.training.StitchFamily;
import org.subnetatlas.udfs.training.StitchTrainer;

/**
 * A trained stitched family: every anchor's and stitching layer's arrays (no gradient state) and
 * how it was trained. Read-only after construction apart from {@link #refitStitches}; safe to
 * share between evaluator threads; {@link #close()} frees native memory.
 */
public final class TrainedStitches extends TrainedModel<VitFamilyParams> {

  private final StitchedVit net;

  public TrainedStitches(VitFamilyParams params, List<PhaseHistory> history, long imagesSeen,
      long skippedSteps, NDManager owned) {
    super(params, history, imagesSeen, skippedSteps, owned);
    this.net = new StitchedVit(params);
  }

  public StitchedSpace space() {
    return params().space();
  }

  public StitchedVit net() {
    return net;
  }

  @Override
  protected CheckpointCodec.Format checkpointFormat() {
    return new StitchFamily(space());
  }

  /** Re-fits the stitching layers by least squares (see {@link StitchTrainer#leastSquaresInit}). */
  public void refitStitches(FashionData.Split train, StitchConfig cfg) {
    StitchTrainer.leastSquaresInit(net, train, cfg);
  }

  /**
   * Top-1/top-5/loss of configuration {@code arch} on the first {@code images} of {@code split}
   * (LayerNorm only: nothing to recalibrate). Call from any thread.
   */
  public EvalResult evaluate(StitchArch arch, FashionData.Split split, int images, int batchSize) {
    space().check(arch);
    JniUtils.setGradMode(false);
    int n = Math.min(images, split.count());
    LogitScores scores = new LogitScores(space().spec().numClasses());
    try (NDManager m = manager().newSubManager()) {
      for (int from = 0; from < n; from += batchSize) {
        int to = Math.min(from + batchSize, n);
        try (NDManager bm = m.newSubManager()) {
          NDArray x = Batches.images(bm, split, space().spec().imageSize(), null, from, to, null);
          scores.add(net.forward(bm, arch, x, null).toFloatArray(), split, from);
        }
      }
    }
    return scores.result(false);
  }

  /**
   * Reads a checkpoint written by {@link #save} for {@code space}.
   *
   * @throws IOException when the stream is not a stitched-family checkpoint, is truncated or was
   *     written for another space or geometry; the message says which
   */
  public static TrainedStitches load(StitchedSpace space, InputStream in) throws IOException {
    return new StitchFamily(space).load(in, null);
  }
}
