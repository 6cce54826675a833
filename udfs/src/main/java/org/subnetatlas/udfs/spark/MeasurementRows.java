package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.MeasurementTables.Measurements;

/**
 * The columns every row of {@code atlas.measurements} carries, whichever stage measured it: which
 * sub-network, supernet, data and device (the MERGE key), and which run wrote it when.
 */
final class MeasurementRows {

  private static final StructType KEY = new StructType()
      .add(Measurements.ARCH_ID, StringType, false)
      .add(Measurements.SUPERNET_ID, StringType, false)
      .add(Measurements.DATASET, StringType, false)
      .add(Measurements.SPLIT, StringType, false)
      .add(Measurements.DEVICE_ID, StringType, false);

  private static final StructType STAMP = new StructType()
      .add(Measurements.RUN_ID, StringType, false)
      .add(Measurements.MEASURED_AT, TimestampType, false)
      .add(Measurements.BUILD_DATE, DateType, false)
      .add(DeviceRows.COLUMN, DeviceRows.SCHEMA, false);

  private MeasurementRows() {}

  /** A stage's result schema: the key columns, then {@code measured}, then the stamp columns. */
  static StructType schema(StructType measured) {
    StructType s = KEY;
    for (StructField f : measured.fields()) {
      s = s.add(f);
    }
    for (StructField f : STAMP.fields()) {
      s = s.add(f);
    }
    return s;
  }

  /** A row of {@code schema} with its key columns set. */
  static RowBuilder keyed(StructType schema, String archId, String supernetId, String dataset,
      String split, String deviceId) {
    return RowBuilder.of(schema)
        .set(Measurements.ARCH_ID, archId)
        .set(Measurements.SUPERNET_ID, supernetId)
        .set(Measurements.DATASET, dataset)
        .set(Measurements.SPLIT, split)
        .set(Measurements.DEVICE_ID, deviceId);
  }

  /** {@code row} stamped with its run, the time now, its build date and the executor's device. */
  static Row stamped(RowBuilder row, RunStamp run, Row deviceRow) {
    return row
        .set(Measurements.RUN_ID, run.runId())
        .set(Measurements.MEASURED_AT, Timestamp.from(Instant.now()))
        .set(Measurements.BUILD_DATE, run.buildDate())
        .set(DeviceRows.COLUMN, deviceRow)
        .build();
  }
}
