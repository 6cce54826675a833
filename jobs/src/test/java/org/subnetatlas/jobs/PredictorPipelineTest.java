package org.subnetatlas.jobs;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.settings.PredictorKeys;
import org.junit.jupiter.api.TestMethodOrder;
import org.subnetatlas.jobs.CliTest.Result;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.prediction.PredictUdf;
import org.subnetatlas.udfs.prediction.PredictorModels;
import org.subnetatlas.udfs.prediction.FeatureEncoder;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;

/**
 * sample → train-supernet → evaluate on a tiny budget, then train-predictor (MLlib models and the
 * MLP ensemble), the SQL function against the models' own predictions, search with real evaluation of what it found, and reruns.
 */
@Tag("slow")
@TestMethodOrder(OrderAnnotation.class)
class PredictorPipelineTest {

  private static final String DATE = "2026-11-29";
  private static Path warehouse;

  @BeforeAll
  static void pipeline() throws Exception {
    // small ensembles: each boosting iteration is a few Spark jobs
    System.setProperty(PredictorKeys.GBT_ITERATIONS.key(), "10");
    System.setProperty(PredictorKeys.FOREST_TREES.key(), "10");
    System.setProperty(PredictorKeys.MLP_MEMBERS.key(), "2");
    System.setProperty(PredictorKeys.MLP_EPOCHS.key(), "30");
    warehouse = Files.createTempDirectory("atlas-predictor");
    stage("sample", "--count", "48", "--seed", "11");
    stage("train-supernet", "--epochs", "1,0,0,0", "--max-train-images", "512");
    stage("evaluate", "--eval-images", "200", "--recalibration-images", "64");
  }

  @AfterAll
  static void clearSettings() {
    System.clearProperty(PredictorKeys.GBT_ITERATIONS.key());
    System.clearProperty(PredictorKeys.FOREST_TREES.key());
    System.clearProperty(PredictorKeys.MLP_MEMBERS.key());
    System.clearProperty(PredictorKeys.MLP_EPOCHS.key());
  }

  private static Result atlas(String command, String... extra) {
    List<String> a = new ArrayList<>(List.of(command, "--warehouse", warehouse.toString(), "--date", DATE));
    a.addAll(List.of(extra));
    return CliTest.run("", a.toArray(new String[0]));
  }

  private static void stage(String command, String... extra) {
    Result r = atlas(command, extra);
    assertEquals(0, r.exit(), command + " failed: " + r.err());
  }

  private static List<String> sql(String query) {
    Result r = CliTest.run("", "sql", "--warehouse", warehouse.toString(), "--format", "csv", query);
    assertEquals(0, r.exit(), r.err());
    return r.out().lines().skip(1).toList();
  }

  private static final String[] PREDICTOR = {"--models", "gbt,random_forest,linear,mlp",
      "--held-out-percent", "30"};

  @Test
  @Order(1)
  void trainPredictorRecordsScoredModelsAndProxies() {
    stage("train-predictor", PREDICTOR);
    assertEquals(List.of("48"), sql("SELECT count(*) FROM atlas.arch_features"));
    List<String> rows = sql("SELECT target, model, feature_set, n_train + n_selection + n_test, "
        + "kendall_tau BETWEEN -1 AND 1 AND selection_kendall_tau BETWEEN -1 AND 1, "
        + "rmse >= 0, size(trained_on) FROM atlas.predictors ORDER BY feature_set, model");
    assertEquals(8, rows.size(), rows.toString());
    for (String r : rows) {
      assertTrue(r.startsWith("top1,") && r.endsWith(",48,true,true,4"), r);
    }
    assertEquals(List.of("1"), sql("SELECT count(*) FROM atlas.predictors WHERE is_best"));
    // latency columns are null here: no latency model, and the run says so instead of failing
    assertEquals(List.of("0"), sql("SELECT count(*) FROM atlas.predictors WHERE target <> 'top1'"));
  }

