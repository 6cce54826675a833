package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.prediction.BestPredictors;
import org.subnetatlas.transforms.prediction.PredictorFits;
import org.subnetatlas.transforms.prediction.PredictorFits.Split;
import org.subnetatlas.transforms.prediction.PredictorFits.Target;
import org.subnetatlas.transforms.prediction.PredictorTraining;
import org.subnetatlas.transforms.prediction.TrainingData;
import org.subnetatlas.udfs.prediction.FeatureEncoder;
import org.subnetatlas.transforms.search.FoundEvaluation;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;
import org.subnetatlas.udfs.prediction.PredictorModels;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/** train-predictor's dataflow on tiny tables: pinned reads, the split, a fit and the best pick. */
class PredictorTrainingTest extends SparkTestBase {

  private static final LocalDate DATE = LocalDate.parse("2026-11-30");
  private static final MbConvSpace SPACE = (MbConvSpace) Spaces.get("mbv3-tiny");
  private static final StructType LABELLED = new StructType()
      .add(Measurements.ARCH_ID, DataTypes.StringType)
      .add(Measurements.TOP1, DataTypes.DoubleType)
      .add(Measurements.LATENCY_P50_MS, DataTypes.DoubleType)
      .add(Architectures.ENCODING, DataTypes.StringType);
  private static AtlasFixture f;

  @BeforeAll
  static void tables() {
    f = new AtlasFixture(spark, warehouse);
  }

  /** A measurement of evaluate's split, on {@code device}, with {@code supernet}. */
  private static Row measured(LocalDate date, int arch, double top1, Double latency,
      String device, String supernet, String split) {
    Row base = f.measurement(date, arch, top1, latency);
    RowBuilder b = RowBuilder.of(Measurements.TABLE.schema());
    for (String c : Measurements.TABLE.schema().fieldNames()) {
      b.set(c, base.get(Measurements.TABLE.schema().fieldIndex(c)));
    }
    return b.set(Measurements.DEVICE_ID, device).set(Measurements.SUPERNET_ID, supernet)
        .set(Measurements.SPLIT, split).build();
  }

  @Test
  void recordsAverageLatencyOverDevicesOfTheSampleAndReadThePinnedVersions() {
    List<Row> archs = List.of(f.architecture(0), f.architecture(1), f.architecture(2),
        f.architecture(4));
    DeltaWrites.merge(spark, Architectures.TABLE, f.frame(Architectures.TABLE, archs), OnMatch.KEEP);
    // 0 is a stitched configuration (enumerated); 4 is outside the sample, as search's finds are
    List<Row> sampled = new ArrayList<>();
    for (int i : new int[] {1, 2}) {
      sampled.add(f.row(Samples.TABLE, Map.of(Samples.BUILD_DATE, Date.valueOf(DATE),
          Samples.SPACE, "mbv3-tiny", Samples.ARCH_ID, AtlasFixture.archId(i),
          Samples.SAMPLE_INDEX, i, Samples.SAMPLER, "stratified", Samples.SEED, 7L,
          Samples.RUN_ID, "run-0")));
    }
    DeltaWrites.replaceWhere(spark, Samples.TABLE, f.frame(Samples.TABLE, sampled),
        "build_date = DATE'" + DATE + "'");
    String valid = SubnetEvaluation.SPLIT;
    List<Row> ms = List.of(
        measured(DATE, 0, 0.8, 2.0, "dev-a", "supernet-1", valid),
        measured(DATE, 0, 0.8, 4.0, "dev-b", "supernet-1", valid),
        measured(DATE, 1, 0.7, null, "dev-a", "supernet-1", valid),
        measured(DATE, 2, 0.9, 1.0, "dev-a", "supernet-2", valid),
        // search's test-split rows, of a sampled sub-network: never a training label
        measured(DATE, 1, 0.1, 5.0, "dev-a", "supernet-1", FoundEvaluation.SPLIT),
        measured(DATE, 2, 0.9, 1.0, "dev-a", "supernet-1", FoundEvaluation.SPLIT),
        measured(DATE, 4, 0.95, 1.0, "dev-a", "supernet-1", valid));
    DeltaWrites.replaceWhere(spark, Measurements.TABLE, f.frame(Measurements.TABLE, ms),
        "build_date = DATE'" + DATE + "'");
    Map<String, Long> pinned = TrainingData.pin(spark);
    // a later rewrite of the date, which a read of the pinned versions must not see
    DeltaWrites.replaceWhere(spark, Measurements.TABLE, f.frame(Measurements.TABLE,
        List.of(measured(DATE, 0, 0.1, 9.0, "dev-a", "supernet-1", valid))),
        "build_date = DATE'" + DATE + "'");

    assertEquals(List.of("atlas.measurements", "atlas.architectures", "atlas.samples"),
        List.copyOf(pinned.keySet()));
    assertRows("pinned", List.of(
            row(AtlasFixture.archId(0), 0.8, 3.0, "{\"i\":0}"),
            row(AtlasFixture.archId(1), 0.7, null, "{\"i\":1}")),
        rowsToJava(TrainingData.records(spark, pinned, DATE, "supernet-1")
            .orderBy(Measurements.ARCH_ID).collectAsList()));
    Map<String, Long> now = TrainingData.pin(spark);
    assertRows("newest", List.<Object[]>of(row(AtlasFixture.archId(0), 0.1, 9.0, "{\"i\":0}")),
        rowsToJava(TrainingData.records(spark, now, DATE, "supernet-1").collectAsList()));
  }

