package org.subnetatlas.transforms.tasks;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Driver-side progress around one long Spark step: its tasks add to the counter they are given,
 * and the caller decides how progress against {@code total} is shown (a listener that logs rate
 * and ETA in the CLI, nothing in tests). A transform knows the total only once it has worked out
 * what is pending, so it is handed this scope rather than a ready counter.
 */
@FunctionalInterface
public interface ProgressScope {

  /** Runs {@code step} with a counter its tasks add to, reporting against {@code total}. */
  List<Row> collect(long total, Function<LongAccumulator, List<Row>> step);

  /** A bare counter, shown nowhere. */
  static ProgressScope silent(SparkSession spark) {
    return (total, step) -> step.apply(spark.sparkContext().longAccumulator());
  }
}
