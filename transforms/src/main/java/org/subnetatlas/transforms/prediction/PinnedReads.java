package org.subnetatlas.transforms.prediction;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.transforms.DeltaWrites;

/**
 * Reads pinned to Delta versions, so a model records exactly which data it was trained on and
 * writes that land while it trains do not leak in.
 */
public final class PinnedReads {

  private PinnedReads() {}

  /** The newest Delta version of each table by qualified name, read before the tables are. */
  public static Map<String, Long> versions(SparkSession spark, TableDef... tables) {
    Map<String, Long> v = new LinkedHashMap<>();
    for (TableDef t : tables) {
      v.put(t.qualifiedName(), DeltaWrites.currentVersion(spark, t));
    }
    return v;
  }

  /** {@code t} as of the version {@code versions} holds for it. */
  public static Dataset<Row> asOf(SparkSession spark, Map<String, Long> versions, TableDef t) {
    return DeltaWrites.asOf(spark, t, versions.get(t.qualifiedName()));
  }
}
