package org.subnetatlas.transforms.tasks;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.schemas.MeasurementTables.Devices;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.udfs.spark.DeviceRows;

/** The executors' fingerprints that task results carry, upserted into atlas.devices. */
public final class ExecutorDevices {

  private ExecutorDevices() {}

  /** Inserts the devices not yet known; returns how many were inserted. */
  public static long upsert(SparkSession spark, Dataset<Row> results) {
    Dataset<Row> devices = results.select(col(DeviceRows.COLUMN + ".*")).distinct()
        .withColumn(Devices.FIRST_SEEN, current_timestamp());
    return DeltaWrites.merge(spark, Devices.TABLE, devices, OnMatch.KEEP)
        .get("numTargetRowsInserted");
  }
}
