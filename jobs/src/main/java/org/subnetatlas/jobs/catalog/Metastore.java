package org.subnetatlas.jobs.catalog;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.derby.drda.NetworkServerControl;
import org.apache.derby.jdbc.ClientDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the catalog server: finds the live server of a metastore directory or starts
 * one ({@link MetastoreServer}, a detached JVM), and holds one connection to it (a lease) while a
 * session uses it, so the server does not stop under a long stage that seldom touches the catalog.
 */
public final class Metastore {

  private static final Logger LOG = LoggerFactory.getLogger(Metastore.class);
  static final String LOG_FILE = "derby-server.log";
  private static final long LOCK_TIMEOUT_MILLIS = 120_000;
  private static final long START_TIMEOUT_MILLIS = 90_000;
  private static final long STOP_TIMEOUT_MILLIS = 60_000;
  private static final Map<Path, Connection> LEASES = new HashMap<>();

  private Metastore() {}

  /** Where a live server listens and the password of the catalog user. */
  public record Endpoint(int port, String password) {

    public String url() {
      return "jdbc:derby://127.0.0.1:" + port + "/" + MetastoreServer.DATABASE + ";create=true";
    }

    public String user() {
      return MetastoreServer.USER;
    }

    @Override
    public String toString() {
      return "Endpoint[" + url() + "]";
    }
  }

  /**
   * The live server of {@code dir}, started when there is none, with a lease taken; waits (bounded)
   * for a server another process is starting.
   *
   * @throws IllegalStateException when no server answers, or the database is open in a process that
   *     runs it embedded
   */
  public static Endpoint serve(Path dir, int idleSeconds) {
    return connect(dir, idleSeconds).orElseThrow();
  }

  /** The live server of {@code dir} with a lease taken, or empty when none runs; starts none. */
  public static Optional<Endpoint> live(Path dir) {
    return connect(dir, -1);
  }

