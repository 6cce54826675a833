package org.subnetatlas.udfs.measurement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The energy readers as far as a machine without RAPL or a GPU allows: RAPL on a directory laid
 * out like {@code /sys/class/powercap}, the nvidia-smi output parser, the estimate, the choice.
 */
class EnergyMeterTest {

  @TempDir
  Path dir;

  private void zone(String name, long energy, long range) throws IOException {
    Path z = Files.createDirectories(dir.resolve(name));
    Files.writeString(z.resolve("energy_uj"), energy + "\n");
    Files.writeString(z.resolve("max_energy_range_uj"), range + "\n");
  }

  @Test
  void raplSumsPackageZonesAndCountsAWrap() throws IOException {
    zone("intel-rapl:0", 1_000_000, 262_143_328_850L);
    zone("intel-rapl:1", 262_143_000_000L, 262_143_328_850L);
    zone("intel-rapl:0:0", 5, 100); // core sub-zone: already inside package 0
    Files.createDirectories(dir.resolve("intel-rapl-mmio:0"));
    RaplEnergy rapl = RaplEnergy.detect(dir).orElseThrow();
    assertEquals(2, rapl.zones());
    assertEquals("rapl", rapl.method());
    EnergyMeter.Reading before = rapl.read();
    Files.writeString(dir.resolve("intel-rapl:0/energy_uj"), "3500000\n");
    // package 1 wraps: 328_850 to the top, then 1_000_000 after zero
    Files.writeString(dir.resolve("intel-rapl:1/energy_uj"), "1000000\n");
    EnergyMeter.Reading after = rapl.read();
    assertEquals((2_500_000 + 328_850 + 1_000_000) / 1000.0, rapl.millijoules(before, after, 1.0),
        1e-9);
  }

  @Test
  void raplWithoutReadableZonesIsAbsent() throws IOException {
    assertEquals(Optional.empty(), RaplEnergy.detect(dir.resolve("missing")));
    Path z = Files.createDirectories(dir.resolve("intel-rapl:0"));
    Files.writeString(z.resolve("energy_uj"), "12\n"); // no max_energy_range_uj
    assertFalse(RaplEnergy.detect(dir).isPresent());
  }

  @Test
  void estimateIsWattsTimesTimeAndIsTheFallback() {
    EstimatedEnergy e = new EstimatedEnergy(15);
    assertEquals(30.0, e.millijoules(e.read(), e.read(), 0.002), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> new EstimatedEnergy(0));
    assertEquals("estimated", EnergyMeter.select("estimated", false, 15).method());
    String auto = EnergyMeter.select("auto", false, 15).method();
    // this machine has no readable RAPL; where one is readable, auto must pick it
    assertEquals(RaplEnergy.detect(RaplEnergy.POWERCAP).isPresent() ? "rapl" : "estimated", auto);
    assertThrows(IllegalArgumentException.class, () -> EnergyMeter.select("joulemeter", false, 1));
  }
}
