package org.subnetatlas.udfs.evaluation;

import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Rank correlations for benchmark summaries: Spearman's ρ with average ranks for ties, and
 * Kendall's τ-b (tie-corrected).
 */
public final class RankCorrelation {

  private static final KendallsCorrelation KENDALL = new KendallsCorrelation();
  private static final NaturalRanking AVERAGE_RANKS =
      new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE);
  private static final SpearmansCorrelation SPEARMAN = new SpearmansCorrelation(AVERAGE_RANKS);

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
    return SPEARMAN.correlation(a, b);
  }

  /**
   * Kendall's τ-b: (concordant − discordant) / √((n₀ − ties in a)(n₀ − ties in b)) over all pairs.
   * NaN for fewer than two pairs or a constant input.
   */
  public static double kendall(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("kendall: " + a.length + " vs " + b.length + " values");
    }
    // commons-math counts pairs by merge sort: the same tau-b, bit for bit, in O(n log n)
    return a.length < 2 ? Double.NaN : KENDALL.correlation(a, b);
  }

  /** 1-based ranks; tied values share the average of their ranks. */
  public static double[] ranks(double[] x) {
    return AVERAGE_RANKS.rank(x);
  }
}
