package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.measurement.LatencyProtocol;
import org.subnetatlas.udfs.measurement.MeasureSettings;
import org.subnetatlas.udfs.nets.DeviceUnavailableException;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.training.StandaloneTrainer;
import org.subnetatlas.udfs.training.StitchConfig;
import org.subnetatlas.udfs.training.SupernetConfig;

/**
 * Every task function that runs networks applies the device it carries before it loads anything:
 * a gpu preference on this CPU host fails each one with the same message, and nothing is written.
 */
class DevicePreferenceTest {

  private static final MbConvSpace SPACE = (MbConvSpace) Spaces.get("mbv3-tiny");
  private static final String DATA = "../data/fashion-mnist";
  private static final RunStamp RUN = new RunStamp("run-1", Date.valueOf("2026-12-07"));
  private static final LatencyProtocol PROTOCOL = new LatencyProtocol(10, 50, 1, 1);

  @BeforeAll
  static void noGpuHere() {
    assumeTrue(DjlRuntime.engine().getGpuCount() == 0, "the gpu cases need a host without CUDA");
  }

  @AfterEach
  void backToAuto() {
    DjlRuntime.preferDevice("auto");
  }

  @Test
  void theSharedCallResolvesAndRefusesByTheSetting() {
    assertEquals(Device.cpu(), DjlRuntime.preferDevice("cpu"));
    assertEquals(Device.cpu(), DjlRuntime.device());
    assertEquals(Device.cpu(), DjlRuntime.preferDevice("auto"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> DjlRuntime.preferDevice("tpu"));
    assertEquals("spark.atlas.device=tpu: not one of auto, cpu, gpu", bad.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new EvalConfig(64, 50, 50, true, "GPU"));
  }

  @Test
  void everyTaskFunctionRefusesGpuBeforeLoadingAnything(@TempDir Path dir) throws Exception {
    Path ckpt = dir.resolve("s.ckpt");
    String uri = ckpt.toUri().toString();
    EvalConfig onGpu = EvalConfig.defaults().withDevice("gpu");
    String encoding = SPACE.canonical(SPACE.sample(new SplittableRandom(1)));
    Row arch = RowBuilder.of(new StructType().add(Architectures.ARCH_ID, StringType, false)
            .add(Architectures.ENCODING, StringType, false).add("seed", LongType, false))
        .set(Architectures.ARCH_ID, "a").set(Architectures.ENCODING, encoding).set("seed", 1L)
        .build();
    Row measured = RowBuilder.of(new StructType()
            .add(SubnetMeasurement.CHECKPOINT_URI, StringType, false))
        .set(SubnetMeasurement.CHECKPOINT_URI, uri).build();
    MeasureSettings measure = new MeasureSettings(PROTOCOL, 8, "estimated", 15, "gpu", 1, 0.05);
    String expected = "spark.atlas.device=gpu but DJL finds no CUDA device on executor "
        + InetAddress.getLocalHost().getHostName();

    List<Executable> tasks = List.of(
        () -> new SupernetTraining(SPACE.name(), DATA, uri, SupernetConfig.defaults(), "gpu")
            .call(List.of(0L).iterator()),
        () -> new StitchTraining("vit-tiny-family", DATA, uri, StitchConfig.defaults(), false, 10,
            1, "gpu").call(List.of(0L).iterator()),
        () -> new SubnetEvaluation(SPACE.name(), uri, DATA, "sn-1", onGpu, 1, RUN, null)
            .call(List.of(arch).iterator()),
        () -> new StandaloneTraining(SPACE.name(), DATA,
            new StandaloneTrainer.Recipe(SupernetConfig.defaults(), 1, 0.1, onGpu), null)
            .call(List.of(arch).iterator()),
        () -> new SubnetMeasurement(SPACE.name(), measure, RUN, null).call(List.of(arch).iterator()),
        () -> new LatencyLutBuild(SPACE.name(), PROTOCOL, "gpu", RUN)
            .call(List.of(measured).iterator()),
        () -> EvaluateUdf.function(dir.toString(), DATA, "gpu").call(SPACE.name(), encoding));
    for (int i = 0; i < tasks.size(); i++) {
      DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, tasks.get(i),
          "task " + i);
      assertEquals(expected, e.getMessage(), "task " + i);
    }
    assertFalse(Files.exists(ckpt), "no checkpoint was written");
    assertEquals(List.of(), List.of(dir.toFile().list()), "nothing was written");
  }
}
