package org.subnetatlas.udfs.training;

/**
 * Ridge-regularised least squares for stitching layers: the affine map {@code y ≈ W x + b} that
 * best sends front-anchor activations to back-anchor activations, from the normal equations
 * {@code (A'A + λI) B = A'Y} with {@code A = [X | 1]}, solved by Cholesky in double precision.
 * {@code λ = ridge · trace(A'A) / cols}, so the ridge is relative to the activations' scale.
 */
public final class LeastSquares {

  /** Weight {@code (out, in)} row-major and bias {@code (out)}, ready for a Linear layer. */
  public record Affine(float[] weight, float[] bias, int in, int out) {}

  private LeastSquares() {}

  /**
   * Fits the affine map from {@code x} ({@code rows x in}, row-major) to {@code y}
   * ({@code rows x out}).
   */
  public static Affine fit(float[] x, float[] y, int rows, int in, int out, double ridge) {
    if (x.length != (long) rows * in || y.length != (long) rows * out) {
      throw new IllegalArgumentException("least squares: " + rows + " rows of " + in + " -> " + out
          + " do not match " + x.length + " and " + y.length + " values");
    }
    int c = in + 1;
    double[] ata = new double[c * c];
    double[] aty = new double[c * out];
    double[] row = new double[c];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < in; i++) {
        row[i] = x[r * in + i];
      }
      row[in] = 1;
      for (int i = 0; i < c; i++) {
        double ri = row[i];
        if (ri == 0) {
          continue;
        }
        for (int j = i; j < c; j++) {
          ata[i * c + j] += ri * row[j];
        }
        int yo = r * out;
        for (int o = 0; o < out; o++) {
          aty[i * out + o] += ri * y[yo + o];
        }
      }
    }
    double trace = 0;
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < i; j++) {
        ata[i * c + j] = ata[j * c + i];
      }
      trace += ata[i * c + i];
    }
    double lambda = Math.max(ridge * trace / c, 1e-9);
    for (int i = 0; i < c; i++) {
      ata[i * c + i] += lambda;
    }
    double[] l = cholesky(ata, c);
    double[] b = new double[c * out];
    // forward then backward substitution, all right-hand sides at once
    for (int i = 0; i < c; i++) {
      for (int o = 0; o < out; o++) {
        double s = aty[i * out + o];
        for (int k = 0; k < i; k++) {
          s -= l[i * c + k] * b[k * out + o];
        }
        b[i * out + o] = s / l[i * c + i];
      }
    }
    for (int i = c - 1; i >= 0; i--) {
      for (int o = 0; o < out; o++) {
        double s = b[i * out + o];
        for (int k = i + 1; k < c; k++) {
          s -= l[k * c + i] * b[k * out + o];
        }
        b[i * out + o] = s / l[i * c + i];
      }
    }
    float[] weight = new float[out * in];
    float[] bias = new float[out];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        weight[o * in + i] = (float) b[i * out + o];
      }
      bias[o] = (float) b[in * out + o];
    }
    return new Affine(weight, bias, in, out);
  }

  private static double[] cholesky(double[] a, int n) {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * n + k] * l[j * n + k];
        }
        if (i == j) {
          if (s <= 0) {
            throw new IllegalStateException("least squares: normal equations not positive definite");
          }
          l[i * n + i] = Math.sqrt(s);
        } else {
          l[i * n + j] = s / l[j * n + j];
        }
      }
    }
    return l;
  }
}
