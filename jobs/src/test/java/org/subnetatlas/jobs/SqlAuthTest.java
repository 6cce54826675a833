package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.CliTest.Result;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.schemas.Tables;
import picocli.CommandLine;

/**
 * {@code atlas serve-sql --users-file}: a real Thrift server in this JVM over a one-table warehouse,
 * logged into with the Hive JDBC driver. Wrong passwords and unknown users are refused alike, the
 * right one reads rows, each statement is logged with its user, and the password shows up in no log
 * line, no console output and no file of the warehouse. The server runs with TLS set up as
 * docs/operations.md says (a throw-away self-signed key), so that recipe is exercised too. Refusals
 * of unsafe options need no server.
 */
class SqlAuthTest {

  private static final String USER = "alice";
  // distinctive, so a search for it in logs and files cannot match anything else
  private static final String PASSWORD = "Pw-7f3c1e9a-never-logged";
  private static final String QUERY = "SELECT arch_id, macs FROM atlas.architectures ORDER BY arch_id";

  private static Path warehouse;
  private static Path usersFile;
  private static Thread server;
  private static final AtomicInteger serverExit = new AtomicInteger(-1);
  private static final StringWriter serverErr = new StringWriter();
  private static String url;
  private static String plainUrl;
  private static LogCapture capture;

