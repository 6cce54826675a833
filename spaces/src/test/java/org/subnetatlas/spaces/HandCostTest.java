package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HandCostTest {

  /**
   * r=8, stem 3x3 s2 1→8 at 4x4; first block dw3x3 8ch + pw 8→8 at 4x4; block (k3, e2, s2): expand
   * 8→16 at 4x4, dw3x3 16ch at 2x2, SE 16→8→16 (make_divisible(16 // 4, 8) = 8), project 16→8 at
   * 2x2; final expand 8→16 at 2x2; mix 16→16 at 1x1; linear 16→2.
   */
  @Test
  void tinyNetworkByHand() {
    MbConvSpace space = new MbConvSpace(TestSpecs.handSized());
    Arch arch = space.parse("{\"ks\":[3,0],\"e\":[2,0],\"d\":[1],\"r\":8}");
    long macs = 4 * 4 * 8 * 1 * 9 // stem
        + 4 * 4 * 8 * 9 + 4 * 4 * 8 * 8 // first block
        + 4 * 4 * 16 * 8 + 2 * 2 * 16 * 9 + 16 * 8 + 8 * 16 + 2 * 2 * 8 * 16 // MBConv
        + 2 * 2 * 16 * 8 + 16 * 16 + 16 * 2; // head
    long params = (9 * 8 + 16) // stem conv + BN
        + (8 * 9 + 16) + (8 * 8 + 16) // first block dw + BN, pw + BN
        + (8 * 16 + 32) + (16 * 9 + 32) // expand + BN, dw + BN
        + (16 * 8 + 8) + (8 * 16 + 16) // SE convs with biases
        + (16 * 8 + 16) // project + BN
        + (8 * 16 + 32) + 16 * 16 + (16 * 2 + 2); // final expand + BN, mix (no BN, no bias), linear
    assertEquals(new Cost(macs, params), space.cost(arch));
    assertEquals(7520, macs, "hand sum");
    assertEquals(1466, params, "hand sum");
  }

  @Test
  void makeDivisibleFollowsOfa() {
    assertEquals(8, MbConvCostTable.makeDivisible(4, 8));
    assertEquals(16, MbConvCostTable.makeDivisible(10, 8), "never more than 10% down");
    assertEquals(24, MbConvCostTable.makeDivisible(20, 8), "ties round up");
    assertEquals(32, MbConvCostTable.makeDivisible(28, 8));
    assertEquals(120, MbConvCostTable.makeDivisible(120, 8));
  }
}
