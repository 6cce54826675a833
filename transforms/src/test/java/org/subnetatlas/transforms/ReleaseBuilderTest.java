package org.subnetatlas.transforms;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.PredictorTables.SearchResults;
import org.subnetatlas.transforms.QualityGates.GateFailedException;
import org.subnetatlas.transforms.QualityGates.Thresholds;
import org.subnetatlas.transforms.ReleaseBuilder.Release;
import org.subnetatlas.transforms.ReleaseBuilder.Spec;
import org.subnetatlas.transforms.search.FoundEvaluation;

/** A release is complete, checksummed, rebuilt identically from its pinned versions, and gated. */
@Tag("slow")
class ReleaseBuilderTest extends SparkTestBase {

  private static final LocalDate D1 = LocalDate.parse("2026-11-28");
  private static final LocalDate D2 = LocalDate.parse("2026-11-29");

  private static Release release(AtlasFixture atlas, String tag, LocalDate date) {
    Spec spec = new Spec(tag, date, atlas.root, "test-version", Map.of("spark.atlas.space", "mbv3-tiny"));
    return ReleaseBuilder.release(spark, spec,
        () -> QualityGates.enforce(spark, atlas.root, date, "run-test", Thresholds.DEFAULT));
  }

  /** Every regular file under {@code dir} by relative path, with its bytes. */
  private static Map<String, byte[]> contents(Path dir) throws Exception {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void aReleaseIsCompleteAndRebuildsIdenticallyFromItsPinnedVersionsAfterNewRows() throws Exception {
    AtlasFixture atlas = new AtlasFixture(spark, warehouse);
    atlas.night(D1, 12);
    // search ran that night: the datasheet sets its best find beside the best random draw
    atlas.append(SearchResults.TABLE, atlas.row(SearchResults.TABLE, Map.ofEntries(
        Map.entry(SearchResults.BUILD_DATE, java.sql.Date.valueOf(D1)),
        Map.entry(SearchResults.SPACE, "mbv3-tiny"), Map.entry(SearchResults.BUDGET, "macs<=1050000"),
        Map.entry(SearchResults.RANK, 1), Map.entry(SearchResults.ARCH_ID, AtlasFixture.archId(4)),
        Map.entry(SearchResults.ENCODING, "{}"), Map.entry(SearchResults.MACS, 1_040_000L),
        Map.entry(SearchResults.PARAMS, 50_400L), Map.entry(SearchResults.PREDICTOR_MODEL, "p"),
        Map.entry(SearchResults.PREDICTED_TOP1, 0.83), Map.entry(SearchResults.MEASURED_TOP1, 0.81),
        Map.entry(SearchResults.SEARCH_CONFIG, "{}"), Map.entry(SearchResults.RUN_ID, "run-search"),
        Map.entry(SearchResults.MEASURED_SPLIT, FoundEvaluation.SPLIT),
        Map.entry(SearchResults.BASELINE_ARCH_ID, AtlasFixture.archId(5)),
        Map.entry(SearchResults.BASELINE_MACS, 1_050_000L),
        Map.entry(SearchResults.BASELINE_PREDICTED_TOP1, 0.70),
        Map.entry(SearchResults.BASELINE_MEASURED_TOP1, 0.79))));
    Release first = release(atlas, "nightly-2026-11-28", D1);
    Path dir = Paths.get(URI.create(first.location()));
    Map<String, byte[]> before = contents(dir);

    JsonNode manifest = new ObjectMapper().readTree(before.get("manifest.json"));
    assertEquals(before.size() - 1, manifest.get("files").size(), before.keySet().toString());
    for (JsonNode f : manifest.get("files")) {
      byte[] bytes = before.get(f.get("path").asText());
      assertTrue(bytes != null, f.get("path").asText() + " listed but missing");
      assertEquals(WarehouseFiles.sha256(bytes), f.get("sha256").asText(), f.get("path").asText());
    }
    assertTrue(before.containsKey("data/measurements.parquet"));
    assertTrue(before.containsKey("data/measurements.csv"));
    assertTrue(before.containsKey("DATASHEET.md"));
    assertTrue(before.containsKey("plots/accuracy_vs_macs_supernet.png"));
    assertTrue(before.containsKey("plots/accuracy_vs_latency_stitched.png"));
    assertEquals(12, manifest.at("/tables/measurements/rows").asLong());
    assertEquals(first.versions().get("measurements"),
        manifest.at("/tables/measurements/delta_version").asLong());
    String csv = new String(before.get("data/measurements.csv"), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(13, csv.lines().count(), "header and one line per row");
    assertTrue(csv.lines().skip(1).findFirst().orElseThrow().startsWith(AtlasFixture.archId(0)), csv);
    String datasheet = new String(before.get("DATASHEET.md"), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(datasheet.contains("| dev-test-1 | cpu | Test CPU | 2 |"), datasheet);
    // statements read from the rows, not written as constants
    assertTrue(datasheet.contains("Scope: dataset "), datasheet);
    assertTrue(datasheet.contains("devices cpu."), datasheet);
    assertTrue(datasheet.contains("- Accuracy: each sub-network inherits its supernet's weights and is"
        + " scored on split "), datasheet);
    assertTrue(datasheet.contains("- Quality gates: 1 of 1 nights with measurements have passing"
        + " metrics in `atlas.quality_metrics`."), datasheet);
    assertTrue(datasheet.contains("- Search on 2026-11-28, top-1 on split test (`search_results`):"
        + " mbv3-tiny `macs<=1050000`: best of 1 found 0.8100 (predicted 0.8300), best of 1 drawn"
        + " at random under the same budget 0.7900."), datasheet);
    assertFalse(Files.list(dir.getParent()).anyMatch(p -> p.getFileName().toString().startsWith(".tmp")),
        "no build folder left behind");
    assertEquals(1L, sql("SELECT count(*) FROM atlas.releases WHERE tag = 'nightly-2026-11-28'").get(0)[0]);

    // the tables move on: a new night and a re-measurement of an old row
    atlas.night(D2, 14);
    spark.sql("UPDATE atlas.measurements SET top1 = 0.5 WHERE build_date = DATE'" + D1 + "'"
        + " AND arch_id = '" + AtlasFixture.archId(0) + "'");

    Release again = release(atlas, "nightly-2026-11-28", D1);
    assertTrue(again.verified(), "an existing tag is rebuilt and verified, not replaced");
    assertEquals(first.versions(), again.versions());
    assertEquals(first.files(), again.files());

    // without its folder the tag is rebuilt from the versions recorded in atlas.releases
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Release rebuilt = release(atlas, "nightly-2026-11-28", D1);
    assertEquals(first.manifestSha256(), rebuilt.manifestSha256());
    Map<String, byte[]> after = contents(dir);
    assertEquals(before.keySet(), after.keySet());
    for (String path : before.keySet()) {
      assertArrayEquals(before.get(path), after.get(path), path + " differs after the rebuild");
    }
    assertEquals(1L, sql("SELECT count(*) FROM atlas.releases").get(0)[0]);
  }

  @Test
  void aFailedGateRefusesTheReleaseAndLeavesNothing() {
    AtlasFixture atlas = new AtlasFixture(spark, warehouse);
    atlas.night(D1, 6);
    atlas.append(Measurements.TABLE, atlas.measurement(D1, 2, 1.7, 1.0));
    assertThrows(GateFailedException.class, () -> release(atlas, "nightly-2026-11-28", D1));
    assertFalse(Files.exists(Paths.get(URI.create(atlas.root + "/releases/nightly-2026-11-28"))));
    assertEquals(0L, sql("SELECT count(*) FROM atlas.releases").get(0)[0]);
  }

  @Test
  void aTagThatIsNotAFolderNameIsRefused() {
    assertThrows(ReleaseBuilder.BadTagException.class, () -> ReleaseBuilder.checkTag("../x"));
    assertThrows(ReleaseBuilder.BadTagException.class, () -> ReleaseBuilder.checkTag(".hidden"));
    ReleaseBuilder.checkTag("nightly-2026-11-28");
  }

  @Test
  void theParetoFrontKeepsOnlyPointsBetterThanEveryCheaperOne() {
    List<ReleasePlots.Point> pts = List.of(
        new ReleasePlots.Point("f", "a", 1, 0.70, null),
        new ReleasePlots.Point("f", "b", 2, 0.65, null),
        new ReleasePlots.Point("f", "c", 3, 0.80, null),
        new ReleasePlots.Point("f", "d", 3, 0.75, null),
        new ReleasePlots.Point("f", "e", 5, 0.80, null));
    assertEquals(List.of("a", "c"), ReleasePlots.paretoFront(pts, ReleasePlots.Point::macs).stream()
        .map(ReleasePlots.Point::archId).toList());
    List<String> notes = new java.util.ArrayList<>();
    Map<String, byte[]> pngs = ReleasePlots.draw(pts, notes);
    assertEquals(List.of("accuracy_vs_macs_f.png"), List.copyOf(pngs.keySet()));
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).contains("latency columns are all null"), notes.get(0));
    assertArrayEquals(pngs.get("accuracy_vs_macs_f.png"),
        ReleasePlots.draw(pts, new java.util.ArrayList<>()).get("accuracy_vs_macs_f.png"),
        "the same points draw the same bytes");
  }
}
