package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * MACs and params against Once-for-All's own counter ({@code count_net_flops} / {@code profile} in
 * {@code ofa/utils/flops_counter.py}) on {@code ofa_mbv3_d234_e346_k357_w1.0} sub-networks.
 */
class OfaReferenceCostTest {
  private final SearchSpace ofa = Spaces.get("ofa-mbv3");

  @Test
  void largestAt224MatchesOfa() {
    assertOfa(uniformLine(7, 6, 4, 224), 566_170_688L, 7_664_760L, ofa.largest());
  }

  @Test
  void smallChoicesAt128MatchOfa() {
    assertOfa(uniformLine(3, 3, 2, 128), 41_476_224L, 3_410_792L, ofa.smallest());
  }

  private void assertOfa(String line, long macs, long params, Arch sameAs) {
    Cost cost = ofa.cost(ofa.parse(line));
    assertEquals(macs, cost.macs(), "macs of " + line);
    assertEquals(params, cost.params(), "params of " + line);
    assertEquals(cost, ofa.cost(sameAs), "largest()/smallest() is this arch");
  }

  @Test
  void exactMacsOfLargestIsTheUnroundedSum() {
    // OFA sums per-module float32 counts; above 2^24 that rounds (spacing 64 near 5.7e8).
    assertEquals(566_170_656L, ((MbConvSpace) ofa).exactMacs(ofa.largest()));
    assertEquals(41_476_224L, ((MbConvSpace) ofa).exactMacs(ofa.smallest()));
  }

  @Test
  void paramsDoNotDependOnResolution() {
    assertEquals(ofa.cost(ofa.parse(uniformLine(5, 4, 3, 128))).params(),
        ofa.cost(ofa.parse(uniformLine(5, 4, 3, 224))).params());
  }

  /** Every ks/e entry (active or not) set to one value, every stage at depth d. */
  static String uniformLine(int k, int e, int d, int r) {
    return "{\"ks\":" + repeat(k, 20) + ",\"e\":" + repeat(e, 20) + ",\"d\":" + repeat(d, 5)
        + ",\"r\":" + r + "}";
  }

  static String repeat(int value, int times) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < times; i++) {
      s.append(i == 0 ? "" : ",").append(value);
    }
    return s.append(']').toString();
  }
}
