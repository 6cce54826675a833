package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Releases;
import org.subnetatlas.transforms.release.ReleaseExport;

/** A table exports as one Parquet and one CSV file, in key order, with CSV-safe columns. */
class ReleaseExportTest extends SparkTestBase {

  private static Row release(String tag, long version) {
    return RowBuilder.of(Releases.TABLE.schema())
        .set(Releases.TAG, tag)
        .set(Releases.BUILD_DATE, Date.valueOf("2026-11-28"))
        .set(Releases.TABLE_VERSIONS, scala.collection.JavaConverters.mapAsScalaMap(
            new TreeMap<>(java.util.Map.of("b", version, "a", 1L))))
        .set(Releases.MANIFEST_SHA256, "m")
        .set(Releases.FILES_SHA256, "f")
        .set(Releases.FILE_COUNT, 2)
        .set(Releases.LOCATION, "l")
        .set(Releases.CODE_VERSION, "v")
        .set(Releases.CREATED_AT, Timestamp.valueOf("2026-11-28 10:00:00"))
        .build();
  }

  private static byte[][] export(Dataset<Row> rows, String folder) {
    List<byte[]> out = new ArrayList<>();
    try (WarehouseFiles files = WarehouseFiles.open(spark, folder)) {
      for (String path : ReleaseExport.write(files, rows, Releases.TABLE, folder + "/.scratch", folder)) {
        out.add(files.read(folder + "/" + path));
      }
    }
    return out.toArray(byte[][]::new);
  }

  @Test
  void aTableExportsInKeyOrderAndTheSameRowsGiveTheSameBytes() {
    Dataset<Row> rows = spark.createDataFrame(
        List.of(release("c", 3), release("a", 1), release("b", 2)), Releases.TABLE.schema())
        .repartition(3);
    String root = warehouse.resolve("export-" + System.nanoTime()).toUri().toString();
    byte[][] first = export(rows, root + "/one");
    String[] csv = new String(first[1], StandardCharsets.UTF_8).split("\n");
    assertEquals(String.join(",", Releases.TABLE.schema().fieldNames()), csv[0]);
    assertEquals(4, csv.length);
    for (int i = 1; i < 4; i++) {
      String tag = String.valueOf((char) ('a' + i - 1));
      // Spark's CSV writer escapes quotes with a backslash
      assertEquals(tag + ",2026-11-28,\"{\\\"a\\\":1,\\\"b\\\":" + i + "}\",m,f,2,l,v,",
          csv[i].substring(0, csv[i].lastIndexOf(',') + 1));
    }
    assertEquals(List.of("a", "b", "c"), spark.read().parquet(root + "/one/data/releases.parquet")
        .select(Releases.TAG).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());

    byte[][] again = export(rows.orderBy(Releases.TAG), root + "/two");
    assertArrayEquals(first[0], again[0]);
    assertArrayEquals(first[1], again[1]);
  }
}
