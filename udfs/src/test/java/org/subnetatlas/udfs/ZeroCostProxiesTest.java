package org.subnetatlas.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;

class ZeroCostProxiesTest {

  private static final MbConvSpec SPEC = BuiltinSpecs.MBV3_TINY;
  private static ZeroCostProxies proxies;

  @BeforeAll
  static void setUp() throws IOException {
    DjlRuntime.setIntraOpThreads(1);
    proxies = new ZeroCostProxies(SPEC, FashionData.load("../data/fashion-mnist"),
        ZeroCostProxies.DEFAULT_SEED, 16);
  }

  @AfterAll
  static void tearDown() {
    proxies.close();
  }

  @Test
  void largerNetworkHasLargerSynflowAndScoresAreRepeatable() {
    MbArch big = Archs.largest(SPEC);
    MbArch small = Archs.smallest(SPEC);
    ZeroCostProxies.Scores a = proxies.score(big);
    ZeroCostProxies.Scores b = proxies.score(small);
    // synflow sums |θ|-weighted path products: more and wider paths give more
    assertTrue(a.synflow() > b.synflow(), a + " vs " + b);
    assertTrue(Double.isFinite(a.snip()) && a.snip() > 0, "snip " + a.snip());
    assertTrue(Double.isFinite(b.gradNorm()) && b.gradNorm() > 0, "grad_norm " + b.gradNorm());
    assertNotEquals(a.snip(), b.snip());
    // gradients are zeroed after each score, so the same arch gives the same numbers again
    ZeroCostProxies.Scores again = proxies.score(big);
    assertEquals(a.synflow(), again.synflow(), 0.0);
    assertEquals(a.snip(), again.snip(), 0.0);
    assertEquals(a.gradNorm(), again.gradNorm(), 0.0);
  }

  @Test
  void synflowIsFiniteForTheArchitectureADemoRunRefused() {
    // a demo run's proxy pass gave this architecture an infinite synflow, which MLlib refused as a
    // feature (this single-process run did not reproduce the infinity before the double-precision
    // change; it pins the architecture as a regression case)
    MbArch arch = new MbArch(new int[] {7, 0, 0, 5, 7, 0, 7, 5, 5}, new int[] {3, 0, 0, 3, 6, 0, 3, 6, 6},
        new int[] {1, 2, 3}, 24);
    ZeroCostProxies.Scores s = proxies.score(arch);
    assertTrue(Double.isFinite(s.synflow()), "synflow " + s.synflow());
    assertTrue(Double.isFinite(s.snip()) && Double.isFinite(s.gradNorm()), s.toString());
  }

  @Test
  void resolutionOutsideTheSpaceIsRefused() {
    MbArch big = Archs.largest(SPEC);
    MbArch odd = new MbArch(big.ks(), big.e(), big.d(), 17);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> proxies.score(odd));
    assertTrue(e.getMessage().contains("resolution 17"), e.getMessage());
  }
}
