package org.subnetatlas.udfs.measurement;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPU energy from NVML's power readings, sampled by one long-running {@code nvidia-smi} (it ships
 * with every driver, so no NVML binding is needed), started when the first meter is made and
 * shared by the JVM's meters. A reading is only a timestamp; the energy between two is the
 * integral of the sampled power of every listed GPU between them. Starting a process per reading
 * would have put its start-up inside the measured window. The power covers the whole board, so
 * other work on the GPU counts: measurements run exclusively.
 */
public final class NvmlEnergy implements EnergyMeter, AutoCloseable {

  /** Sample period: several samples even in a window of a few tens of milliseconds. */
  static final int PERIOD_MS = 20;
  static final List<String> COMMAND = List.of("nvidia-smi",
      "--query-gpu=timestamp,index,power.draw", "--format=csv,noheader,nounits",
      "-lms", String.valueOf(PERIOD_MS));
  // a meter nobody closes stops its process after this long unused
  private static final Duration IDLE = Duration.ofMinutes(10);
  // how long an integral waits for a sample past the window's end (pipe and loop latency)
  private static final Duration WAIT = Duration.ofSeconds(5);

  // one sampling process per command and JVM: a meter is made per partition, and a poller per
  // meter would add load to the GPU being measured
  private static final ConcurrentHashMap<List<String>, PowerSampler> SAMPLERS =
      new ConcurrentHashMap<>();

  private final PowerSampler sampler;

  /** A meter sampling with {@code command}, which prints nvidia-smi's lines; not started yet. */
  NvmlEnergy(List<String> command) {
    this.sampler = SAMPLERS.computeIfAbsent(List.copyOf(command),
        c -> new PowerSampler(c, IDLE, WAIT));
  }

  /** NVML through {@code nvidia-smi} on the PATH, sampling, when it reports power. */
  public static Optional<NvmlEnergy> detect() {
    return start(COMMAND);
  }

  /** A started meter over {@code command}, or empty when it gives no power sample. */
  static Optional<NvmlEnergy> start(List<String> command) {
    NvmlEnergy n = new NvmlEnergy(command);
    try {
      n.sampler.ensureRunning();
      return Optional.of(n);
    } catch (IOException | RuntimeException e) {
      n.close();
      return Optional.empty();
    }
  }

  @Override
  public String method() {
    return "nvml";
  }

  /** The instant, in epoch microseconds; the sampler is already running, or restarted first. */
  @Override
  public Reading read() {
    try {
      sampler.ensureRunning();
    } catch (IOException e) {
      throw EnergyMeter.unreadable("power sampler " + String.join(" ", COMMAND), e);
    }
    return new Reading(new long[] {PowerSampler.nowMicros()});
  }

  @Override
  public double millijoules(Reading before, Reading after, double seconds) {
    return sampler.millijoules(before.values()[0], after.values()[0]);
  }

  /** Whether the sampling process runs. */
  boolean sampling() {
    return sampler.running();
  }

  /** Stops the sampling process; a meter sharing it starts it again at its next reading. */
  @Override
  public void close() {
    sampler.close();
  }
}