  /** A labelled sub-network: arch_id, top1, latency, encoding of a random architecture. */
  private static Row labelled(String archId, double top1, Double latency, long seed) {
    return RowBuilder.of(LABELLED).set(Measurements.ARCH_ID, archId).set(Measurements.TOP1, top1)
        .set(Measurements.LATENCY_P50_MS, latency)
        .set(Architectures.ENCODING, SPACE.canonical(SPACE.sample(new SplittableRandom(seed))))
        .build();
  }

  /** Hex arch_ids whose first 8 digits mod 100 are {@code bucket}: held out below the percent. */
  private static String archId(int bucket, int i) {
    return String.format("%08x", 100 * i + bucket) + "ffff";
  }

  @Test
  void splitIsByArchIdIntoTestSelectionAndTrainAndCapsTrainingInTheOrderGiven() {
    List<Row> rows = List.of(labelled(archId(50, 1), 0.81, null, 1),
        labelled(archId(3, 2), 0.82, null, 2), labelled(archId(60, 3), 0.83, null, 3),
        labelled(archId(70, 4), 0.84, null, 4), labelled(archId(19, 5), 0.85, null, 5),
        labelled(archId(20, 6), 0.86, null, 6), labelled(archId(34, 7), 0.87, null, 7),
        labelled(archId(35, 8), 0.88, null, 8));
    Target t = new Target(DATE, SPACE, Measurements.TOP1, FeatureSet.ENCODING);
    Split s = PredictorFits.split(rows, t, Map.of(), new PredictorFits.Shares(20, 15), 2);

    assertEquals(List.of(archId(50, 1), archId(60, 3)), ids(s.train()));
    assertEquals(List.of(archId(20, 6), archId(34, 7)), ids(s.selection()));
    assertEquals(List.of(archId(3, 2), archId(19, 5)), ids(s.test()));
    Row first = s.train().get(0);
    assertEquals(0.81, first.<Double>getAs(PredictorModels.LABEL));
    assertArrayEquals(FeatureEncoder.vector(SPACE, SPACE.parse(rows.get(0).getAs(Architectures.ENCODING)),
        FeatureSet.ENCODING, null), first.<Vector>getAs(PredictorModels.FEATURES).toArray(), 0.0);

    Target withProxies = new Target(DATE, SPACE, Measurements.TOP1, FeatureSet.ENCODING_PROXIES);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PredictorFits.split(rows, withProxies, Map.of(), new PredictorFits.Shares(20, 15), 2));
    assertEquals("arch " + archId(50, 1) + " has no proxies after scoring", e.getMessage());
  }

  private static List<String> ids(List<Row> rows) {
    return rows.stream().map(r -> r.<String>getAs(PredictorModels.ARCH_ID)).toList();
  }

  @Test
  void sharesLeaveAtLeastATenthToTrainOn() {
    assertThrows(IllegalArgumentException.class, () -> new PredictorFits.Shares(50, 41));
    assertThrows(IllegalArgumentException.class, () -> new PredictorFits.Shares(20, 0));
    assertEquals(PredictorModels.Role.TRAIN, PredictorModels.role(archId(90, 1), 45, 45));
  }

  @Test
  void tooFewRowsSkipLatencyButAreBadInputForTopOne() {
    Split small = new Split(List.of(), List.of(), List.of());
    assertFalse(PredictorFits.enough(small,
        new Target(DATE, SPACE, Measurements.LATENCY_P50_MS, FeatureSet.ENCODING)));
    BadInputException e = assertThrows(BadInputException.class, () -> PredictorFits.enough(small,
        new Target(DATE, SPACE, Measurements.TOP1, FeatureSet.ENCODING)));
    assertEquals("top1: 0 training, 0 selection and 0 test sub-networks for 2026-11-30; need at "
        + "least 10, 5 and 5", e.getMessage());
  }

  @Test
  void modelPathNamesSpaceTargetDateFeatureSetAndModel() {
    assertEquals("file:/w/predictors/mbv3-tiny/top1/2026-11-30/encoding_proxies/random_forest",
        PredictorFits.modelPath("file:/w", new Target(DATE, SPACE, Measurements.TOP1,
            FeatureSet.ENCODING_PROXIES), PredictorModels.Kind.RANDOM_FOREST));
  }

  @Test
  void fitAllSavesEachModelAndDescribesItAsAPredictorsRow() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Row r = labelled(archId(i % 4 == 0 ? 5 : i % 4 == 1 ? 25 : 55, i), 0, null, i);
      // a label the encoding's log MACs explains, so a linear fit ranks it well
      double top1 = Math.log(SPACE.cost(SPACE.parse(r.getAs(Architectures.ENCODING))).macs());
      rows.add(labelled(r.getAs(Measurements.ARCH_ID), top1, null, i));
    }
    Target t = new Target(DATE, SPACE, Measurements.TOP1, FeatureSet.ENCODING);
    PredictorFits.Shares shares = new PredictorFits.Shares(20, 20);
    Split split = PredictorFits.split(rows, t, Map.of(), shares, 1000);
    Path root = Files.createTempDirectory("atlas-predictor-fits");
    PredictorTraining.Request req = new PredictorTraining.Request("mbv3-tiny", DATE,
        root.toString(), "unused", "run-1", shares, 1000, List.of(PredictorModels.Kind.LINEAR),
        new PredictorModels.Settings(5, 3, 5, 1), new TrainingData.Proxies(7, 32, 1));
    Map<String, Long> read = new LinkedHashMap<>(Map.of("atlas.measurements", 4L));
    Map<String, Long> counts = new LinkedHashMap<>();

    List<Row> out = PredictorFits.fitAll(spark, req, t, split, read, (k, n) -> counts.merge(k, n, Long::sum));

    assertEquals(1, out.size());
    Row r = out.get(0);
    assertEquals(Date.valueOf(DATE), r.getAs(Predictors.BUILD_DATE));
    assertEquals("linear", r.getAs(Predictors.MODEL));
    assertEquals("encoding", r.getAs(Predictors.FEATURE_SET));
    assertEquals(20, (int) r.<Integer>getAs(Predictors.N_TRAIN));
    assertEquals(10, (int) r.<Integer>getAs(Predictors.N_SELECTION));
    assertEquals(10, (int) r.<Integer>getAs(Predictors.N_TEST));
    assertTrue(r.<Double>getAs(Predictors.KENDALL_TAU) > 0.8, "tau " + r.getAs(Predictors.KENDALL_TAU));
    assertTrue(r.<Double>getAs(Predictors.SELECTION_KENDALL_TAU) > 0.8,
        "selection tau " + r.getAs(Predictors.SELECTION_KENDALL_TAU));
    assertEquals(PredictorFits.modelPath(req.warehouse(), t, PredictorModels.Kind.LINEAR),
        r.getAs(Predictors.MODEL_PATH));
    assertTrue(Files.isDirectory(Path.of(r.<String>getAs(Predictors.MODEL_PATH))));
    assertEquals(Map.of("atlas.measurements", 4L),
        scala.collection.JavaConverters.mapAsJavaMap(r.getAs(Predictors.TRAINED_ON)));
    assertFalse(r.<Boolean>getAs(Predictors.IS_BEST));
    assertEquals("run-1", r.getAs(Predictors.RUN_ID));
    assertEquals(Map.of("models", 1L), counts);
  }

  /** A predictors row with {@code tau} on the selection split and its negation on the test split. */
  private static Row predictor(String target, String model, String set, Double tau, boolean best) {
    return RowBuilder.of(Predictors.TABLE.schema())
        .set(Predictors.BUILD_DATE, Date.valueOf(DATE)).set(Predictors.SPACE, "mbv3-tiny")
        .set(Predictors.TARGET, target).set(Predictors.MODEL, model)
        .set(Predictors.FEATURE_SET, set).set(Predictors.N_TRAIN, 30).set(Predictors.N_TEST, 10)
        .set(Predictors.SELECTION_KENDALL_TAU, tau)
        .set(Predictors.KENDALL_TAU, tau == null ? null : -tau).set(Predictors.MODEL_PATH, "p/" + model)
        .set(Predictors.FEATURES, "{}").set(Predictors.TRAINED_ON,
            scala.collection.JavaConverters.mapAsScalaMap(new LinkedHashMap<String, Long>()))
        .set(Predictors.IS_BEST, best).set(Predictors.RUN_ID, "run-0")
        .set(Predictors.CREATED_AT, Timestamp.valueOf("2026-11-30 03:00:00")).build();
  }

  private static List<Object> bestFlags(List<Row> rows) {
    return rows.stream().map(r -> (Object) r.getAs(Predictors.IS_BEST)).toList();
  }

  @Test
  void bestIsTheHighestSelectionTauPerTargetAndTheFirstOfEqualOnes() {
    List<Row> rows = new ArrayList<>(List.of(
        predictor("top1", "gbt", "encoding", 0.3, false),
        predictor("top1", "linear", "encoding", 0.5, false),
        predictor("top1", "mlp", "encoding", null, false),
        predictor("top1", "random_forest", "encoding", 0.5, false),
        predictor("latency_p50_ms", "gbt", "encoding", null, false)));
    BestPredictors.markBest(rows);
    assertEquals(List.of(false, true, false, false, true), bestFlags(rows));
    assertEquals("linear", rows.get(1).getAs(Predictors.MODEL));
    // chosen on selection: the test figure (here the lowest) plays no part
    assertEquals(-0.5, rows.get(1).<Double>getAs(Predictors.KENDALL_TAU));
  }

  @Test
  void rowsNotRetrainedComeBackWithIsBestCleared() {
    List<Row> stored = List.of(predictor("top1", "gbt", "encoding", 0.3, false),
        predictor("top1", "linear", "encoding", 0.6, true));
    DeltaWrites.merge(spark, Predictors.TABLE, f.frame(Predictors.TABLE, stored), OnMatch.UPDATE);

    List<Row> kept = BestPredictors.notRetrained(spark, DATE, "mbv3-tiny",
        List.of(predictor("top1", "gbt", "encoding", 0.4, false)));

    assertEquals(1, kept.size());
    assertEquals("linear", kept.get(0).getAs(Predictors.MODEL));
    assertEquals(List.of(false), bestFlags(kept));
    assertEquals(0.6, kept.get(0).<Double>getAs(Predictors.SELECTION_KENDALL_TAU));
    assertTrue(BestPredictors.notRetrained(spark, DATE.plusDays(1), "mbv3-tiny", List.of()).isEmpty());
  }
}
