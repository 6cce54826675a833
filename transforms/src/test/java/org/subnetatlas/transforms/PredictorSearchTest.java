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
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
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
  void foundSubNetworksLandInArchitecturesAndMeasuredOnesAreNotEvaluatedAgain() {
    LocalDate day = DATE.plusDays(3);
    MbConvSpace space = (MbConvSpace) Spaces.get("mbv3-tiny");
    Arch sampled = space.smallest();
    Arch fresh = space.largest();
    String sampledId = space.archId(sampled);
    String freshId = space.archId(fresh);
    // the night sampled one of them; both already have the night's accuracy with the supernet
    Row known = f.architecture(1);
    Object[] knownValues = new Object[known.size()];
    for (int i = 0; i < known.size(); i++) {
      knownValues[i] = known.get(i);
    }
    knownValues[0] = sampledId;
    DeltaWrites.merge(spark, Architectures.TABLE, f.frame(Architectures.TABLE,
        List.of(org.apache.spark.sql.RowFactory.create(knownValues))), OnMatch.KEEP);
    EvalConfig eval = EvalConfig.defaults();
    List<Row> ms = new java.util.ArrayList<>();
    for (String id : List.of(sampledId, freshId)) {
      Map<String, Object> v = new java.util.HashMap<>();
      v.put(Measurements.ARCH_ID, id);
      v.put(Measurements.SUPERNET_ID, "sn-search-0000");
      v.put(Measurements.DATASET, "fashion-mnist");
      v.put(Measurements.SPLIT, "valid");
      v.put(Measurements.DEVICE_ID, AtlasFixture.DEVICE);
      v.put(Measurements.TOP1, id.equals(sampledId) ? 0.71 : 0.83);
      v.put(Measurements.N_IMAGES, eval.evalImages());
      v.put(Measurements.BN_RECALIBRATED, true);
      v.put(Measurements.RECALIBRATION_IMAGES, eval.recalibrationImages());
      v.put(Measurements.RUN_ID, "run-0");
      v.put(Measurements.MEASURED_AT, Timestamp.valueOf("2026-12-03 03:00:00"));
      v.put(Measurements.BUILD_DATE, Date.valueOf(day));
      ms.add(f.row(Measurements.TABLE, v));
    }
    DeltaWrites.merge(spark, Measurements.TABLE, f.frame(Measurements.TABLE, ms), OnMatch.KEEP);
    // what search reads of the date's supernet; nothing is evaluated, so its checkpoint is not read
    Row supernet = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
        new Object[] {"sn-search-0000", "file:/nonexistent.ckpt"}, new org.apache.spark.sql.types.StructType()
            .add(Supernets.SUPERNET_ID, "string").add(Supernets.CHECKPOINT_URI, "string"));
    List<FoundEvaluation.Found> found = List.of(
        new FoundEvaluation.Found("macs<=1", 1, freshId, space.canonical(fresh), space.cost(fresh)),
        new FoundEvaluation.Found("macs<=2", 1, sampledId, space.canonical(sampled),
            space.cost(sampled)),
        new FoundEvaluation.Found("macs<=2", 2, freshId, space.canonical(fresh), space.cost(fresh)));
    FoundEvaluation.Protocol protocol = new FoundEvaluation.Protocol("unused", eval, 1, 1, "run-2");

    for (long expectInserted : new long[] {1, 0}) {  // a rerun inserts nothing
      Map<String, Long> counts = new java.util.TreeMap<>();
      Map<String, Double> top1 = FoundEvaluation.record(spark, space, day,
          supernet, found, 9L, protocol, total -> {
            throw new AssertionError("nothing is evaluated: both are measured");
          }, counts::put);
      assertEquals(Map.of(freshId, 0.83, sampledId, 0.71), top1);
      assertEquals(Map.of("architectures_inserted", expectInserted, "evaluated", 0L), counts);
    }
    List<Row> rows = spark.table(Architectures.TABLE.qualifiedName())
        .where(org.apache.spark.sql.functions.col(Architectures.ARCH_ID).isin(sampledId, freshId))
        .select(Architectures.ARCH_ID, Architectures.SAMPLER, Architectures.SEED,
            Architectures.MACS, Architectures.FIRST_SEEN_DATE)
        .collectAsList();
    Map<String, String> byId = new java.util.TreeMap<>();
    rows.forEach(r -> byId.put(r.getString(0), r.getString(1) + "," + r.getLong(2) + ","
        + r.getLong(3) + "," + r.get(4)));
    assertEquals(Map.of(sampledId, "stratified,7,1010000,2026-11-01",
        freshId, "search,9," + space.cost(fresh).macs() + "," + day), byId);
  }

  @Test
  void budgetLabelsNameTheLatencyBudgetOnlyWhenSearchedUnderIt() {
    assertEquals("macs<=2000000", PredictorSearch.budgetLabel(2_000_000, false, 5.0));
    assertEquals("macs<=2000000,latency_p50_ms<=5.0", PredictorSearch.budgetLabel(2_000_000, true, 5.0));
  }
}
