package org.subnetatlas.udfs.measurement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.subnetatlas.udfs.nets.DjlRuntime;

/** The reference is fixed, and the paired meter's ratio cancels what both forwards share. */
class PairedLatencyTest {

  @Test
  void ratioMedianAndRelativeMadOnGivenNumbers() {
    RelativeLatency r = RelativeLatency.of("ref", new long[] {10, 40, 90, 160, 10_000},
        new long[] {10, 20, 30, 40, 100});
    // ratios 1, 2, 3, 4, 100: median 3; deviations 2, 1, 0, 1, 97: median 1
    assertEquals(3.0, r.rel());
    assertEquals(1.0 / 3.0, r.relMad(), 1e-15);
    assertEquals("ref", r.referenceId());
    assertEquals(5, r.reference().samples());
    assertEquals(30e-6, r.reference().p50Ms(), 1e-15);
    assertTrue(r.dispersed(0.3));
    assertTrue(!r.dispersed(0.34));

    // an even count takes the mean of the middle two: ratios 1, 2, 4, 8 -> 3
    assertEquals(3.0, RelativeLatency.median(new double[] {8, 1, 4, 2}));
    // deviations from 3: 2, 1, 1, 5 -> 1.5, relative 0.5
    assertEquals(0.5, RelativeLatency.relativeMad(new double[] {1, 2, 4, 8}, 3.0));
    assertEquals(0.0, RelativeLatency.of("ref", new long[] {7, 14}, new long[] {7, 14}).relMad());
    assertThrows(IllegalArgumentException.class,
        () -> RelativeLatency.of("ref", new long[] {1, 2}, new long[] {1}));
  }

  @Test
  void theReferenceIsTheSameNetworkInEveryBuild() {
    try (NDManager base = NDManager.newBaseManager(DjlRuntime.ENGINE);
        ReferenceNet a = new ReferenceNet(base);
        ReferenceNet b = new ReferenceNet(base)) {
      DjlRuntime.inferenceThread(1);
      float[] first = a.output(1);
      assertEquals(ReferenceNet.CLASSES, first.length);
      assertArrayEquals(first, b.output(1));
      assertArrayEquals(first, a.output(1));
      float[] two = a.output(2);
      // another batch size may take other kernels: equal up to float rounding
      assertArrayEquals(first, java.util.Arrays.copyOf(two, ReferenceNet.CLASSES), 1e-5f);
    }
    assertEquals(ReferenceNet.shortSha256(ReferenceNet.definition()), ReferenceNet.id());
    assertTrue(ReferenceNet.id().matches("[0-9a-f]{12}"), ReferenceNet.id());
    assertTrue(ReferenceNet.definition().contains("Random(" + ReferenceNet.WEIGHT_SEED + ")"),
        ReferenceNet.definition());
  }

  @Test
  void aForwardDoingThreeReferencesIsAboutThreeReferencesLong() {
    LatencyMeter meter = new LatencyMeter(new EstimatedEnergy(10));
    LatencyProtocol p = new LatencyProtocol(5, 40, 1, 1);
    try (NDManager base = NDManager.newBaseManager(DjlRuntime.ENGINE);
        ReferenceNet ref = new ReferenceNet(base)) {
      DjlRuntime.inferenceThread(1);
      Forward one = ref.forward(1);
      Forward three = () -> {
        one.run();
        one.run();
        one.run();
      };
      LatencyMeter.Result r = meter.measurePaired(p, three, ref.forward(1), ReferenceNet.id());
      RelativeLatency rel = r.relative();
      assertNotNull(rel);
      assertEquals(ReferenceNet.id(), rel.referenceId());
      assertEquals(40, r.stats().samples());
      assertEquals(40, rel.reference().samples());
      // loose: the build machine is shared and drifts; the ratio should still sit near 3
      assertTrue(rel.rel() > 2.0 && rel.rel() < 4.5, "latency_rel " + rel.rel());
      assertTrue(rel.relMad() >= 0 && rel.relMad() < 0.5, "relative MAD " + rel.relMad());
      assertTrue(r.stats().p50Ms() > rel.reference().p50Ms(), r.stats() + " vs " + rel.reference());
      // estimated energy: watts x the sub-network's own share of the paired window
      double subnetSeconds = r.stats().meanMs() * p.repeats() / 1000;
      assertTrue(r.energyMj() > 0 && r.energyMj() <= 10 * subnetSeconds * 1000 * 1.01,
          r.energyMj() + " mJ for " + subnetSeconds + " s");
      System.err.println("reference p50 " + rel.reference().p50Ms() + " ms (load-dependent)");
      assertNull(meter.measure(p, one).relative());
    }
  }
}
