package org.subnetatlas.jobs;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs stages with their audit rows, Spark job groups and one summary line each. */
final class Stages {

  private static final Logger LOG = LoggerFactory.getLogger("org.subnetatlas.stage");

  /** The nightly build, in order. Each new stage joins here, and so joins demo and nightly. */
  static List<Stage> nightly() {
    return List.of(new SampleJob.SampleStage(), new TrainSupernetJob.TrainStage(),
        new TrainStitchesJob.TrainStitchesStage(), new EvaluateJob.EvaluateStage(),
        new MeasureJob.MeasureStage(), new ValidateJob.ValidateStage(),
        new TrainPredictorJob.TrainPredictorStage(), new SearchJob.SearchStage(),
        new ReleaseJob.ReleaseStage());
  }

  private Stages() {}

  static void execute(SparkSession spark, AtlasConfig config, Stage stage, LocalDate buildDate) {
    Map<String, Object> args = new TreeMap<>(config.all());
    args.put("build_date", buildDate.toString());
    RunRecorder run = new RunRecorder(stage.name(), args, config, buildDate);
    // label the work so the Spark UI and event logs read like the pipeline
    spark.sparkContext().setJobGroup(stage.name(), "atlas " + stage.name() + " " + buildDate, false);
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
      spark.sparkContext().clearJobGroup();
    }
  }
}
