package org.subnetatlas.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The named arrays of a model family, laid out deterministically from its space: what the
 * optimisers update, the checkpoint codec writes and the networks slice. Each family declares
 * its layout and initialisation; storage, lookup and copying are shared here.
 *
 * @param <D> the family's description of one array
 * @param <S> what the layout is derived from (the family's spec or space)
 */
public abstract class ParamStore<D extends ParamStore.ArrayDef, S> implements AutoCloseable {

  /**
   * What an array is to the optimiser: a linear or convolution weight (decayed), another trained
   * array (biases, norm affines, embeddings: not decayed), or a running statistic (not trained).
   */
  public enum Kind { WEIGHT, OTHER, BUFFER }

  /** One array of a layout, as the shared machinery sees it. */
  public interface ArrayDef {
    String name();

    Shape shape();

    Kind kind();

    /** Updated by the optimiser (running statistics are not). */
    default boolean trainable() {
      return kind() != Kind.BUFFER;
    }

    /** Takes decoupled weight decay (linear and convolution weights). */
    default boolean decayed() {
      return kind() == Kind.WEIGHT;
    }
  }

  /** One initial value of an array, drawn from the family's seeded generator. */
  @FunctionalInterface
  protected interface Init<D> {
    float next(D def, Random rnd);
  }

  private final S source;
  private final NDManager manager;
  private final List<D> defs;
  private final Map<String, NDArray> arrays;

  protected ParamStore(S source, NDManager manager, List<D> defs, Map<String, NDArray> arrays) {
    this.source = source;
    this.manager = manager;
    this.defs = defs;
    this.arrays = Collections.unmodifiableMap(arrays);
  }

  /** Values of every array of {@code layout}, drawn in layout order from one generator. */
  protected static <D extends ArrayDef> Map<String, float[]> initialData(List<D> layout, long seed,
      Init<D> init) {
    Random rnd = new Random(seed);
    Map<String, float[]> data = new LinkedHashMap<>();
    for (D def : layout) {
      float[] v = new float[Math.toIntExact(def.shape().size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = init.next(def, rnd);
      }
      data.put(def.name(), v);
    }
    return data;
  }

  /** Named arrays of {@code defs} created in {@code manager} from their values, in layout order. */
  protected static <D extends ArrayDef> Map<String, NDArray> create(NDManager manager,
      List<D> defs, Map<String, float[]> data) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (D def : defs) {
      NDArray a = manager.create(data.get(def.name()), def.shape());
      a.setName(def.name());
      arrays.put(def.name(), a);
    }
    return arrays;
  }

  /** The message of a lookup of an array the layout does not have. */
  protected abstract String noSuchArray(String name);

  /** The spec or space the layout was derived from. */
  protected final S source() {
    return source;
  }

  public final List<D> defs() {
    return defs;
  }

  public final NDManager manager() {
    return manager;
  }

  /** The full array {@code name}. */
  public final NDArray get(String name) {
    NDArray a = arrays.get(name);
    if (a == null) {
      throw new IllegalArgumentException(noSuchArray(name));
    }
    return a;
  }

  /** Every array's values, in layout order. */
  public final Map<String, float[]> toData() {
    Map<String, float[]> data = new LinkedHashMap<>();
    for (D def : defs) {
      data.put(def.name(), arrays.get(def.name()).toFloatArray());
    }
    return data;
  }

  /** Names of the arrays the optimiser updates, in layout order. */
  public final List<String> trainableNames() {
    return defs.stream().filter(ArrayDef::trainable).map(ArrayDef::name).toList();
  }

  /** Every array of the store, in layout order. */
  protected final Map<String, NDArray> arrays() {
    return arrays;
  }

  /** A detached copy (no gradient state) in {@code parent}, as the family's loader would make it. */
  public abstract ParamStore<D, S> copy(NDManager parent);

  /** Frees the arrays' native memory. */
  @Override
  public abstract void close();
}
