package org.subnetatlas.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TablesTest {

  /** The column contract of DESIGN.md: these names must exist, whatever else is added. */
  private static final Map<String, List<String>> CONTRACT = Map.of(
      "architectures", List.of("arch_id", "space", "space_version", "family", "encoding",
          "resolution", "macs", "params", "sampler", "seed", "first_seen_date"),
      "supernets", List.of("supernet_id", "space", "checkpoint_uri", "epochs", "run_id", "created_at"),
      "measurements", List.of("arch_id", "supernet_id", "dataset", "split", "device_id",
          "build_date", "top1", "top5", "loss", "n_images", "bn_recalibrated", "latency_p50_ms",
          "latency_p90_ms", "latency_p99_ms", "latency_mean_ms", "latency_std_ms",
          "latency_batch_size", "latency_warmup", "latency_repeats", "energy_mj", "energy_method",
          "peak_memory_bytes", "run_id"),
      "devices", List.of("device_id", "cpu_model", "cpu_cores", "memory_bytes", "gpu_name", "os"),
      "runs", List.of("run_id", "job", "args", "config_hash", "code_version", "started_at",
          "ended_at", "status", "row_counts"));

  @Test
  void everyContractColumnIsDeclared() {
    CONTRACT.forEach((table, columns) -> {
      Set<String> declared = Set.of(Tables.byName(table).schema().fieldNames());
      for (String c : columns) {
        assertTrue(declared.contains(c), table + " lacks contract column " + c);
      }
    });
  }

  @Test
  void measurementsKeyIsTheDocumentedRowKey() {
    assertEquals(List.of("arch_id", "supernet_id", "dataset", "split", "device_id", "build_date"),
        MeasurementTables.Measurements.TABLE.keyColumns());
    assertEquals(List.of("build_date"), MeasurementTables.Measurements.TABLE.partitionColumns());
  }

  @Test
  void keyColumnsAreNotNullableAndNamesAreUniqueSnakeCase() {
    for (TableDef t : Tables.all()) {
      String[] names = t.schema().fieldNames();
      assertEquals(names.length, new HashSet<>(Arrays.asList(names)).size(), t.name() + " repeats a column");
      for (String n : names) {
        assertTrue(n.matches("[a-z][a-z0-9_]*"), t.name() + "." + n + " is not snake_case");
      }
      for (String k : t.keyColumns()) {
        assertFalse(t.schema().apply(k).nullable(), t.name() + " key column " + k + " is nullable");
      }
    }
  }

  @Test
  void ddlDeclaresDeltaPartitioningLocationAndNotNull() {
    String ddl = MeasurementTables.Measurements.TABLE.createDdl("file:/tmp/w/atlas.db/measurements");
    assertTrue(ddl.startsWith("CREATE TABLE IF NOT EXISTS atlas.measurements ("), ddl);
    assertTrue(ddl.contains("USING DELTA"), ddl);
    assertTrue(ddl.contains("PARTITIONED BY (build_date)"), ddl);
    assertTrue(ddl.contains("LOCATION 'file:/tmp/w/atlas.db/measurements'"), ddl);
    assertTrue(ddl.contains("`arch_id` STRING NOT NULL"), ddl);
    assertTrue(ddl.contains("`top1` DOUBLE COMMENT"), ddl);
  }

  @Test
  void ddlEscapesQuotesInLocations() {
    String ddl = Tables.Runs.TABLE.createDdl("/tmp/it's");
    assertTrue(ddl.contains("LOCATION '/tmp/it\\'s'"), ddl);
  }

  @Test
  void keyConditionIsNullSafeOnEveryKeyColumn() {
    assertEquals("t.build_date <=> s.build_date AND t.space <=> s.space AND t.arch_id <=> s.arch_id",
        Tables.Samples.TABLE.keyCondition("t", "s"));
  }

  @Test
  void byNameAcceptsQualifiedNamesAndRejectsUnknownOnes() {
    assertEquals(Tables.Runs.TABLE, Tables.byName("atlas.runs"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tables.byName("nope"));
    assertEquals("unknown table nope", e.getMessage());
  }

  @Test
  void columnsAreTheDeclaredOnesInTheOrderAskedWithoutComments() {
    TableDef measurements = MeasurementTables.Measurements.TABLE;
    assertEquals(new StructType()
            .add("top1", DataTypes.DoubleType, true)
            .add("arch_id", DataTypes.StringType, false),
        measurements.columns("top1", "arch_id"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> measurements.columns("arch_id", "nope"));
    assertEquals("table measurements: column nope not in schema", e.getMessage());
  }

  @Test
  void aKeyColumnOutsideTheSchemaIsRejected() {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("a", DataTypes.StringType, false)});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TableDef("t", null, schema, List.of("b"), List.of(), Map.of()));
    assertEquals("table t: key column b not in schema", e.getMessage());
  }
}
