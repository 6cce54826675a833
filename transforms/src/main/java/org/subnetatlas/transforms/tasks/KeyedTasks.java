package org.subnetatlas.transforms.tasks;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Expensive per-row work (evaluating, timing, training) run on executors and collected. */
public final class KeyedTasks {

  private KeyedTasks() {}

  /**
   * Runs {@code fn} over {@code input} hash-partitioned by {@code key}, so a retried task sees the
   * same rows, and collects the results before anything is written: a MERGE reads its source
   * twice, and the work must never run twice.
   */
  public static List<Row> collect(Dataset<Row> input, int partitions, String key,
      MapPartitionsFunction<Row, Row> fn, StructType resultSchema) {
    return input.repartition(partitions, col(key))
        .mapPartitions(fn, Encoders.row(resultSchema))
        .collectAsList();
  }
}
