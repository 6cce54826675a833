package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.Row;
import org.subnetatlas.schemas.RowBuilder;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.MeasurementTables.Devices;

/** The executor's fingerprint as a struct column, so the driver can upsert atlas.devices. */
public final class DeviceRows {

  /** Column carrying the fingerprint in task results. */
  public static final String COLUMN = "device";

  /** The devices-table columns an executor knows (first_seen is added by the driver). */
  public static final StructType SCHEMA = new StructType()
      .add(Devices.DEVICE_ID, StringType, false)
      .add(Devices.HOST_CLASS, StringType, false)
      .add(Devices.CPU_MODEL, StringType, false)
      .add(Devices.CPU_CORES, IntegerType, false)
      .add(Devices.MEMORY_BYTES, LongType, false)
      .add(Devices.GPU_NAME, StringType, true)
      .add(Devices.OS, StringType, false)
      .add(Devices.JAVA_VERSION, StringType, false)
      .add(Devices.ENGINE, StringType, false)
      .add(Devices.ENGINE_VERSION, StringType, false)
      .add(Devices.NATIVE_VERSION, StringType, false);

  private DeviceRows() {}

  public static Row of(DeviceFingerprint d) {
    return RowBuilder.of(SCHEMA)
        .set(Devices.DEVICE_ID, d.deviceId())
        .set(Devices.HOST_CLASS, d.hostClass())
        .set(Devices.CPU_MODEL, d.cpuModel())
        .set(Devices.CPU_CORES, d.cpuCores())
        .set(Devices.MEMORY_BYTES, d.memoryBytes())
        .set(Devices.GPU_NAME, d.gpuName())
        .set(Devices.OS, d.os())
        .set(Devices.JAVA_VERSION, d.javaVersion())
        .set(Devices.ENGINE, d.engine())
        .set(Devices.ENGINE_VERSION, d.engineVersion())
        .set(Devices.NATIVE_VERSION, d.nativeVersion())
        .build();
  }
}