  private static Optional<Endpoint> connect(Path dir, int idleSecondsToStart) {
    Path abs = dir.toAbsolutePath();
    try (ServerLock lock = ServerLock.acquire(abs, LOCK_TIMEOUT_MILLIS)) {
      Optional<ServerFile> running = answering(abs);
      if (running.isEmpty()) {
        if (idleSecondsToStart < 0) {
          return Optional.empty();
        }
        running = Optional.of(start(abs, idleSecondsToStart));
      }
      Endpoint endpoint = new Endpoint(running.get().port(), running.get().password());
      lease(abs, endpoint);
      return Optional.of(endpoint);
    } catch (IOException e) {
      throw new IllegalStateException("catalog server for " + abs + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to the catalog server of " + abs, e);
    }
  }

  /** Lets the server of {@code dir} go idle: the session that used it has ended. */
  public static void release(Path dir) {
    Connection c;
    synchronized (LEASES) {
      c = LEASES.remove(dir.toAbsolutePath());
    }
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.debug("closing the catalog lease of {}: {}", dir, e.getMessage());
      }
    }
  }

  /** What {@code server.json} says, when the server it names answers. */
  public static Optional<ServerFile> status(Path dir) {
    return answering(dir.toAbsolutePath());
  }

  /** Open client sessions of a live server (the caller's own lease included). */
  public static int sessions(ServerFile server) throws Exception {
    return MetastoreServer.sessions(control(server.port(), server.password()));
  }

  /**
   * Stops the server of {@code dir} and waits until its process has ended; holds the server lock
   * meanwhile, so no process starts another one on a database still open.
   *
   * @return the stopped server, or empty when none was running
   */
  public static Optional<ServerFile> stop(Path dir) throws IOException, InterruptedException {
    Path abs = dir.toAbsolutePath();
    try (ServerLock lock = ServerLock.acquire(abs, LOCK_TIMEOUT_MILLIS)) {
      Optional<ServerFile> file = ServerFile.read(abs);
      if (file.isEmpty()) {
        return Optional.empty();
      }
      Files.deleteIfExists(abs.resolve(ServerFile.NAME));
      Optional<ProcessHandle> process = ProcessHandle.of(file.get().pid());
      if (process.isEmpty() || !process.get().isAlive()) {
        return Optional.empty();  // a file left by a server that was killed
      }
      long deadline = System.currentTimeMillis() + STOP_TIMEOUT_MILLIS;
      while (process.isPresent() && process.get().isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      if (process.isPresent() && process.get().isAlive()) {
        throw new IOException("catalog server pid " + file.get().pid() + " still runs "
            + STOP_TIMEOUT_MILLIS / 1000 + " s after it was asked to stop; see " + abs.resolve(LOG_FILE));
      }
      return file;
    }
  }

  private static Optional<ServerFile> answering(Path dir) {
    Optional<ServerFile> file = ServerFile.read(dir);
    if (file.isPresent()) {
      try {
        control(file.get().port(), file.get().password()).ping();
        return file;
      } catch (Exception e) {
        LOG.debug("catalog server {} does not answer: {}", file.get(), e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static NetworkServerControl control(int port, String password) throws Exception {
    return new NetworkServerControl(InetAddress.getByName("127.0.0.1"), port, MetastoreServer.USER,
        password);
  }

  /** Starts a server JVM for {@code dir} and waits until it answers; the caller holds the lock. */
  private static ServerFile start(Path dir, int idleSeconds) throws IOException, InterruptedException {
    long stale = ServerFile.read(dir).map(ServerFile::pid).orElse(-1L);
    Path log = dir.resolve(LOG_FILE);
    List<String> cmd = new ArrayList<>();
    setsid().ifPresent(cmd::add);
    cmd.addAll(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", serverClasspath(),
        MetastoreServer.class.getName(), dir.toString(), Integer.toString(idleSeconds)));
    long started = System.currentTimeMillis();
    Process p = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    p.getOutputStream().close();
    long deadline = started + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      Optional<ServerFile> file = ServerFile.read(dir);
      if (file.isPresent() && file.get().pid() != stale) {
        Optional<ServerFile> up = answering(dir);
        if (up.isPresent()) {
          LOG.info("catalog server started for {} on 127.0.0.1:{} (pid {}) in {} ms", dir,
              up.get().port(), up.get().pid(), System.currentTimeMillis() - started);
          return up.get();
        }
      }
      // setsid may fork and exit 0 at once; a non-zero exit is the server failing
      if (!p.isAlive() && p.exitValue() != 0) {
        throw new IOException("the catalog server exited with code " + p.exitValue() + "; "
            + tail(log));
      }
      Thread.sleep(50);
    }
    p.destroy();
    throw new IOException("the catalog server did not answer within " + START_TIMEOUT_MILLIS / 1000
        + " s; " + tail(log));
  }

  /** A lease connection; also the first check that the database opens through the server. */
  private static void lease(Path dir, Endpoint endpoint) {
    synchronized (LEASES) {
      Connection old = LEASES.get(dir);
      try {
        if (old != null && old.isValid(5)) {
          return;
        }
      } catch (SQLException e) {
        // a dead lease is replaced below
      }
      Properties props = new Properties();
      props.setProperty("user", endpoint.user());
      props.setProperty("password", endpoint.password());
      try {
        LEASES.put(dir, new ClientDriver().connect(endpoint.url(), props));
      } catch (SQLException e) {
        String message = String.valueOf(e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
          message = String.valueOf(c.getMessage());
        }
        if (message.contains("Another instance of Derby")) {
          throw new IllegalStateException("the catalog " + dir.resolve(MetastoreServer.DATABASE)
              + " is open in another process that runs it embedded "
              + "(spark.atlas.metastore.mode=embedded); let it finish, then retry");
        }
        throw new IllegalStateException("catalog server " + endpoint + " refused a connection: "
            + message + "; see " + dir.resolve(LOG_FILE));
      }
    }
  }

  /** This JVM's classes, Derby's network server and engine, Jackson: all the server JVM needs. */
  static String serverClasspath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c : List.of(MetastoreServer.class, NetworkServerControl.class,
        org.apache.derby.jdbc.EmbeddedDriver.class, com.fasterxml.jackson.databind.ObjectMapper.class,
        com.fasterxml.jackson.core.JsonFactory.class,
        com.fasterxml.jackson.annotation.JsonProperty.class)) {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return System.getProperty("java.class.path");
      }
      try {
        entries.add(Paths.get(source.getLocation().toURI()).toString());
      } catch (URISyntaxException | IllegalArgumentException e) {
        return System.getProperty("java.class.path");
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** {@code setsid}: the server leaves the terminal's session, so the terminal closing spares it. */
  private static Optional<String> setsid() {
    for (String d : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Paths.get(d))) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "last lines of " + log + ":\n" + String.join("\n",
          lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "see " + log;
    }
  }
}
