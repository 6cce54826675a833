package org.subnetatlas.udfs.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.Cost;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.spaces.SearchSpace;

/**
 * The predictor's feature vector of an MBConv architecture, computed the same way by the
 * {@code train-predictor} job, the {@code search} stage and the SQL function: ordinal choices per
 * slot (kernel, expand; 0 for a slot its stage's depth leaves out), depth per stage, resolution,
 * log MACs, log params, and, for {@link FeatureSet#ENCODING_PROXIES}, the zero-cost proxies.
 */
public final class FeatureEncoder {

  /** Which features a model was trained on; the name is stored in {@code atlas.predictors}. */
  public enum FeatureSet {
    ENCODING("encoding"),
    ENCODING_PROXIES("encoding+proxies");

    private final String label;

    FeatureSet(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public boolean needsProxies() {
      return this == ENCODING_PROXIES;
    }

    public static FeatureSet byLabel(String label) {
      return Labels.find(values(), FeatureSet::label, label,
          "unknown feature set '" + label + "' (expected encoding or encoding+proxies)");
    }
  }

  private FeatureEncoder() {}

  /** The MBConv space called {@code space}, or a clear error for a space without that encoding. */
  public static MbConvSpace mbSpace(SearchSpace space) {
    if (space instanceof MbConvSpace mb) {
      return mb;
    }
    throw new IllegalArgumentException("space " + space.name()
        + " has no MBConv encoding; predictors cover MBConv spaces only");
  }

  /** Feature names in vector order. */
  public static List<String> names(MbConvSpec spec, FeatureSet set) {
    List<String> n = new ArrayList<>();
    for (int i = 0; i < spec.blockSlots(); i++) {
      n.add("ks_" + i);
    }
    for (int i = 0; i < spec.blockSlots(); i++) {
      n.add("e_" + i);
    }
    for (int s = 0; s < spec.stages().size(); s++) {
      n.add("d_" + s);
    }
    n.add("r");
    n.add("log_macs");
    n.add("log_params");
    if (set.needsProxies()) {
      n.add("synflow");
      n.add("log_snip");
      n.add("log_grad_norm");
    }
    return n;
  }

  /**
   * For each feature of {@link #names} in order, the values it can take when it is an architecture
   * choice (kernel and expand per slot, with 0 for a slot the depth leaves out; depth per stage;
   * resolution), or null when it is a measured quantity (log MACs, log params, proxies).
   */
  public static double[][] levels(MbConvSpec spec, FeatureSet set) {
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < spec.blockSlots(); i++) {
      out.add(withZero(spec.kernelChoices()));
    }
    for (int i = 0; i < spec.blockSlots(); i++) {
      out.add(withZero(spec.expandChoices()));
    }
    for (int s = 0; s < spec.stages().size(); s++) {
      out.add(values(spec.depthChoices()));
    }
    out.add(values(spec.resolutionChoices()));
    int measured = names(spec, set).size() - out.size();
    for (int i = 0; i < measured; i++) {
      out.add(null);
    }
    return out.toArray(double[][]::new);
  }

  /**
   * The features of {@link #names} that describe one block slot together: its kernel and its
   * expand, as index pairs.
   */
  public static int[][] slotPairs(MbConvSpec spec) {
    int slots = spec.blockSlots();
    int[][] pairs = new int[slots][];
    for (int i = 0; i < slots; i++) {
      pairs[i] = new int[] {i, slots + i};
    }
    return pairs;
  }

  /** The index of the resolution in {@link #names}. */
  public static int resolutionFeature(MbConvSpec spec) {
    return 2 * spec.blockSlots() + spec.stages().size();
  }

  private static double[] withZero(List<Integer> choices) {
    double[] v = new double[choices.size() + 1];
    for (int i = 0; i < choices.size(); i++) {
      v[i + 1] = choices.get(i);
    }
    return v;
  }

  private static double[] values(List<Integer> choices) {
    return choices.stream().mapToDouble(Integer::doubleValue).toArray();
  }

  /**
   * The vector of {@code arch}; {@code proxies} (synflow, snip, grad_norm as stored) is required
   * exactly when {@code set} needs them.
   */
  public static double[] vector(MbConvSpace space, Arch arch, FeatureSet set, double[] proxies) {
    Objects.requireNonNull(arch, "arch");
    if (set.needsProxies() && (proxies == null || proxies.length != 3)) {
      throw new IllegalArgumentException("feature set " + set.label() + " needs 3 proxy values");
    }
    MbConvSpec spec = space.spec();
    MbArch a = (MbArch) arch;
    int slots = spec.blockSlots();
    int stages = spec.stages().size();
    double[] v = new double[2 * slots + stages + 3 + (set.needsProxies() ? 3 : 0)];
    int[] ks = a.ks();
    int[] e = a.e();
    int[] d = a.d();
    for (int s = 0; s < stages; s++) {
      for (int b = 0; b < spec.maxDepth(); b++) {
        int slot = s * spec.maxDepth() + b;
        boolean active = b < d[s];
        v[slot] = active ? ks[slot] : 0;
        v[slots + slot] = active ? e[slot] : 0;
      }
      v[2 * slots + s] = d[s];
    }
    int i = 2 * slots + stages;
    Cost cost = space.cost(arch);
    v[i++] = a.r();
    v[i++] = Math.log(cost.macs());
    v[i++] = Math.log(cost.params());
    if (set.needsProxies()) {
      v[i++] = proxies[0];
      v[i++] = Math.log(Math.max(proxies[1], 1e-30));
      v[i] = Math.log(Math.max(proxies[2], 1e-30));
    }
    return v;
  }
}
