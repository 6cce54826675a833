package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;

class DeltaWritesTest extends SparkTestBase {

  private static final TableDef T = new TableDef("writes_test", null,
      new StructType()
          .add("k", DataTypes.StringType, false)
          .add("d", DataTypes.DateType, false)
          .add("v", DataTypes.IntegerType, true)
          .add("note", DataTypes.StringType, true),
      List.of("k", "d"), List.of("d"), Map.of());

  @BeforeEach
  void freshTable() {
    spark.sql("CREATE DATABASE IF NOT EXISTS atlas");
    spark.sql("DROP TABLE IF EXISTS " + T.qualifiedName());
    spark.sql(T.createDdl(warehouse.resolve("writes_test_" + System.nanoTime()).toUri().toString()));
  }

  private static Dataset<Row> rows(Object[]... rows) {
    StructType schema = new StructType()
        .add("v", DataTypes.IntegerType).add("k", DataTypes.StringType).add("d", DataTypes.DateType);
    return spark.createDataFrame(
        java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  private static Date day(int d) {
    return Date.valueOf("2026-11-" + d);
  }

  @Test
  void mergingTheSameRowsTwiceLeavesTheSameRows() {
    Dataset<Row> src = rows(row(1, "a", day(1)), row(2, "b", day(1)));
    Map<String, Long> first = DeltaWrites.merge(spark, T, src, OnMatch.UPDATE);
    Map<String, Long> second = DeltaWrites.merge(spark, T, src, OnMatch.UPDATE);
    assertEquals(2L, first.get("numTargetRowsInserted"));
    assertEquals(0L, second.get("numTargetRowsInserted"));
    assertRows("after two merges",
        List.of(row("a", day(1), 1, null), row("b", day(1), 2, null)),
        sql("SELECT k, d, v, note FROM atlas.writes_test ORDER BY k"));
  }

  @Test
  void keepPreservesExistingRowsAndUpdateReplacesThem() {
    DeltaWrites.merge(spark, T, rows(row(1, "a", day(1))), OnMatch.KEEP);
    DeltaWrites.merge(spark, T, rows(row(9, "a", day(1)), row(3, "c", day(1))), OnMatch.KEEP);
    assertRows("keep", List.of(row("a", 1), row("c", 3)),
        sql("SELECT k, v FROM atlas.writes_test ORDER BY k"));
    DeltaWrites.merge(spark, T, rows(row(9, "a", day(1))), OnMatch.UPDATE);
    assertRows("update", List.of(row("a", 9), row("c", 3)),
        sql("SELECT k, v FROM atlas.writes_test ORDER BY k"));
  }

  @Test
  void replaceWhereSwapsOnePartitionAndLeavesTheOthers() {
    DeltaWrites.merge(spark, T, rows(row(1, "a", day(1)), row(2, "b", day(2))), OnMatch.UPDATE);
    DeltaWrites.replaceWhere(spark, T, rows(row(5, "x", day(2)), row(6, "y", day(2))),
        "d = DATE'2026-11-02'");
    DeltaWrites.replaceWhere(spark, T, rows(row(5, "x", day(2)), row(6, "y", day(2))),
        "d = DATE'2026-11-02'");
    assertRows("partition 2 replaced, partition 1 kept",
        List.of(row("a", day(1), 1), row("x", day(2), 5), row("y", day(2), 6)),
        sql("SELECT k, d, v FROM atlas.writes_test ORDER BY k"));
  }

  @Test
  void aFailedWriteLeavesTheTableAtItsLastVersion() {
    DeltaWrites.merge(spark, T, rows(row(1, "a", day(1))), OnMatch.UPDATE);
    long version = (long) sql("DESCRIBE HISTORY atlas.writes_test LIMIT 1").get(0)[0];
    // a row outside the replaceWhere predicate makes Delta refuse the whole commit
    assertThrows(Exception.class, () -> DeltaWrites.replaceWhere(spark, T,
        rows(row(5, "x", day(2)), row(6, "y", day(3))), "d = DATE'2026-11-02'"));
    assertEquals(version, (long) sql("DESCRIBE HISTORY atlas.writes_test LIMIT 1").get(0)[0]);
    assertRows("unchanged", List.<Object[]>of(row("a", 1)), sql("SELECT k, v FROM atlas.writes_test"));
  }

  @Test
  void conformRejectsRowsWithoutARequiredColumn() {
    Dataset<Row> noKey = spark.sql("SELECT 1 AS v");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DeltaWrites.conform(noKey, T));
    assertEquals("rows for atlas.writes_test lack required column k", e.getMessage());
  }
}
