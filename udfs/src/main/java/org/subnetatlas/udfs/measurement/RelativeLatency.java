package org.subnetatlas.udfs.measurement;

import java.util.Objects;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * A sub-network's latency relative to the {@link ReferenceNet} timed in the same rounds: the
 * median over rounds of (sub-network time / reference time of that round), the ratios' relative
 * MAD (median absolute deviation from their median, divided by the median) and the reference's
 * own figures.
 */
public record RelativeLatency(String referenceId, LatencyStats reference, double rel,
    double relMad) {

  public RelativeLatency {
    Objects.requireNonNull(referenceId, "referenceId");
    Objects.requireNonNull(reference, "reference");
  }

  /** Paired rounds: {@code subnet[i]} and {@code reference[i]} ran back to back, nanoseconds. */
  public static RelativeLatency of(String referenceId, long[] subnet, long[] reference) {
    double[] r = ratios(subnet, reference);
    double median = median(r);
    return new RelativeLatency(referenceId, LatencyStats.of(reference), median,
        relativeMad(r, median));
  }

  /** Per-round ratios sub-network / reference. */
  static double[] ratios(long[] subnet, long[] reference) {
    if (subnet.length != reference.length || subnet.length == 0) {
      throw new IllegalArgumentException("paired rounds differ in number or are empty: "
          + subnet.length + " sub-network, " + reference.length + " reference");
    }
    double[] r = new double[subnet.length];
    for (int i = 0; i < r.length; i++) {
      // a clock that did not tick for the reference would make an infinite ratio
      r[i] = (double) subnet[i] / Math.max(1, reference[i]);
    }
    return r;
  }

  /** The median (the mean of the two middle values for an even count). */
  static double median(double[] v) {
    return new Median().evaluate(v);
  }

  /** MAD of {@code v} around {@code median}, divided by {@code median}. */
  static double relativeMad(double[] v, double median) {
    double[] dev = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      dev[i] = Math.abs(v[i] - median);
    }
    return median(dev) / median;
  }

  /** True when the ratio's dispersion is above {@code bound}. */
  public boolean dispersed(double bound) {
    return relMad > bound;
  }
}
