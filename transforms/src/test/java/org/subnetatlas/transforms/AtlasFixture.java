package org.subnetatlas.transforms;

import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.schemas.Tables;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.schemas.MeasurementTables.Devices;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.training.StitchedFamilies;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/** Fresh atlas tables in a test warehouse, and nights of plausible rows written straight to them. */
final class AtlasFixture {

  static final String DEVICE = "dev-test-1";
  private final SparkSession spark;

  AtlasFixture(SparkSession spark, Path warehouse) {
    this.spark = spark;
    String root = warehouse.resolve("w" + System.nanoTime()).toUri().toString();
    spark.sql("CREATE DATABASE IF NOT EXISTS atlas");
    for (TableDef t : Tables.all()) {
      spark.sql("DROP TABLE IF EXISTS " + t.qualifiedName());
      spark.sql(t.createDdl(root + "/atlas.db/" + t.name()));
    }
    this.root = root;
  }

  final String root;

  /** A row of {@code t} from column → value pairs, every other column null. */
  Row row(TableDef t, Map<String, Object> values) {
    Object[] out = new Object[t.schema().size()];
    StructField[] fields = t.schema().fields();
    for (int i = 0; i < fields.length; i++) {
      out[i] = values.get(fields[i].name());
    }
    return RowFactory.create(out);
  }

  Dataset<Row> frame(TableDef t, List<Row> rows) {
    return spark.createDataFrame(rows, t.schema());
  }

  static String archId(int i) {
    return String.format("arch-%04d", i);
  }

  /**
   * {@code n} architectures, the device, the night's sample (the supernet ones but the last; every
   * third is a stitched configuration, enumerated rather than sampled) and one measurement per
   * architecture for {@code date}.
   */
  void night(LocalDate date, int n) {
    List<Row> archs = new ArrayList<>();
    List<Row> ms = new ArrayList<>();
    List<Row> sampled = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      archs.add(architecture(i));
      if (i % 3 != 0 && i != n - 1) {
        sampled.add(row(Samples.TABLE, Map.of(Samples.BUILD_DATE, Date.valueOf(date),
            Samples.SPACE, "mbv3-tiny", Samples.ARCH_ID, archId(i), Samples.SAMPLE_INDEX, i,
            Samples.SAMPLER, "stratified", Samples.SEED, 7L, Samples.RUN_ID, "run-" + date)));
      }
      // one row without latency: a night that measured accuracy only for it
      ms.add(measurement(date, i, 0.80 + 0.001 * i, i == 1 ? null : 2.0 + 0.1 * i));
    }
    DeltaWrites.merge(spark, Architectures.TABLE, frame(Architectures.TABLE, archs), OnMatch.KEEP);
    DeltaWrites.merge(spark, Devices.TABLE, frame(Devices.TABLE, List.of(device())), OnMatch.KEEP);
    DeltaWrites.replaceWhere(spark, Measurements.TABLE, frame(Measurements.TABLE, ms),
        "build_date = DATE'" + date + "'");
    DeltaWrites.replaceWhere(spark, Samples.TABLE, frame(Samples.TABLE, sampled),
        "build_date = DATE'" + date + "'");
  }

  Row architecture(int i) {
    return row(Architectures.TABLE, Map.ofEntries(
        Map.entry(Architectures.ARCH_ID, archId(i)),
        Map.entry(Architectures.SPACE, "mbv3-tiny"),
        Map.entry(Architectures.SPACE_VERSION, "1"),
        Map.entry(Architectures.FAMILY, i % 3 == 0 ? "stitched" : "supernet"),
        Map.entry(Architectures.ENCODING, "{\"i\":" + i + "}"),
        Map.entry(Architectures.RESOLUTION, 28),
        Map.entry(Architectures.MACS, 1_000_000L + 10_000L * i),
        Map.entry(Architectures.PARAMS, 50_000L + 100L * i),
        Map.entry(Architectures.SAMPLER, i % 3 == 0 ? StitchedFamilies.SAMPLER : "stratified"),
        Map.entry(Architectures.SEED, 7L),
        Map.entry(Architectures.FIRST_SEEN_DATE, Date.valueOf("2026-11-01"))));
  }

  Row measurement(LocalDate date, int i, double top1, Double latency) {
    Map<String, Object> values = new java.util.HashMap<>(Map.ofEntries(
        Map.entry(Measurements.ARCH_ID, archId(i)),
        Map.entry(Measurements.SUPERNET_ID, "supernet-1"),
        Map.entry(Measurements.DATASET, "fashion-mnist"),
        // evaluate's split: what the sample's readers keep to
        Map.entry(Measurements.SPLIT, SubnetEvaluation.SPLIT),
        Map.entry(Measurements.DEVICE_ID, DEVICE),
        Map.entry(Measurements.TOP1, top1),
        Map.entry(Measurements.TOP5, 0.99),
        Map.entry(Measurements.N_IMAGES, 1000),
        Map.entry(Measurements.BN_RECALIBRATED, true),
        Map.entry(Measurements.ENERGY_MJ, 1.5),
        Map.entry(Measurements.ENERGY_METHOD, "estimated"),
        Map.entry(Measurements.RUN_ID, "run-" + date),
        Map.entry(Measurements.MEASURED_AT, Timestamp.valueOf(date.atTime(3, 0))),
        Map.entry(Measurements.BUILD_DATE, Date.valueOf(date))));
    values.put(Measurements.LATENCY_P50_MS, latency);
    return row(Measurements.TABLE, values);
  }

  Row device() {
    return row(Devices.TABLE, Map.ofEntries(
        Map.entry(Devices.DEVICE_ID, DEVICE),
        Map.entry(Devices.HOST_CLASS, "cpu"),
        Map.entry(Devices.CPU_MODEL, "Test CPU"),
        Map.entry(Devices.CPU_CORES, 2),
        Map.entry(Devices.MEMORY_BYTES, 1L << 34),
        Map.entry(Devices.OS, "Linux"),
        Map.entry(Devices.JAVA_VERSION, "17"),
        Map.entry(Devices.ENGINE, "PyTorch"),
        Map.entry(Devices.ENGINE_VERSION, "0.36.0"),
        Map.entry(Devices.NATIVE_VERSION, "2.7.1"),
        Map.entry(Devices.FIRST_SEEN, Timestamp.valueOf("2026-11-01 00:00:00"))));
  }

  /** Appends rows to a table without any key check (how a faulty writer would). */
  void append(TableDef t, Row... rows) {
    DeltaWrites.append(spark, t, frame(t, List.of(rows)));
  }
}
