package org.subnetatlas.udfs.evaluation;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Rank correlations for benchmark summaries: Spearman's ρ with average ranks for ties, and
 * Kendall's τ-b (tie-corrected).
 */
public final class RankCorrelation {

  private RankCorrelation() {}

  /**
   * Spearman's ρ: Pearson correlation of the average ranks. NaN for fewer than two pairs or a
   * constant input.
   */
  public static double spearman(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("spearman: " + a.length + " vs " + b.length + " values");
    }
    if (a.length < 2) {
      return Double.NaN;
    }
    return pearson(ranks(a), ranks(b));
  }

  /**
   * Kendall's τ-b: (concordant − discordant) / √((n₀ − ties in a)(n₀ − ties in b)) over all pairs.
   * O(n²), fine for the few thousand held-out rows it scores. NaN for fewer than two pairs or a
   * constant input.
   */
  public static double kendall(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("kendall: " + a.length + " vs " + b.length + " values");
    }
    long concordant = 0;
    long discordant = 0;
    long tiesA = 0;
    long tiesB = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = i + 1; j < a.length; j++) {
        double da = Math.signum(a[i] - a[j]);
        double db = Math.signum(b[i] - b[j]);
        if (da == 0 && db == 0) {
          continue;
        }
        if (da == 0) {
          tiesA++;
        } else if (db == 0) {
          tiesB++;
        } else if (da == db) {
          concordant++;
        } else {
          discordant++;
        }
      }
    }
    double n0a = concordant + discordant + tiesA;
    double n0b = concordant + discordant + tiesB;
    if (n0a == 0 || n0b == 0) {
      return Double.NaN;
    }
    return (concordant - discordant) / Math.sqrt(n0a * n0b);
  }

  /** 1-based ranks; tied values share the average of their ranks. */
  public static double[] ranks(double[] x) {
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < x.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> x[i]));
    double[] rank = new double[x.length];
    for (int i = 0; i < x.length; ) {
      int j = i;
      while (j + 1 < x.length && x[order[j + 1]] == x[order[i]]) {
        j++;
      }
      double avg = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        rank[order[k]] = avg;
      }
      i = j + 1;
    }
    return rank;
  }

  static double pearson(double[] a, double[] b) {
    double ma = Arrays.stream(a).average().orElse(0);
    double mb = Arrays.stream(b).average().orElse(0);
    double cov = 0;
    double va = 0;
    double vb = 0;
    for (int i = 0; i < a.length; i++) {
      cov += (a[i] - ma) * (b[i] - mb);
      va += (a[i] - ma) * (a[i] - ma);
      vb += (b[i] - mb) * (b[i] - mb);
    }
    return va == 0 || vb == 0 ? Double.NaN : cov / Math.sqrt(va * vb);
  }
}
