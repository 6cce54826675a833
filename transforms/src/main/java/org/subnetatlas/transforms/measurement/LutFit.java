package org.subnetatlas.transforms.measurement;

import java.util.Arrays;

/**
 * A lookup-table fit in one unit (milliseconds or relative to the reference): the constant
 * per-forward overhead is the median residual (direct − block sum) of the first
 * {@code calibration} sub-networks, each prediction is its block sum plus that overhead, and the
 * score counts the other sub-networks whose prediction is within ±10% of the direct figure.
 * A direct figure that is NaN (not measured in that unit) neither calibrates nor scores.
 */
public record LutFit(double overhead, double overheadMean, double overheadVariance, int calibrated,
    double[] predictions, int scored, int within) {

  public static LutFit of(double[] direct, double[] sums, int calibration) {
    double[] residual = new double[calibration];
    int n = 0;
    for (int i = 0; i < calibration; i++) {
      if (!Double.isNaN(direct[i])) {
        residual[n++] = direct[i] - sums[i];
      }
    }
    residual = Arrays.copyOf(residual, n);
    double overhead = LatencyLookupTable.median(residual);
    double[] predictions = new double[sums.length];
    int scored = 0;
    int within = 0;
    for (int i = 0; i < sums.length; i++) {
      predictions[i] = sums[i] + overhead;
      if (i >= calibration && !Double.isNaN(direct[i])) {
        scored++;
        within += Math.abs(predictions[i] - direct[i]) <= 0.10 * direct[i] ? 1 : 0;
      }
    }
    double mean = Arrays.stream(residual).average().orElse(0);
    double var = Arrays.stream(residual).map(v -> (v - mean) * (v - mean)).sum()
        / Math.max(1, residual.length - 1);
    return new LutFit(overhead, mean, var, n, predictions, scored, within);
  }

  /** "N of M held-out sub-networks within ±10% (P%)". */
  String score(String of) {
    return within + " of " + scored + " held-out sub-networks within ±10% of the direct " + of
        + " (" + (scored == 0 ? "n/a" : String.format("%.1f%%", 100.0 * within / scored)) + ")";
  }
}
