package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.spaces.EvolutionSearch;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.search.FoundEvaluation;
import org.subnetatlas.transforms.search.PredictorSearch;
import org.subnetatlas.udfs.evaluation.EvalConfig;

/** search's choice of predictor and its guard, on a tiny atlas.predictors. */
class PredictorSearchTest extends SparkTestBase {

  private static final LocalDate DATE = LocalDate.parse("2026-11-30");
  private static AtlasFixture f;

  @BeforeAll
  static void tables() {
    f = new AtlasFixture(spark, warehouse);
  }

  private static Row predictor(String target, String model, String set, Double tau) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put(Predictors.BUILD_DATE, Date.valueOf(DATE));
    v.put(Predictors.SPACE, "mbv3-tiny");
    v.put(Predictors.TARGET, target);
    v.put(Predictors.MODEL, model);
    v.put(Predictors.FEATURE_SET, set);
    v.put(Predictors.N_TRAIN, 30);
    v.put(Predictors.N_TEST, 10);
    v.put(Predictors.SELECTION_KENDALL_TAU, tau);
    // the test figure ranks them the other way: search must not choose on it
    v.put(Predictors.KENDALL_TAU, tau == null ? null : -tau);
    v.put(Predictors.MODEL_PATH, "p/" + target + "/" + set + "/" + model);
    v.put(Predictors.FEATURES, "{}");
    v.put(Predictors.TRAINED_ON, scala.collection.JavaConverters.mapAsScalaMap(Map.<String, Long>of()));
    v.put(Predictors.IS_BEST, false);
    v.put(Predictors.RUN_ID, "run-0");
    v.put(Predictors.CREATED_AT, Timestamp.valueOf("2026-11-30 03:00:00"));
    return f.row(Predictors.TABLE, v);
  }

  @Test
  void searchUsesTheBestEncodingOnlyPredictorWithTiesByModelName() {
    DeltaWrites.merge(spark, Predictors.TABLE, f.frame(Predictors.TABLE, List.of(
        predictor("top1", "gbt", "encoding", 0.4),
        predictor("top1", "mlp", "encoding", 0.6),
        predictor("top1", "linear", "encoding", 0.6),
        predictor("top1", "random_forest", "encoding", null),
        predictor("top1", "gbt", "encoding+proxies", 0.9),
        predictor("latency_p50_ms", "gbt", "encoding", 0.95))), OnMatch.UPDATE);

    Row top1 = PredictorSearch.bestEncodingPredictor(spark, "mbv3-tiny", DATE, Measurements.TOP1);
    assertEquals("linear", top1.getAs(Predictors.MODEL));
    assertEquals("p/top1/encoding/linear", top1.getAs(Predictors.MODEL_PATH));
    assertEquals("gbt", PredictorSearch.bestEncodingPredictor(spark, "mbv3-tiny", DATE,
        Measurements.LATENCY_P50_MS).getAs(Predictors.MODEL));
    assertNull(PredictorSearch.bestEncodingPredictor(spark, "mbv3-tiny", DATE.plusDays(1),
        Measurements.TOP1));
  }

  @Test
  void withoutATopOnePredictorSearchIsBadInput() {
    LocalDate noPredictors = DATE.minusDays(7);
    PredictorSearch.Request req = new PredictorSearch.Request("mbv3-tiny", noPredictors,
        new EvolutionSearch.Settings(8, 2, 0.25, 0.5, 1), List.of(0.5), 2, 0,
        new FoundEvaluation.Protocol("unused", EvalConfig.defaults(), 1, 1, "run-1"));
    BadInputException e = assertThrows(BadInputException.class, () -> PredictorSearch.run(spark, req,
        total -> {
          throw new AssertionError("nothing is evaluated");
        }, (k, n) -> {
          throw new AssertionError("nothing is counted");
        }));
    assertEquals("no top-1 predictor of mbv3-tiny for 2026-11-23; run `atlas train-predictor "
        + "--date 2026-11-23` first", e.getMessage());
  }

  @Test
  void budgetLabelsNameTheLatencyBudgetOnlyWhenSearchedUnderIt() {
    assertEquals("macs<=2000000", PredictorSearch.budgetLabel(2_000_000, false, 5.0));
    assertEquals("macs<=2000000,latency_p50_ms<=5.0", PredictorSearch.budgetLabel(2_000_000, true, 5.0));
  }
}
