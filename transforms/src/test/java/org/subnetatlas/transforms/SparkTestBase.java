package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One small local Spark session with Delta per test class; helpers to compare rows. */
abstract class SparkTestBase {

  protected static SparkSession spark;
  protected static Path warehouse;

  @BeforeAll
  static void startSpark() throws IOException {
    warehouse = Files.createTempDirectory("atlas-test-warehouse");
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("atlas-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        // avoid adaptive execution combining tasks: tests count partitions and passes
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", warehouse.toUri().toString())
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  protected static List<Object[]> sql(String query, Object... args) {
    return rowsToJava(spark.sql(String.format(query, args)).collectAsList());
  }

  protected static List<Object[]> rowsToJava(List<Row> rows) {
    return rows.stream()
        .map(r -> {
          Object[] values = new Object[r.size()];
          for (int i = 0; i < r.size(); i++) {
            values[i] = r.get(i);
          }
          return values;
        })
        .collect(Collectors.toList());
  }

  protected static Object[] row(Object... values) {
    return values;
  }

  protected static void assertRows(String context, List<Object[]> expected, List<Object[]> actual) {
    assertEquals(expected.size(), actual.size(), context + ": number of rows");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(Arrays.asList(expected.get(i)), Arrays.asList(actual.get(i)),
          context + ": row " + i + " differs");
    }
  }
}
