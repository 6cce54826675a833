package org.subnetatlas.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.subnetatlas.jobs.settings.CommonKeys;

/**
 * The atlas CLI in a JVM of its own, with the test JVM's classpath and module flags: for runs that
 * need their own environment (credentials) or their own process (the metastore rule).
 */
final class AtlasProcess {

  /** Exit code, stdout and stderr of one finished process, and how long it ran. */
  record Result(int exit, String out, String err, double seconds) {}

  private AtlasProcess() {}

  /** Runs {@code java … AtlasCli args} and waits at most {@code timeoutSeconds}. */
  static Result run(Map<String, String> env, List<String> systemProperties, long timeoutSeconds,
      Path logDir, String... args) throws IOException, InterruptedException {
    return await(start(env, systemProperties, logDir, args), logDir, timeoutSeconds);
  }

  static Process start(Map<String, String> env, List<String> systemProperties, Path logDir,
      String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // the test JVM's module openings and DJL/log settings; its own heap size is not for us
      if (!a.startsWith("-Xmx") && !a.startsWith("-javaagent") && !a.startsWith("-agentlib")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx2g");
    cmd.addAll(inheritedSettings());
    cmd.addAll(systemProperties);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(AtlasCli.class.getName());
    cmd.addAll(List.of(args));
    Files.createDirectories(logDir);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(logDir.resolve("stdout.txt").toFile())
        .redirectError(logDir.resolve("stderr.txt").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /**
   * The test JVM's catalog mode (set by surefire, not on its command line), so a child process
   * opens the catalog as the test JVM does; a test's own system properties come after and win.
   */
  static List<String> inheritedSettings() {
    String key = CommonKeys.METASTORE_MODE.key();
    String mode = System.getProperty(key);
    return mode == null ? List.of() : List.of("-D" + key + "=" + mode);
  }

  static Result await(Process p, Path logDir, long timeoutSeconds)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String out = Files.readString(logDir.resolve("stdout.txt"), StandardCharsets.UTF_8);
    String err = Files.readString(logDir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    if (!done) {
      throw new AssertionError("atlas did not finish within " + timeoutSeconds + " s; stderr:\n" + err);
    }
    return new Result(p.exitValue(), out, err, seconds);
  }

  /** A TCP port free on the loopback interface right now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** True when something accepts connections on 127.0.0.1:{@code port}. */
  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
