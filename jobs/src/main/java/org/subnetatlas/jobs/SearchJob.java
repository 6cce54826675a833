package org.subnetatlas.jobs;

import org.subnetatlas.jobs.settings.EvaluateKeys;
import org.subnetatlas.transforms.TrainedSupernets;
import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.PredictorTables.SearchResults;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.Cost;
import org.subnetatlas.spaces.EvolutionSearch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.udfs.prediction.PredictorModels;
import org.subnetatlas.udfs.prediction.FeatureEncoder;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas search}: OFA's evolutionary search on the date's best encoding-only top-1
 * predictor under each MACs budget (and a latency budget when a latency predictor exists), then
 * the best {@code top-k} found per budget are evaluated for real with the date's supernet (the
 * evaluate stage's partition function) and the gap between predicted and measured top-1 goes to
 * {@code atlas.search_results}. The encoding-only predictor is used because the search scores
 * tens of thousands of candidates and zero-cost proxies cost a forward and backward each.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Predictor-guided evolutionary search under MACs budgets into atlas.search_results.")
public final class SearchJob extends StageCommand {

  private static final Logger LOG = LoggerFactory.getLogger(SearchJob.class);

  static final String S = AtlasConfig.PREFIX + "search.";
  static final String POPULATION = S + "population";
  static final String ITERATIONS = S + "iterations";
  static final String PARENT_RATIO = S + "parent-ratio";
  static final String MUTATION_RATIO = S + "mutation-ratio";
  static final String SEED = S + "seed";
  static final String BUDGET_FRACTIONS = S + "macs-budget-fractions";
  static final String LATENCY_BUDGET = S + "latency-budget-ms";
  static final String TOP_K = S + "top-k";

  @Option(names = "--space", description = "Search space. Default: mbv3-tiny.")
  String space;

  @Option(names = "--population", description = "Population size. Default: 100 (OFA).")
  Integer population;

  @Option(names = "--iterations", description = "Generations. Default: 500 (OFA).")
  Integer iterations;

  @Option(names = "--macs-budget-fractions", paramLabel = "F[,F...]",
      description = "MACs budgets as fractions of the largest sub-network's MACs. Default: 0.5.")
  String fractions;

  @Option(names = "--top-k", description = "Architectures per budget evaluated for real. Default: 3.")
  Integer topK;

  @Option(names = "--eval-images", description = "Held-out images per found architecture (as evaluate).")
  Integer evalImages;

