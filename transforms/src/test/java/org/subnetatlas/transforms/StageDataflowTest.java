package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.transforms.evaluation.Evaluation;
import org.subnetatlas.transforms.evaluation.EvaluationSummary;
import org.subnetatlas.transforms.measurement.Measurement;
import org.subnetatlas.transforms.sampling.NightlySample;
import org.subnetatlas.transforms.search.FoundEvaluation;
import org.subnetatlas.transforms.training.StitchedFamilies;

/** The stages' Dataset logic on tiny tables: what is pending, what is written, what is counted. */
class StageDataflowTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.parse("2026-11-30");
  private AtlasFixture atlas;

  @BeforeEach
  void freshTables() {
    atlas = new AtlasFixture(spark, warehouse);
  }

  private static List<String> archIds(Dataset<Row> rows) {
    return rows.select(Architectures.ARCH_ID).orderBy(Architectures.ARCH_ID).collectAsList()
        .stream().map(r -> r.getString(0)).toList();
  }

  private Row measurement(int i, String supernetId, String split) {
    Row plain = atlas.measurement(DAY, i, 0.8, null);
    Map<String, Object> v = new LinkedHashMap<>();
    String[] columns = Measurements.TABLE.schema().fieldNames();
    for (int c = 0; c < columns.length; c++) {
      v.put(columns[c], plain.get(c));
    }
    v.put(Measurements.SUPERNET_ID, supernetId);
    v.put(Measurements.SPLIT, split);
    return atlas.row(Measurements.TABLE, v);
  }

  private void sampleOf(int n) {
    List<Row> archs = new ArrayList<>();
    List<Row> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      archs.add(atlas.architecture(i));
      samples.add(atlas.row(Samples.TABLE, Map.of(Samples.BUILD_DATE, Date.valueOf(DAY),
          Samples.SPACE, "mbv3-tiny", Samples.ARCH_ID, AtlasFixture.archId(i),
          Samples.SAMPLE_INDEX, i, Samples.SAMPLER, "stratified", Samples.SEED, 7L,
          Samples.RUN_ID, "run-0")));
    }
    atlas.append(Architectures.TABLE, archs.toArray(Row[]::new));
    atlas.append(Samples.TABLE, samples.toArray(Row[]::new));
  }

  @Test
  void evaluationSkipsWhatTheDatesSupernetAlreadyMeasuredOnTheHeldOutSplit() {
    sampleOf(5);
    atlas.append(Measurements.TABLE, measurement(0, "sn-1", "valid"),
        measurement(1, "sn-1", "valid"),
        // another supernet's row, and a row of another split, do not count as done
        measurement(2, "sn-0", "valid"), measurement(3, "sn-1", "test"));
    Dataset<Row> sampled = Evaluation.sampled(spark, "mbv3-tiny", DAY);
    assertEquals(5, sampled.count());
    assertEquals(List.of("arch-0002", "arch-0003", "arch-0004"),
        archIds(Evaluation.pending(spark, sampled, DAY, "sn-1", false)));
    assertEquals(5, Evaluation.pending(spark, sampled, DAY, "sn-1", true).count());
    assertEquals(0, Evaluation.sampled(spark, "mbv3-tiny", DAY.plusDays(1)).count());
  }

  @Test
  void theEvaluationSummaryReportsTheLargestSubNetworkAndItsStandardError() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // the third row is the largest; MACs otherwise grow with i
      rows.add(RowBuilder.of(SUMMARY).set(Measurements.TOP1, 0.5 + 0.1 * i)
          .set(Architectures.MACS, i == 2 ? 9_000L : 1_000L * i)
          .set(Measurements.N_IMAGES, 100).build());
    }
    EvaluationSummary s = Evaluation.summary(spark.createDataFrame(rows, SUMMARY));
    assertEquals(4, s.subnets());
    assertEquals(0.5, s.top1Min(), 1e-12);
    assertEquals(0.8, s.top1Max(), 1e-12);
    assertEquals(9_000L, s.largestMacs());
    assertEquals(0.7, s.largestTop1(), 1e-12);
    assertEquals(Math.sqrt(0.7 * 0.3 / 100), s.largestStdError(), 1e-12);
  }

  private static final StructType SUMMARY = new StructType()
      .add(Measurements.TOP1, DataTypes.DoubleType)
      .add(Architectures.MACS, DataTypes.LongType)
      .add(Measurements.N_IMAGES, DataTypes.IntegerType);

  /** The date's supernet (also standing in for the stitched family), with its checkpoint. */
  private void supernet() {
    atlas.append(Supernets.TABLE, atlas.row(Supernets.TABLE, Map.ofEntries(
        Map.entry(Supernets.SUPERNET_ID, "supernet-1"), Map.entry(Supernets.SPACE, "mbv3-tiny"),
        Map.entry(Supernets.SPACE_VERSION, "1"), Map.entry(Supernets.CHECKPOINT_URI, "file:/tmp/ckpt"),
        Map.entry(Supernets.CONFIG, "{}"), Map.entry(Supernets.CONFIG_HASH, "h"),
        Map.entry(Supernets.DATASET, "fashion-mnist"), Map.entry(Supernets.TRAIN_IMAGES, 10L),
        Map.entry(Supernets.EPOCHS, 1), Map.entry(Supernets.PHASE_LOSSES, "[]"),
        Map.entry(Supernets.SKIPPED_STEPS, 0), Map.entry(Supernets.TRAIN_SECONDS, 1.0),
        Map.entry(Supernets.DEVICE_ID, AtlasFixture.DEVICE), Map.entry(Supernets.RUN_ID, "run-0"),
        Map.entry(Supernets.BUILD_DATE, Date.valueOf(DAY)),
        Map.entry(Supernets.CREATED_AT, Timestamp.valueOf("2026-11-30 01:00:00")))));
  }

  @Test
  void measurementTakesEvaluatedSupernetSubNetworksWithoutLatencyUpToTheLimit() {
    atlas.night(DAY, 6);
    supernet();
    // search scored a sampled sub-network on the test split too: that row is not measure's
    atlas.append(Measurements.TABLE, measurement(1, "supernet-1", FoundEvaluation.SPLIT));
    Dataset<Row> evaluated = Measurement.evaluated(spark, "mbv3-tiny", DAY);
    // the fixture makes every third architecture a stitched one, which measure leaves alone, and
    // leaves the last out of the night's sample, as if something else had measured it
    assertEquals(List.of("arch-0001", "arch-0002", "arch-0004"), archIds(evaluated));
    assertEquals("file:/tmp/ckpt", evaluated.first().getAs("checkpoint_uri"));
    // only arch 1 has no latency yet
    assertEquals(List.of("arch-0001"), archIds(Measurement.pending(spark, evaluated, DAY, false, 0)));
    assertEquals(List.of("arch-0001", "arch-0002"),
        archIds(Measurement.pending(spark, evaluated, DAY, true, 2)));
    // the limit chooses among all evaluated, done or not: with arch 3 also unmeasured, a limit
    // of 2 chooses archs 1 and 2, and a rerun finishes arch 1 instead of taking arch 3 as well
    Dataset<Row> withThree = evaluated.union(evaluated
        .where(org.apache.spark.sql.functions.col(Measurements.ARCH_ID).equalTo("arch-0001"))
        .withColumn(Measurements.ARCH_ID, org.apache.spark.sql.functions.lit("arch-0003")));
    assertEquals(List.of("arch-0001"),
        archIds(Measurement.pending(spark, withThree, DAY, false, 2)));
  }

  @Test
  void measurementTakesEveryEvaluatedStitchedConfigurationWithoutLatency() {
    atlas.night(DAY, 7);
    supernet();
    // the fixture's stitched configurations are archs 0, 3 and 6, all with a latency: not 6
    sql("UPDATE atlas.measurements SET latency_p50_ms = NULL WHERE arch_id = 'arch-0006'");
    Dataset<Row> stitched = Measurement.stitched(spark, DAY);
    assertEquals(List.of("arch-0000", "arch-0003", "arch-0006"), archIds(stitched));
    assertEquals("file:/tmp/ckpt", stitched.first().getAs("checkpoint_uri"));
    assertEquals("mbv3-tiny", stitched.first().getAs(Architectures.SPACE));
    assertEquals(List.of("arch-0006"), archIds(Measurement.pending(spark, stitched, DAY, false, 0)));
    assertEquals(List.of("arch-0000", "arch-0003", "arch-0006"),
        archIds(Measurement.pending(spark, stitched, DAY, true, 0)));
  }

  @Test
  void aNightsSampleIsRecordedOnceAndARerunReplacesItsList() {
    Map<String, Long> first = new LinkedHashMap<>();
    NightlySample.Request r = new NightlySample.Request("mbv3-tiny", "uniform", 3, 12, 2, DAY,
        "run-1");
    NightlySample.write(spark, r, (k, n) -> first.merge(k, n, Long::sum));
    long distinct = first.get("distinct");
    assertEquals(12L, first.get("draws"));
    assertEquals(distinct, first.get("samples"));
    assertEquals(distinct, first.get("architectures_inserted"));
    assertEquals(distinct, spark.table(Samples.TABLE.qualifiedName()).count());

    Map<String, Long> again = new LinkedHashMap<>();
    NightlySample.write(spark, new NightlySample.Request("mbv3-tiny", "uniform", 3, 12, 2, DAY,
        "run-2"), (k, n) -> again.merge(k, n, Long::sum));
    assertEquals(0L, again.get("architectures_inserted"));
    assertRows("the night's list after the rerun", List.<Object[]>of(row(distinct, "run-2")),
        sql("SELECT count(*), max(run_id) FROM atlas.samples"));
  }

  @Test
  void everyStitchedConfigurationIsOneEnumeratedArchitectureRow() {
    StitchedSpace space = (StitchedSpace) Spaces.get("vit-tiny-family");
    List<Row> rows = DeltaWrites.conform(StitchedFamilies.architectures(spark, space, DAY),
        Architectures.TABLE).collectAsList();
    assertEquals(space.configs().size(), rows.size());
    assertEquals(rows.size(), rows.stream().map(r -> r.getAs(Architectures.ARCH_ID)).distinct()
        .count());
    for (Row r : rows) {
      assertEquals(StitchedFamilies.SAMPLER, r.getAs(Architectures.SAMPLER));
      assertEquals(0L, (long) r.getAs(Architectures.SEED));
      assertEquals(space.family(), r.getAs(Architectures.FAMILY));
      assertEquals(Date.valueOf(DAY), r.getAs(Architectures.FIRST_SEEN_DATE));
      for (String c : Architectures.STITCH_COLUMNS) {
        assertNotNull(r.getAs(c), c);
      }
      assertTrue((long) r.getAs(Architectures.MACS) > 0);
    }
  }

  @Test
  void measuringUpdatesOnlyTheMeasureColumnsOfAnEvaluatedRow() {
    atlas.night(DAY, 2);
    Row evaluated = atlas.measurement(DAY, 1, 0.5, null);
    Map<String, Object> v = new LinkedHashMap<>();
    String[] columns = Measurements.TABLE.schema().fieldNames();
    for (int c = 0; c < columns.length; c++) {
      v.put(columns[c], evaluated.get(c));
    }
    v.put(Measurements.TOP1, null);
    v.put(Measurements.LATENCY_P50_MS, 4.5);
    Map<String, Long> merged = DeltaWrites.mergeColumns(spark, Measurements.TABLE,
        atlas.frame(Measurements.TABLE, List.of(atlas.row(Measurements.TABLE, v))),
        Measurement.MEASURE_COLUMNS);
    assertEquals(1L, merged.get("numTargetRowsUpdated"));
    assertEquals(0L, merged.get("numTargetRowsInserted"));
    // the fixture's top-1 of arch 1 stays; only the latency is new
    assertRows("arch 1", List.<Object[]>of(row(0.80 + 0.001, 4.5)),
        sql("SELECT top1, latency_p50_ms FROM atlas.measurements WHERE arch_id = 'arch-0001'"));
  }
}
