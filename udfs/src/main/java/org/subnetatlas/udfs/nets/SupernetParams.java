package org.subnetatlas.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.subnetatlas.spaces.MbConvSpec;

/**
 * The full-size arrays of an elastic MBConv supernet, named and laid out deterministically from
 * its {@link MbConvSpec}. Sub-networks never copy them: they slice them per forward.
 */
public final class SupernetParams extends ParamStore<SupernetParams.Def, MbConvSpec> {

  /** One array of the layout: BN affines and biases are {@link Kind#OTHER}, BN statistics buffers. */
  public record Def(String name, Shape shape, Kind kind, float initStd, boolean uniform, float fill)
      implements ParamStore.ArrayDef {}

  private SupernetParams(MbConvSpec spec, NDManager manager, List<Def> defs,
      Map<String, NDArray> arrays) {
    super(spec, manager, defs, arrays);
  }

  /** The layout of {@code spec}'s supernet: every array with its full shape. */
  public static List<Def> layout(MbConvSpec spec) {
    List<Def> d = new ArrayList<>();
    int stem = spec.stemWidth();
    conv(d, "stem.conv", stem, spec.inputChannels(), 3);
    bn(d, "stem.bn", stem);
    conv(d, "first.dw", stem, 1, 3);
    bn(d, "first.dw.bn", stem);
    conv(d, "first.pw", spec.firstBlockWidth(), stem, 1);
    bn(d, "first.pw.bn", spec.firstBlockWidth());
    int maxK = Geometry.maxOf(spec.kernelChoices());
    int last = spec.firstBlockWidth();
    for (Geometry.Block b : Geometry.blocks(spec)) {
      conv(d, b.name() + ".expand", b.maxMid(), b.in(), 1);
      bn(d, b.name() + ".expand.bn", b.maxMid());
      conv(d, b.name() + ".dw", b.maxMid(), 1, maxK);
      bn(d, b.name() + ".dw.bn", b.maxMid());
      if (b.squeezeExcite()) {
        conv(d, b.name() + ".se.reduce", b.maxSe(), b.maxMid(), 1);
        d.add(new Def(b.name() + ".se.reduce.bias", new Shape(b.maxSe()), Kind.OTHER, 0, false, 0));
        conv(d, b.name() + ".se.expand", b.maxMid(), b.maxSe(), 1);
        d.add(new Def(b.name() + ".se.expand.bias", new Shape(b.maxMid()), Kind.OTHER, 0, false, 0));
      }
      conv(d, b.name() + ".project", b.out(), b.maxMid(), 1);
      bn(d, b.name() + ".project.bn", b.out());
      last = b.out();
    }
    conv(d, "final.expand", spec.finalExpandWidth(), last, 1);
    bn(d, "final.expand.bn", spec.finalExpandWidth());
    conv(d, "feature.mix", spec.featureMixWidth(), spec.finalExpandWidth(), 1);
    float bound = (float) (1 / Math.sqrt(spec.featureMixWidth()));
    d.add(new Def("classifier.weight", new Shape(spec.numClasses(), spec.featureMixWidth()),
        Kind.WEIGHT, bound, true, 0));
    d.add(new Def("classifier.bias", new Shape(spec.numClasses()), Kind.OTHER, 0, false, 0));
    return List.copyOf(d);
  }

  private static void conv(List<Def> d, String name, int out, int inPerGroup, int k) {
    // OFA's he_fout initialisation
    float std = (float) Math.sqrt(2.0 / (k * k * out));
    d.add(new Def(name, new Shape(out, inPerGroup, k, k), Kind.WEIGHT, std, false, 0));
  }

  private static void bn(List<Def> d, String name, int c) {
    d.add(new Def(name + ".gamma", new Shape(c), Kind.OTHER, 0, false, 1));
    d.add(new Def(name + ".beta", new Shape(c), Kind.OTHER, 0, false, 0));
    d.add(new Def(name + ".mean", new Shape(c), Kind.BUFFER, 0, false, 0));
    d.add(new Def(name + ".var", new Shape(c), Kind.BUFFER, 0, false, 1));
  }

  /** Freshly initialised arrays (seeded, reproducible) in a new sub-manager of {@code parent}. */
  public static SupernetParams initialize(MbConvSpec spec, NDManager parent, long seed) {
    return fromData(spec, parent, initialData(layout(spec), seed, (def, rnd) -> {
      if (def.initStd() == 0) {
        return def.fill();
      } else if (def.uniform()) {
        return (float) ((rnd.nextDouble() * 2 - 1) * def.initStd());
      }
      return (float) (rnd.nextGaussian() * def.initStd());
    }));
  }

  /**
   * Arrays from named float data; every name of the layout must be present with its exact size.
   *
   * @throws IllegalArgumentException naming the first missing or mis-sized array
   */
  public static SupernetParams fromData(MbConvSpec spec, NDManager parent, Map<String, float[]> data) {
    List<Def> defs = layout(spec);
    for (Def def : defs) {
      float[] v = data.get(def.name());
      if (v == null) {
        throw new IllegalArgumentException("supernet " + spec.name() + ": array " + def.name()
            + " is missing");
      }
      if (v.length != def.shape().size()) {
        throw new IllegalArgumentException("supernet " + spec.name() + ": array " + def.name()
            + " has " + v.length + " values, expected shape " + def.shape());
      }
    }
    if (data.size() != defs.size()) {
      throw new IllegalArgumentException("supernet " + spec.name() + ": " + data.size()
          + " arrays given, the layout has " + defs.size());
    }
    NDManager manager = parent.newSubManager();
    return new SupernetParams(spec, manager, defs, create(manager, defs, data));
  }

  /** A copy with plain arrays (no gradient state) in a new sub-manager of {@code parent}. */
  @Override
  public SupernetParams copy(NDManager parent) {
    return fromData(spec(), parent, toData());
  }

  /** A copy whose arrays are converted to {@code type}, in a new sub-manager of {@code parent}. */
  public SupernetParams withType(ai.djl.ndarray.types.DataType type, NDManager parent) {
    NDManager target = parent.newSubManager();
    Map<String, NDArray> converted = new LinkedHashMap<>();
    for (Def def : defs()) {
      NDArray a = arrays().get(def.name()).toType(type, true);
      a.attach(target);
      a.setName(def.name());
      converted.put(def.name(), a);
    }
    return new SupernetParams(spec(), target, defs(), converted);
  }

  public MbConvSpec spec() {
    return source();
  }

  @Override
  protected String noSuchArray(String name) {
    return "supernet " + spec().name() + " has no array " + name;
  }

  /** Number of trainable values (weights, BN affine, biases). */
  public long trainableCount() {
    return defs().stream().filter(d -> d.kind() != Kind.BUFFER).mapToLong(d -> d.shape().size()).sum();
  }

  @Override
  public void close() {
    manager().close();
  }
}
