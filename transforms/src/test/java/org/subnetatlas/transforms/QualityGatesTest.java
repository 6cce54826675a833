package org.subnetatlas.transforms;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.transforms.DataChecks.Outcome;
import org.subnetatlas.transforms.QualityGates.GateFailedException;
import org.subnetatlas.transforms.QualityGates.Result;
import org.subnetatlas.transforms.QualityGates.Thresholds;
import org.subnetatlas.transforms.search.FoundEvaluation;

/** Each injected anomaly is stopped by the gates on real Delta tables; a clean night passes. */
@Tag("slow")
class QualityGatesTest extends SparkTestBase {

  private static final LocalDate D1 = LocalDate.parse("2026-11-28");
  private static final LocalDate D2 = LocalDate.parse("2026-11-29");
  private AtlasFixture atlas;

  @BeforeEach
  void freshTables() {
    atlas = new AtlasFixture(spark, warehouse);
  }

  private Result enforce(LocalDate date) {
    return QualityGates.enforce(spark, atlas.root, date, "run-test", Thresholds.DEFAULT);
  }

  private GateFailedException blocked(LocalDate date) {
    return assertThrows(GateFailedException.class, () -> enforce(date));
  }

  private static Outcome failedCheck(GateFailedException e, String table, String check) {
    Optional<Outcome> o = e.result().failed().stream()
        .filter(f -> f.table().equals(table) && f.check().equals(check)).findFirst();
    assertTrue(o.isPresent(), "expected failed " + table + ": " + check + " in\n" + e.getMessage());
    assertTrue(e.getMessage().contains(check), e.getMessage());
    return o.get();
  }

  private static List<Object[]> quarantine(LocalDate date, String check) {
    return sql("SELECT row_json FROM atlas.quarantine WHERE build_date = DATE'%s'"
        + " AND check_name = '%s' ORDER BY row_json", date, check);
  }

  private static long metricRows(LocalDate date) {
    return (Long) sql("SELECT count(*) FROM atlas.quality_metrics WHERE build_date = DATE'%s'",
        date).get(0)[0];
  }

  /** search's test-split row of sampled sub-network {@code i}, scoring 0: no gate metric counts it. */
  private org.apache.spark.sql.Row testSplitRow(LocalDate date, int i) {
    org.apache.spark.sql.Row valid = atlas.measurement(date, i, 0.0, null);
    Object[] v = new Object[valid.size()];
    for (int c = 0; c < v.length; c++) {
      v[c] = valid.get(c);
    }
    v[Measurements.TABLE.schema().fieldIndex(Measurements.SPLIT)] = FoundEvaluation.SPLIT;
    return org.apache.spark.sql.RowFactory.create(v);
  }

  @Test
  void aCleanNightPassesAndARerunReplacesItsMetricsInsteadOfAddingRows() throws Exception {
    atlas.night(D1, 12);
    atlas.append(Measurements.TABLE, testSplitRow(D1, 1));
    Result first = enforce(D1);
    assertTrue(first.passed(), first.summary());
    assertNull(first.previousDate());
    // the last is outside the night's sample, as a find of search would be
    assertEquals(11.0, first.metrics().get(QualityGates.ROWS));
    // archs 0 to 10 score 0.80 + 0.001 i on the valid split; the test row is left out
    assertEquals(0.80 + 0.001 * 5, first.metrics().get(QualityGates.MEAN_TOP1), 1e-9);
    assertEquals(3, metricRows(D1));
    enforce(D1);
    assertEquals(3, metricRows(D1), "a rerun replaces the date's metrics");

    atlas.night(D2, 11);
    // test rows scoring 0 for most of the sample would shift the mean top-1 past the threshold
    atlas.append(Measurements.TABLE, testSplitRow(D2, 1), testSplitRow(D2, 2), testSplitRow(D2, 4),
        testSplitRow(D2, 5), testSplitRow(D2, 7), testSplitRow(D2, 8));
    Result second = enforce(D2);
    assertTrue(second.passed(), second.summary());
    assertEquals(D1, second.previousDate());
    assertTrue(second.outcomes().stream().anyMatch(o -> o.check().startsWith("measurements.rows vs 2026-11-28")),
        second.summary());
    assertEquals(0L, sql(
        "SELECT count(*) FROM atlas.quarantine WHERE build_date = DATE'%s'", D2).get(0)[0]);
    String report = Files.readString(Paths.get(URI.create(second.reportUri())));
    assertTrue(report.startsWith("quality gates for 2026-11-29: PASSED"), report);
  }

