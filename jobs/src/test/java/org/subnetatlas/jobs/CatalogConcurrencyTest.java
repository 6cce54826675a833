package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.CliTest.Result;
import org.subnetatlas.jobs.catalog.ServerFile;
import org.subnetatlas.jobs.settings.CommonKeys;

/**
 * Two atlas processes on one warehouse at once, as the catalog server allows: while
 * {@code atlas evaluate} evaluates, {@code atlas sql} in another process answers with the count
 * committed before (Delta's snapshot), and once evaluate has committed a second {@code atlas sql}
 * sees the new rows. The warehouse is built with the embedded catalog first, so the server also
 * shows that it serves a catalog embedded Derby made. Evaluate's 40 sub-networks must outlast the
 * query's JVM start; on a machine loaded far beyond its cores that can fail, and the message then
 * gives the timeline.
 */
@Tag("slow")
class CatalogConcurrencyTest {

  private static final String DATE = "2026-11-30";
  private static final String COUNT = "SELECT count(*) AS n FROM atlas.measurements";
  private static final Pattern EVALUATING = Pattern.compile("evaluate: (\\d+) sub-networks of ");
  /** The children run the catalog server, with an idle time that ends it soon after the test. */
  private static final List<String> SERVER_MODE = List.of(
      "-D" + CommonKeys.METASTORE_MODE.key() + "=server",
      "-D" + CommonKeys.METASTORE_IDLE_SECONDS.key() + "=5");
  /** A short query wants a JVM that starts fast: it must answer while evaluate still runs. */
  private static final String QUICK_START = "-XX:TieredStopAtLevel=1";

  @Test
  void atlasSqlAnswersFromTheLastCommitWhileEvaluateWritesAndSeesItsRowsAfterwards() throws Exception {
    long testStart = System.nanoTime();
    Path warehouse = Files.createTempDirectory("atlas-catalog-concurrency");
    Path metastore = warehouse.resolve("_metastore");
    String wh = warehouse.toString();

    // built with the embedded catalog: nothing measured yet, 40 sub-networks pending
    stage("sample", "--warehouse", wh, "--date", DATE, "--count", "40", "--seed", "3");
    stage("train-supernet", "--warehouse", wh, "--date", DATE, "--epochs", "1,0,0,0",
        "--max-train-images", "128");
    long before = count(CliTest.run("", "sql", "--warehouse", wh, "--format", "csv", COUNT));
    assertEquals(0, before);
    shutDownEmbedded(metastore);  // what this JVM's exit would do: the database is free for the server

    Path logs = Files.createDirectories(warehouse.resolveSibling(warehouse.getFileName() + ".logs"));
    Process evaluate = AtlasProcess.start(Map.of(), withServer("-Dspark.atlas.eval.partitions=1"),
        logs.resolve("evaluate"), "evaluate", "--warehouse", wh, "--date", DATE,
        "--eval-images", "1000", "--recalibration-images", "256");
    long pending;
    long tasksAt;
    long sqlStart;
    long sqlEnd;
    Result during;
    try {
      pending = awaitLine(evaluate, logs.resolve("evaluate/stderr.txt"), 240);
      tasksAt = System.currentTimeMillis();
      sqlStart = System.currentTimeMillis();
      AtlasProcess.Result sql = AtlasProcess.run(Map.of(), withServer(QUICK_START), 480,
          logs.resolve("sql-during"), "sql", "--warehouse", wh, "--format", "csv", COUNT);
      sqlEnd = System.currentTimeMillis();
      during = new Result(sql.exit(), sql.out(), sql.err());
    } finally {
      if (!evaluate.waitFor(10, TimeUnit.MINUTES)) {
        evaluate.destroyForcibly();
      }
    }
    assertEquals(0, evaluate.exitValue(), Files.readString(logs.resolve("evaluate/stderr.txt")));
    assertEquals(0, during.exit(), during.err());

    Commit commit = lastCommit(warehouse.resolve("atlas.db/measurements"));
    assertEquals("MERGE", commit.operation());
    String timeline = String.format("evaluate announced its %d sub-networks' tasks at 0 s, atlas sql ran "
        + "%+.1f..%+.1f s, evaluate committed measurements version %d at %+.1f s", pending,
        (sqlStart - tasksAt) / 1e3, (sqlEnd - tasksAt) / 1e3, commit.version(),
        (commit.timestamp() - tasksAt) / 1e3);
    assertTrue(tasksAt <= sqlStart && sqlEnd < commit.timestamp(),
        "the query did not run between evaluate's first task and its commit: " + timeline);
    assertEquals(before, count(during), "the query during evaluate sees the last commit");

    AtlasProcess.Result after = AtlasProcess.run(Map.of(), withServer(QUICK_START), 480,
        logs.resolve("sql-after"), "sql", "--warehouse", wh, "--format", "csv", COUNT);
    assertEquals(0, after.exit(), after.err());
    assertEquals(before + pending, count(new Result(after.exit(), after.out(), after.err())),
        "the next query sees evaluate's rows");

    // every client has ended: the server the children shared stops by itself
    long pid = lastServerPid(metastore);
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
    assertTrue(Files.notExists(metastore.resolve("server.json")), "the idle server removed its file");
    System.err.printf("CatalogConcurrencyTest: %s; %d then %d rows; whole test %.0f s%n", timeline,
        before, before + pending, (System.nanoTime() - testStart) / 1e9);
  }

