package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subnetatlas.jobs.CliTest.Result;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.jobs.settings.EvaluateKeys;
import org.subnetatlas.jobs.settings.MeasureKeys;
import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.transforms.training.TrainedModels;
import org.subnetatlas.udfs.nets.DeviceUnavailableException;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.spark.SupernetTraining;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spark.atlas.device} as every network stage sees it: one setting, carried by each stage's
 * task settings, and a gpu preference on this CPU host refused by each stage's command with the
 * same line and exit 2 before anything is written, on the driver and on an executor alike.
 */
class DeviceSettingTest {

  private static final String DEVICE = CommonKeys.DEVICE.key();
  private static final LocalDate DATE = LocalDate.parse("2026-11-28");
  private static final List<String> NETWORK_STAGES = List.of("train-supernet", "train-stitches",
      "evaluate", "measure", "train-standalone", "search");
  private static String noCuda;

  @BeforeAll
  static void noGpuHere() throws Exception {
    assumeTrue(DjlRuntime.engine().getGpuCount() == 0, "the gpu cases need a host without CUDA");
    noCuda = DEVICE + "=gpu but DJL finds no CUDA device on executor "
        + InetAddress.getLocalHost().getHostName();
  }

  @AfterEach
  void clear() {
    System.clearProperty(DEVICE);
    DjlRuntime.preferDevice("auto");
  }

  @Test
  void trainingEvaluationAndMeasurementCarryTheOneConfiguredDevice() {
    assertEquals(DjlRuntime.DEVICE_SETTING, DEVICE);
    for (String device : List.of("cpu", "auto")) {
      AtlasConfig config = AtlasConfig.load("local", Map.of(DEVICE, device));
      List<String> carried = List.of(
          TrainSupernetJob.TrainStage.request(config, DATE, "r").device(),
          TrainStitchesJob.TrainStitchesStage.request(config, DATE, "r").device(),
          // evaluate, search and train-standalone carry the evaluation protocol
          EvaluateKeys.evalConfig(config).device(),
          MeasureKeys.measureSettings(config, 1).device());
      assertEquals(List.of(device, device, device, device), carried, device);
      for (String d : carried) {
        assertEquals(Device.cpu(), DjlRuntime.preferDevice(d), d);
      }
    }
  }

  @Test
  void aValueOutsideTheChoicesIsBadInputNamingTheSetting() {
    System.setProperty(DEVICE, "tpu");
    Result r = CliTest.run("", "evaluate", "--date", DATE.toString());
    assertEquals(2, r.exit(), r.err());
    assertEquals("evaluate: error: " + DEVICE + "=tpu: not one of auto, cpu, gpu", r.err().strip());
  }

  @Test
  void everyNetworkStageRefusesGpuWithTheSameLineBeforeWritingAnything(@TempDir Path tmp) {
    Path warehouse = tmp.resolve("warehouse");
    // as spark-submit --conf spark.atlas.device=gpu passes it
    System.setProperty(DEVICE, "gpu");
    for (String stage : NETWORK_STAGES) {
      Result r = CliTest.run("", stage, "--warehouse", warehouse.toString(), "--date",
          DATE.toString());
      assertEquals(2, r.exit(), stage + ": " + r.err());
      assertEquals(stage + ": error: " + noCuda, r.err().strip(), stage);
      assertFalse(Files.exists(warehouse), stage + ": the warehouse was created");
    }
  }

  /** The executor's refusal reaches the CLI through Spark's task-failure wrapping as one line. */
  @Test
  void anExecutorsRefusalSurvivesSparksWrappingAsOneLineAndExit2(@TempDir Path tmp) {
    AtlasConfig config = AtlasConfig.load("local", Map.of());
    SparkSession spark = SparkSession.builder().master("local[1]").appName("DeviceSettingTest")
        .config("spark.ui.enabled", "false").getOrCreate();
    Exception failed;
    try {
      Path ckpt = tmp.resolve("s.ckpt");
      // Scala throws SparkException, a checked exception, undeclared
      failed = assertThrows(Exception.class, () -> TrainedModels.trainInOneTask(spark,
          new SupernetTraining("mbv3-tiny", config.data(), ckpt.toUri().toString(),
              SupernetKeys.supernetConfig(config), "gpu"), SupernetTraining.RESULT_SCHEMA));
      assertFalse(Files.exists(ckpt), "no checkpoint was written");
    } finally {
      spark.stop();
    }
    assertInstanceOf(SparkException.class, failed);
    assertInstanceOf(DeviceUnavailableException.class, AtlasCli.badInput(failed));

    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Rethrows(failed));
    cl.setErr(new PrintWriter(err, true));
    assertEquals(2, AtlasCli.execute(cl));
    assertEquals("stage: error: " + noCuda, err.toString().strip());
  }

  /** A command that fails as a stage whose Spark job failed. */
  @Command(name = "stage")
  static final class Rethrows implements Callable<Integer> {
    private final Exception failure;

    Rethrows(Exception failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure;
    }
  }
}
