package org.subnetatlas.udfs.measurement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NVML meter's sampling and integration without a GPU: a shell script stands in for
 * {@code nvidia-smi}'s loop mode, printing the same {@code timestamp, index, power.draw} lines.
 */
class NvmlEnergyTest {

  private static final long S = 1_000_000L;

  @Test
  void powerIsIntegratedLinearlyBetweenSamplesAndSummedOverGpus() {
    PowerTrace t = new PowerTrace(60 * S);
    t.add(0, 10 * S, 100);
    t.add(0, 11 * S, 300);
    t.add(1, 10 * S, 50);
    t.add(1, 11 * S, 50);
    // GPU 0 averages 200 W over [10.25, 10.75] s, GPU 1 draws 50 W: 125 J
    assertEquals(125_000, t.millijoules(10 * S + S / 4, 10 * S + 3 * S / 4), 1e-6);
    // after the last sample the last power holds
    assertEquals(350_000, t.millijoules(11 * S, 12 * S), 1e-6);
    assertTrue(t.covers(11 * S));
    assertFalse(t.covers(11 * S + 1));
  }

  @Test
  void aSampledConstantPowerIntegratesOverTheWindowWithStartUpOutsideIt(@TempDir Path dir)
      throws Exception {
    // 0.3 s start-up, then two GPUs drawing 100 W and 50 W, sampled every 20 ms
    Path smi = script(dir, "sleep 0.3\nwhile true; do t=$(date +'%Y/%m/%d %H:%M:%S.%3N');"
        + " echo \"$t, 0, 100.00\"; echo \"$t, 1, 50.00\"; sleep 0.02; done\n");
    long t0 = System.nanoTime();
    NvmlEnergy meter = NvmlEnergy.start(List.of("sh", smi.toString())).orElseThrow();
    try {
      assertTrue(System.nanoTime() - t0 >= 300_000_000L, "the meter waits for its first sample");
      assertTrue(meter.sampling());
      EnergyMeter.Reading before = meter.read();
      Thread.sleep(400);
      EnergyMeter.Reading after = meter.read();
      double seconds = (after.values()[0] - before.values()[0]) / 1e6;
      double mj = meter.millijoules(before, after, seconds);
      double expected = 150 * seconds * 1e3;
      assertEquals(expected, mj, 0.1 * expected, "150 W over " + seconds + " s");
      assertEquals("nvml", meter.method());
    } finally {
      meter.close();
    }
    assertFalse(meter.sampling(), "closing stops the sampling process");
  }

  @Test
  void aBoardWithoutPowerReadingsOrAnExitingCommandIsNotDetected(@TempDir Path dir)
      throws IOException {
    Path na = script(dir, "while true; do echo \"$(date +'%Y/%m/%d %H:%M:%S.%3N'), 0, [N/A]\";"
        + " sleep 0.02; done\n");
    assertEquals(Optional.empty(), NvmlEnergy.start(List.of("sh", na.toString())));
    assertEquals(Optional.empty(), NvmlEnergy.start(List.of("sh", "-c", "exit 3")));
    assertEquals(Optional.empty(), NvmlEnergy.start(List.of("/nonexistent/nvidia-smi")));
    // and the real one, here without a GPU: detection answers without throwing
    NvmlEnergy.detect().ifPresent(NvmlEnergy::close);
  }

  private static Path script(Path dir, String body) throws IOException {
    Path p = Files.createTempFile(dir, "nvidia-smi", ".sh");
    Files.writeString(p, "#!/bin/sh\n" + body);
    return p;
  }
}
