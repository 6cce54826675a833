package org.subnetatlas.udfs.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What machine a record was produced on: CPU model, cores, memory, GPU, OS, Java and engine
 * versions. The id is a hash of those fields, so the same machine and software give the same id
 * in every run and on every executor of an identical node.
 */
public record DeviceFingerprint(
    String hostClass,
    String cpuModel,
    int cpuCores,
    long memoryBytes,
    String gpuName,
    String os,
    String javaVersion,
    String engine,
    String engineVersion,
    String nativeVersion) {

  private static volatile DeviceFingerprint local;

  /** This JVM's machine, computed once. */
  public static DeviceFingerprint local() {
    DeviceFingerprint d = local;
    if (d == null) {
      synchronized (DeviceFingerprint.class) {
        if (local == null) {
          local = probe();
        }
        d = local;
      }
    }
    return d;
  }

  /** First 16 hex digits of the sha-256 of every field. */
  public String deviceId() {
    String text = String.join("\n", hostClass, cpuModel, Integer.toString(cpuCores),
        Long.toString(memoryBytes), String.valueOf(gpuName), os, javaVersion, engine,
        engineVersion, nativeVersion);
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DeviceFingerprint probe() {
    ai.djl.engine.Engine engine = org.subnetatlas.udfs.nets.DjlRuntime.engine();
    String gpu = engine.getGpuCount() > 0
        ? readGpuName().or(DeviceFingerprint::queryGpuName).orElse("cuda") : null;
    return new DeviceFingerprint(
        gpu == null ? "cpu" : "gpu",
        readCpuModel(),
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        gpu,
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vm.vendor") + " " + System.getProperty("java.version"),
        engine.getEngineName(),
        ai.djl.engine.Engine.getDjlVersion(),
        engine.getVersion());
  }

  private static String readCpuModel() {
    return lines(Paths.get("/proc/cpuinfo")).stream()
        .filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst()
        .orElse(System.getProperty("os.arch"));
  }

  private static long memTotal() {
    return lines(Paths.get("/proc/meminfo")).stream()
        .filter(l -> l.startsWith("MemTotal:"))
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024L)
        .findFirst()
        .orElse(Runtime.getRuntime().maxMemory());
  }

  /** NVIDIA GPU model from the driver's proc files, when a driver is loaded. */
  private static Optional<String> readGpuName() {
    Path gpus = Paths.get("/proc/driver/nvidia/gpus");
    if (!Files.isDirectory(gpus)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(gpus)) {
      return dirs.sorted()
          .flatMap(d -> lines(d.resolve("information")).stream())
          .filter(l -> l.startsWith("Model:"))
          .map(l -> l.substring("Model:".length()).trim())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** GPU model from {@code nvidia-smi} when the driver's proc files are not visible (containers). */
  private static Optional<String> queryGpuName() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
