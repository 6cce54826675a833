package org.subnetatlas.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Runs stages with their audit rows, Spark job groups and one summary line each. */
final class Stages {

  private static final Logger LOG = LoggerFactory.getLogger("org.subnetatlas.stage");

  /** Delta's commit user metadata: the writing stage's name, in every table's history. */
  static final String COMMIT_STAGE_KEY = "spark.databricks.delta.commitInfo.userMetadata";

  /** Where the nightly order is written down, one stage name per line, {@code #} comments. */
  static final String NIGHTLY_RESOURCE = "nightly-stages.txt";

  /** The nightly build, in order: the stage commands named in {@link #NIGHTLY_RESOURCE}. */
  static List<Stage> nightly() {
    Map<String, Stage> byName = new TreeMap<>();
    for (CommandLine sub : new CommandLine(new AtlasCli()).getSubcommands().values()) {
      if (sub.getCommand() instanceof StageCommand command) {
        byName.put(sub.getCommandName(), command.stage());
      }
    }
    List<Stage> stages = new ArrayList<>();
    for (String name : nightlyNames()) {
      Stage stage = byName.get(name);
      if (stage == null || !stage.name().equals(name)) {
        throw new IllegalStateException(NIGHTLY_RESOURCE + ": no stage command " + name);
      }
      stages.add(stage);
    }
    return stages;
  }

  /** The stage names of the nightly build, in order. */
  static List<String> nightlyNames() {
    try (InputStream in = Stages.class.getResourceAsStream(NIGHTLY_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(NIGHTLY_RESOURCE + " missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Stages() {}

  static void execute(SparkSession spark, AtlasConfig config, Stage stage, LocalDate buildDate) {
    Map<String, Object> args = new TreeMap<>(config.all());
    args.put("build_date", buildDate.toString());
    RunRecorder run = new RunRecorder(stage.name(), args, config, buildDate);
    // label the work so the Spark UI and event logs read like the pipeline
    spark.sparkContext().setJobGroup(stage.name(), "atlas " + stage.name() + " " + buildDate, false);
    // every Delta commit names its stage, so DESCRIBE HISTORY shows which stage wrote what
    spark.conf().set(COMMIT_STAGE_KEY, stage.name());
    LOG.info("{}: started for {} (run {})", stage.name(), buildDate, run.runId());
    try {
      stage.run(spark, config, buildDate, run);
      run.finish(spark, true, null);
      LOG.info("{}: done in {} s, {}", stage.name(), String.format("%.1f", run.elapsedSeconds()),
          run.counts());
    } catch (RuntimeException | Error e) {
      run.finish(spark, false, e.getClass().getSimpleName() + ": " + e.getMessage());
      throw e;
    } finally {
      spark.conf().unset(COMMIT_STAGE_KEY);
      spark.sparkContext().clearJobGroup();
    }
  }
}
