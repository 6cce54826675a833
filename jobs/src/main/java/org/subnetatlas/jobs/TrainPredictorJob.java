package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.PredictorKeys.*;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.transforms.prediction.PredictorTraining;
import org.subnetatlas.transforms.prediction.TrainingData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas train-predictor}: zero-cost proxies for the date's measured sub-networks (into
 * {@code atlas.arch_features}, only those missing), then regressors (MLlib gradient-boosted trees,
 * random forest, linear; an ensemble of MLPs trained with DJL) for top-1, and for
 * {@code latency_p50_ms} when the date has latency, on two feature sets (encoding; encoding +
 * proxies). Each is scored on the fixed held-out split and MERGEd into {@code atlas.predictors}
 * with its model folder and the Delta versions it read ({@link PredictorTraining}).
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.AtlasCli atlas-jobs-shaded.jar train-predictor --date 2026-11-30</pre>
 */
@Command(name = "train-predictor", mixinStandardHelpOptions = true,
    description = "Train top-1 (and latency) predictors on the date's measurements into atlas.predictors.")
public final class TrainPredictorJob extends StageCommand {

  @Option(names = "--space", description = "Search space. Default: mbv3-tiny.")
  String space;

  @Option(names = "--max-train-records", description = "Cap on training records (held-out rows are never used). Default: 1000.")
  Integer maxRecords;

  @Option(names = "--models", description = "Comma-separated: gbt, random_forest, linear, mlp. Default: all four.")
  String models;

  @Option(names = "--held-out-percent", description = "Share of sub-networks held out (by arch_id hash). Default: 20.")
  Integer heldOut;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, MAX_RECORDS.key(), maxRecords, MODELS.key(), models,
        HELD_OUT.key(), heldOut);
  }

  @Override
  Stage stage() {
    return new TrainPredictorStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new TrainPredictorJob()), args));
  }

  static final class TrainPredictorStage implements Stage {
    @Override
    public String name() {
      return "train-predictor";
    }

    @Override
    public void validate(AtlasConfig config) {
      mbConvSpace(config, "predictors cover");
      HELD_OUT.get(config);
      MAX_RECORDS.get(config);
      proxies(config);
      kinds(config);
      modelSettings(config);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      PredictorTraining.run(spark, new PredictorTraining.Request(config.require(AtlasConfig.SPACE),
          buildDate, config.warehouse(), config.data(), run.runId(), HELD_OUT.get(config),
          MAX_RECORDS.get(config), kinds(config), modelSettings(config), proxies(config)),
          run::count);
    }

    private static TrainingData.Proxies proxies(AtlasConfig config) {
      int batch = PROXY_BATCH.get(config);
      int partitions = PROXY_PARTITIONS.get(config);
      return new TrainingData.Proxies(PROXY_SEED.get(config), batch, partitions);
    }
  }
}
