package org.subnetatlas.transforms.release;

import static org.apache.spark.sql.functions.base64;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.WarehouseFiles;

/**
 * One table of a release as files: the table at its pinned Delta version, in a total row order, as
 * one Parquet (with a canonical footer, see {@link ParquetFooter}) and one CSV file, so the same
 * version always gives the same bytes, whichever process writes them.
 */
public final class ReleaseExport {

  private ReleaseExport() {}

  /** The table as it was at Delta {@code version}. */
  public static Dataset<Row> pinned(SparkSession spark, TableDef t, long version) {
    return DeltaWrites.asOf(spark, t, version);
  }

  /**
   * Writes {@code rows} to {@code <folder>/data/<table>.parquet} and {@code .csv}, through Spark
   * output under {@code scratch}; returns the two paths relative to {@code folder}.
   */
  public static List<String> write(WarehouseFiles files, Dataset<Row> rows, TableDef t,
      String scratch, String folder) {
    Dataset<Row> ordered = stableOrder(rows, t);
    ordered.write().mode("overwrite").parquet(scratch + "/" + t.name() + "-parquet");
    files.write(folder + "/data/" + t.name() + ".parquet", ParquetFooter.canonical(
        files.read(files.single(scratch + "/" + t.name() + "-parquet", "part-"))));
    csvColumns(ordered).write().mode("overwrite").option("header", "true")
        .csv(scratch + "/" + t.name() + "-csv");
    files.copy(files.single(scratch + "/" + t.name() + "-csv", "part-"),
        folder + "/data/" + t.name() + ".csv");
    return List.of("data/" + t.name() + ".parquet", "data/" + t.name() + ".csv");
  }

  /** One partition in a total order: key columns, then the whole row as JSON to break ties. */
  static Dataset<Row> stableOrder(Dataset<Row> rows, TableDef t) {
    List<Column> order = new ArrayList<>();
    t.keyColumns().forEach(k -> order.add(col(k).asc_nulls_first()));
    Column[] all = Arrays.stream(rows.columns()).map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
    order.add(to_json(struct(all)).asc_nulls_first());
    return rows.repartition(1).sortWithinPartitions(order.toArray(Column[]::new));
  }

  /** CSV holds no maps, arrays, structs or bytes: those become JSON or base64 text. */
  static Dataset<Row> csvColumns(Dataset<Row> rows) {
    StructType schema = rows.schema();
    Column[] cols = Arrays.stream(schema.fields()).map(ReleaseExport::csvColumn)
        .toArray(Column[]::new);
    return rows.select(cols);
  }

  private static Column csvColumn(StructField f) {
    if (f.dataType() instanceof MapType || f.dataType() instanceof ArrayType
        || f.dataType() instanceof StructType) {
      return to_json(col(f.name())).as(f.name());
    }
    if (f.dataType() instanceof BinaryType) {
      return base64(col(f.name())).as(f.name());
    }
    return col(f.name());
  }
}