  @Test
  @Order(2)
  void sqlFunctionReturnsWhatTheModelPredictedInTheJob() {
    List<String> best = sql("SELECT model, feature_set, model_path FROM atlas.predictors WHERE is_best");
    String[] b = best.get(0).split(",");
    FeatureSet set = FeatureSet.byLabel(b[1]);
    MbConvSpace space = (MbConvSpace) Spaces.get("mbv3-tiny");
    Map<String, Double> viaSql = new HashMap<>();
    for (String line : sql("SELECT arch_id, atlas_predict_top1(space, encoding) FROM atlas.architectures")) {
      String[] v = line.split(",");
      viaSql.put(v[0], Double.parseDouble(v[1]));
    }
    assertEquals(48, viaSql.size());
    List<String> encodingOnly = sql("SELECT model, model_path FROM atlas.predictors WHERE feature_set = 'encoding'");
    assertEquals(4, encodingOnly.size(), encodingOnly.toString());
    Map<String, String> encodings = new HashMap<>();
    for (String a : sql("SELECT arch_id, encoding FROM atlas.architectures")) {
      encodings.put(a.substring(0, a.indexOf(',')), a.substring(a.indexOf(',') + 1));
    }
    // the job's path: stored proxies from atlas.arch_features, MLlib's transform over a frame
    AtlasConfig config = AtlasConfig.load("local", Map.of(AtlasConfig.WAREHOUSE, warehouse.toString()));
    SparkSession spark = AtlasSession.open(config, "predictor-test");
    try {
      List<Row> frame = new ArrayList<>();
      for (Row r : spark.sql("SELECT a.arch_id, a.encoding, f.synflow, f.snip, f.grad_norm "
          + "FROM atlas.architectures a JOIN atlas.arch_features f USING (arch_id)").collectAsList()) {
        double[] proxies = {r.getDouble(2), r.getDouble(3), r.getDouble(4)};
        frame.add(PredictorModels.row(r.getString(0), 0,
            FeatureEncoder.vector(space, space.parse(r.getString(1)), set, proxies)));
      }
      PredictionModel<Vector, ?> model = PredictorModels.load(PredictorModels.Kind.byLabel(b[0]), b[2]);
      List<Row> job = PredictorModels.predictions(model, PredictorModels.frame(spark, frame));
      assertEquals(48, job.size());
      for (Row r : job) {
        assertEquals(r.getDouble(1), viaSql.get(r.getString(0)), 1e-12, "arch " + r.getString(0));
      }
      // every encoding-only model, the MLP ensemble included, through what the function calls
      for (String line : encodingOnly) {
        String[] m = line.split(",");
        PredictorModels.Kind kind = PredictorModels.Kind.byLabel(m[0]);
        PredictionModel<Vector, ?> each = PredictorModels.load(kind, m[1]);
        PredictUdf.Loaded loaded = new PredictUdf.Loaded("mbv3-tiny", m[1], kind, FeatureSet.ENCODING,
            0, 0, each);
        List<Row> frameEnc = new ArrayList<>();
        for (Map.Entry<String, String> e : encodings.entrySet()) {
          frameEnc.add(PredictorModels.row(e.getKey(), 0, FeatureEncoder.vector(space,
              space.parse(unquote(e.getValue())), FeatureSet.ENCODING, null)));
        }
        for (Row r : PredictorModels.predictions(each, PredictorModels.frame(spark, frameEnc))) {
          assertEquals(r.getDouble(1), loaded.predict(space.parse(unquote(encodings.get(r.getString(0)))),
              null), 0.0, m[0] + " arch " + r.getString(0));
        }
      }
    } finally {
      spark.stop();
    }
  }

  private static String unquote(String csv) {
    return csv.startsWith("\"") ? csv.substring(1, csv.length() - 1).replace("\"\"", "\"") : csv;
  }

  @Test
  @Order(3)
  void searchFindsArchitecturesUnderTheBudgetAndMeasuresThem() {
    stage("search", "--population", "8", "--iterations", "4", "--top-k", "2",
        "--macs-budget-fractions", "0.4,0.8", "--eval-images", "200", "--recalibration-images", "64");
    List<String> rows = sql("SELECT budget, rank, CAST(substr(budget, 7) AS BIGINT) >= macs, "
        + "measured_top1 BETWEEN 0 AND 1, abs(gap - (predicted_top1 - measured_top1)) < 1e-12, "
        + "measured_split = 'test', CAST(substr(budget, 7) AS BIGINT) >= baseline_macs, "
        + "baseline_measured_top1 BETWEEN 0 AND 1 "
        + "FROM atlas.search_results ORDER BY budget, rank");
    assertEquals(4, rows.size(), rows.toString());
    for (String r : rows) {
      assertTrue(r.endsWith(",true,true,true,true,true,true"), r);
    }
    // each result and its random baseline is an architecture and the test-split measurement it
    // reports, with the night's supernet
    String measuredAs = "FROM atlas.search_results s LEFT JOIN atlas.architectures a ON a.arch_id = s.%1$s "
        + "LEFT JOIN atlas.measurements m ON m.arch_id = s.%1$s AND m.supernet_id = s.supernet_id "
        + "AND m.build_date = s.build_date AND m.split = 'test' AND m.n_images = 200 "
        + "AND m.top1 = s.%2$s";
    assertEquals(List.of("4,4"), sql("SELECT count(a.arch_id), count(m.arch_id) "
        + String.format(measuredAs, "arch_id", "measured_top1")));
    assertEquals(List.of("4,4,search-baseline"), sql("SELECT count(a.arch_id), count(m.arch_id), "
        + "concat_ws(',', array_distinct(collect_list(a.sampler))) "
        + String.format(measuredAs, "baseline_arch_id", "baseline_measured_top1")));
  }

