package org.subnetatlas.jobs.catalog;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.derby.drda.NetworkServerControl;

/**
 * The catalog server of one metastore directory: Derby's network server on 127.0.0.1, serving
 * {@code metastore_db} in that directory to every atlas process of the warehouse at once (embedded
 * Derby admits one process). Started by {@link Metastore} as a JVM of its own, it writes
 * {@code server.json} once it answers and stops by itself after {@code idleSeconds} without a
 * client session.
 *
 * <pre>java -cp &lt;atlas classes&gt;:derbynet.jar:derby.jar org.subnetatlas.jobs.catalog.MetastoreServer DIR IDLE_SECONDS</pre>
 *
 * <p>Loopback only, and clients must present the password written (owner-readable) to
 * {@code server.json}: other users of the machine cannot read or change the catalog through it.
 */
public final class MetastoreServer {

  /** The catalog's Derby user: Hive's default, so tables made by embedded Derby keep their schema. */
  static final String USER = "APP";
  public static final String DATABASE = "metastore_db";
  private static final Pattern ACTIVE = Pattern.compile("# Active Sessions\\s*:\\s*(\\d+)");
  private static final Pattern WAITING = Pattern.compile("# Waiting\\s+Sessions\\s*:\\s*(\\d+)");
  private static final long POLL_MILLIS = 1000;
  private static final int START_ATTEMPTS = 5;

  private MetastoreServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: MetastoreServer METASTORE_DIR IDLE_SECONDS");
      System.exit(2);
    }
    Path dir = Paths.get(args[0]).toAbsolutePath();
    // load now what the idle stop needs: a rebuild may rewrite the jar this JVM runs from
    ServerLock.class.getName();
    long idleMillis = Long.parseLong(args[1]) * 1000;
    ignoreTerminalSignals();
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    // the engine reads these when it boots; system-wide users: the database itself stays as it was,
    // so the same metastore_db still opens embedded
    System.setProperty("derby.system.home", dir.toString());
    System.setProperty("derby.stream.error.file", dir.resolve("derby.log").toString());
    System.setProperty("derby.connection.requireAuthentication", "true");
    System.setProperty("derby.authentication.provider", "BUILTIN");
    System.setProperty("derby.user." + USER, password);
    Listening listening = start(password);
    NetworkServerControl server = listening.server();
    int port = listening.port();
    long pid = ProcessHandle.current().pid();
    new ServerFile(port, pid, password, Instant.now().toString()).write(dir);
    log("serving " + dir.resolve(DATABASE) + " on 127.0.0.1:" + port + " (pid " + pid
        + "), stops after " + idleMillis / 1000 + " s without a client");
    serveUntilIdle(server, password, dir, pid, idleMillis);
    System.exit(0);
  }

  private record Listening(NetworkServerControl server, int port) {}

  /** Starts the server on a free loopback port; a port taken meanwhile is retried with another. */
  private static Listening start(String password) throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    Exception last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, loopback)) {
        port = probe.getLocalPort();
      }
      NetworkServerControl server = new NetworkServerControl(loopback, port, USER, password);
      server.start(new PrintWriter(System.out, true));
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline) {
        try {
          server.ping();
          return new Listening(server, port);
        } catch (Exception e) {
          last = e;
          Thread.sleep(100);
        }
      }
      try {
        server.shutdown();
      } catch (Exception ignored) {
        // it never answered: nothing to stop
      }
    }
    throw new IOException("Derby network server did not answer on 127.0.0.1 after "
        + START_ATTEMPTS + " ports", last);
  }

  /**
   * Polls the server's sessions until it should stop, then stops it. An idle server stops under the
   * server lock, engine included: a client that has just chosen it is connected before it is judged
   * idle, and no new server can boot the database before this one has let it go.
   */
  private static void serveUntilIdle(NetworkServerControl server, String password, Path dir, long pid,
      long idleMillis) throws Exception {
    long lastBusy = System.currentTimeMillis();
    while (true) {
      Thread.sleep(POLL_MILLIS);
      Optional<ServerFile> file = ServerFile.read(dir);
      if (file.isEmpty() || file.get().pid() != pid) {
        // atlas metastore stop: it holds the lock until this process has ended
        log("stopping: server.json no longer names this server");
        stop(server, password);
        return;
      }
      if (sessions(server) > 0) {
        lastBusy = System.currentTimeMillis();
        continue;
      }
      if (System.currentTimeMillis() - lastBusy < idleMillis) {
        continue;
      }
      try (ServerLock lock = ServerLock.acquire(dir, 60_000)) {
        if (sessions(server) == 0) {
          log("stopping: no client for " + idleMillis / 1000 + " s");
          ServerFile.removeIfOwnedBy(dir, pid);
          stop(server, password);
          return;
        }
      }
      lastBusy = System.currentTimeMillis();
    }
  }

  /** Client sessions now open, from the server's own runtime report. */
  static int sessions(NetworkServerControl server) throws Exception {
    String info = server.getRuntimeInfo();
    // the report counts the session that asks for it
    return Math.max(0, count(ACTIVE, info) + count(WAITING, info) - 1);
  }

  private static int count(Pattern p, String info) {
    Matcher m = p.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("unexpected Derby runtime report: " + info);
    }
    return Integer.parseInt(m.group(1));
  }

  private static void stop(NetworkServerControl server, String password) {
    try {
      server.shutdown();
    } catch (Exception e) {
      log("network server shutdown: " + e.getMessage());
    }
    try {
      // a clean engine shutdown checkpoints the database, so the next boot needs no recovery
      DriverManager.getConnection("jdbc:derby:;shutdown=true", USER, password).close();
    } catch (SQLException e) {
      if (!"XJ015".equals(e.getSQLState())) {
        log("engine shutdown: " + e.getMessage());
      }
    }
  }

  /**
   * Ctrl-C in the terminal of the atlas command that started the server, or that terminal
   * closing, must not stop a server other processes use.
   */
  @SuppressWarnings("restriction")
  private static void ignoreTerminalSignals() {
    for (String name : new String[] {"INT", "HUP"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_IGN);
      } catch (IllegalArgumentException e) {
        // no such signal on this platform
      }
    }
  }

  private static void log(String message) {
    System.out.println(Instant.now() + " atlas catalog server: " + message);
    System.out.flush();
  }
}