  @Option(names = "--recalibration-images", description = "BN recalibration images (as evaluate).")
  Integer recalImages;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, POPULATION, population, ITERATIONS, iterations,
        BUDGET_FRACTIONS, fractions, TOP_K, topK, EvaluateKeys.EVAL_IMAGES.key(), evalImages,
        EvaluateKeys.RECAL_IMAGES.key(), recalImages);
  }

  @Override
  Stage stage() {
    return new SearchStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new SearchJob()), args));
  }

  static EvolutionSearch.Settings searchSettings(AtlasConfig c) {
    double parent = c.getDouble(PARENT_RATIO, 0.25, 0.01, 0.99);
    double mutation = c.getDouble(MUTATION_RATIO, 0.5, 0.0, 0.99);
    if (parent + mutation > 1) {
      throw new BadInputException(PARENT_RATIO + " + " + MUTATION_RATIO + " = " + (parent + mutation)
          + ": must be at most 1");
    }
    return new EvolutionSearch.Settings(c.getInt(POPULATION, 100, 4, 100_000),
        c.getInt(ITERATIONS, 500, 0, 1_000_000), parent, mutation,
        c.getLong(SEED, 20261201L, Long.MIN_VALUE, Long.MAX_VALUE));
  }

  static List<Double> fractions(AtlasConfig c) {
    List<Double> out = new ArrayList<>();
    for (String f : c.get(BUDGET_FRACTIONS, "0.5").split(",")) {
      double v;
      try {
        v = Double.parseDouble(f.trim());
      } catch (NumberFormatException e) {
        throw new BadInputException(BUDGET_FRACTIONS + " " + f + ": not a number");
      }
      if (!(v > 0 && v <= 1)) {
        throw new BadInputException(BUDGET_FRACTIONS + " " + f + ": must be in (0, 1]");
      }
      out.add(v);
    }
    return out;
  }

  /** The date's best predictor of {@code target} on the encoding-only features, or null. */
  static Row bestEncodingPredictor(SparkSession spark, String space, LocalDate date, String target) {
    List<Row> rows = spark.table(Predictors.TABLE.qualifiedName())
        .where(col(Predictors.BUILD_DATE).equalTo(Date.valueOf(date))
            .and(col(Predictors.SPACE).equalTo(space))
            .and(col(Predictors.TARGET).equalTo(target))
            .and(col(Predictors.FEATURE_SET).equalTo(FeatureSet.ENCODING.label()))
            .and(col(Predictors.KENDALL_TAU).isNotNull()))
        .orderBy(col(Predictors.KENDALL_TAU).desc(), col(Predictors.MODEL))
        .limit(1).collectAsList();
    return rows.isEmpty() ? null : rows.get(0);
  }

  static final class SearchStage implements Stage {
    @Override
    public String name() {
      return "search";
    }

    @Override
    public void validate(AtlasConfig config) {
      String s = config.require(AtlasConfig.SPACE);
      if (!(Spaces.get(s) instanceof MbConvSpace)) {
        throw new BadInputException(AtlasConfig.SPACE + " " + s + ": search covers MBConv spaces only");
      }
      searchSettings(config);
      fractions(config);
      config.getInt(TOP_K, 3, 1, 1000);
      config.getDouble(LATENCY_BUDGET, 0, 0, 1e9);
      EvaluateKeys.evalConfig(config);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      String spaceName = config.require(AtlasConfig.SPACE);
      MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
      Row top1Row = bestEncodingPredictor(spark, spaceName, buildDate, Measurements.TOP1);
      if (top1Row == null) {
        throw new BadInputException("no top-1 predictor of " + spaceName + " for " + buildDate
            + "; run `atlas train-predictor --date " + buildDate + "` first");
      }
      String modelPath = top1Row.getAs(Predictors.MODEL_PATH);
      PredictionModel<Vector, ?> top1 = PredictorModels.load(
          PredictorModels.Kind.byLabel(top1Row.getAs(Predictors.MODEL)), modelPath);
      double latencyBudget = config.getDouble(LATENCY_BUDGET, 0, 0, 1e9);
      PredictionModel<Vector, ?> latency = null;
      if (latencyBudget > 0) {
        Row latRow = bestEncodingPredictor(spark, spaceName, buildDate, Measurements.LATENCY_P50_MS);
        if (latRow == null) {
          LOG.info("search: no latency predictor for {} (no latency in atlas.measurements); "
              + "searching under MACs budgets only", buildDate);
        } else {
          latency = PredictorModels.load(PredictorModels.Kind.byLabel(latRow.getAs(Predictors.MODEL)),
              latRow.getAs(Predictors.MODEL_PATH));
        }
      }
      EvolutionSearch.Settings settings = searchSettings(config);
      int topK = config.getInt(TOP_K, 3, 1, 1000);
      long largest = space.cost(space.largest()).macs();
      Map<String, Double> predicted = new HashMap<>();
      List<Object[]> found = new ArrayList<>();
      for (double f : fractions(config)) {
        long budget = (long) Math.floor(f * largest);
        PredictionModel<Vector, ?> lat = latency;
        String label = "macs<=" + budget + (lat != null ? ",latency_p50_ms<=" + latencyBudget : "");
        long t0 = System.nanoTime();
        EvolutionSearch search = new EvolutionSearch(space,
            a -> top1.predict(features(space, a)),
            a -> space.cost(a).macs() <= budget
                && (lat == null || lat.predict(features(space, a)) <= latencyBudget),
            settings);
        List<EvolutionSearch.Scored> best = search.run();
        LOG.info("search: {}: {} candidates scored in {} s, best predicted top-1 {}", label,
            search.evaluated(), String.format("%.1f", (System.nanoTime() - t0) / 1e9),
            String.format("%.4f", best.get(0).score()));
        run.count("candidates_scored", search.evaluated());
        for (int i = 0; i < Math.min(topK, best.size()); i++) {
          Arch a = best.get(i).arch();
          String id = space.archId(a);
          predicted.put(id, best.get(i).score());
          found.add(new Object[] {label, i + 1, id, space.canonical(a), space.cost(a)});
        }
      }
      Map<String, Double> measured = measure(spark, config, spaceName, buildDate, found, run);
      Row supernet = TrainedSupernets.latest(spark, spaceName, buildDate);
      String searchConfig = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(settings).toString();
      List<Row> out = new ArrayList<>();
      for (Object[] r : found) {
        String id = (String) r[2];
        Cost cost = (Cost) r[4];
        double p = predicted.get(id);
        Double m = measured.get(id);
        out.add(RowFactory.create(Date.valueOf(buildDate), spaceName, r[0], r[1], id, r[3],
            cost.macs(), cost.params(), modelPath, p, m, m == null ? null : p - m,
            supernet.getAs(Supernets.SUPERNET_ID), searchConfig, run.runId()));
        LOG.info("search: {} #{}: predicted {}, measured {}, gap {}", r[0], r[1],
            String.format("%.4f", p), m == null ? "-" : String.format("%.4f", m),
            m == null ? "-" : String.format("%+.4f", p - m));
      }
      Map<String, Long> written = DeltaWrites.replaceWhere(spark, SearchResults.TABLE,
          spark.createDataFrame(out, SearchResults.TABLE.schema()),
          SearchResults.BUILD_DATE + " = '" + buildDate + "' AND " + SearchResults.SPACE + " = '"
              + spaceName + "'");
      run.count("search_results_written", written.get("numOutputRows"));
    }

    private static Vector features(MbConvSpace space, Arch a) {
      return Vectors.dense(FeatureEncoder.vector(space, a, FeatureSet.ENCODING, null));
    }

    /** Inherited-weight top-1 of the found architectures through the evaluate stage's path. */
    private static Map<String, Double> measure(SparkSession spark, AtlasConfig config,
        String spaceName, LocalDate buildDate, List<Object[]> found, RunRecorder run) {
      Row supernet = TrainedSupernets.latest(spark, spaceName, buildDate);
      StructType schema = new StructType()
          .add(Architectures.ARCH_ID, DataTypes.StringType, false)
          .add(Architectures.SPACE, DataTypes.StringType, false)
          .add(Architectures.ENCODING, DataTypes.StringType, false);
      Map<String, Row> distinct = new HashMap<>();
      for (Object[] r : found) {
        distinct.putIfAbsent((String) r[2], RowFactory.create(r[2], spaceName, r[3]));
      }
      List<Row> input = new ArrayList<>(distinct.values());
      LOG.info("search: evaluating {} found architectures with supernet {}", input.size(),
          ((String) supernet.getAs(Supernets.SUPERNET_ID)).substring(0, 12));
      Map<String, Double> out = new HashMap<>();
      try (TaskProgress progress = new TaskProgress(spark, "search", "sub-networks", input.size(), 10)) {
        SubnetEvaluation fn = new SubnetEvaluation(spaceName, supernet.getAs(Supernets.CHECKPOINT_URI),
            config.data(), supernet.getAs(Supernets.SUPERNET_ID), EvaluateKeys.evalConfig(config),
            EvaluateKeys.THREADS.get(config), run.runId(), Date.valueOf(buildDate),
            progress.counter());
        int partitions = Math.max(1, Math.min(input.size(), EvaluateKeys.PARTITIONS.get(config)));
        for (Row r : spark.createDataFrame(input, schema).repartition(partitions)
            .mapPartitions(fn, Encoders.row(SubnetEvaluation.RESULT_SCHEMA)).collectAsList()) {
          out.put(r.getAs(Measurements.ARCH_ID), r.getAs(Measurements.TOP1));
        }
      }
      run.count("evaluated", out.size());
      return out;
    }
  }
}
