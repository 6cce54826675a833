package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.schemas.Tables;

/**
 * Every table keeps its log and data files as long as a release may be rebuilt from it: the
 * retention properties are set when a table is made, added once to a table made without them,
 * and a second pass commits nothing.
 */
class TableRetentionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KEYS =
      List.of("delta.logRetentionDuration", "delta.deletedFileRetentionDuration");

  @TempDir
  Path warehouse;

  @Test
  void everyTableKeepsItsVersionsForTheLifeOfARelease() throws IOException {
    AtlasConfig config = AtlasConfig.load("local", Map.of(AtlasConfig.WAREHOUSE, warehouse.toString()));
    SparkSession spark = AtlasSession.open(config, "table retention test");
    try {
      AtlasSession.ensureTables(spark, config.warehouse());
      for (TableDef t : Tables.all()) {
        Map<String, String> props = configuration(t);
        for (String k : KEYS) {
          assertEquals(Tables.RETENTION, props.get(k), t.name() + " " + k);
        }
      }

      // a table made before the retention was declared
      spark.sql("ALTER TABLE atlas.devices UNSET TBLPROPERTIES ('" + String.join("', '", KEYS) + "')");
      assertNull(configuration(Tables.byName("devices")).get(KEYS.get(0)));

      AtlasSession.ensureTables(spark, config.warehouse());
      for (String k : KEYS) {
        assertEquals(Tables.RETENTION, configuration(Tables.byName("devices")).get(k), k);
      }
      // the second pass set the properties on that table only: no other table got a commit
      for (TableDef t : Tables.all()) {
        List<String> ops = operations(t);
        List<String> expected = t.name().equals("devices")
            ? List.of("CREATE TABLE", "UNSET TBLPROPERTIES", "SET TBLPROPERTIES")
            : List.of("CREATE TABLE");
        assertEquals(expected, ops, t.name());
      }
    } finally {
      spark.stop();
    }
  }

  private List<Path> commits(TableDef t) throws IOException {
    Path log = warehouse.resolve("atlas.db").resolve(t.name()).resolve("_delta_log");
    try (Stream<Path> files = Files.list(log)) {
      return files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList();
    }
  }

  /** The table's properties at its latest version, from the last metaData action in its log. */
  private Map<String, String> configuration(TableDef t) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (Path commit : commits(t)) {
      for (String line : Files.readAllLines(commit)) {
        JsonNode meta = JSON.readTree(line).get("metaData");
        if (meta != null) {
          out.clear();
          meta.get("configuration").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
      }
    }
    return out;
  }

  private List<String> operations(TableDef t) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path commit : commits(t)) {
      for (String line : Files.readAllLines(commit)) {
        JsonNode info = JSON.readTree(line).get("commitInfo");
        if (info != null) {
          out.add(info.get("operation").asText());
        }
      }
    }
    return out;
  }
}
