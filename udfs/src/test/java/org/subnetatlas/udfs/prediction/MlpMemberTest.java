package org.subnetatlas.udfs.prediction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MlpMemberTest {

  @Test
  void forwardIsDenseLayersWithReluBetween() {
    // 2 inputs -> 2 hidden (ReLU) -> 1 output, weights out x in row-major
    MlpMember m = new MlpMember(new int[] {2, 2, 1},
        new float[][] {{1, -1, 2, 0.5f}, {3, -2}}, new float[][] {{0, -10}, {0.25f}});
    // hidden: relu(1*1 - 1*2 + 0) = 0, relu(2*1 + 0.5*2 - 10) = 0 -> 0.25
    assertEquals(0.25, m.predict(new double[] {1, 2}), 1e-12);
    // hidden: relu(4 - 1) = 3, relu(8 + 0.5 - 10) = 0 -> 3*3 + 0.25
    assertEquals(9.25, m.predict(new double[] {4, 1}), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> m.predict(new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> new MlpMember(new int[] {2, 1}, new float[][] {{1}}, new float[][] {{0}}));
  }

  @Test
  void trainingLearnsAnInteractionAndRepeatsForASeed() {
    // y = x0 * x1 (no linear part): a linear model cannot fit it, a small MLP can
    Random rnd = new Random(5);
    int n = 256;
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = rnd.nextDouble() * 2 - 1;
      x[i][1] = rnd.nextDouble() * 2 - 1;
      y[i] = 3 * x[i][0] * x[i][1];
    }
    MlpMember.Settings s = new MlpMember.Settings(32, 2, 150, 32, 3e-3, 0);
    MlpMember a = MlpMember.train(x, y, s, 42);
    double sq = 0;
    double var = 0;
    for (int i = 0; i < n; i++) {
      sq += Math.pow(a.predict(x[i]) - y[i], 2);
      var += y[i] * y[i];
    }
    assertTrue(sq / var < 0.05, "relative squared error " + sq / var);
    MlpMember b = MlpMember.train(x, y, s, 42);
    for (int l = 0; l < a.weights().length; l++) {
      assertArrayEquals(a.weights()[l], b.weights()[l], "layer " + l + ", same seed");
    }
    MlpMember c = MlpMember.train(x, y, s, 43);
    assertTrue(c.predict(x[0]) != a.predict(x[0]), "another seed, another member");
  }

  @Test
  void badSettingsAreRefusedWithTheValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MlpMember.Settings(0, 2, 10, 8, 1e-3, 0));
    assertTrue(e.getMessage().contains("hidden 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MlpMember.Settings(8, 2, 10, 8, 0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> MlpMember.train(new double[2][1], new double[3], new MlpMember.Settings(4, 1, 1, 1, 1e-3, 0), 1));
  }
}