  @BeforeAll
  static void oneTableWarehouseThenServe() throws Exception {
    capture = LogCapture.install();
    Path home = Files.createTempDirectory("atlas-sql-auth");
    warehouse = home.resolve("warehouse");
    usersFile = home.resolve("users");
    Result added = CliTest.run(PASSWORD + "\n", "serve-sql-user", "--users-file", usersFile.toString(),
        "--user", USER);
    assertEquals(0, added.exit(), added.err());
    assertEquals("serve-sql-user: added alice to " + usersFile, added.err().strip());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(usersFile)));

    writeOneTable(warehouse);
    int port = AtlasProcess.freePort();
    plainUrl = "jdbc:hive2://127.0.0.1:" + port + "/default";
    String storePassword = "store-" + Long.toHexString(System.nanoTime());
    Path keystore = selfSignedKeystore(home, storePassword);
    url = plainUrl + ";ssl=true;sslTrustStore=" + keystore + ";trustStorePassword=" + storePassword;
    // the recipe of docs/operations.md, as system properties (what ATLAS_JAVA_OPTS=-D… sets); read
    // when serve-sql loads its settings, cleared once it listens so no later test inherits them
    Map<String, String> tls = Map.of("spark.hadoop.hive.server2.use.SSL", "true",
        "spark.hadoop.hive.server2.keystore.path", keystore.toString(),
        "spark.hadoop.hive.server2.keystore.password", storePassword);
    tls.forEach(System::setProperty);
    server = new Thread(() -> {
      CommandLine cl = new CommandLine(new AtlasCli());
      cl.setErr(new PrintWriter(serverErr, true));
      serverExit.set(AtlasCli.execute(cl, "serve-sql", "--warehouse", warehouse.toString(),
          "--port", String.valueOf(port), "--users-file", usersFile.toString(), "--max-seconds", "600"));
    }, "atlas-serve-sql-auth");
    server.start();
    try {
      long deadline = System.currentTimeMillis() + 180_000;
      while (!AtlasProcess.listening(port)) {
        assertTrue(server.isAlive(), "serve-sql ended early: " + serverErr);
        assertTrue(System.currentTimeMillis() < deadline, "serve-sql did not listen within 180 s");
        Thread.sleep(250);
      }
    } finally {
      tls.keySet().forEach(System::clearProperty);
    }
  }

  /** A JKS keystore with a fresh self-signed key for 127.0.0.1; the client trusts the same file. */
  private static Path selfSignedKeystore(Path dir, String password) throws Exception {
    Path keystore = dir.resolve("server.jks");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "atlas", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "JKS",
        "-keystore", keystore.toString(), "-storepass", password, "-keypass", password)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "keytool: " + out);
    return keystore;
  }

  /** atlas.architectures with two rows: enough to read, far cheaper than running the stages. */
  private static void writeOneTable(Path warehouse) {
    AtlasConfig config = AtlasConfig.load("local", Map.of(AtlasConfig.WAREHOUSE, warehouse.toString()));
    SparkSession spark = AtlasSession.open(config, "sql-auth-fixture");
    try {
      String w = config.warehouse();
      TableDef t = Tables.Architectures.TABLE;
      spark.sql("CREATE DATABASE IF NOT EXISTS " + TableDef.DATABASE + " LOCATION '" + w + "/"
          + TableDef.DATABASE + ".db'");
      spark.sql(t.createDdl(AtlasSession.tableLocation(w, t)));
      // values in the declared column order; the stitched columns stay null
      spark.sql("INSERT INTO " + t.qualifiedName() + " VALUES "
          + "('a1', 'mbv3-tiny', '1', 'supernet', '{}', 28, 1000, 200, 'uniform', 3, DATE'2026-11-30', NULL, NULL, NULL, NULL), "
          + "('a2', 'mbv3-tiny', '1', 'supernet', '{}', 28, 2000, 300, 'uniform', 3, DATE'2026-11-30', NULL, NULL, NULL, NULL)");
    } finally {
      spark.stop();
    }
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    try {
      if (server != null) {
        server.interrupt();
        server.join(120_000);
        assertFalse(server.isAlive(), "serve-sql did not stop when interrupted");
        assertEquals(0, serverExit.get(), serverErr.toString());
      }
      assertEquals(null, System.getProperty("atlas.serve-sql.users-file"), "serve-sql restored the JVM's properties");
    } finally {
      if (capture != null) {
        capture.stop();
      }
    }
  }

  @Test
  void theRightUserAndPasswordReadRowsAndTheStatementIsLoggedWithTheUser() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(QUERY)) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "," + rs.getLong(2));
      }
    }
    assertEquals(List.of("a1,1000", "a2,2000"), rows);
    // the listener bus delivers the Thrift server's events a little later
    String expected = "user " + USER + " session ";
    long deadline = System.currentTimeMillis() + 30_000;
    while (capture.lines().stream().noneMatch(l -> l.contains(expected) && l.endsWith(": " + QUERY))) {
      assertTrue(System.currentTimeMillis() < deadline, "no log line with the user and the query:\n"
          + String.join("\n", capture.lines()));
      Thread.sleep(200);
    }
    String line = capture.lines().stream().filter(l -> l.endsWith(": " + QUERY)).findFirst().orElseThrow();
    assertTrue(line.matches("INFO QueryLog: serve-sql: \\d{4}-\\d\\d-\\d\\dT\\S+Z user alice session \\S+: .*"), line);
  }

  @Test
  void aWrongPasswordAndAnUnknownUserAreRefusedAlike() {
    SQLException wrong = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url, USER, PASSWORD + "x").close());
    SQLException unknown = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url, "mallory", PASSWORD).close());
    SQLException none = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url, USER, "").close());
    assertNotNull(wrong.getMessage());
    assertTrue(wrong.getMessage().endsWith("Peer indicated failure: Error validating the login"), wrong.getMessage());
    assertEquals(wrong.getMessage(), unknown.getMessage().replace("mallory", USER),
        "a client cannot tell a wrong password from an unknown user");
    assertEquals(wrong.getMessage(), none.getMessage());
  }

  @Test
  void thePasswordIsInNoLogLineConsoleOutputOrWarehouseFile() throws Exception {
    // a login, a refused login and a query first, so there is something to leak
    try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM atlas.architectures")) {
      assertTrue(rs.next());
    }
    assertThrows(SQLException.class, () -> DriverManager.getConnection(url, PASSWORD, PASSWORD).close());
    Thread.sleep(1000);
    assertTrue(capture.lines().size() > 5, "the capture works: " + capture.lines());
    for (String l : capture.lines()) {
      assertFalse(l.contains(PASSWORD), "a log line holds the password: " + l);
    }
    assertFalse(capture.console().contains(PASSWORD), "the console output holds the password");
    assertFalse(serverErr.toString().contains(PASSWORD));
    int files = 0;
    try (Stream<Path> all = Files.walk(warehouse)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        files++;
        // byte for byte, binary files (Derby's) included: the password is ASCII
        String bytes = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains(PASSWORD), "the password is in " + p);
      }
    }
    assertTrue(files > 3, "the warehouse was searched: " + files + " files");
  }

  @Test
  void aClientWithoutTlsGetsNoSession() {
    int before = DriverManager.getLoginTimeout();
    DriverManager.setLoginTimeout(30);
    try {
      SQLException e = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(plainUrl, USER, PASSWORD).close());
      assertTrue(e.getMessage().startsWith("Could not open client transport with JDBC Uri: " + plainUrl),
          e.getMessage());
    } finally {
      DriverManager.setLoginTimeout(before);
    }
  }

  @Test
  void serveSqlUserReadsThePasswordFromStdinAndPrintsItNowhere() throws IOException {
    Path file = Files.createTempDirectory("atlas-users").resolve("users");
    Result r = CliTest.run(PASSWORD + "\n", "serve-sql-user", "--users-file", file.toString(), "--user", "bob");
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.out());
    assertFalse(r.err().contains(PASSWORD));
    assertFalse(Files.readString(file).contains(PASSWORD));
    Result empty = CliTest.run("", "serve-sql-user", "--users-file", file.toString(), "--user", "carol");
    assertEquals(2, empty.exit());
    assertEquals("serve-sql-user: error: password for carol: none on stdin (give it as the first line)",
        empty.err().strip());
    assertEquals(2, CliTest.run(PASSWORD + "\n", "serve-sql-user", "--users-file", file.toString(),
        "--user", "b:ob").exit());
    Result help = CliTest.run("", "serve-sql-user", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("Usage: atlas serve-sql-user"), help.out());
  }

  @Test
  void aNetworkBindWithoutAUsersFileIsRefusedBeforeAnythingListens() throws IOException {
    int port = AtlasProcess.freePort();
    for (String bind : List.of("0.0.0.0", "::", "192.0.2.10")) {
      long start = System.nanoTime();
      Result r = CliTest.run("", "serve-sql", "--warehouse", warehouse.toString(), "--bind", bind,
          "--port", String.valueOf(port));
      assertEquals(2, r.exit(), bind + ": " + r.err());
      assertEquals("serve-sql: error: --bind " + bind + " is reachable from other machines: "
          + "give --users-file FILE too (atlas serve-sql-user adds users to it)", r.err().strip());
      // refused before the port probe and before Spark: seconds would mean a session was started
      assertTrue((System.nanoTime() - start) / 1e9 < 5, bind + " took " + (System.nanoTime() - start) / 1e9 + " s");
      assertFalse(AtlasProcess.listening(port), "nothing listens on " + port);
    }
  }

  @Test
  void aBadUsersFileIsRefusedNamingTheFileAndLine() throws IOException {
    Path dir = Files.createTempDirectory("atlas-users-bad");
    String hashLine = Files.readAllLines(usersFile).get(0);
    Path malformed = Files.writeString(dir.resolve("malformed"), hashLine + "\n" + "bob:" + hashLine.split(":")[4] + "\n");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Map<Path, String> expected = Map.of(
        malformed, "serve-sql: error: users file " + malformed + " line 2: expected user:PBKDF2WithHmacSHA256:"
            + "iterations:salt:hash (5 fields), found 2 fields",
        empty, "serve-sql: error: users file " + empty + ": no users in it (add one with atlas serve-sql-user "
            + "--users-file " + empty + " --user NAME)",
        dir.resolve("missing"), "serve-sql: error: users file " + dir.resolve("missing") + ": not found");
    for (Map.Entry<Path, String> e : expected.entrySet()) {
      Result r = CliTest.run("", "serve-sql", "--warehouse", warehouse.toString(), "--bind", "0.0.0.0",
          "--port", String.valueOf(AtlasProcess.freePort()), "--users-file", e.getKey().toString());
      assertEquals(2, r.exit(), r.err());
      assertEquals(e.getValue(), r.err().strip());
    }
  }
}
