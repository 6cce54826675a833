package org.subnetatlas.udfs.spark;

import java.time.Duration;

/** Formats progress lines: done/total, percentage, rate and ETA. */
public final class Progress {

  private Progress() {}

  /** e.g. {@code 400/1100 (36%), 4.2/s, ETA 2m47s}. */
  public static String line(long done, long total, long elapsedNanos, String unit) {
    double seconds = Math.max(elapsedNanos / 1e9, 1e-9);
    double rate = done / seconds;
    String eta = rate > 0 && total >= done ? duration((long) ((total - done) / rate)) : "?";
    return String.format("%d/%d %s (%d%%), %.1f/s, ETA %s", done, total, unit,
        total == 0 ? 100 : done * 100 / total, rate, eta);
  }

  public static String duration(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    if (d.toHours() > 0) {
      return String.format("%dh%02dm", d.toHours(), d.toMinutesPart());
    }
    return d.toMinutes() > 0
        ? String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart())
        : d.toSeconds() + "s";
  }
}
