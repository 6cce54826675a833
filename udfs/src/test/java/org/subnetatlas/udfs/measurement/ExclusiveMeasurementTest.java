package org.subnetatlas.udfs.measurement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.subnetatlas.udfs.nets.DjlRuntime;

/**
 * Two measurements never overlap on one executor: real Spark local[2], eight partitions whose
 * tasks run in two threads of one JVM, each measuring a real DJL forward; the recorded intervals
 * (wall-clock microseconds) must be disjoint.
 */
class ExclusiveMeasurementTest {

  /** Measures a small matrix product three times per partition; returns start,end epoch micros. */
  static final class MeasureTask implements MapPartitionsFunction<Integer, String> {
    @Override
    public Iterator<String> call(Iterator<Integer> rows) {
      List<String> out = new ArrayList<>();
      LatencyMeter meter = new LatencyMeter(new EstimatedEnergy(10));
      try (NDManager m = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
        NDArray a = m.ones(new Shape(64, 64));
        while (rows.hasNext()) {
          rows.next();
          LatencyMeter.Result r = meter.measure(new LatencyProtocol(2, 20, 1, 1),
              () -> a.matMul(a).toFloatArray());
          out.add(micros(r.started()) + "," + micros(r.ended()) + "," + Thread.currentThread().getName());
        }
      }
      return out.iterator();
    }
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** Exit status of another process trying the same POSIX (fcntl) lock without waiting. */
  private static int otherProcessTriesLock() throws Exception {
    Process p = new ProcessBuilder("python3", "-c",
        "import fcntl,sys\nf=open(sys.argv[1],'a')\ntry:\n fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
            + "except OSError:\n sys.exit(3)", ExclusiveMeasurement.lockFile().toString())
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  @Test
  void anotherProcessOnTheHostCannotTakeTheLockDuringAMeasurement() throws Exception {
    Assumptions.assumeTrue(new java.io.File("/usr/bin/python3").canExecute(),
        "needs python3 as the second process");
    assertEquals(0, otherProcessTriesLock(), "lock is free outside a measurement");
    int inside = ExclusiveMeasurement.run(ExclusiveMeasurementTest::otherProcessTriesLock);
    assertEquals(3, inside, "a second process took the host lock while a measurement ran");
    assertEquals(0, otherProcessTriesLock(), "lock is released after the measurement");
  }

  @Test
  void measurementsOnOneExecutorNeverOverlap() {
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("exclusive-measurement-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    try {
      List<Integer> items = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        items.add(i);
      }
      List<String> rows = spark.createDataset(items, Encoders.INT()).repartition(8)
          .mapPartitions(new MeasureTask(), Encoders.STRING())
          .collectAsList();
      assertEquals(24, rows.size());
      List<long[]> intervals = rows.stream()
          .map(r -> r.split(","))
          .map(v -> new long[] {Long.parseLong(v[0]), Long.parseLong(v[1])})
          .sorted(Comparator.comparingLong(v -> v[0]))
          .toList();
      long threads = rows.stream().map(r -> r.split(",")[2]).distinct().count();
      assertTrue(threads >= 2, "tasks ran in " + threads + " thread(s); the test needs two");
      for (int i = 1; i < intervals.size(); i++) {
        long[] prev = intervals.get(i - 1);
        long[] cur = intervals.get(i);
        assertTrue(cur[0] >= prev[1], "measurement " + i + " started at " + cur[0]
            + " before the previous one ended at " + prev[1] + " (overlap "
            + (prev[1] - cur[0]) + " µs)");
      }
    } finally {
      spark.stop();
    }
  }
}
