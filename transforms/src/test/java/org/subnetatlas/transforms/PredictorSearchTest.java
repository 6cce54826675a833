package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.subnetatlas.transforms.search.RandomBaseline;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

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
    Arch drawn = space.sample(new SplittableRandom(3));
    String sampledId = space.archId(sampled);
    String freshId = space.archId(fresh);
    String drawnId = space.archId(drawn);
    // the night sampled one of them; all have the night's test-split accuracy with the supernet,
    // and two also evaluate's valid-split accuracy, which is not what search reports
    Row known = f.architecture(1);
    Object[] knownValues = new Object[known.size()];
    for (int i = 0; i < known.size(); i++) {
      knownValues[i] = known.get(i);
    }
    knownValues[0] = sampledId;
    DeltaWrites.merge(spark, Architectures.TABLE, f.frame(Architectures.TABLE,
        List.of(org.apache.spark.sql.RowFactory.create(knownValues))), OnMatch.KEEP);
    EvalConfig eval = EvalConfig.defaults();
    Map<String, Double> valid = Map.of(sampledId, 0.71, freshId, 0.83);
    Map<String, Double> test = Map.of(sampledId, 0.69, freshId, 0.81, drawnId, 0.77);
    List<Row> ms = new java.util.ArrayList<>();
    for (Map.Entry<String, Double> e : test.entrySet()) {
      ms.add(measurement(e.getKey(), FoundEvaluation.SPLIT, e.getValue(), eval, day));
    }
    for (Map.Entry<String, Double> e : valid.entrySet()) {
      ms.add(measurement(e.getKey(), SubnetEvaluation.SPLIT, e.getValue(), eval, day));
    }
    DeltaWrites.merge(spark, Measurements.TABLE, f.frame(Measurements.TABLE, ms), OnMatch.KEEP);
    Row supernet = supernet();
    List<FoundEvaluation.Found> found = List.of(
        new FoundEvaluation.Found("macs<=1", 1, freshId, space.canonical(fresh), space.cost(fresh)),
        new FoundEvaluation.Found("macs<=2", 1, sampledId, space.canonical(sampled),
            space.cost(sampled)),
        new FoundEvaluation.Found("macs<=2", 2, freshId, space.canonical(fresh), space.cost(fresh)));
    // the random baseline drew the fresh one too: it stays search's find
    List<FoundEvaluation.Drawn> drawnBoth = List.of(
        new FoundEvaluation.Drawn(FoundEvaluation.SAMPLER, 9L, found),
        new FoundEvaluation.Drawn(FoundEvaluation.BASELINE_SAMPLER, 42L, List.of(
            new FoundEvaluation.Found("macs<=2", 1, drawnId, space.canonical(drawn),
                space.cost(drawn)),
            new FoundEvaluation.Found("macs<=2", 2, freshId, space.canonical(fresh),
                space.cost(fresh)))));
    FoundEvaluation.Protocol protocol = new FoundEvaluation.Protocol("unused", eval, 1, 1, "run-2");

    for (long expectInserted : new long[] {2, 0}) {  // a rerun inserts nothing
      Map<String, Long> counts = new java.util.TreeMap<>();
      Map<String, Double> top1 = FoundEvaluation.record(spark, space, day,
          supernet, drawnBoth, protocol, total -> {
            throw new AssertionError("nothing is evaluated: all are measured on the test split");
          }, counts::put);
      assertEquals(test, top1, "search reports the test split, not evaluate's valid split");
      assertEquals(Map.of("architectures_inserted", expectInserted, "evaluated", 0L), counts);
    }
    List<Row> rows = spark.table(Architectures.TABLE.qualifiedName())
        .where(org.apache.spark.sql.functions.col(Architectures.ARCH_ID)
            .isin(sampledId, freshId, drawnId))
        .select(Architectures.ARCH_ID, Architectures.SAMPLER, Architectures.SEED,
            Architectures.MACS, Architectures.FIRST_SEEN_DATE)
        .collectAsList();
    Map<String, String> byId = new java.util.TreeMap<>();
    rows.forEach(r -> byId.put(r.getString(0), r.getString(1) + "," + r.getLong(2) + ","
        + r.getLong(3) + "," + r.get(4)));
    assertEquals(Map.of(sampledId, "stratified,7,1010000,2026-11-01",
        freshId, "search,9," + space.cost(fresh).macs() + "," + day,
        drawnId, FoundEvaluation.BASELINE_SAMPLER + ",42," + space.cost(drawn).macs() + "," + day),
        byId);
  }

  @Test
  void aFindOnlyMeasuredOnTheValidSplitIsEvaluatedAgainOnTheTestSplit() {
    LocalDate day = DATE.plusDays(4);
    MbConvSpace space = (MbConvSpace) Spaces.get("mbv3-tiny");
    Arch a = space.largest();
    EvalConfig eval = EvalConfig.defaults();
    DeltaWrites.merge(spark, Measurements.TABLE, f.frame(Measurements.TABLE, List.of(
        measurement(space.archId(a), SubnetEvaluation.SPLIT, 0.8, eval, day))), OnMatch.KEEP);
    Row supernet = supernet();
    // the evaluation is asked for (and stopped there): a valid-split row does not stand in
    AssertionError asked = assertThrows(AssertionError.class, () -> FoundEvaluation.record(spark,
        space, day, supernet, List.of(new FoundEvaluation.Found("macs<=1", 1, space.archId(a),
            space.canonical(a), space.cost(a))), 9L,
        new FoundEvaluation.Protocol("unused", eval, 1, 1, "run-3"), total -> {
          throw new AssertionError("evaluating " + total);
        }, (k, n) -> { }));
    assertEquals("evaluating 1", asked.getMessage());
  }

  @Test
  void theRandomBaselineIsDistinctWithinTheBudgetAndTheSameForTheSameDate() {
    MbConvSpace space = (MbConvSpace) Spaces.get("mbv3-tiny");
    long budget = space.cost(space.largest()).macs() / 2;
    java.util.function.Predicate<Arch> feasible = a -> space.cost(a).macs() <= budget;
    long seed = RandomBaseline.seed(5, DATE, budget);
    List<Arch> drawn = RandomBaseline.draw(space, feasible, 6, seed);
    assertEquals(6, drawn.size());
    assertEquals(6, drawn.stream().map(space::canonical).distinct().count());
    drawn.forEach(a -> assertTrue(space.cost(a).macs() <= budget, space.canonical(a)));
    assertEquals(drawn.stream().map(space::canonical).toList(),
        RandomBaseline.draw(space, feasible, 6, RandomBaseline.seed(5, DATE, budget)).stream()
            .map(space::canonical).toList(), "a rerun for the date draws the same");
    assertNotEquals(seed, RandomBaseline.seed(5, DATE.plusDays(1), budget));
    assertNotEquals(seed, RandomBaseline.seed(5, DATE, budget - 1));
    assertNotEquals(drawn.stream().map(space::canonical).toList(),
        RandomBaseline.draw(space, feasible, 6, RandomBaseline.seed(5, DATE.plusDays(1), budget))
            .stream().map(space::canonical).toList(), "another night draws others");
  }

  /** What search reads of the date's supernet; nothing is evaluated, so its checkpoint is not read. */
  private static Row supernet() {
    return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
        new Object[] {"sn-search-0000", "file:/nonexistent.ckpt"}, new org.apache.spark.sql.types.StructType()
            .add(Supernets.SUPERNET_ID, "string").add(Supernets.CHECKPOINT_URI, "string"));
  }

  /** A measurement of {@code archId} on {@code split} under {@code eval}, with search's supernet. */
  private static Row measurement(String archId, String split, double top1, EvalConfig eval,
      LocalDate day) {
    Map<String, Object> v = new java.util.HashMap<>();
    v.put(Measurements.ARCH_ID, archId);
    v.put(Measurements.SUPERNET_ID, "sn-search-0000");
    v.put(Measurements.DATASET, "fashion-mnist");
    v.put(Measurements.SPLIT, split);
    v.put(Measurements.DEVICE_ID, AtlasFixture.DEVICE);
    v.put(Measurements.TOP1, top1);
    v.put(Measurements.N_IMAGES, eval.evalImages());
    v.put(Measurements.BN_RECALIBRATED, true);
    v.put(Measurements.RECALIBRATION_IMAGES, eval.recalibrationImages());
    v.put(Measurements.RUN_ID, "run-0");
    v.put(Measurements.MEASURED_AT, Timestamp.valueOf("2026-12-03 03:00:00"));
    v.put(Measurements.BUILD_DATE, Date.valueOf(day));
    return f.row(Measurements.TABLE, v);
  }

  @Test
  void budgetLabelsNameTheLatencyBudgetOnlyWhenSearchedUnderIt() {
    assertEquals("macs<=2000000", PredictorSearch.budgetLabel(2_000_000, false, 5.0));
    assertEquals("macs<=2000000,latency_p50_ms<=5.0", PredictorSearch.budgetLabel(2_000_000, true, 5.0));
  }
}
