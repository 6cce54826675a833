package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.PredictorKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.transforms.prediction.PredictorTraining;
import org.subnetatlas.transforms.prediction.TrainingData;
import picocli.CommandLine.Command;

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

  public TrainPredictorJob() {
    super(TrainPredictorStage::new, options("--space", CommonKeys.SPACE,
        "--max-train-records", MAX_RECORDS, "--models", MODELS, "--held-out-percent", HELD_OUT,
        "--selection-percent", SELECTION));
  }

  public static void main(String[] args) {
    launch(new TrainPredictorJob(), args);
  }

  static final class TrainPredictorStage implements Stage {
    @Override
    public String name() {
      return "train-predictor";
    }

    @Override
    public void validate(AtlasConfig config) {
      mbConvSpace(config, "predictors cover");
      shares(config);
      MAX_RECORDS.get(config);
      proxies(config);
      kinds(config);
      modelSettings(config);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      PredictorTraining.run(spark, new PredictorTraining.Request(CommonKeys.SPACE.get(config),
          buildDate, config.warehouse(), config.data(), run.runId(), shares(config),
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
