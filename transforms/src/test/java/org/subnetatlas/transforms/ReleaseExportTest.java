package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Releases;
import org.subnetatlas.transforms.release.ParquetFooter;
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

  /**
   * Another JVM lists a column's encodings in another order (they come from a hash set of enum
   * constants): the exported file has them sorted, and a file with them in any order comes back
   * to the same bytes.
   */
  @Test
  void theParquetFooterListsEncodingsInOneOrder() throws Exception {
    Dataset<Row> rows = spark.createDataFrame(
        List.of(release("a", 1), release("b", 2)), Releases.TABLE.schema());
    byte[] file = export(rows, warehouse.resolve("footer-" + System.nanoTime()).toUri().toString())[0];
    int n = file.length;
    int length = java.nio.ByteBuffer.wrap(file, n - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    FileMetaData meta = Util.readFileMetaData(new java.io.ByteArrayInputStream(file, n - 8 - length, length));
    int reordered = 0;
    for (ColumnChunk chunk : meta.getRow_groups().get(0).getColumns()) {
      List<Encoding> encodings = chunk.getMeta_data().getEncodings();
      List<Encoding> sorted = new ArrayList<>(encodings);
      sorted.sort(java.util.Comparator.comparingInt(Encoding::getValue));
      assertEquals(sorted, encodings, "exported in sorted order");
      if (encodings.size() > 1) {
        java.util.Collections.reverse(encodings);
        reordered++;
      }
    }
    assertTrue(reordered > 0, "some column has two encodings or more");
    java.io.ByteArrayOutputStream footer = new java.io.ByteArrayOutputStream();
    Util.writeFileMetaData(meta, footer);
    byte[] other = file.clone();
    System.arraycopy(footer.toByteArray(), 0, other, n - 8 - length, length);
    assertFalse(java.util.Arrays.equals(file, other));
    assertArrayEquals(file, ParquetFooter.canonical(other));
  }
}
