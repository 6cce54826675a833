package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.derby.jdbc.ClientDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.CliTest.Result;
import org.subnetatlas.jobs.catalog.Metastore;
import org.subnetatlas.jobs.catalog.ServerFile;

/**
 * The catalog server without Spark: started on first use, answering on loopback only to the
 * password in its owner-only file, seen and stopped by {@code atlas metastore}, and stopping by
 * itself once its last client has gone. The two-processes case is {@link CatalogConcurrencyTest}.
 */
class MetastoreServerTest {

  private Path warehouse;
  private Path dir;

  @AfterEach
  void stopWhatWasStarted() throws Exception {
    if (dir != null) {
      Metastore.release(dir);
      Metastore.stop(dir);
    }
  }

  @Test
  void aServerAnswersOnLoopbackOnlyIsStoppedOnRequestAndStopsByItselfWhenIdle() throws Exception {
    warehouse = Files.createTempDirectory("atlas-metastore-server");
    dir = Files.createDirectories(warehouse.resolve("_metastore"));
    Metastore.Endpoint endpoint = Metastore.serve(dir, 2);
    ServerFile first = ServerFile.read(dir).orElseThrow();
    assertEquals(endpoint.port(), first.port());
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("server.json"))), "only the owner reads the password");
    assertEquals(endpoint, Metastore.live(dir).orElseThrow(), "a second user finds the same server");
    for (InetAddress a : otherAddresses()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(a, first.port()), 500);
        throw new AssertionError("the catalog server accepted a connection on " + a);
      } catch (IOException expected) {
        // refused: it listens on 127.0.0.1 alone
      }
    }
    assertThrows(SQLException.class, () -> connect(endpoint, "not-the-password").close());

    Result status = CliTest.run("", "metastore", "status", "--warehouse", warehouse.toString());
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("pid " + first.pid() + ",") && status.out().contains(" 1 client sessions"),
        "this JVM's lease is the one client: " + status.out());
    Result refused = CliTest.run("", "metastore", "stop", "--warehouse", warehouse.toString());
    assertEquals(2, refused.exit(), "stop refuses while a client is connected: " + refused.out());
    assertTrue(refused.err().contains("--force"), refused.err());
    Result stop = CliTest.run("", "metastore", "stop", "--force", "--warehouse", warehouse.toString());
    assertEquals(0, stop.exit(), stop.err());
    assertTrue(stop.out().contains("stopped the catalog server for " + dir + " (pid " + first.pid() + ")"),
        stop.out());
    assertFalse(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false), "stop waits for its end");
    Metastore.release(dir);  // the lease on the stopped server

    Metastore.Endpoint again = Metastore.serve(dir, 2);
    ServerFile second = ServerFile.read(dir).orElseThrow();
    assertTrue(second.pid() != first.pid(), "the next user started a new server");
    try (Connection c = connect(again, again.password())) {
      assertTrue(c.isValid(5), "the database opens again once the old server has let it go");
    }
    Metastore.release(dir);
    ProcessHandle process = ProcessHandle.of(second.pid()).orElseThrow();
    process.onExit().get(30, TimeUnit.SECONDS);
    assertFalse(Files.exists(dir.resolve("server.json")), "an idle server removes its file");
    assertTrue(Files.readString(dir.resolve("derby-server.log")).contains("stopping: no client for 2 s"));
    Result none = CliTest.run("", "metastore", "status", "--warehouse", warehouse.toString());
    assertEquals(3, none.exit(), none.out());
    assertTrue(Metastore.live(dir).isEmpty());
  }

  private static Connection connect(Metastore.Endpoint endpoint, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", endpoint.user());
    props.setProperty("password", password);
    return new ClientDriver().connect(endpoint.url(), props);
  }

  /** This machine's addresses other than loopback: where the server must not answer. */
  private static List<InetAddress> otherAddresses() throws IOException {
    return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .toList();
  }
}
