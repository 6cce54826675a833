package org.subnetatlas.udfs.evaluation;

import org.subnetatlas.udfs.data.Batches;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.training.PhaseHistory;
import org.subnetatlas.udfs.training.StitchConfig;
import org.subnetatlas.udfs.training.StitchTrainer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.udfs.nets.StitchedVit;
import org.subnetatlas.udfs.nets.VitFamilyParams;

/**
 * A trained stitched family: every anchor's and stitching layer's arrays (no gradient state) and
 * how it was trained. Read-only after construction apart from {@link #refitStitches}; safe to
 * share between evaluator threads; {@link #close()} frees native memory.
 */
public final class TrainedStitches implements AutoCloseable {

  static final String MAGIC = "SUBNET-ATLAS-STITCHES";
  static final int FORMAT = 1;
  private static final int END = 0x5717C4ED;

  private final VitFamilyParams params;
  private final StitchedVit net;
  private final List<PhaseHistory> history;
  private final long imagesSeen;
  private final long skippedSteps;
  private final NDManager owned;

  public TrainedStitches(VitFamilyParams params, List<PhaseHistory> history, long imagesSeen,
      long skippedSteps, NDManager owned) {
    this.params = Objects.requireNonNull(params, "params");
    this.net = new StitchedVit(params);
    this.history = List.copyOf(history);
    this.imagesSeen = imagesSeen;
    this.skippedSteps = skippedSteps;
    this.owned = owned;
  }

  public StitchedSpace space() {
    return params.space();
  }

  public StitchedVit net() {
    return net;
  }

  public List<PhaseHistory> history() {
    return history;
  }

  public int epochs() {
    return history.stream().mapToInt(PhaseHistory::epochs).sum();
  }

  public long imagesSeen() {
    return imagesSeen;
  }

  public long skippedSteps() {
    return skippedSteps;
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
    try (NDManager m = params.manager().newSubManager()) {
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

  /** Writes magic, space name/version/geometry, history, then every array with its shape. */
  public void save(OutputStream out) throws IOException {
    DataOutputStream o = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
    o.writeUTF(MAGIC);
    o.writeInt(FORMAT);
    o.writeUTF(space().name());
    o.writeUTF(space().version());
    o.writeUTF(space().spec().toString());
    o.writeLong(imagesSeen);
    o.writeLong(skippedSteps);
    o.writeInt(history.size());
    for (PhaseHistory h : history) {
      o.writeUTF(h.phase());
      o.writeInt(h.epochs());
      for (double l : h.epochLoss()) {
        o.writeDouble(l);
      }
    }
    Map<String, float[]> data = params.toData();
    o.writeInt(params.defs().size());
    for (VitFamilyParams.Def def : params.defs()) {
      o.writeUTF(def.name());
      long[] dims = def.shape().getShape();
      o.writeInt(dims.length);
      for (long d : dims) {
        o.writeLong(d);
      }
      for (float v : data.get(def.name())) {
        o.writeFloat(v);
      }
    }
    o.writeInt(END);
    o.flush();
  }

  /**
   * Reads a checkpoint written by {@link #save} for {@code space}.
   *
   * @throws IOException when the stream is not a stitched-family checkpoint, is truncated or was
   *     written for another space or geometry; the message says which
   */
  public static TrainedStitches load(StitchedSpace space, InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    try {
      String magic;
      try {
        magic = d.readUTF();
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("not a Subnet Atlas stitched-family checkpoint (no " + MAGIC + " header)");
      }
      if (!MAGIC.equals(magic)) {
        throw new IOException("not a Subnet Atlas stitched-family checkpoint (expected " + MAGIC + ")");
      }
      int format = d.readInt();
      if (format != FORMAT) {
        throw new IOException("stitched-family checkpoint format " + format
            + " is not supported (expected " + FORMAT + ")");
      }
      String name = d.readUTF();
      String version = d.readUTF();
      String geometry = d.readUTF();
      if (!name.equals(space.name()) || !version.equals(space.version())
          || !geometry.equals(space.spec().toString())) {
        throw new IOException("stitched-family checkpoint is for " + name + " v" + version
            + " (" + geometry + "), not " + space.name() + " v" + space.version());
      }
      long images = d.readLong();
      long skipped = d.readLong();
      int nPhases = d.readInt();
      List<PhaseHistory> history = new ArrayList<>();
      for (int i = 0; i < nPhases; i++) {
        String phase = d.readUTF();
        double[] losses = new double[d.readInt()];
        for (int j = 0; j < losses.length; j++) {
          losses[j] = d.readDouble();
        }
        history.add(new PhaseHistory(phase, losses));
      }
      List<VitFamilyParams.Def> layout = VitFamilyParams.layout(space);
      int n = d.readInt();
      if (n != layout.size()) {
        throw new IOException("stitched-family checkpoint holds " + n + " arrays, the layout of "
            + space.name() + " has " + layout.size());
      }
      Map<String, float[]> data = new LinkedHashMap<>();
      for (VitFamilyParams.Def def : layout) {
        String arrayName = d.readUTF();
        long[] dims = new long[d.readInt()];
        for (int j = 0; j < dims.length; j++) {
          dims[j] = d.readLong();
        }
        if (!arrayName.equals(def.name()) || !new Shape(dims).equals(def.shape())) {
          throw new IOException("stitched-family checkpoint array " + arrayName + " "
              + new Shape(dims) + " does not match the layout's " + def.name() + " " + def.shape());
        }
        float[] v = new float[Math.toIntExact(def.shape().size())];
        for (int j = 0; j < v.length; j++) {
          v[j] = d.readFloat();
        }
        data.put(def.name(), v);
      }
      if (d.readInt() != END) {
        throw new IOException("stitched-family checkpoint has no end marker after its arrays");
      }
      NDManager owned = NDManager.newBaseManager(DjlRuntime.ENGINE);
      return new TrainedStitches(VitFamilyParams.fromData(space, owned, data), history, images,
          skipped, owned);
    } catch (EOFException e) {
      throw new IOException("stitched-family checkpoint is truncated", e);
    }
  }

  @Override
  public void close() {
    params.close();
    if (owned != null) {
      owned.close();
    }
  }
}
