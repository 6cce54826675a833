package org.subnetatlas.udfs.measurement;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A long-running power sampler: one process printing a line {@code timestamp, gpu index, watts}
 * per GPU every period (nvidia-smi's loop mode) and a daemon thread parsing them into a
 * {@link PowerTrace}. It is started before a measured window opens, so the process start-up is
 * never inside one. It stops when closed, after {@code idle} without use (a meter nobody closes
 * does not keep a process alive), and when the JVM exits; the next use starts it again.
 */
final class PowerSampler implements AutoCloseable {

  static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSS");
  private static final long FIRST_SAMPLE_S = 10;
  private static final long QUARTER_HOUR_US = 15 * 60 * 1_000_000L;

  private final List<String> command;
  private final long idleNanos;
  private final long waitMillis;
  private final PowerTrace trace;
  private Process process;
  private Thread hook;
  private volatile long lastUse = System.nanoTime();
  private volatile String failure;
  // nvidia-smi prints local time; this corrects a time zone that differs from the JVM's
  private volatile long offsetMicros;

  /**
   * @param idle stop after this long without {@link #ensureRunning} or {@link #millijoules}
   * @param wait how long an integral waits for samples past its window's end
   */
  PowerSampler(List<String> command, Duration idle, Duration wait) {
    this.command = List.copyOf(command);
    this.idleNanos = idle.toNanos();
    this.waitMillis = wait.toMillis();
    this.trace = new PowerTrace(Math.max(idle.toNanos() / 1000, 60_000_000L));
  }

  /** Now in the samples' clock: epoch microseconds. */
  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  /** Starts the process unless it runs, and waits for its first sample; fails when it gives none. */
  synchronized void ensureRunning() throws IOException {
    lastUse = System.nanoTime();
    if (process != null && process.isAlive() && failure == null) {
      return;
    }
    stop();
    failure = null;
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CountDownLatch first = new CountDownLatch(1);
    Thread reader = new Thread(() -> read(p, first), "power-sampler");
    reader.setDaemon(true);
    reader.start();
    hook = new Thread(() -> destroy(p), "power-sampler-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    process = p;
    try {
      if (!first.await(FIRST_SAMPLE_S, TimeUnit.SECONDS) || failure != null) {
        String why = failure != null ? failure : "no power sample in " + FIRST_SAMPLE_S + " s";
        stop();
        throw new IOException(command.get(0) + ": " + why);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IOException("interrupted waiting for " + command.get(0), e);
    }
  }

  /** Energy from {@code fromMicros} to {@code toMicros}, once samples past the end have come. */
  double millijoules(long fromMicros, long toMicros) {
    lastUse = System.nanoTime();
    try {
      if (!trace.awaitCover(toMicros, waitMillis)) {
        throw new IllegalStateException(command.get(0) + ": no power sample after the measured"
            + " window within " + waitMillis + " ms" + (failure != null ? " (" + failure + ")" : ""));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for power samples", e);
    }
    return trace.millijoules(fromMicros, toMicros);
  }

  /** Whether the sampling process is alive (for tests and logs). */
  synchronized boolean running() {
    return process != null && process.isAlive();
  }

  @Override
  public synchronized void close() {
    stop();
  }

  private synchronized void stop() {
    if (process == null) {
      return;
    }
    destroy(process);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook is running or has run
    }
    process = null;
    hook = null;
  }

  private static void destroy(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
  }

  private void read(Process p, CountDownLatch first) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      boolean calibrated = false;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        if (f.length != 3) {
          throw new IOException("expected 'timestamp, index, power.draw', got '" + line.strip() + "'");
        }
        long micros = micros(f[0].strip());
        if (!calibrated) {
          long off = nowMicros() - micros;
          offsetMicros = Math.abs(off) > 60_000_000L
              ? Math.round((double) off / QUARTER_HOUR_US) * QUARTER_HOUR_US : 0;
          calibrated = true;
        }
        trace.add(Integer.parseInt(f[1].strip()), micros + offsetMicros, watts(f[2].strip()));
        first.countDown();
        if (System.nanoTime() - lastUse > idleNanos) {
          destroy(p);
          return;
        }
      }
      if (failure == null && first.getCount() > 0) {
        failure = "exited without a power sample";
      }
    } catch (IOException | RuntimeException e) {
      failure = e.getMessage();
      destroy(p);
    } finally {
      first.countDown();
    }
  }

  private static long micros(String stamp) throws IOException {
    try {
      return LocalDateTime.parse(stamp, STAMP).atZone(ZoneId.systemDefault()).toInstant()
          .toEpochMilli() * 1000;
    } catch (DateTimeParseException e) {
      throw new IOException("timestamp is not yyyy/MM/dd HH:mm:ss.SSS: '" + stamp + "'");
    }
  }

  /** Watts; {@code [N/A]} or {@code [Not Supported]} is an error, so detection falls back. */
  private static double watts(String v) throws IOException {
    try {
      double w = Double.parseDouble(v);
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new NumberFormatException();
      }
      return w;
    } catch (NumberFormatException e) {
      throw new IOException("power.draw is not a number of watts: '" + v + "'");
    }
  }
}
