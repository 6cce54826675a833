package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.CliTest.Result;
import org.subnetatlas.jobs.sql.SqlGuardTest;

/**
 * The analysts' SQL surfaces are read-only unless told otherwise: {@code atlas sql} and
 * {@code atlas serve-sql} (over JDBC) refuse every kind of write, and the warehouse's tables,
 * catalog and files stay as they were; {@code atlas sql --allow-writes} writes. The fixture is a
 * few rows written with a plain session, not a pipeline run, to keep the test cheap.
 */
class SqlReadOnlyTest {

  private static final String REFUSAL_END = "; analysts' SQL is read-only (--allow-writes lifts this)";
  /** Spelled to hide the statement from a keyword check: comments, odd case, extra space. */
  private static final Map<String, String> CLI_REFUSALS = Map.of(
      "/* hidden */ DROP TABLE a.t", "DropTable changes the catalog",
      "-- a comment\nINSERT INTO a.t VALUES (9, 'x')", "AppendData writes table data or files",
      "dRoP tAbLe a.made", "DropTable changes the catalog",
      "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
      "reflect/java_method calls Java methods by reflection");

  private static Path warehouse;
  private static Result allowWrites;
  private static final Map<String, Result> cliRefusals = new java.util.HashMap<>();
  private static ServeSqlThread server;

  @BeforeAll
  static void fixtureThenCliThenServer() throws Exception {
    warehouse = Files.createTempDirectory("atlas-sql-read-only");
    SparkSession spark = AtlasSession.open(
        AtlasConfig.load("local", Map.of(AtlasConfig.WAREHOUSE, warehouse.toString())), "fixture");
    try {
      spark.sql("CREATE DATABASE a");
      // two versions, so that RESTORE to the first would change the table (to the latest is a no-op)
      spark.sql("CREATE TABLE a.t (x INT, s STRING) USING delta");
      spark.sql("INSERT INTO a.t SELECT CAST(id AS INT), CAST(id AS STRING) FROM range(5)");
      spark.sql("CREATE TABLE a.p (x INT) USING parquet");
      spark.sql("CREATE VIEW a.v AS SELECT * FROM a.t");
    } finally {
      spark.stop();
    }
    // the embedded metastore admits one process: every atlas sql run comes before the server
    allowWrites = sql("--allow-writes", "CREATE TABLE a.made USING delta AS SELECT 1 AS x");
    for (String q : CLI_REFUSALS.keySet()) {
      cliRefusals.put(q, sql(q));
    }

    server = ServeSqlThread.start(warehouse, "--enable-evaluate", "--max-evaluate-rows", "3");
  }

  private static Result sql(String... args) {
    List<String> all = new ArrayList<>(List.of("sql", "--warehouse", warehouse.toString(), "--format", "csv"));
    all.addAll(List.of(args).subList(0, args.length - 1));
    all.add("--");  // a query may begin with "--", a comment, which picocli would take for an option
    all.add(args[args.length - 1]);
    return CliTest.run("", all.toArray(String[]::new));
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void atlasSqlRefusesWritesWithExitTwoAndOneLineNamingTheKind() {
    CLI_REFUSALS.forEach((q, why) -> {
      Result r = cliRefusals.get(q);
      assertEquals(2, r.exit(), q + ": " + r.err());
      assertEquals("sql: error: refused: " + why + REFUSAL_END, r.err().strip(), q);
      assertEquals("", r.out(), q);
    });
  }

  @Test
  void atlasSqlWritesWithAllowWrites() throws SQLException {
    assertEquals(0, allowWrites.exit(), allowWrites.err());
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      assertEquals(List.of("1"), column(s, "SELECT x FROM a.made"));
      // and the refused runs before the server left the table and the catalog as they were
      assertEquals(List.of("5"), column(s, "SELECT count(*) FROM a.t"));
      assertEquals(List.of("made", "p", "t", "v"), column(s, "SHOW TABLES IN a", 2));
    }
  }

  @Test
  void jdbcRefusesEveryWriteAndNothingChanges() throws Exception {
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      String before = state(s);
      List<String> files = files();
      List<String> ran = new ArrayList<>();
      for (String q : SqlGuardTest.WRITES) {
        try {
          s.execute(q);
          ran.add(q);
        } catch (SQLException e) {
          assertTrue(e.getMessage().contains("refused: ") && e.getMessage().contains(REFUSAL_END),
              q + ": " + e.getMessage());
        }
      }
      assertEquals(List.of(), ran, "statements that ran over JDBC");
      assertEquals(before, state(s));
      assertEquals(files, files());
      assertFalse(Files.exists(Path.of("/tmp/atlas-guard-dir")), "INSERT OVERWRITE DIRECTORY wrote");
    }
  }

  @Test
  void jdbcRunsQueriesAndHarmlessCommands() throws SQLException {
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TEMP VIEW tv AS SELECT * FROM a.t");
      for (String q : SqlGuardTest.READS) {
        try {
          s.execute(q);
        } catch (SQLException e) {
          throw new AssertionError(q + ": " + e.getMessage(), e);
        }
      }
    }
  }

  @Test
  void jdbcEvaluatesOnlyABoundedNumberOfRows() throws SQLException {
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT atlas_evaluate('mbv3-tiny', s) FROM a.t"));
      assertTrue(e.getMessage().contains("refused: atlas_evaluate may evaluate at most 3 rows"), e.getMessage());
      // the function is there for a bounded input (empty here: no supernet is trained)
      assertEquals(List.of(), column(s, "SELECT atlas_evaluate('mbv3-tiny', s).top1 "
          + "FROM (SELECT * FROM a.t WHERE x < 0 LIMIT 3)"));
    }
  }

  /** Tables, row counts and Delta versions: what a write would change. */
  private static String state(Statement s) throws SQLException {
    return column(s, "SHOW DATABASES") + " " + column(s, "SHOW TABLES IN a", 2) + " "
        + column(s, "SELECT count(*) FROM a.t") + " " + column(s, "SELECT count(*) FROM a.p") + " "
        + column(s, "DESCRIBE HISTORY a.t") + " "
        + column(s, "SHOW TBLPROPERTIES a.t");
  }

  private static List<String> files() throws IOException {
    try (Stream<Path> all = Files.walk(warehouse)) {
      return all.filter(p -> !p.startsWith(warehouse.resolve("_metastore")))
          .map(p -> warehouse.relativize(p).toString()).sorted().toList();
    }
  }

  private static List<String> column(Statement s, String query) throws SQLException {
    return column(s, query, 1);
  }

  private static List<String> column(Statement s, String query, int index) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        out.add(String.valueOf(rs.getObject(index)));
      }
    }
    return out;
  }
}