  @Test
  @Order(4)
  void rerunsForTheSameDateLeaveTheSameRows() {
    List<String> before = sql("SELECT model, feature_set, kendall_tau FROM atlas.predictors ORDER BY 1, 2");
    List<String> search = sql("SELECT budget, rank, arch_id FROM atlas.search_results ORDER BY 1, 2");
    String counts = "SELECT (SELECT count(*) FROM atlas.architectures), (SELECT count(*) FROM atlas.measurements)";
    List<String> rows = sql(counts);
    stage("train-predictor", PREDICTOR);
    stage("search", "--population", "8", "--iterations", "4", "--top-k", "2",
        "--macs-budget-fractions", "0.4,0.8", "--eval-images", "200", "--recalibration-images", "64");
    assertEquals(before, sql("SELECT model, feature_set, kendall_tau FROM atlas.predictors ORDER BY 1, 2"));
    assertEquals(search, sql("SELECT budget, rank, arch_id FROM atlas.search_results ORDER BY 1, 2"));
    assertEquals(rows, sql(counts), "a rerun of search adds no architecture or measurement");
    assertEquals(List.of("48"), sql("SELECT count(*) FROM atlas.arch_features"));
    // a rerun with one model keeps the other rows, and the best is chosen over all of them
    stage("train-predictor", "--models", "linear", "--held-out-percent", "30");
    assertEquals(before, sql("SELECT model, feature_set, kendall_tau FROM atlas.predictors ORDER BY 1, 2"));
    assertEquals(sql("SELECT model, feature_set FROM atlas.predictors ORDER BY selection_kendall_tau DESC LIMIT 1"),
        sql("SELECT model, feature_set FROM atlas.predictors WHERE is_best"));
  }

  @Test
  @Order(5)
  void standaloneTrainingStoresCurvesAndRecordsKendallTau() {
    String[] args = {"--count", "4", "--seeds", "2", "--epochs", "2", "--train-images", "256",
        "--eval-images", "200", "--recalibration-images", "64"};
    stage("train-standalone", args);
    List<String> curves = sql("SELECT count(DISTINCT arch_id), count(*), min(size(epoch_loss)), "
        + "min(size(epoch_top1)), every(top1 = element_at(epoch_top1, -1)), every(top1 BETWEEN 0 AND 1) "
        + "FROM atlas.standalone");
    assertEquals(List.of("4,8,2,2,true,true"), curves);
    List<String> gt = sql("SELECT n_subnets, seeds, kendall_tau IS NULL OR kendall_tau BETWEEN -1 AND 1 "
        + "FROM atlas.ground_truth");
    assertEquals(List.of("4,2,true"), gt);
    stage("train-standalone", args);
    assertEquals(List.of("8"), sql("SELECT count(*) FROM atlas.standalone"));
    assertEquals(List.of("1"), sql("SELECT count(*) FROM atlas.ground_truth"));
  }

  @Test
  @Order(6)
  void tooFewRecordsIsBadInput() {
    Result r = CliTest.run("", "train-predictor", "--warehouse", warehouse.toString(), "--date", "2026-01-01");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("train-predictor: error: no supernet of mbv3-tiny trained for 2026-01-01"),
        r.err());
  }

  @Test
  @Order(7)
  void eachStageWritesTheTablesTheArchitectureDocNames() throws Exception {
    StageWrites.assertMatchesDoc(warehouse, java.util.Set.of("sample", "train-supernet", "evaluate",
        "train-predictor", "search", "train-standalone"));
  }
}
