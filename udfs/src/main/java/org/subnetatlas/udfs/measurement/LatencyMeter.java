package org.subnetatlas.udfs.measurement;

import java.time.Instant;
import java.util.Objects;
import org.subnetatlas.udfs.nets.DjlRuntime;

/**
 * Times a forward callable by a {@link LatencyProtocol}, for any model family: pins the engine's
 * intra-op threads, runs the warm-up, times each repeat with {@link System#nanoTime()}, reads the
 * energy counter around the timed repeats, all inside {@link ExclusiveMeasurement} so no other
 * measurement on this JVM or host overlaps it. {@link #measurePaired} also times a reference
 * forward in every round, in the same thread, so the result carries a drift-free relative figure.
 */
public final class LatencyMeter {

  /**
   * What one measurement gave: the protocol, the figures, energy and when it ran; {@code relative}
   * is null unless it was paired with a reference.
   */
  public record Result(LatencyProtocol protocol, LatencyStats stats, double energyMj,
      String energyMethod, Instant started, Instant ended, RelativeLatency relative) {

    public Result(LatencyProtocol protocol, LatencyStats stats, double energyMj,
        String energyMethod, Instant started, Instant ended) {
      this(protocol, stats, energyMj, energyMethod, started, ended, null);
    }

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

  /**
   * Measures {@code forward} by {@code protocol} paired with {@code reference}: each warm-up and
   * timed round runs both back to back in this thread, alternating which goes first so neither
   * always runs on the other's warm caches. {@code referenceId} names the reference's definition.
   */
  public Result measurePaired(LatencyProtocol protocol, Forward forward, Forward reference,
      String referenceId) {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(forward, "forward");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(referenceId, "referenceId");
    return ExclusiveMeasurement.run(() -> paired(protocol, forward, reference, referenceId));
  }

  private Result paired(LatencyProtocol p, Forward forward, Forward reference, String referenceId)
      throws Exception {
    Instant started = Instant.now();
    DjlRuntime.inferenceThread(p.intraOpThreads());
    for (int i = 0; i < p.warmup(); i++) {
      forward.run();
      reference.run();
    }
    long[] nanos = new long[p.repeats()];
    long[] refNanos = new long[p.repeats()];
    EnergyMeter.Reading before = energy.read();
    long total = System.nanoTime();
    for (int i = 0; i < p.repeats(); i++) {
      if (i % 2 == 0) {
        nanos[i] = time(forward);
        refNanos[i] = time(reference);
      } else {
        refNanos[i] = time(reference);
        nanos[i] = time(forward);
      }
    }
    total = System.nanoTime() - total;
    EnergyMeter.Reading after = energy.read();
    long subnet = 0;
    for (long n : nanos) {
      subnet += n;
    }
    // the counters cover the whole paired window: the sub-network is given its share of the time
    double share = total > 0 ? Math.min(1.0, (double) subnet / total) : 0;
    double mj = energy.millijoules(before, after, total / 1e9) * share;
    return new Result(p, LatencyStats.of(nanos), mj, energy.method(), started, Instant.now(),
        RelativeLatency.of(referenceId, nanos, refNanos));
  }

  private static long time(Forward f) throws Exception {
    long t0 = System.nanoTime();
    f.run();
    return System.nanoTime() - t0;
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
