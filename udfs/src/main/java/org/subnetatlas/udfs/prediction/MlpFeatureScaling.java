package org.subnetatlas.udfs.prediction;

import java.util.Arrays;
import java.util.stream.DoubleStream;
import org.subnetatlas.udfs.prediction.MlpRegressionModel.Inputs;
import org.subnetatlas.udfs.prediction.MlpRegressionModel.View;

/**
 * How an MLP ensemble sees raw features: continuous ones standardised with the training mean and
 * standard deviation, categorical ones as the indicators of a {@link View}.
 */
final class MlpFeatureScaling {

  private MlpFeatureScaling() {}

  /**
   * The encoding of raw features {@code v} under {@code view}: continuous features standardised,
   * categorical ones as indicators (a value outside a feature's levels sets none of them).
   */
  static double[] encode(Inputs in, View view, double[] means, double[] stds, double[] v) {
    if (v.length != means.length) {
      throw new IllegalArgumentException("MLP predictor takes " + means.length + " features, got "
          + v.length);
    }
    double[][] levels = in.levels();
    DoubleStream.Builder out = DoubleStream.builder();
    int[] partner = new int[v.length];
    Arrays.fill(partner, -1);
    if (view == View.PAIRS) {
      for (int[] p : in.pairs()) {
        partner[p[0]] = p[1];
        partner[p[1]] = -2;  // described with its partner
      }
    }
    for (int j = 0; j < v.length; j++) {
      if (levels[j] == null) {
        out.add((v[j] - means[j]) / stds[j]);
      } else if (partner[j] >= 0) {
        for (double a : levels[j]) {
          for (double b : levels[partner[j]]) {
            out.add(v[j] == a && v[partner[j]] == b ? 1 : 0);
          }
        }
      } else if (partner[j] == -1) {
        indicators(out, levels[j], v[j], 1);
      }
    }
    if (view == View.CROSSED) {
      int c = in.crossFeature();
      for (double at : levels[c]) {
        double on = v[c] == at ? 1 : 0;
        for (int j = 0; j < v.length; j++) {
          if (levels[j] != null && j != c) {
            indicators(out, levels[j], v[j], on);
          }
        }
      }
    }
    return out.build().toArray();
  }

  private static void indicators(DoubleStream.Builder out, double[] levels, double value, double on) {
    for (double level : levels) {
      out.add(value == level ? on : 0);
    }
  }

  static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(0);
  }

  /** Population standard deviation; 1 for a constant column, so it encodes as 0. */
  static double std(double[] v, double mean) {
    double sq = 0;
    for (double x : v) {
      sq += (x - mean) * (x - mean);
    }
    double s = Math.sqrt(sq / v.length);
    return s > 1e-12 ? s : 1;
  }
}
