package org.subnetatlas.udfs.measurement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Intel/AMD RAPL package counters under {@code /sys/class/powercap}: the sum of every top-level
 * package zone ({@code intel-rapl:N}, not its sub-zones, which the package already counts).
 * Counters are microjoules and wrap at {@code max_energy_range_uj}. They count the whole package,
 * so other work on the socket is included: measurements run exclusively for that reason too.
 */
public final class RaplEnergy implements EnergyMeter {

  public static final Path POWERCAP = Paths.get("/sys/class/powercap");
  private static final Pattern PACKAGE_ZONE = Pattern.compile("(intel|amd)-rapl:\\d+");

  private final List<Path> counters;
  private final long[] maxRange;

  private RaplEnergy(List<Path> counters, long[] maxRange) {
    this.counters = List.copyOf(counters);
    this.maxRange = maxRange;
  }

  /** The package zones under {@code root} whose counter and range are readable, if any. */
  public static Optional<RaplEnergy> detect(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    List<Path> counters = new ArrayList<>();
    List<Long> ranges = new ArrayList<>();
    try (Stream<Path> zones = Files.list(root)) {
      for (Path zone : (Iterable<Path>) zones.sorted()::iterator) {
        if (!PACKAGE_ZONE.matcher(zone.getFileName().toString()).matches()) {
          continue;
        }
        Path energy = zone.resolve("energy_uj");
        Path range = zone.resolve("max_energy_range_uj");
        try {
          readLong(energy);
          ranges.add(readLong(range));
          counters.add(energy);
        } catch (IOException | NumberFormatException e) {
          // unreadable (root-only since CVE-2020-8694 on most kernels): not a usable zone
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    if (counters.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RaplEnergy(counters, ranges.stream().mapToLong(Long::longValue).toArray()));
  }

  /** Number of package zones summed. */
  public int zones() {
    return counters.size();
  }

  @Override
  public String method() {
    return "rapl";
  }

  @Override
  public Reading read() {
    long[] v = new long[counters.size()];
    for (int i = 0; i < v.length; i++) {
      try {
        v[i] = readLong(counters.get(i));
      } catch (IOException e) {
        throw EnergyMeter.unreadable("RAPL counter " + counters.get(i), e);
      }
    }
    return new Reading(v);
  }

  @Override
  public double millijoules(Reading before, Reading after, double seconds) {
    long uj = 0;
    for (int i = 0; i < counters.size(); i++) {
      uj += delta(before.values()[i], after.values()[i], maxRange[i]);
    }
    return uj / 1000.0;
  }

  /** Microjoules between two counter values, counting one wrap at {@code maxRange}. */
  static long delta(long before, long after, long maxRange) {
    return after >= before ? after - before : after + maxRange - before;
  }

  private static long readLong(Path p) throws IOException {
    return Long.parseLong(Files.readString(p, StandardCharsets.US_ASCII).trim());
  }
}
