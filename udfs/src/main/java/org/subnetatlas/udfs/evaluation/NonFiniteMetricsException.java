package org.subnetatlas.udfs.evaluation;

/**
 * A sub-network's metrics came out NaN or infinite (a diverged or corrupt supernet): bad input to
 * the evaluation, thrown from the executor so the job fails before any row is written.
 */
public class NonFiniteMetricsException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  public NonFiniteMetricsException(String message) {
    super(message);
  }
}
