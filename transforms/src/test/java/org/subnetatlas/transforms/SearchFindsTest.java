package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
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
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.MeasurementTables.Devices;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.EvolutionSearch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.QualityGates.Thresholds;
import org.subnetatlas.transforms.evaluation.Evaluation;
import org.subnetatlas.transforms.measurement.Measurement;
import org.subnetatlas.transforms.prediction.PredictorFits;
import org.subnetatlas.transforms.prediction.PredictorFits.Target;
import org.subnetatlas.transforms.prediction.PredictorTraining;
import org.subnetatlas.transforms.prediction.TrainingData;
import org.subnetatlas.transforms.search.FoundEvaluation;
import org.subnetatlas.transforms.search.PredictorSearch;
import org.subnetatlas.transforms.training.GroundTruthTrainings;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;
import org.subnetatlas.udfs.prediction.PredictorModels;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/**
 * What search finds, and its random baseline, land in the tables beside the night's sample,
 * evaluated for real on the test split (an untrained supernet on a few bundled images), and what
 * trains, gates or summarises the night reads the same rows before and after. Slow: every reader
 * runs twice, and six sub-networks are evaluated.
 */
@Tag("slow")
class SearchFindsTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.parse("2026-12-04");
  private static final MbConvSpace SPACE = (MbConvSpace) Spaces.get("mbv3-tiny");
  private static final String SUPERNET = "sn-finds-0001";
  private static final EvalConfig EVAL = new EvalConfig(64, 50, 50, true, "auto");
  private static final FoundEvaluation.Protocol PROTOCOL =
      new FoundEvaluation.Protocol("../data/fashion-mnist", EVAL, 1, 1, "run-search");
  private static AtlasFixture f;
  /** Sampled the night before DAY, so its architectures row says stratified. */
  private static Arch earlier;

  @BeforeAll
  static void night() throws Exception {
    f = new AtlasFixture(spark, warehouse);
    Path checkpoint = warehouse.resolve("finds-supernet.ckpt");
    try (TrainedSupernet s = TrainedSupernet.untrained(SPACE.spec(), 3);
        OutputStream out = Files.newOutputStream(checkpoint)) {
      s.save(out);
    }
    earlier = SPACE.sample(new SplittableRandom(99));
    List<Row> archs = new ArrayList<>(List.of(architecture(earlier, DAY.minusDays(1)),
        f.architecture(0)));
    List<Row> samples = new ArrayList<>(List.of(sample(earlier, DAY.minusDays(1), 0)));
    // a stitched configuration: enumerated, not sampled, and still the night's own
    List<Row> ms = new ArrayList<>(List.of(f.measurement(DAY, 0, 0.6, 3.0)));
    for (int i = 0; i < 10; i++) {
      Arch a = SPACE.sample(new SplittableRandom(100 + i));
      archs.add(architecture(a, DAY));
      samples.add(sample(a, DAY, i));
      ms.add(measurement(SPACE.archId(a), 0.5 + 0.01 * i, i % 2 == 0 ? 2.0 + 0.1 * i : null));
    }
    DeltaWrites.merge(spark, Architectures.TABLE, f.frame(Architectures.TABLE, archs), OnMatch.KEEP);
    f.append(Samples.TABLE, samples.toArray(Row[]::new));
    f.append(Measurements.TABLE, ms.toArray(Row[]::new));
    f.append(Devices.TABLE, f.device());
    f.append(Supernets.TABLE, RowBuilder.of(Supernets.TABLE.schema())
        .set(Supernets.SUPERNET_ID, SUPERNET).set(Supernets.SPACE, SPACE.name())
        .set(Supernets.SPACE_VERSION, SPACE.version())
        .set(Supernets.CHECKPOINT_URI, checkpoint.toUri().toString())
        .set(Supernets.CONFIG, "{}").set(Supernets.CONFIG_HASH, "untrained")
        .set(Supernets.DATASET, SubnetEvaluation.DATASET).set(Supernets.TRAIN_IMAGES, 0L)
        .set(Supernets.EPOCHS, 0).set(Supernets.PHASE_LOSSES, "[]")
        .set(Supernets.SKIPPED_STEPS, 0).set(Supernets.TRAIN_SECONDS, 0.0)
        .set(Supernets.DEVICE_ID, AtlasFixture.DEVICE).set(Supernets.RUN_ID, "run-0")
        .set(Supernets.BUILD_DATE, Date.valueOf(DAY))
        .set(Supernets.CREATED_AT, Timestamp.valueOf("2026-12-04 01:00:00")).build());
    predictor();
  }

  private static Row architecture(Arch a, LocalDate firstSeen) {
    return RowBuilder.of(Architectures.TABLE.schema())
        .set(Architectures.ARCH_ID, SPACE.archId(a)).set(Architectures.SPACE, SPACE.name())
        .set(Architectures.SPACE_VERSION, SPACE.version())
        .set(Architectures.FAMILY, SPACE.family())
        .set(Architectures.ENCODING, SPACE.canonical(a))
        .set(Architectures.RESOLUTION, SPACE.resolution(a))
        .set(Architectures.MACS, SPACE.cost(a).macs())
        .set(Architectures.PARAMS, SPACE.cost(a).params())
        .set(Architectures.SAMPLER, "stratified").set(Architectures.SEED, 7L)
        .set(Architectures.FIRST_SEEN_DATE, Date.valueOf(firstSeen)).build();
  }

  private static Row sample(Arch a, LocalDate date, int index) {
    return RowBuilder.of(Samples.TABLE.schema()).set(Samples.BUILD_DATE, Date.valueOf(date))
        .set(Samples.SPACE, SPACE.name()).set(Samples.ARCH_ID, SPACE.archId(a))
        .set(Samples.SAMPLE_INDEX, index).set(Samples.SAMPLER, "stratified")
        .set(Samples.SEED, 7L).set(Samples.RUN_ID, "run-" + date).build();
  }

  /** evaluate's row for a sampled sub-network, under the protocol search uses. */
  private static Row measurement(String archId, double top1, Double latency) {
    return RowBuilder.of(Measurements.TABLE.schema())
        .set(Measurements.ARCH_ID, archId).set(Measurements.SUPERNET_ID, SUPERNET)
        .set(Measurements.DATASET, SubnetEvaluation.DATASET)
        .set(Measurements.SPLIT, SubnetEvaluation.SPLIT)
        .set(Measurements.DEVICE_ID, AtlasFixture.DEVICE).set(Measurements.TOP1, top1)
        .set(Measurements.N_IMAGES, EVAL.evalImages()).set(Measurements.BN_RECALIBRATED, true)
        .set(Measurements.RECALIBRATION_IMAGES, EVAL.recalibrationImages())
        .set(Measurements.LATENCY_P50_MS, latency).set(Measurements.RUN_ID, "run-evaluate")
        .set(Measurements.MEASURED_AT, Timestamp.valueOf("2026-12-04 02:00:00"))
        .set(Measurements.BUILD_DATE, Date.valueOf(DAY)).build();
  }

  /** The date's encoding-only top-1 predictor, a linear fit on log MACs, which search reads. */
  private static void predictor() throws Exception {
    StructType labelled = new StructType().add(Measurements.ARCH_ID, DataTypes.StringType)
        .add(Measurements.TOP1, DataTypes.DoubleType)
        .add(Architectures.ENCODING, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Arch a = SPACE.sample(new SplittableRandom(1000 + i));
      rows.add(RowBuilder.of(labelled).set(Measurements.ARCH_ID, SPACE.archId(a))
          .set(Measurements.TOP1, Math.log(SPACE.cost(a).macs()))
          .set(Architectures.ENCODING, SPACE.canonical(a)).build());
    }
    Target t = new Target(DAY, SPACE, Measurements.TOP1, FeatureSet.ENCODING);
    PredictorTraining.Request req = new PredictorTraining.Request(SPACE.name(), DAY,
        Files.createTempDirectory("atlas-finds-predictor").toString(), "unused", "run-0", new PredictorFits.Shares(20, 20),
        1000, List.of(PredictorModels.Kind.LINEAR), new PredictorModels.Settings(5, 3, 5, 1),
        new TrainingData.Proxies(7, 32, 1));
    List<Row> fitted = PredictorFits.fitAll(spark, req, t,
        PredictorFits.split(rows, t, Map.of(), new PredictorFits.Shares(20, 20), 1000), Map.of(), (k, n) -> { });
    DeltaWrites.merge(spark, Predictors.TABLE, f.frame(Predictors.TABLE, fitted), OnMatch.UPDATE);
  }

  /** What each reader of the night sees, one line per row, by reader. */
  private static Map<String, List<String>> readers() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    out.put("train-predictor's records", lines(TrainingData.records(spark,
        TrainingData.pin(spark), DAY, SUPERNET).orderBy(Measurements.ARCH_ID).collectAsList()));
    QualityGates.Result gates = QualityGates.check(spark, DAY, Thresholds.DEFAULT);
    assertTrue(gates.passed(), gates.summary());
    out.put("gate metrics", List.of(gates.metrics().toString()));
    out.put("evaluate's summary",
        List.of(Evaluation.summary(spark, SPACE.name(), SUPERNET, DAY).toString()));
    out.put("ground truth's choice", lines(GroundTruthTrainings.measured(spark, SUPERNET, DAY)));
    out.put("measure's choice", lines(Measurement.evaluated(spark, SPACE.name(), DAY)
        .orderBy(Measurements.ARCH_ID).collectAsList()));
    return out;
  }

  private static List<String> lines(List<Row> rows) {
    return rows.stream().map(Row::toString).toList();
  }

  private static Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    for (String t : List.of("architectures", "measurements", "search_results", "samples",
        "devices")) {
      out.put(t, (Long) sql("SELECT count(*) FROM atlas." + t).get(0)[0]);
    }
    return out;
  }

  private static FoundEvaluation.Progress progress(long total) {
    LongAccumulator done = spark.sparkContext().longAccumulator("found");
    return new FoundEvaluation.Progress() {
      @Override
      public LongAccumulator counter() {
        return done;
      }

      @Override
      public void close() {}
    };
  }

  private static Map<String, Long> search() {
    Map<String, Long> counts = new TreeMap<>();
    PredictorSearch.run(spark, new PredictorSearch.Request(SPACE.name(), DAY,
            new EvolutionSearch.Settings(8, 2, 0.25, 0.5, 5), List.of(0.6), 2, 0, PROTOCOL),
        SearchFindsTest::progress, (k, n) -> counts.merge(k, n, Long::sum));
    return counts;
  }

  private static FoundEvaluation.Found found(Arch a) {
    return new FoundEvaluation.Found("macs<=1", 1, SPACE.archId(a), SPACE.canonical(a),
        SPACE.cost(a));
  }

  private static long validRows() {
    return (Long) sql("SELECT count(*) FROM atlas.measurements WHERE split = '%s'",
        SubnetEvaluation.SPLIT).get(0)[0];
  }

  @Test
  void findsLandBesideTheSampleAndLeaveWhatReadsTheNightAsItWas() {
    Map<String, List<String>> before = readers();
    assertEquals(10, before.get("train-predictor's records").size());
    long valid = validRows();

    Map<String, Long> first = search();
    // a find an earlier night sampled keeps that sampler, and one this night sampled gets a test
    // row beside evaluate's valid one: only the night's sample and the split tell them apart
    Map<String, Long> again = new TreeMap<>();
    FoundEvaluation.record(spark, SPACE, DAY, TrainedSupernets.latest(spark, SPACE.name(), DAY),
        List.of(found(earlier), found(SPACE.sample(new SplittableRandom(100)))), 5, PROTOCOL,
        SearchFindsTest::progress, again::put);
    assertEquals(Map.of("architectures_inserted", 0L, "evaluated", 2L,
        "measurements_inserted", 2L), again);
    assertEquals(valid, validRows(), "search scores nothing on the split predictors learn from");

    String split = FoundEvaluation.SPLIT;
    List<Object[]> found = sql("SELECT s.arch_id, a.sampler, a.first_seen_date, m.top1 ="
        + " s.measured_top1, s.measured_split, m.n_images FROM atlas.search_results s"
        + " JOIN atlas.architectures a USING (arch_id) JOIN atlas.measurements m"
        + " ON m.arch_id = s.arch_id AND m.supernet_id = s.supernet_id"
        + " AND m.build_date = s.build_date AND m.split = '%s' WHERE s.build_date = DATE'%s'"
        + " AND s.supernet_id = '%s'", split, DAY, SUPERNET);
    assertEquals(2, found.size(), "both results are measured on the test split");
    for (Object[] r : found) {
      assertEquals(List.of(FoundEvaluation.SAMPLER, Date.valueOf(DAY), true, split,
          EVAL.evalImages()), List.of(r[1], r[2], r[3], r[4], r[5]), "found " + r[0]);
    }
    // as many random sub-networks as finds, under the budget, measured the same way
    List<Object[]> random = sql("SELECT s.baseline_arch_id, a.sampler, a.macs <= CAST(substr("
        + "s.budget, 7) AS BIGINT), a.macs = s.baseline_macs, m.top1 = s.baseline_measured_top1,"
        + " s.baseline_predicted_top1 IS NOT NULL, m.n_images FROM atlas.search_results s"
        + " JOIN atlas.architectures a ON a.arch_id = s.baseline_arch_id"
        + " JOIN atlas.measurements m ON m.arch_id = s.baseline_arch_id"
        + " AND m.supernet_id = s.supernet_id AND m.build_date = s.build_date AND m.split = '%s'"
        + " WHERE s.build_date = DATE'%s'", split, DAY);
    assertEquals(2, random.size(), "a random baseline beside each find");
    for (Object[] r : random) {
      assertEquals(List.of(FoundEvaluation.BASELINE_SAMPLER, true, true, true, true,
          EVAL.evalImages()), List.of(r[1], r[2], r[3], r[4], r[5], r[6]), "random " + r[0]);
    }
    long distinct = (Long) sql("SELECT count(DISTINCT id) FROM (SELECT arch_id AS id FROM"
        + " atlas.search_results UNION ALL SELECT baseline_arch_id FROM atlas.search_results)")
        .get(0)[0];
    assertEquals(2L, first.get("baseline_drawn"));
    assertEquals(distinct, first.get("architectures_inserted"));
    assertEquals(distinct, first.get("evaluated"));
    assertEquals(distinct, first.get("measurements_inserted"));

    Map<String, List<String>> after = readers();
    for (String reader : before.keySet()) {
      assertEquals(before.get(reader), after.get(reader), reader);
    }

    Map<String, Long> rows = counts();
    String results = "SELECT budget, rank, arch_id, measured_top1, baseline_arch_id,"
        + " baseline_measured_top1 FROM atlas.search_results ORDER BY budget, rank";
    List<List<Object>> firstResults = sql(results).stream().map(List::of).toList();
    Map<String, Long> rerun = search();
    assertEquals(rows, counts(), "a rerun adds no rows");
    assertEquals(0L, rerun.get("evaluated"), "a rerun evaluates nothing again");
    assertEquals(0L, rerun.get("architectures_inserted"));
    assertEquals(firstResults, sql(results).stream().map(List::of).toList());
  }
}
