package org.subnetatlas.udfs.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {

  @Test
  void tiesShareTheirAverageRank() {
    assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, RankCorrelation.ranks(new double[] {1, 5, 5, 9}));
  }

  @Test
  void monotoneRelationsGiveOneAndReversedOnesMinusOne() {
    double[] x = {1, 2, 3, 4, 5};
    assertEquals(1.0, RankCorrelation.spearman(x, new double[] {1, 4, 9, 16, 1000}), 1e-12);
    assertEquals(-1.0, RankCorrelation.spearman(x, new double[] {5, 4, 3, 2, 1}), 1e-12);
  }

  @Test
  void kendallMatchesHandComputedValues() {
    // pairs of {10,40,20,30,50}: 8 concordant, 2 discordant → (8 - 2) / 10
    assertEquals(0.6, RankCorrelation.kendall(new double[] {1, 2, 3, 4, 5},
        new double[] {10, 40, 20, 30, 50}), 1e-12);
    assertEquals(-1.0, RankCorrelation.kendall(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
    // tau-b with a tie in b: C=2, D=0, one pair tied in b only → 2 / sqrt(3 * 2)
    assertEquals(2 / Math.sqrt(6), RankCorrelation.kendall(new double[] {1, 2, 3},
        new double[] {1, 2, 2}), 1e-12);
    assertTrue(Double.isNaN(RankCorrelation.kendall(new double[] {1, 2}, new double[] {5, 5})));
  }

  @Test
  void matchesAHandComputedValue() {
    // d = rank differences 0,-2,1,1,0 → rho = 1 - 6*6/(5*24) = 0.7
    assertEquals(0.7, RankCorrelation.spearman(new double[] {1, 2, 3, 4, 5},
        new double[] {10, 40, 20, 30, 50}), 1e-12);
  }

  @Test
  void degenerateInputsGiveNaNOrAnError() {
    assertTrue(Double.isNaN(RankCorrelation.spearman(new double[] {1}, new double[] {2})));
    assertTrue(Double.isNaN(RankCorrelation.spearman(new double[] {1, 1}, new double[] {2, 3})));
    assertThrows(IllegalArgumentException.class,
        () -> RankCorrelation.spearman(new double[] {1}, new double[] {1, 2}));
  }
}
