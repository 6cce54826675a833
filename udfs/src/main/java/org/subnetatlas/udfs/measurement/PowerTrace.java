package org.subnetatlas.udfs.measurement;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * Timestamped power samples per GPU and the energy between two instants: the integral of the
 * power, linear between samples and held flat before the first and after the last. Thread-safe:
 * a sampler thread adds while the measuring thread integrates.
 */
final class PowerTrace {

  /** One power sample: when (epoch microseconds) and how much (watts). */
  record Sample(long micros, double watts) {}

  private final long keepMicros;
  private final Map<Integer, ArrayDeque<Sample>> byGpu = new TreeMap<>();
  private long newest = Long.MIN_VALUE;

  /** {@code keepMicros}: samples older than this behind the newest are dropped. */
  PowerTrace(long keepMicros) {
    this.keepMicros = keepMicros;
  }

  synchronized void add(int gpu, long micros, double watts) {
    ArrayDeque<Sample> s = byGpu.computeIfAbsent(gpu, g -> new ArrayDeque<>());
    if (!s.isEmpty() && micros < s.peekLast().micros()) {
      return;  // nvidia-smi stamps in milliseconds; never let time run backwards
    }
    s.addLast(new Sample(micros, watts));
    newest = Math.max(newest, micros);
    // keep one sample older than the horizon, so a window starting there still has its edge
    while (s.size() > 2) {
      Sample first = s.pollFirst();
      if (s.peekFirst().micros() >= newest - keepMicros) {
        s.addFirst(first);
        break;
      }
    }
    notifyAll();
  }

  /** The newest sample's time over every GPU, or {@code Long.MIN_VALUE} before the first. */
  synchronized long newestMicros() {
    return newest;
  }

  /** Whether every GPU seen has a sample at or after {@code micros}. */
  synchronized boolean covers(long micros) {
    if (byGpu.isEmpty()) {
      return false;
    }
    for (ArrayDeque<Sample> s : byGpu.values()) {
      if (s.peekLast().micros() < micros) {
        return false;
      }
    }
    return true;
  }

  /** Waits up to {@code timeoutMillis} for {@link #covers}; returns whether it does. */
  synchronized boolean awaitCover(long micros, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (!covers(micros)) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  /** Energy of all GPUs from {@code fromMicros} to {@code toMicros}, millijoules. */
  synchronized double millijoules(long fromMicros, long toMicros) {
    double joules = 0;
    for (ArrayDeque<Sample> s : byGpu.values()) {
      joules += integral(s, fromMicros, toMicros);
    }
    return joules * 1e3;
  }

  /** Joules of one GPU's piecewise-linear power over [from, to]. */
  private static double integral(ArrayDeque<Sample> samples, long from, long to) {
    if (samples.isEmpty() || to <= from) {
      return 0;
    }
    double wattMicros = 0;
    Sample prev = null;
    for (Sample s : samples) {
      if (prev == null) {
        // before the first sample: hold its power
        wattMicros += s.watts() * overlap(Long.MIN_VALUE, s.micros(), from, to);
      } else {
        wattMicros += segment(prev, s, from, to);
      }
      prev = s;
    }
    wattMicros += prev.watts() * overlap(prev.micros(), Long.MAX_VALUE, from, to);
    return wattMicros / 1e6;
  }

  /** Watt-microseconds of the line from {@code a} to {@code b} clipped to [from, to]. */
  private static double segment(Sample a, Sample b, long from, long to) {
    long lo = Math.max(a.micros(), from);
    long hi = Math.min(b.micros(), to);
    if (hi <= lo) {
      return 0;
    }
    return (hi - lo) * (at(a, b, lo) + at(a, b, hi)) / 2;
  }

  private static double at(Sample a, Sample b, long t) {
    long span = b.micros() - a.micros();
    return span == 0 ? b.watts() : a.watts() + (b.watts() - a.watts()) * (t - a.micros()) / span;
  }

  private static long overlap(long lo, long hi, long from, long to) {
    return Math.max(0, Math.min(hi, to) - Math.max(lo, from));
  }
}
