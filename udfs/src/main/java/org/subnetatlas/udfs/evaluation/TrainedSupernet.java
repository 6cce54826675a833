package org.subnetatlas.udfs.evaluation;

import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.training.PhaseHistory;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.ElasticMbNet;
import org.subnetatlas.udfs.nets.SupernetParams;

/**
 * A trained supernet: its arrays (no gradient state) and how it was trained. Read-only after
 * construction and safe to share between evaluator threads; {@link #close()} frees native memory.
 */
public final class TrainedSupernet implements AutoCloseable {

  static final String MAGIC = "SUBNET-ATLAS-SUPERNET";
  static final int FORMAT = 1;
  private static final int END = 0x5EA1ED;

  private final SupernetParams params;
  private final ElasticMbNet net;
  private final List<PhaseHistory> history;
  private final long imagesSeen;
  private final long skippedSteps;
  private final NDManager owned;

  public TrainedSupernet(SupernetParams params, List<PhaseHistory> history, long imagesSeen,
      long skippedSteps, NDManager owned) {
    this.owned = owned;
    this.params = Objects.requireNonNull(params, "params");
    this.net = new ElasticMbNet(params, true);
    this.history = List.copyOf(history);
    this.imagesSeen = imagesSeen;
    this.skippedSteps = skippedSteps;
  }

  /**
   * A supernet with freshly initialised weights (seeded) and no training history, for benchmarks
   * and proxies computed at initialisation.
   */
  public static TrainedSupernet untrained(MbConvSpec spec, long seed) {
    NDManager owned = NDManager.newBaseManager(DjlRuntime.device(), DjlRuntime.ENGINE);
    return new TrainedSupernet(SupernetParams.initialize(spec, owned, seed), List.of(), 0, 0, owned);
  }

  public MbConvSpec spec() {
    return params.spec();
  }

  public ElasticMbNet net() {
    return net;
  }

  public NDManager manager() {
    return params.manager();
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

  /** Optimiser steps skipped because a loss or gradient was not finite. */
  public long skippedSteps() {
    return skippedSteps;
  }

  /** Writes magic, spec name/version/geometry, history, then every array with its shape. */
  public void save(OutputStream out) throws IOException {
    DataOutputStream o = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
    o.writeUTF(MAGIC);
    o.writeInt(FORMAT);
    o.writeUTF(spec().name());
    o.writeUTF(spec().version());
    o.writeUTF(spec().toString());
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
    for (SupernetParams.Def def : params.defs()) {
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
    Contents c = read(spec, in);
    NDManager owned = parent == null ? NDManager.newBaseManager(DjlRuntime.device(), DjlRuntime.ENGINE) : null;
    return new TrainedSupernet(SupernetParams.fromData(spec, parent == null ? owned : parent, c.data()),
        c.history(), c.images(), c.skipped(), owned);
  }

  /**
   * Reads a checkpoint through without the engine, as {@link #load} would, and also refuses
   * non-finite weights: a cheap check on the driver before any task loads it.
   *
   * @throws IOException naming what is wrong
   */
  public static void verify(MbConvSpec spec, InputStream in) throws IOException {
    for (Map.Entry<String, float[]> e : read(spec, in).data().entrySet()) {
      for (float v : e.getValue()) {
        if (!Float.isFinite(v)) {
          throw new IOException("supernet checkpoint array " + e.getKey() + " holds non-finite values");
        }
      }
    }
  }

  private record Contents(Map<String, float[]> data, List<PhaseHistory> history, long images,
      long skipped) {}

  private static Contents read(MbConvSpec spec, InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    try {
      String magic;
      try {
        magic = d.readUTF();
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("not a Subnet Atlas supernet checkpoint (no " + MAGIC + " header)");
      }
      if (!MAGIC.equals(magic)) {
        throw new IOException("not a Subnet Atlas supernet checkpoint (header '" + abbreviate(magic)
            + "', expected " + MAGIC + ")");
      }
      int format = d.readInt();
      if (format != FORMAT) {
        throw new IOException("supernet checkpoint format " + format + " is not supported (expected "
            + FORMAT + ")");
      }
      String name = d.readUTF();
      String version = d.readUTF();
      String geometry = d.readUTF();
      if (!name.equals(spec.name()) || !version.equals(spec.version())) {
        throw new IOException("supernet checkpoint is for space " + name + " version " + version
            + ", not " + spec.name() + " version " + spec.version());
      }
      if (!geometry.equals(spec.toString())) {
        throw new IOException("supernet checkpoint for " + name + " v" + version
            + " was written for a different geometry: " + geometry + " vs " + spec);
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
      List<SupernetParams.Def> layout = SupernetParams.layout(spec);
      int n = d.readInt();
      if (n != layout.size()) {
        throw new IOException("supernet checkpoint holds " + n + " arrays, the layout of " + spec.name()
            + " has " + layout.size());
      }
      Map<String, float[]> data = new LinkedHashMap<>();
      for (SupernetParams.Def def : layout) {
        String arrayName = d.readUTF();
        long[] dims = new long[d.readInt()];
        for (int j = 0; j < dims.length; j++) {
          dims[j] = d.readLong();
        }
        Shape shape = new Shape(dims);
        if (!arrayName.equals(def.name()) || !shape.equals(def.shape())) {
          throw new IOException("supernet checkpoint array " + arrayName + " " + shape
              + " does not match the layout's " + def.name() + " " + def.shape());
        }
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int j = 0; j < v.length; j++) {
          v[j] = d.readFloat();
        }
        data.put(def.name(), v);
      }
      if (d.readInt() != END) {
        throw new IOException("supernet checkpoint has no end marker after its arrays");
      }
      return new Contents(data, history, images, skipped);
    } catch (EOFException e) {
      throw new IOException("supernet checkpoint is truncated", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  @Override
  public void close() {
    params.close();
    if (owned != null) {
      owned.close();
    }
  }
}
