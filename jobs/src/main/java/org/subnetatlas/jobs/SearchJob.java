package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.SearchKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.jobs.settings.EvaluateKeys;
import org.subnetatlas.jobs.settings.PredictorKeys;
import org.subnetatlas.transforms.search.FoundEvaluation;
import org.subnetatlas.transforms.search.PredictorSearch;
import picocli.CommandLine.Command;

/**
 * {@code atlas search}: OFA's evolutionary search on the date's best encoding-only top-1
 * predictor under each MACs budget (and a latency budget when a latency predictor exists), then
 * the best {@code top-k} found per budget, and as many drawn at random under the same budget, are
 * evaluated for real on the test split with the date's supernet (the evaluate stage's partition
 * function), and predicted and measured top-1 of both go to {@code atlas.search_results}
 * ({@link PredictorSearch}).
 */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Predictor-guided evolutionary search under MACs budgets into atlas.search_results.")
public final class SearchJob extends StageCommand {

  public SearchJob() {
    super(SearchStage::new, options("--space", CommonKeys.SPACE, "--population", POPULATION,
        "--iterations", ITERATIONS, "--macs-budget-fractions", BUDGET_FRACTIONS, "--top-k", TOP_K,
        "--eval-images", EvaluateKeys.EVAL_IMAGES,
        "--recalibration-images", EvaluateKeys.RECAL_IMAGES));
  }

  public static void main(String[] args) {
    launch(new SearchJob(), args);
  }

  static final class SearchStage implements Stage {
    @Override
    public String name() {
      return "search";
    }

    @Override
    public void validate(AtlasConfig config) {
      PredictorKeys.mbConvSpace(config, "search covers");
      searchSettings(config);
      fractions(config);
      TOP_K.get(config);
      LATENCY_BUDGET.get(config);
      EvaluateKeys.evalConfig(config);
      DataDirChecks.requireFashionMnist(config);
      DeviceCheck.onDriver(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      FoundEvaluation.Protocol protocol = new FoundEvaluation.Protocol(config.data(),
          EvaluateKeys.evalConfig(config), EvaluateKeys.THREADS.get(config),
          EvaluateKeys.PARTITIONS.get(config), run.runId());
      PredictorSearch.run(spark, new PredictorSearch.Request(CommonKeys.SPACE.get(config),
          buildDate, searchSettings(config), fractions(config), TOP_K.get(config),
          LATENCY_BUDGET.get(config), protocol), total -> progress(spark, total), run::count);
    }

    /** The evaluation's progress lines, as evaluate prints them. */
    private static FoundEvaluation.Progress progress(SparkSession spark, long total) {
      TaskProgress tracked = new TaskProgress(spark, "search", "sub-networks", total, 10);
      return new FoundEvaluation.Progress() {
        @Override
        public LongAccumulator counter() {
          return tracked.counter();
        }

        @Override
        public void close() {
          tracked.close();
        }
      };
    }
  }
}
