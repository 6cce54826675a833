package org.subnetatlas.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.spaces.VitFamilySpec;

/**
 * Every array of a stitched ViT family: each anchor's patch embedding, class token, position
 * embedding, blocks, final norm and head ({@code a<i>.*}), and the shared stitching layers between
 * neighbouring anchors ({@code s<pair>.l<layer>.*}, a Linear(d_front, d_back) with bias each).
 * Named and laid out deterministically from the space.
 */
public final class VitFamilyParams extends ParamStore<VitFamilyParams.Def, StitchedSpace> {

  /** One array: name, shape, kind, and its initial value (normal std, or a constant when 0). */
  public record Def(String name, Shape shape, Kind kind, float initStd, float fill)
      implements ParamStore.ArrayDef {}

  private VitFamilyParams(StitchedSpace space, NDManager manager, List<Def> defs,
      Map<String, NDArray> arrays) {
    super(space, manager, defs, arrays);
  }

  /** The layout of {@code space}'s family. */
  public static List<Def> layout(StitchedSpace space) {
    VitFamilySpec spec = space.spec();
    List<Def> d = new ArrayList<>();
    for (int a = 0; a < spec.anchors().size(); a++) {
      int dim = spec.anchor(a).dim();
      int hidden = dim * spec.mlpRatio();
      String p = "a" + a + ".";
      d.add(weight(p + "patch.w", 0.02f, dim, spec.inChannels(), spec.patchSize(), spec.patchSize()));
      d.add(constant(p + "patch.b", 0, dim));
      d.add(new Def(p + "cls", new Shape(1, 1, dim), Kind.OTHER, 0.02f, 0));
      d.add(new Def(p + "pos", new Shape(1, spec.tokens(), dim), Kind.OTHER, 0.02f, 0));
      for (int b = 0; b < spec.depth(); b++) {
        String q = p + "b" + b + ".";
        d.add(constant(q + "ln1.g", 1, dim));
        d.add(constant(q + "ln1.b", 0, dim));
        d.add(weight(q + "qkv.w", 0.02f, 3 * dim, dim));
        d.add(constant(q + "qkv.b", 0, 3 * dim));
        d.add(weight(q + "proj.w", 0.02f, dim, dim));
        d.add(constant(q + "proj.b", 0, dim));
        d.add(constant(q + "ln2.g", 1, dim));
        d.add(constant(q + "ln2.b", 0, dim));
        d.add(weight(q + "fc1.w", 0.02f, hidden, dim));
        d.add(constant(q + "fc1.b", 0, hidden));
        d.add(weight(q + "fc2.w", 0.02f, dim, hidden));
        d.add(constant(q + "fc2.b", 0, dim));
      }
      d.add(constant(p + "norm.g", 1, dim));
      d.add(constant(p + "norm.b", 0, dim));
      d.add(weight(p + "head.w", 0.02f, spec.numClasses(), dim));
      d.add(constant(p + "head.b", 0, spec.numClasses()));
    }
    for (int pair = 0; pair + 1 < spec.anchors().size(); pair++) {
      int df = spec.anchor(pair).dim();
      int db = spec.anchor(pair + 1).dim();
      for (int l = 0; l < space.stitchLayers(); l++) {
        d.add(weight(stitchWeight(pair, l), 0.02f, db, df));
        d.add(constant(stitchBias(pair, l), 0, db));
      }
    }
    return List.copyOf(d);
  }

  public static String stitchWeight(int pair, int layer) {
    return "s" + pair + ".l" + layer + ".w";
  }

  public static String stitchBias(int pair, int layer) {
    return "s" + pair + ".l" + layer + ".b";
  }

  private static Def weight(String name, float std, long... shape) {
    return new Def(name, new Shape(shape), Kind.WEIGHT, std, 0);
  }

  private static Def constant(String name, float fill, long... shape) {
    return new Def(name, new Shape(shape), Kind.OTHER, 0, fill);
  }

  /** Fresh arrays in {@code manager}: truncated-normal (2 std) weights and embeddings, constants elsewhere. */
  public static VitFamilyParams initialize(StitchedSpace space, NDManager manager, long seed) {
    return fromData(space, manager, initialData(layout(space), seed, (def, rnd) -> {
      if (def.initStd() > 0) {
        double g;
        do {
          g = rnd.nextGaussian();
        } while (Math.abs(g) > 2);
        return (float) (g * def.initStd());
      }
      return def.fill();
    }));
  }

  /** Arrays from their values (a checkpoint); every layout name must be present. */
  public static VitFamilyParams fromData(StitchedSpace space, NDManager manager,
      Map<String, float[]> data) {
    List<Def> defs = layout(space);
    for (Def def : defs) {
      float[] v = data.get(def.name());
      if (v == null || v.length != def.shape().size()) {
        throw new IllegalArgumentException("array " + def.name() + " missing or of the wrong size");
      }
    }
    return new VitFamilyParams(space, manager, defs, create(manager, defs, data));
  }

  public StitchedSpace space() {
    return source();
  }

  @Override
  protected String noSuchArray(String name) {
    return "no array " + name + " in " + space().name();
  }

  /** A detached copy (no gradients) in {@code target}. */
  @Override
  public VitFamilyParams copy(NDManager target) {
    return fromData(space(), target, toData());
  }

  public long count() {
    return defs().stream().mapToLong(d -> d.shape().size()).sum();
  }

  @Override
  public void close() {
    arrays().values().forEach(NDArray::close);
  }
}