  private static List<String> withServer(String... more) {
    List<String> props = new ArrayList<>(SERVER_MODE);
    props.addAll(List.of(more));
    return props;
  }

  private static void stage(String... args) {
    Result r = CliTest.run("", args);
    assertEquals(0, r.exit(), args[0] + " failed: " + r.err());
  }

  private static long count(Result r) {
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("n", lines.get(0), r.out());
    return Long.parseLong(lines.get(1));
  }

  /** Waits for evaluate's line announcing its tasks; returns how many sub-networks are pending. */
  private static long awaitLine(Process p, Path stderr, long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(stderr)) {
        Matcher m = EVALUATING.matcher(Files.readString(stderr));
        if (m.find()) {
          return Long.parseLong(m.group(1));
        }
      }
      assertTrue(p.isAlive(), "evaluate ended before its tasks began: " + Files.readString(stderr));
      Thread.sleep(100);
    }
    throw new AssertionError("evaluate did not start its tasks within " + timeoutSeconds + " s");
  }

  private static void shutDownEmbedded(Path metastore) {
    try {
      DriverManager.getConnection("jdbc:derby:;databaseName=" + metastore.resolve("metastore_db")
          + ";shutdown=true").close();
    } catch (SQLException e) {
      assertEquals("08006", e.getSQLState(), "Derby's answer to a database shut down: " + e.getMessage());
    }
  }

  /** The pid in the server's log: its file is gone once it has stopped. */
  private static long lastServerPid(Path metastore) throws IOException {
    Matcher m = Pattern.compile("on 127\\.0\\.0\\.1:\\d+ \\(pid (\\d+)\\)")
        .matcher(Files.readString(metastore.resolve("derby-server.log")));
    long pid = -1;
    while (m.find()) {
      pid = Long.parseLong(m.group(1));
    }
    assertTrue(pid > 0, "a catalog server served the children");
    return ServerFile.read(metastore).map(ServerFile::pid).orElse(pid);
  }

  record Commit(long version, long timestamp, String operation) {}

  /** The newest commit of a Delta table, from its {@code _delta_log}. */
  private static Commit lastCommit(Path table) throws IOException {
    Path last;
    try (Stream<Path> log = Files.list(table.resolve("_delta_log"))) {
      last = log.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).sorted()
          .reduce((a, b) -> b).orElseThrow();
    }
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(last)) {
      JsonNode info = json.readTree(line).get("commitInfo");
      if (info != null) {
        return new Commit(Long.parseLong(last.getFileName().toString().substring(0, 20)),
            info.get("timestamp").asLong(), info.get("operation").asText());
      }
    }
    throw new AssertionError("no commitInfo in " + last);
  }
}
