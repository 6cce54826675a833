package org.subnetatlas.jobs;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.CliTest.Result;

/**
 * The driver killed (SIGKILL) in the middle of a write: data files are on disk but the commit is
 * not, so every table is still at its last committed version with its old rows, and a rerun
 * writes the right rows once.
 */
@Tag("slow")
class DriverKillTest {

  private static final String DATE = "2026-11-27";
  private static final String COUNT = "3000";

  @Test
  void aDriverKilledMidWriteLeavesEveryTableAtItsLastCommitAndARerunCompletes() throws Exception {
    Path warehouse = Files.createTempDirectory("atlas-driver-kill");
    Path log = warehouse.resolveSibling(warehouse.getFileName() + ".driver.log");
    Path table = warehouse.resolve("atlas.db/architectures");

    Process driver = new ProcessBuilder(driverCommand("sample", "--warehouse", warehouse.toString(),
        "--date", DATE, "--count", COUNT, "--seed", "11"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean killedMidWrite = false;
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
      while (driver.isAlive() && System.nanoTime() < deadline) {
        // a data file of the first MERGE is written before its commit: that is mid-write
        if (dataFiles(table) > 0 && BadInputTest.versions(warehouse).get("architectures") == 0L) {
          driver.destroyForcibly();  // SIGKILL: no shutdown hook, no cleanup
          killedMidWrite = true;
          break;
        }
        Thread.sleep(5);
      }
    } finally {
      driver.destroyForcibly();
      driver.waitFor(1, TimeUnit.MINUTES);
    }
    assertTrue(killedMidWrite, "the driver was killed after data files appeared and before their "
        + "commit; driver log: " + log);

    Map<String, Long> versions = BadInputTest.versions(warehouse);
    assertEquals(0L, versions.get("architectures"), "architectures still at its creation commit");
    assertTrue(dataFiles(table) > 0, "uncommitted data files stay on disk, invisible to readers");
    assertEquals(List.of("n", "0"), count("atlas.architectures", warehouse));
    assertEquals(List.of("n", "0"), count("atlas.samples", warehouse));

    for (int run = 1; run <= 2; run++) {
      Result rerun = CliTest.run("", "sample", "--warehouse", warehouse.toString(), "--date", DATE,
          "--count", COUNT, "--seed", "11");
      assertEquals(0, rerun.exit(), "rerun " + run + ": " + rerun.err());
      List<String> arch = count("atlas.architectures", warehouse);
      List<String> samples = count("atlas.samples", warehouse);
      List<String> distinct = CliTest.run("", "sql", "--warehouse", warehouse.toString(), "--format",
          "csv", "SELECT count(DISTINCT arch_id) AS n FROM atlas.architectures").out().lines().toList();
      assertEquals(distinct, arch, "rerun " + run + ": every architecture once");
      assertEquals(arch, samples, "rerun " + run + ": one sample row per architecture");
      assertTrue(Long.parseLong(arch.get(1)) > 1000, "rerun " + run + ": " + arch);
    }
  }

  private static List<String> count(String table, Path warehouse) {
    Result r = CliTest.run("", "sql", "--warehouse", warehouse.toString(), "--format", "csv",
        "SELECT count(*) AS n FROM " + table);
    assertEquals(0, r.exit(), r.err());
    return r.out().lines().toList();
  }

  private static long dataFiles(Path table) throws IOException {
    if (!Files.isDirectory(table)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  /** This JVM's java, module openings and classpath, running the CLI like the launcher does. */
  private static List<String> driverCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-D") || a.startsWith("-XX:+Ignore")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx2g");
    cmd.addAll(AtlasProcess.inheritedSettings());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(AtlasCli.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }
}
