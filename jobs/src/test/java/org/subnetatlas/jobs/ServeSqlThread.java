package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/**
 * {@code atlas serve-sql} in a thread of the test JVM (the embedded metastore admits one process,
 * so it runs after any {@code atlas sql} run on the same warehouse), and JDBC connections to it.
 */
final class ServeSqlThread {

  private final Thread thread;
  private final AtomicInteger exit = new AtomicInteger(-1);
  private final StringWriter err = new StringWriter();
  private final String url;

  private ServeSqlThread(Path warehouse, int port, String... options) {
    url = "jdbc:hive2://127.0.0.1:" + port + "/default";
    List<String> args = new ArrayList<>(List.of("serve-sql", "--warehouse", warehouse.toString(),
        "--port", String.valueOf(port), "--max-seconds", "600"));
    args.addAll(List.of(options));
    thread = new Thread(() -> {
      CommandLine cl = new CommandLine(new AtlasCli());
      cl.setErr(new PrintWriter(err, true));
      exit.set(AtlasCli.execute(cl, args.toArray(String[]::new)));
    }, "atlas-serve-sql");
  }

  /** Starts the server with {@code options} added and waits until it listens. */
  static ServeSqlThread start(Path warehouse, String... options) throws IOException, InterruptedException {
    int port = AtlasProcess.freePort();
    ServeSqlThread s = new ServeSqlThread(warehouse, port, options);
    s.thread.start();
    long deadline = System.currentTimeMillis() + 180_000;
    while (!AtlasProcess.listening(port)) {
      assertTrue(s.thread.isAlive(), "serve-sql ended early: " + s.err);
      assertTrue(System.currentTimeMillis() < deadline, "serve-sql did not listen within 180 s");
      Thread.sleep(250);
    }
    return s;
  }

  String url() {
    return url;
  }

  /** What the server wrote on stderr so far. */
  String err() {
    return err.toString();
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, System.getProperty("user.name"), "");
  }

  /** Interrupts the server, its normal stop, and checks that it stopped with exit code 0. */
  void stop() throws InterruptedException {
    thread.interrupt();
    thread.join(120_000);
    assertFalse(thread.isAlive(), "serve-sql did not stop when interrupted");
    assertEquals(0, exit.get(), err.toString());
  }
}
