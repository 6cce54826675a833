package org.subnetatlas.udfs.measurement;

import java.util.Arrays;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/** Summary of timed repeats, in milliseconds per forward. Percentiles are nearest-rank. */
public record LatencyStats(double p50Ms, double p90Ms, double p99Ms, double meanMs, double stdMs,
    int samples) {

  /** Summarises per-forward durations in nanoseconds. */
  public static LatencyStats of(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no timed repeats to summarise");
    }
    double[] ms = Arrays.stream(nanos).mapToDouble(n -> n / 1e6).sorted().toArray();
    double mean = Arrays.stream(ms).average().orElseThrow();
    double var = 0;
    for (double v : ms) {
      var += (v - mean) * (v - mean);
    }
    double std = ms.length > 1 ? Math.sqrt(var / (ms.length - 1)) : 0;
    return new LatencyStats(rank(ms, 0.50), rank(ms, 0.90), rank(ms, 0.99), mean, std, ms.length);
  }

  /** Nearest-rank percentile (commons-math's R_1): the smallest value with at least q of them at or below. */
  static double rank(double[] sorted, double q) {
    return new Percentile(q * 100).withEstimationType(Percentile.EstimationType.R_1)
        .evaluate(sorted);
  }
}
