package org.subnetatlas.jobs;

import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.transforms.tasks.ProgressScope;
import org.subnetatlas.udfs.spark.Progress;
import scala.collection.JavaConverters;

/**
 * Progress of a long stage on the driver: tasks add to a named accumulator, and this listener
 * prints {@code done/total, rate, ETA} as tasks finish, at most every {@code intervalSeconds}.
 */
final class TaskProgress extends SparkListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("org.subnetatlas.progress");

  private final SparkSession spark;
  private final String stage;
  private final String unit;
  private final long total;
  private final LongAccumulator counter;
  private final long start = System.nanoTime();
  private final long intervalNanos;
  private long done;
  private long lastLog;

  TaskProgress(SparkSession spark, String stage, String unit, long total, int intervalSeconds) {
    this.spark = spark;
    this.stage = stage;
    this.unit = unit;
    this.total = total;
    this.intervalNanos = intervalSeconds * 1_000_000_000L;
    this.counter = spark.sparkContext().longAccumulator("atlas." + stage + "." + unit);
    this.lastLog = start;
    spark.sparkContext().addSparkListener(this);
  }

  /** Progress of a transform's long step, logged as {@code stage: done/total unit ...}. */
  static ProgressScope scope(SparkSession spark, String stage, String unit) {
    return (total, step) -> {
      try (TaskProgress progress = new TaskProgress(spark, stage, unit, total, 10)) {
        return step.apply(progress.counter());
      }
    };
  }

  LongAccumulator counter() {
    return counter;
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    for (AccumulableInfo a : JavaConverters.seqAsJavaList(taskEnd.taskInfo().accumulables())) {
      if (a.id() == counter.id() && a.update().isDefined()) {
        done += ((Number) a.update().get()).longValue();
      }
    }
    long now = System.nanoTime();
    if (now - lastLog >= intervalNanos || done >= total) {
      lastLog = now;
      LOG.info("{}: {}", stage, Progress.line(done, total, now - start, unit));
    }
  }

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(this);
  }
}
