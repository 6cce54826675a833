package org.subnetatlas.transforms;

import org.subnetatlas.udfs.prediction.MlpRegressionModel;
import org.subnetatlas.udfs.prediction.PredictorModels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.udfs.prediction.MlpMember;
import org.subnetatlas.udfs.evaluation.RankCorrelation;

class MlpRegressionModelTest extends SparkTestBase {

  /** Feature 0: a choice in {3, 5, 7}; feature 1: a choice in {16, 28}; feature 2: continuous. */
  static final double[][] LEVELS = {{3, 5, 7}, {16, 28}, null};
  static final MlpRegressionModel.Settings SMALL =
      new MlpRegressionModel.Settings(3, new MlpMember.Settings(32, 2, 60, 32, 3e-3, 1e-4), 9);

  static List<Row> train = new ArrayList<>();
  static List<Row> test = new ArrayList<>();

  /**
   * A label that is not monotone in the choice's value (5 is best) and whose effect flips with
   * the second choice: what a choice-as-category network learns and a linear model cannot.
   */
  static double label(double k, double r, double c) {
    double byKernel = k == 5 ? 1 : k == 3 ? 0 : 0.3;
    return (r == 28 ? byKernel : 1 - byKernel) + 0.2 * c;
  }

  @BeforeAll
  static void data() {
    Random rnd = new Random(4);
    for (int i = 0; i < 300; i++) {
      double k = LEVELS[0][rnd.nextInt(3)];
      double r = LEVELS[1][rnd.nextInt(2)];
      double c = rnd.nextGaussian();
      (i < 240 ? train : test).add(PredictorModels.row("a" + i, label(k, r, c) + 0.02 * rnd.nextGaussian(),
          new double[] {k, r, c}));
    }
  }

  @Test
  void learnsCategoricalInteractionsThatALinearModelMisses() {
    Dataset<Row> trainDf = PredictorModels.frame(spark, train);
    Dataset<Row> testDf = PredictorModels.frame(spark, test);
    PredictorModels.Settings settings = new PredictorModels.Settings(10, 3, 10, 1, SMALL);
    PredictionModel<Vector, ?> mlp = PredictorModels.fit(PredictorModels.Kind.MLP, trainDf, settings,
        MlpRegressionModel.Inputs.of(LEVELS));
    PredictionModel<Vector, ?> linear = PredictorModels.fit(PredictorModels.Kind.LINEAR, trainDf, settings);
    PredictorModels.Score m = PredictorModels.score(mlp, testDf);
    PredictorModels.Score l = PredictorModels.score(linear, testDf);
    assertEquals(60, m.nTest());
    assertTrue(m.rmse() < 0.1, "MLP RMSE " + m.rmse());
    assertTrue(m.kendallTau() > 0.8, "MLP tau " + m.kendallTau());
    assertTrue(l.rmse() > 3 * m.rmse(), "linear RMSE " + l.rmse() + " vs MLP " + m.rmse());
    assertEquals(3, ((MlpRegressionModel) mlp).members());
  }

  @Test
  void savedModelPredictsTheSameAsTransformAndTheFittedOne() {
    Dataset<Row> trainDf = PredictorModels.frame(spark, train);
    MlpRegressionModel fitted = MlpRegressionModel.fit(trainDf, LEVELS, SMALL);
    String path = warehouse.resolve("mlp-model").toUri().toString();
    PredictorModels.save(fitted, path);
    PredictorModels.save(fitted, path);  // overwrite, as a rerun of train-predictor does
    PredictionModel<Vector, ?> loaded = PredictorModels.load(PredictorModels.Kind.MLP, path);
    List<Row> viaTransform = PredictorModels.predictions(loaded, PredictorModels.frame(spark, test));
    assertEquals(test.size(), viaTransform.size());
    for (Row r : viaTransform) {
      Vector v = (Vector) test.stream().filter(t -> t.getString(0).equals(r.getString(0))).findFirst()
          .orElseThrow().get(2);
      assertEquals(fitted.predict(v), r.getDouble(1), 0.0, r.getString(0));
      assertEquals(fitted.predict(v), loaded.predict(v), 0.0, r.getString(0));
    }
    // a seed gives the same ensemble
    MlpRegressionModel again = MlpRegressionModel.fit(trainDf, LEVELS, SMALL);
    double[] a = test.stream().mapToDouble(t -> fitted.predict((Vector) t.get(2))).toArray();
    double[] b = test.stream().mapToDouble(t -> again.predict((Vector) t.get(2))).toArray();
    assertArrayEquals(a, b, 0.0);
  }

