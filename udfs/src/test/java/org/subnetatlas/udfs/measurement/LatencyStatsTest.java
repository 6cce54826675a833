package org.subnetatlas.udfs.measurement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

  @Test
  void nearestRankPercentilesMeanAndSampleStd() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[i] = (100 - i) * 1_000_000L; // 100 ms .. 1 ms, unsorted
    }
    LatencyStats s = LatencyStats.of(nanos);
    assertEquals(50.0, s.p50Ms(), 1e-9);
    assertEquals(90.0, s.p90Ms(), 1e-9);
    assertEquals(99.0, s.p99Ms(), 1e-9);
    assertEquals(50.5, s.meanMs(), 1e-9);
    assertEquals(Math.sqrt(100 * 101 / 12.0), s.stdMs(), 1e-9);
    assertEquals(100, s.samples());
  }

  @Test
  void protocolRejectsImpossibleSettings() {
    assertThrows(IllegalArgumentException.class, () -> new LatencyProtocol(-1, 50, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new LatencyProtocol(10, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new LatencyProtocol(10, 50, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new LatencyProtocol(10, 50, 1, 0));
    assertEquals(32, new LatencyProtocol(10, 50, 1, 1).withBatchSize(32).batchSize());
  }
}