  @Test
  void duplicatedArchIdRowsAreBlockedAndQuarantined() {
    atlas.night(D1, 6);
    atlas.append(Architectures.TABLE, atlas.architecture(2));
    GateFailedException e = blocked(D1);
    failedCheck(e, "architectures", "unique(arch_id)");
    List<Object[]> q = quarantine(D1, "unique(arch_id)");
    assertEquals(2, q.size());
    assertTrue(((String) q.get(0)[0]).contains(AtlasFixture.archId(2)), (String) q.get(0)[0]);
    assertEquals(0, metricRows(D1), "a failed night records no metrics to compare against");
  }

  @Test
  void top1AboveOneIsBlockedWithTheOffendingRow() {
    atlas.night(D1, 6);
    atlas.append(Measurements.TABLE, atlas.measurement(D1, 7, 1.2, 1.0));
    atlas.append(Architectures.TABLE, atlas.architecture(7));
    GateFailedException e = blocked(D1);
    failedCheck(e, "measurements", "0 <= top1 <= 1");
    assertEquals(1, e.result().failed().size(), e.getMessage());
    List<Object[]> q = quarantine(D1, "0 <= top1 <= 1");
    assertEquals(1, q.size());
    assertTrue(((String) q.get(0)[0]).contains("\"top1\":1.2"), (String) q.get(0)[0]);
  }

  @Test
  void zeroOrNegativeLatencyIsBlocked() {
    atlas.night(D1, 6);
    atlas.append(Measurements.TABLE, atlas.measurement(D1, 7, 0.8, 0.0),
        atlas.measurement(D1, 8, 0.8, -3.0));
    atlas.append(Architectures.TABLE, atlas.architecture(7), atlas.architecture(8));
    GateFailedException e = blocked(D1);
    failedCheck(e, "measurements", "latency_p50_ms > 0");
    assertEquals(2, quarantine(D1, "latency_p50_ms > 0").size());
  }

  @Test
  void halfTheRowsOfThePreviousNightIsBlocked() throws Exception {
    atlas.night(D1, 20);
    enforce(D1);
    atlas.night(D2, 10);
    GateFailedException e = blocked(D2);
    Outcome o = failedCheck(e, "measurements",
        "measurements.rows vs 2026-11-28 (rows >= 0.6 x previous night)");
    assertTrue(o.message().contains("previous 19.0, now 10.0"), o.message());
    assertEquals(1, quarantine(D2, o.check()).size(), "the anomaly is recorded in the quarantine");
    String report = Files.readString(Paths.get(URI.create(e.result().reportUri())));
    assertTrue(report.contains("FAIL measurements: measurements.rows vs 2026-11-28"), report);
  }

  @Test
  void anEarlierNightValidatedAgainIsComparedWithTheNightsBeforeItOnly() {
    LocalDate d3 = D2.plusDays(1);
    atlas.night(D1, 20);
    enforce(D1);
    atlas.night(d3, 40);
    assertTrue(enforce(d3).passed());
    // D2 is validated after both: its history is D1 alone, not the later night
    atlas.night(D2, 10);
    Outcome o = failedCheck(blocked(D2), "measurements",
        "measurements.rows vs 2026-11-28 (rows >= 0.6 x previous night)");
    assertTrue(o.message().contains("previous 19.0, now 10.0"), o.message());
  }

  @Test
  void aMeanTop1ShiftRepeatedKeysAndUnknownArchitecturesAreEachNamed() {
    atlas.night(D1, 10);
    enforce(D1);
    atlas.night(D2, 10);
    spark.sql("UPDATE atlas.measurements SET top1 = top1 - 0.2 WHERE build_date = DATE'" + D2 + "'");
    atlas.append(Measurements.TABLE, atlas.measurement(D2, 3, 0.6, 1.0),
        atlas.measurement(D2, 42, 0.6, 1.0));
    GateFailedException e = blocked(D2);
    failedCheck(e, "measurements",
        "measurements.mean_top1 vs 2026-11-28 (|mean top1 shift| <= 0.05)");
    failedCheck(e, "measurements",
        "unique(arch_id, supernet_id, dataset, split, device_id, build_date)");
    failedCheck(e, "measurements", "arch_id exists in architectures");
    assertEquals(3, e.result().failed().size(), e.getMessage());
    assertEquals(1, quarantine(D2, "arch_id exists in architectures").size());
    assertEquals(2, quarantine(D2,
        "unique(arch_id, supernet_id, dataset, split, device_id, build_date)").size());
  }
}
