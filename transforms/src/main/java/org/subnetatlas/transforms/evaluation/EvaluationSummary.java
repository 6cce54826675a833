package org.subnetatlas.transforms.evaluation;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.subnetatlas.udfs.evaluation.RankCorrelation;

/**
 * What one night measured, in one line: the spread of top-1, the largest sub-network's top-1 with
 * the standard error of that one figure, and Spearman(top-1, MACs).
 *
 * @param subnets sub-networks measured
 * @param largestMacs MACs of the largest sub-network (the first of equals)
 * @param largestStdError standard error of the largest one's top-1, sqrt(p(1-p)/n)
 */
public record EvaluationSummary(int subnets, double top1Min, double top1Max, long largestMacs,
    double largestTop1, double largestStdError, double spearman) {

  /** From rows of (top1 double, macs long, n_images int), in that column order. */
  static EvaluationSummary of(List<Row> rows) {
    double[] top1 = rows.stream().mapToDouble(r -> r.getDouble(0)).toArray();
    double[] macs = rows.stream().mapToDouble(r -> r.getLong(1)).toArray();
    int largest = 0;
    for (int i = 1; i < macs.length; i++) {
      largest = macs[i] > macs[largest] ? i : largest;
    }
    double p = top1[largest];
    int n = rows.get(largest).getInt(2);
    return new EvaluationSummary(rows.size(), Arrays.stream(top1).min().orElse(Double.NaN),
        Arrays.stream(top1).max().orElse(Double.NaN), (long) macs[largest], p,
        Math.sqrt(p * (1 - p) / n), RankCorrelation.spearman(top1, macs));
  }
}
