package org.subnetatlas.udfs.measurement;

import java.time.Instant;
import java.util.Objects;
import org.subnetatlas.udfs.nets.DjlRuntime;

/**
 * Times a forward callable by a {@link LatencyProtocol}, for any model family: pins the engine's
 * intra-op threads, runs the warm-up, times each repeat with {@link System#nanoTime()}, reads the
 * energy counter around the timed repeats, all inside {@link ExclusiveMeasurement} so no other
 * measurement on this JVM or host overlaps it.
 */
public final class LatencyMeter {

  /** What one measurement gave: the protocol, the figures, energy and when it ran. */
  public record Result(LatencyProtocol protocol, LatencyStats stats, double energyMj,
      String energyMethod, Instant started, Instant ended) {

    /** Energy per forward pass (one batch), millijoules. */
    public double energyPerForwardMj() {
      return energyMj / protocol.repeats();
    }
  }

  private final EnergyMeter energy;

  /** A meter reading {@code energy} around the timed repeats; exclusive per JVM and host. */
  public LatencyMeter(EnergyMeter energy) {
    this.energy = Objects.requireNonNull(energy, "energy");
  }

  /** Measures {@code forward} by {@code protocol}; the forward must already be bound to its batch. */
  public Result measure(LatencyProtocol protocol, Forward forward) {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(forward, "forward");
    return ExclusiveMeasurement.run(() -> timed(protocol, forward));
  }

  private Result timed(LatencyProtocol p, Forward forward) throws Exception {
    Instant started = Instant.now();
    // OpenMP keeps the thread count per thread: pin it in the thread that runs the forwards
    DjlRuntime.inferenceThread(p.intraOpThreads());
    for (int i = 0; i < p.warmup(); i++) {
      forward.run();
    }
    long[] nanos = new long[p.repeats()];
    EnergyMeter.Reading before = energy.read();
    long total = System.nanoTime();
    for (int i = 0; i < p.repeats(); i++) {
      long t0 = System.nanoTime();
      forward.run();
      nanos[i] = System.nanoTime() - t0;
    }
    total = System.nanoTime() - total;
    EnergyMeter.Reading after = energy.read();
    double mj = energy.millijoules(before, after, total / 1e9);
    return new Result(p, LatencyStats.of(nanos), mj, energy.method(), started, Instant.now());
  }
}
