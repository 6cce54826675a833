package org.subnetatlas.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.jobs.sql.SqlAuthentication;
import org.subnetatlas.jobs.sql.SqlGuard;
import org.subnetatlas.jobs.sql.SqlPolicy;
import org.subnetatlas.transforms.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code atlas serve-sql}: the Spark Thrift server (HiveServer2 protocol, JDBC/ODBC) over the atlas
 * catalog, so beeline, DBeaver or any Hive JDBC client can query the tables. It shares the catalog
 * with other atlas commands through the warehouse's catalog server, so stages may run meanwhile.
 */
@Command(name = "serve-sql", mixinStandardHelpOptions = true,
    description = {"Serve the atlas tables over JDBC (Spark Thrift server, HiveServer2 protocol).",
        "Prints the JDBC URL on stderr and runs until interrupted (Ctrl-C).",
        "Other atlas commands may use the warehouse meanwhile (the catalog server is shared).",
        "Logins are checked against --users-file (see serve-sql-user); without one it serves this machine only.",
        "Each statement is logged at INFO with its user."})
final class ServeSqlCommand extends AtlasCommand {

  private static final Logger LOG = LoggerFactory.getLogger(ServeSqlCommand.class);
  private static final long READY_TIMEOUT_MS = 60_000;

  @Option(names = "--port", defaultValue = "10000",
      description = "TCP port of the JDBC endpoint. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only); "
          + "any other address (0.0.0.0, a LAN address, ::) needs --users-file.")
  String bind;

  @Option(names = "--users-file", paramLabel = "FILE",
      description = "Require a user name and password, checked against FILE "
          + "(atlas serve-sql-user --users-file FILE --user NAME adds one).")
  Path usersFile;

  @Option(names = "--max-seconds", paramLabel = "N", defaultValue = "0",
      description = "Stop by itself after N seconds (0: run until interrupted). Default: ${DEFAULT-VALUE}.")
  long maxSeconds;

  // read-only by default, atlas_evaluate off: see SqlGuard
  @Mixin
  SqlWriteOption writes = new SqlWriteOption();

  @Mixin
  SqlEvaluateOptions evaluate = new SqlEvaluateOptions();

  @Override
  public Integer call() throws InterruptedException {
    if (port < 1 || port > 65535) {
      throw new BadInputException("--port " + port + ": must be between 1 and 65535");
    }
    if (maxSeconds < 0) {
      throw new BadInputException("--max-seconds " + maxSeconds + ": must be 0 or more");
    }
    SqlPolicy policy = evaluate.policy(writes);
    InetAddress address = address(bind);
    // before the port probe, so a refused bind never listens, not even for a moment
    SqlAuthentication auth = SqlAuthentication.check(bind, address, usersFile);
    requireFree(address, port);
    requireThriftServer();
    // Delta 3.3 answers min/max from table statistics with java.sql.Date values, while the Thrift
    // server's sessions use java.time values: plan such aggregates from the data instead
    // the server reads its settings from the context's Hadoop configuration, fixed when the session
    // starts: session-level settings made afterwards do not reach it
    Map<String, String> settings = new HashMap<>(auth.settings());
    settings.putAll(Map.of("spark.databricks.delta.optimizeMetadataQuery.enabled", "false",
        "spark.hadoop.hive.server2.thrift.port", String.valueOf(port),
        "spark.hadoop.hive.server2.thrift.bind.host", bind,
        "spark.hadoop.hive.server2.transport.mode", "binary",
        "spark.hadoop.hive.server2.logging.operation.enabled", "false"));
    AtlasConfig config = config(settings);
    SparkSession spark = AtlasSession.openForAnalysts(config, "atlas serve-sql", policy);
    HiveThriftServer2 server = null;
    try {
      spark.conf().set("hive.server2.thrift.port", String.valueOf(port));
      spark.conf().set("hive.server2.thrift.bind.host", bind);
      spark.conf().set("hive.server2.transport.mode", "binary");
      // per-query logs under /tmp are for HiveServer2 debugging, not for analysts
      spark.conf().set("hive.server2.logging.operation.enabled", "false");
      auth.start(spark);
      server = HiveThriftServer2.startWithContext(spark.sqlContext());
      awaitListening(address, port);
      String url = "jdbc:hive2://" + hostForUrl(bind) + ":" + port + "/default";
      PrintWriter err = spec.commandLine().getErr();
      err.println("serve-sql: JDBC endpoint ready at " + url + " (warehouse " + config.warehouse() + ")"
          + (maxSeconds > 0 ? "; stops after " + maxSeconds + " s" : "; Ctrl-C stops it"));
      err.flush();
      CountDownLatch never = new CountDownLatch(1);
      if (maxSeconds > 0) {
        never.await(maxSeconds, TimeUnit.SECONDS);
      } else {
        never.await();
      }
      LOG.info("serve-sql: stopping after {} s", maxSeconds);
      return 0;
    } catch (InterruptedException e) {
      // interruption is this command's normal stop; the flag stays clear so the shutdown below completes
      LOG.info("serve-sql: interrupted, stopping");
      return 0;
    } finally {
      if (server != null) {
        server.stop();
      }
      auth.close();
      spark.stop();
    }
  }

  private static InetAddress address(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new BadInputException("--bind " + host + ": unknown host");
    }
  }

  /** The Thrift server binds in a background thread; a busy port is better said up front. */
  private static void requireFree(InetAddress address, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new BadInputException("--port " + port + ": cannot listen on " + address.getHostAddress()
          + ":" + port + " (" + e.getMessage() + "; is another server running?)");
    }
  }

  /** Spark distributions built without {@code -Phive-thriftserver} lack the server. */
  private static void requireThriftServer() {
    try {
      Class.forName("org.apache.spark.sql.hive.thriftserver.HiveThriftServer2");
    } catch (ClassNotFoundException | LinkageError e) {
      throw new BadInputException("serve-sql needs spark-hive-thriftserver_2.12 on the classpath "
          + "(Spark distributions with the Thrift server have it; ./atlas puts it there)");
    }
  }

  private static void awaitListening(InetAddress address, int port) throws InterruptedException {
    InetAddress target = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(target, port), 1000);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the Thrift server did not listen on " + target.getHostAddress()
              + ":" + port + " within " + READY_TIMEOUT_MS / 1000 + " s", e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static String hostForUrl(String bind) {
    return "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
  }
}