  @Test
  void encodesChoicesAsIndicatorsAndRefusesAWrongWidth() {
    double[] means = {0, 0, 1};
    double[] stds = {1, 1, 2};
    assertArrayEquals(new double[] {0, 1, 0, 0, 1, 1.5},
        MlpRegressionModel.encode(LEVELS, means, stds, new double[] {5, 28, 4}), 0.0);
    // a value outside a feature's levels sets none of its indicators
    assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0},
        MlpRegressionModel.encode(LEVELS, means, stds, new double[] {9, 16, 1}), 0.0);
    MlpRegressionModel fitted = MlpRegressionModel.fit(PredictorModels.frame(spark, train), LEVELS,
        new MlpRegressionModel.Settings(1, new MlpMember.Settings(4, 1, 1, 32, 1e-3, 0), 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fitted.predict(Vectors.dense(1, 2)));
    assertTrue(e.getMessage().contains("takes 3 features, got 2"), e.getMessage());
  }

  /** Features 0 and 1: one slot's kernel and expand (0 = slot unused); 2: resolution; 3: continuous. */
  static final MlpRegressionModel.Inputs SLOT = new MlpRegressionModel.Inputs(
      new double[][] {{0, 3, 5}, {0, 4, 6}, {16, 28}, null}, new int[][] {{0, 1}}, 2);

  @Test
  void eachViewEncodesTheChoicesItsOwnWay() {
    double[] means = {0, 0, 0, 1};
    double[] stds = {1, 1, 1, 2};
    double[] v = {3, 4, 28, 5};
    assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0, 0, 1, 2},
        MlpRegressionModel.encode(SLOT, MlpRegressionModel.View.CHOICES, means, stds, v), 0.0);
    // kernel 3 with expand 4 is combination (1, 1) of the 3 x 3
    assertArrayEquals(new double[] {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2},
        MlpRegressionModel.encode(SLOT, MlpRegressionModel.View.PAIRS, means, stds, v), 0.0);
    // the choices, then kernel and expand again at resolution 16 (not set) and at 28 (set)
    assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0},
        MlpRegressionModel.encode(SLOT, MlpRegressionModel.View.CROSSED, means, stds, v), 0.0);
  }

  @Test
  void viewsNeedTheStructureTheyUseAndSettingsNeedDistinctViews() {
    Dataset<Row> trainDf = PredictorModels.frame(spark, train);
    MlpMember.Settings tiny = new MlpMember.Settings(4, 1, 1, 32, 1e-3, 0);
    IllegalArgumentException pairs = assertThrows(IllegalArgumentException.class,
        () -> MlpRegressionModel.fit(trainDf, LEVELS, new MlpRegressionModel.Settings(1, tiny, 1,
            List.of(MlpRegressionModel.View.PAIRS))));
    assertTrue(pairs.getMessage().contains("'pairs' needs feature pairs"), pairs.getMessage());
    IllegalArgumentException crossed = assertThrows(IllegalArgumentException.class,
        () -> MlpRegressionModel.fit(trainDf, LEVELS, new MlpRegressionModel.Settings(1, tiny, 1,
            List.of(MlpRegressionModel.View.CROSSED))));
    assertTrue(crossed.getMessage().contains("'crossed' needs a cross feature"), crossed.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> new MlpRegressionModel.Settings(1, tiny, 1,
            List.of(MlpRegressionModel.View.CHOICES, MlpRegressionModel.View.CHOICES)));
    assertTrue(twice.getMessage().contains("distinct views"), twice.getMessage());
    IllegalArgumentException continuousPair = assertThrows(IllegalArgumentException.class,
        () -> new MlpRegressionModel.Inputs(LEVELS, new int[][] {{0, 2}}, 1));
    assertTrue(continuousPair.getMessage().contains("two distinct categorical features"),
        continuousPair.getMessage());
  }

  @Test
  void aModelOfSeveralViewsSavesAndLoadsWithEachMembersView() {
    // feature 0 (kernel) and 1 (resolution) of LEVELS as a pair and as the cross feature
    MlpRegressionModel.Inputs in = new MlpRegressionModel.Inputs(LEVELS, new int[][] {{0, 1}}, 1);
    MlpRegressionModel fitted = MlpRegressionModel.fit(PredictorModels.frame(spark, train), in,
        new MlpRegressionModel.Settings(2, SMALL.member(), 9, List.of(MlpRegressionModel.View.values())));
    assertEquals(List.of(MlpRegressionModel.View.CHOICES, MlpRegressionModel.View.CHOICES,
        MlpRegressionModel.View.PAIRS, MlpRegressionModel.View.PAIRS, MlpRegressionModel.View.CROSSED,
        MlpRegressionModel.View.CROSSED), fitted.memberViews());
    String path = warehouse.resolve("mlp-views").toUri().toString();
    PredictorModels.save(fitted, path);
    MlpRegressionModel loaded = (MlpRegressionModel) PredictorModels.load(PredictorModels.Kind.MLP, path);
    assertEquals(fitted.memberViews(), loaded.memberViews());
    double[] a = test.stream().mapToDouble(t -> fitted.predict((Vector) t.get(2))).toArray();
    double[] b = test.stream().mapToDouble(t -> loaded.predict((Vector) t.get(2))).toArray();
    assertArrayEquals(a, b, 0.0);
    assertTrue(RankCorrelation.kendall(a, test.stream().mapToDouble(t -> t.getDouble(1)).toArray()) > 0.8);
  }

  @Test
  void aModelSavedBeforeViewsExistedLoadsAsChoicesOnly() throws Exception {
    MlpRegressionModel fitted = MlpRegressionModel.fit(PredictorModels.frame(spark, train), LEVELS, SMALL);
    Path dir = warehouse.resolve("mlp-format-1");
    PredictorModels.save(fitted, dir.toUri().toString());
    // rewrite the file as the first format wrote it: no views, pairs or cross feature
    ObjectMapper json = new ObjectMapper();
    Path file = dir.resolve(MlpRegressionModel.FILE);
    ObjectNode doc = (ObjectNode) json.readTree(file.toFile());
    ObjectNode state = (ObjectNode) doc.get("state");
    state.put("format", MlpRegressionModel.FORMAT_CHOICES_ONLY);
    state.remove(List.of("memberViews", "pairs", "crossFeature"));
    json.writeValue(file.toFile(), doc);
    Files.deleteIfExists(dir.resolve("." + MlpRegressionModel.FILE + ".crc"));  // the local file system's checksum
    MlpRegressionModel old = (MlpRegressionModel) PredictorModels.load(PredictorModels.Kind.MLP,
        dir.toUri().toString());
    assertEquals(List.of(MlpRegressionModel.View.CHOICES, MlpRegressionModel.View.CHOICES,
        MlpRegressionModel.View.CHOICES), old.memberViews());
    for (Row t : test) {
      assertEquals(fitted.predict((Vector) t.get(2)), old.predict((Vector) t.get(2)), 0.0);
    }
  }
}
