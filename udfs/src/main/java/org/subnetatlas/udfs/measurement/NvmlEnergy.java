package org.subnetatlas.udfs.measurement;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * NVML's total energy counter of the GPUs (millijoules since the driver loaded; Volta and newer),
 * read through {@code nvidia-smi --query-gpu=total_energy_consumption}, which ships with every
 * driver, so no NVML binding is needed. The counter covers the whole board, so other work on the
 * GPU is included: measurements run exclusively.
 */
public final class NvmlEnergy implements EnergyMeter {

  static final String QUERY = "--query-gpu=total_energy_consumption";
  private static final long TIMEOUT_S = 10;
  private final String executable;

  NvmlEnergy(String executable) {
    this.executable = executable;
  }

  /** NVML through {@code nvidia-smi} on the PATH, when it answers with a counter. */
  public static Optional<NvmlEnergy> detect() {
    NvmlEnergy n = new NvmlEnergy("nvidia-smi");
    try {
      n.query();
      return Optional.of(n);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String method() {
    return "nvml";
  }

  @Override
  public Reading read() {
    try {
      return new Reading(query());
    } catch (IOException e) {
      throw EnergyMeter.unreadable("nvidia-smi " + QUERY, e);
    }
  }

  @Override
  public double millijoules(Reading before, Reading after, double seconds) {
    long mj = 0;
    for (int i = 0; i < before.values().length; i++) {
      mj += after.values()[i] - before.values()[i];
    }
    return mj;
  }

  private long[] query() throws IOException {
    Process p = new ProcessBuilder(executable, QUERY, "--format=csv,noheader,nounits")
        .redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(executable + " did not answer in " + TIMEOUT_S + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + executable, e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(executable + " exited " + p.exitValue() + ": " + out.strip());
    }
    return parse(out);
  }

  /**
   * One counter per GPU line, millijoules. {@code [N/A]} or {@code [Not Supported]} (boards
   * before Volta) is an error, so {@link #detect()} falls back to another method.
   */
  static long[] parse(String csv) throws IOException {
    List<Long> values = new ArrayList<>();
    for (String line : csv.strip().split("\\R")) {
      String v = line.strip();
      if (v.isEmpty()) {
        continue;
      }
      try {
        values.add(Math.round(Double.parseDouble(v)));
      } catch (NumberFormatException e) {
        throw new IOException("total_energy_consumption is not a number: '" + v + "'");
      }
    }
    if (values.isEmpty()) {
      throw new IOException("nvidia-smi listed no GPU");
    }
    return values.stream().mapToLong(Long::longValue).toArray();
  }
}
