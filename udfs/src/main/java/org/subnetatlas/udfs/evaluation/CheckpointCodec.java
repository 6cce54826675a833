package org.subnetatlas.udfs.evaluation;

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
import org.subnetatlas.udfs.nets.ParamStore;
import org.subnetatlas.udfs.training.PhaseHistory;

/**
 * The checkpoint format of every model family: magic, format version, the space's name, version
 * and geometry, training counters and history, then every array with its shape in layout order,
 * then the family's end marker. Families differ only in their {@link Format}.
 */
public final class CheckpointCodec {

  static final int FORMAT = 1;

  /** Name, version and geometry of the space a checkpoint was written for. */
  public record Identity(String name, String version, String geometry) {}

  /** What a checkpoint holds besides its header. */
  public record Contents(Map<String, float[]> data, List<PhaseHistory> history, long imagesSeen,
      long skippedSteps) {}

  /** How one family's checkpoints identify themselves and word what is wrong with one. */
  public interface Format {
    /** The family as messages name it, e.g. {@code supernet}. */
    String label();

    String magic();

    int endMarker();

    /** The identity this format writes and expects. */
    Identity identity();

    /** Why a stream whose header reads {@code found} is refused. */
    default String wrongMagic(String found) {
      return "not a Subnet Atlas " + label() + " checkpoint (expected " + magic() + ")";
    }

    /** Why a checkpoint written for {@code found} is refused, or null when it is this identity. */
    default String mismatch(Identity found) {
      Identity own = identity();
      return found.equals(own) ? null : label() + " checkpoint is for " + found.name() + " v"
          + found.version() + " (" + found.geometry() + "), not " + own.name() + " v" + own.version();
    }
  }

  private CheckpointCodec() {}

  /** Writes {@code c}'s counters, history and the arrays of {@code defs} under {@code f}'s header. */
  public static void write(OutputStream out, Format f, Contents c,
      List<? extends ParamStore.ArrayDef> defs) throws IOException {
    DataOutputStream o = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
    o.writeUTF(f.magic());
    o.writeInt(FORMAT);
    o.writeUTF(f.identity().name());
    o.writeUTF(f.identity().version());
    o.writeUTF(f.identity().geometry());
    o.writeLong(c.imagesSeen());
    o.writeLong(c.skippedSteps());
    o.writeInt(c.history().size());
    for (PhaseHistory h : c.history()) {
      o.writeUTF(h.phase());
      o.writeInt(h.epochs());
      for (double l : h.epochLoss()) {
        o.writeDouble(l);
      }
    }
    o.writeInt(defs.size());
    for (ParamStore.ArrayDef def : defs) {
      o.writeUTF(def.name());
      long[] dims = def.shape().getShape();
      o.writeInt(dims.length);
      for (long d : dims) {
        o.writeLong(d);
      }
      for (float v : c.data().get(def.name())) {
        o.writeFloat(v);
      }
    }
    o.writeInt(f.endMarker());
    o.flush();
  }

  /**
   * Reads a checkpoint written by {@link #write} for {@code f}'s identity and {@code layout}.
   *
   * @throws IOException when the stream is not such a checkpoint, is truncated or was written for
   *     another space, geometry or layout; the message says which
   */
  public static Contents read(InputStream in, Format f, List<? extends ParamStore.ArrayDef> layout)
      throws IOException {
    DataInputStream d = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    String label = f.label();
    try {
      String magic;
      try {
        magic = d.readUTF();
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("not a Subnet Atlas " + label + " checkpoint (no " + f.magic() + " header)");
      }
      if (!f.magic().equals(magic)) {
        throw new IOException(f.wrongMagic(magic));
      }
      int format = d.readInt();
      if (format != FORMAT) {
        throw new IOException(label + " checkpoint format " + format + " is not supported (expected "
            + FORMAT + ")");
      }
      String mismatch = f.mismatch(new Identity(d.readUTF(), d.readUTF(), d.readUTF()));
      if (mismatch != null) {
        throw new IOException(mismatch);
      }
      long images = d.readLong();
      long skipped = d.readLong();
      List<PhaseHistory> history = readHistory(d);
      int n = d.readInt();
      if (n != layout.size()) {
        throw new IOException(label + " checkpoint holds " + n + " arrays, the layout of "
            + f.identity().name() + " has " + layout.size());
      }
      Map<String, float[]> data = new LinkedHashMap<>();
      for (ParamStore.ArrayDef def : layout) {
        data.put(def.name(), readArray(d, label, def));
      }
      if (d.readInt() != f.endMarker()) {
        throw new IOException(label + " checkpoint has no end marker after its arrays");
      }
      return new Contents(data, history, images, skipped);
    } catch (EOFException e) {
      throw new IOException(label + " checkpoint is truncated", e);
    }
  }

  /** Refuses contents holding a non-finite value: a cheap check before any task loads them. */
  public static void requireFinite(Contents c, Format f) throws IOException {
    for (Map.Entry<String, float[]> e : c.data().entrySet()) {
      for (float v : e.getValue()) {
        if (!Float.isFinite(v)) {
          throw new IOException(f.label() + " checkpoint array " + e.getKey()
              + " holds non-finite values");
        }
      }
    }
  }

  private static List<PhaseHistory> readHistory(DataInputStream d) throws IOException {
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
    return history;
  }

  private static float[] readArray(DataInputStream d, String label, ParamStore.ArrayDef def)
      throws IOException {
    String arrayName = d.readUTF();
    long[] dims = new long[d.readInt()];
    for (int j = 0; j < dims.length; j++) {
      dims[j] = d.readLong();
    }
    Shape shape = new Shape(dims);
    if (!arrayName.equals(def.name()) || !shape.equals(def.shape())) {
      throw new IOException(label + " checkpoint array " + arrayName + " " + shape
          + " does not match the layout's " + def.name() + " " + def.shape());
    }
    float[] v = new float[Math.toIntExact(shape.size())];
    for (int j = 0; j < v.length; j++) {
      v[j] = d.readFloat();
    }
    return v;
  }
}
