package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.CliTest.Result;

/**
 * {@code atlas serve-sql} over a small real warehouse, queried with the Hive JDBC driver: the same
 * rows as {@code atlas sql}, and every example query of docs/analysts.md runs. The server runs in
 * this JVM (the embedded metastore admits one process), after the {@code atlas sql} reference run.
 */
class SqlEndpointTest {

  private static final String DATE = "2026-11-30";
  private static final String ROWS_QUERY = "SELECT m.arch_id, a.family, a.macs, m.top1, m.build_date "
      + "FROM atlas.measurements m JOIN atlas.architectures a USING (arch_id) ORDER BY m.arch_id";
  private static final Path GUIDE = Paths.get(System.getenv().getOrDefault("ATLAS_HOME", ".."),
      "docs", "analysts.md");

  private static Path warehouse;
  private static List<String> referenceRows;
  private static ServeSqlThread server;

  @BeforeAll
  static void buildWarehouseThenServe() throws Exception {
    warehouse = Files.createTempDirectory("atlas-sql-endpoint");
    String[] common = {"--warehouse", warehouse.toString(), "--date", DATE};
    stage("sample", common, "--count", "5", "--seed", "3");
    stage("train-supernet", common, "--epochs", "1,0,0,0", "--max-train-images", "128");
    stage("evaluate", common, "--eval-images", "100", "--recalibration-images", "64");

    Result reference = CliTest.run("", "sql", "--warehouse", warehouse.toString(), "--format", "csv",
        ROWS_QUERY);
    assertEquals(0, reference.exit(), reference.err());
    referenceRows = reference.out().lines().skip(1).toList();
    assertEquals(5, referenceRows.size(), reference.out());

    server = ServeSqlThread.start(warehouse);
  }

  private static void stage(String command, String[] common, String... extra) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of(common));
    args.addAll(List.of(extra));
    Result r = CliTest.run("", args.toArray(String[]::new));
    assertEquals(0, r.exit(), command + " failed: " + r.err());
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server != null) {
      server.stop();
    }
  }

  /** Rows as {@code atlas sql --format csv} prints them. */
  private static List<String> csvRows(ResultSet rs) throws SQLException {
    int n = rs.getMetaData().getColumnCount();
    List<String> rows = new ArrayList<>();
    while (rs.next()) {
      List<String> cells = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        Object v = rs.getObject(i);
        cells.add(v == null ? "" : SqlCommand.csvField(String.valueOf(v)));
      }
      rows.add(String.join(",", cells));
    }
    return rows;
  }

  @Test
  void theEndpointPrintsItsUrlOnStderr() {
    assertTrue(server.err().contains("serve-sql: JDBC endpoint ready at " + server.url()), server.err());
  }

  @Test
  void aJdbcQueryReturnsTheSameRowsAsAtlasSql() throws SQLException {
    try (Connection c = server.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(ROWS_QUERY)) {
      assertEquals(referenceRows, csvRows(rs));
    }
  }

  @Test
  void everyExampleQueryInTheAnalystGuideRuns() throws Exception {
    List<String> queries = exampleQueries(Files.readString(GUIDE));
    assertTrue(queries.size() >= 10, "the guide has ten example queries or more: " + queries.size());
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      boolean hasStitched = count(s, "SELECT count(*) FROM atlas.architectures WHERE family = 'stitched'") > 0;
      boolean hasLatency = count(s, "SELECT count(latency_p50_ms) FROM atlas.measurements") > 0;
      for (int i = 0; i < queries.size(); i++) {
        String q = queries.get(i);
        int rows = 0;
        try (ResultSet rs = s.executeQuery(q)) {
          while (rs.next()) {
            rows++;
          }
        } catch (SQLException e) {
          throw new AssertionError("example query " + (i + 1) + " failed: " + e.getMessage() + "\n" + q, e);
        }
        // a query may come back empty only when it needs data this small warehouse cannot have
        boolean dataMissing = (q.contains("'stitched'") && !hasStitched)
            || (q.contains("latency_") && !hasLatency);
        assertTrue(rows > 0 || dataMissing, "example query " + (i + 1) + " returned no rows:\n" + q);
      }
    }
  }

  @Test
  void serveSqlRefusesABusyPortAndBadOptionsWithExitTwo() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = CliTest.run("", "serve-sql", "--warehouse", warehouse.toString(),
          "--port", String.valueOf(busy.getLocalPort()));
      assertEquals(2, r.exit());
      assertTrue(r.err().startsWith("serve-sql: error: --port " + busy.getLocalPort() + ": cannot listen on"),
          r.err());
    }
    assertEquals(2, CliTest.run("", "serve-sql", "--port", "70000").exit());
    assertEquals(2, CliTest.run("", "serve-sql", "--bind", "no-such-host.invalid").exit());
    Result help = CliTest.run("", "serve-sql", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("Usage: atlas serve-sql"), help.out());
  }

  @Test
  void byDefaultTheEndpointRefusesWritesAndAtlasEvaluate() throws SQLException {
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      long before = count(s, "SELECT count(*) FROM atlas.measurements");
      SQLException drop = assertThrows(SQLException.class,
          () -> s.execute("/* tidy up */ DROP TABLE atlas.measurements"));
      assertTrue(drop.getMessage().contains("refused: DropTable changes the catalog"), drop.getMessage());
      SQLException evaluate = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT atlas_evaluate(space, encoding) FROM atlas.architectures LIMIT 1"));
      assertTrue(evaluate.getMessage().contains("refused: atlas_evaluate is off on this endpoint"),
          evaluate.getMessage());
      assertEquals(before, count(s, "SELECT count(*) FROM atlas.measurements"));
    }
  }

  /** The {@code ```sql} blocks of the guide, in order. */
  static List<String> exampleQueries(String markdown) {
    Matcher m = Pattern.compile("(?ms)^```sql\\n(.*?)^```").matcher(markdown);
    List<String> queries = new ArrayList<>();
    while (m.find()) {
      queries.add(m.group(1).strip());
    }
    return queries;
  }

  private static long count(Statement s, String query) throws SQLException {
    try (ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
