package org.subnetatlas.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.schemas.Tables;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.udfs.spark.DeviceRows;

/** Upserts the executors' fingerprints that task results carry into atlas.devices. */
final class Devices {
  private Devices() {}

  static long upsert(SparkSession spark, Dataset<Row> results) {
    Dataset<Row> devices = results.select(col(DeviceRows.COLUMN + ".*")).distinct()
        .withColumn(Tables.Devices.FIRST_SEEN, current_timestamp());
    return DeltaWrites.merge(spark, Tables.Devices.TABLE, devices, DeltaWrites.OnMatch.KEEP)
        .get("numTargetRowsInserted");
  }
}
