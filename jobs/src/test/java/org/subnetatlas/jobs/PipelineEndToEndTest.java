package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.subnetatlas.jobs.CliTest.Result;
import org.subnetatlas.schemas.MeasurementTables;
import org.subnetatlas.schemas.Tables;
import org.subnetatlas.udfs.measurement.ReferenceNet;
import org.subnetatlas.udfs.measurement.StitchTiming;

/**
 * The pipeline through the real CLI on a small budget: sample → train-supernet → train-stitches →
 * evaluate → measure into a fresh warehouse with real Spark, Delta, the Hive catalog and DJL; then
 * reruns, SQL and bad input.
 */
@TestMethodOrder(OrderAnnotation.class)
class PipelineEndToEndTest {

  private static final String DATE = "2026-11-30";
  private static Path warehouse;
  private static String[] small;

  @BeforeAll
  static void warehouse() throws Exception {
    warehouse = Files.createTempDirectory("atlas-e2e");
    small = new String[] {"--warehouse", warehouse.toString(), "--date", DATE};
  }

  private static String[] args(String command, String... extra) {
    String[] all = new String[1 + small.length + extra.length];
    all[0] = command;
    System.arraycopy(small, 0, all, 1, small.length);
    System.arraycopy(extra, 0, all, 1 + small.length, extra.length);
    return all;
  }

  private static Result atlas(String command, String... extra) {
    return CliTest.run("", args(command, extra));
  }

  private static Result sql(String query) {
    return CliTest.run("", "sql", "--warehouse", warehouse.toString(), "--format", "csv", query);
  }

  /**
   * Row count and Delta version of every table: the counts in one query (a session per table made
   * this the slowest part of the test), the versions from the tables' commit logs.
   */
  private static Map<String, List<String>> snapshot() throws IOException {
    String counts = Tables.all().stream()
        .filter(t -> t != Tables.Runs.TABLE)  // the audit log records every run, failed ones included
        .map(t -> "SELECT '" + t.name() + "', count(*) FROM " + t.qualifiedName())
        .collect(Collectors.joining(" UNION ALL "));
    Result r = sql(counts);
    assertEquals(0, r.exit(), r.err());
    Map<String, Long> versions = StageWrites.versions(warehouse);
    Map<String, List<String>> state = new TreeMap<>();
    for (String line : r.out().lines().skip(1).toList()) {
      String[] f = line.split(",");
      state.put(f[0], List.of(f[1], String.valueOf(versions.get(f[0]))));
    }
    assertEquals(Tables.all().size() - 1, state.size(), r.out());
    return state;
  }

  private static void stage(String command, String... extra) {
    Result r = atlas(command, extra);
    assertEquals(0, r.exit(), command + " failed: " + r.err());
  }

  /** The small nightly budget the scripts and the DAG test share. */
  private static final Properties SMALL = smallBudget();
  /** Fewer draws than the small budget: this test trains no predictor, which needs 40. */
  private static final String[] SAMPLE = {"--count", "14", "--seed", small("sample.seed")};
  private static final String[] TRAIN = {"--epochs", small("train.epochs"), "--max-train-images",
      small("train.max-images")};
  private static final String[] STITCH = {"--anchor-epochs", "1", "--joint-epochs", "1",
      "--max-train-images", "384", "--eval-images", "100"};
  private static final String[] EVALUATE = {"--eval-images", small("eval.images"),
      "--recalibration-images", small("eval.recalibration-images")};
  private static final String[] MEASURE = {"--lut", "--partitions", "4"};

  private static Properties smallBudget() {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("..", "bin", "small-budget.properties"))) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private static String small(String setting) {
    return java.util.Objects.requireNonNull(SMALL.getProperty(AtlasConfig.PREFIX + setting), setting);
  }

  @Test
  @Order(1)
  void theStagesFillEveryTable() {
    stage("sample", SAMPLE);
    stage("train-supernet", TRAIN);
    stage("train-stitches", STITCH);
    stage("evaluate", EVALUATE);

    Result m = sql("SELECT count(*), count(DISTINCT arch_id), min(top1), max(top1), "
        + "min(n_images), every(bn_recalibrated) FROM atlas.measurements JOIN atlas.architectures "
        + "USING (arch_id) WHERE family = 'supernet' AND build_date = DATE'" + DATE + "'");
    String[] v = m.out().lines().toList().get(1).split(",");
    assertEquals("14", v[0], m.out());
    assertEquals("14", v[1]);
    assertTrue(Double.parseDouble(v[2]) >= 0 && Double.parseDouble(v[3]) <= 1, m.out());
    assertEquals(small("eval.images"), v[4]);
    assertEquals("true", v[5]);

    Result joined = sql("SELECT a.family, count(*) FROM atlas.measurements m "
        + "JOIN atlas.architectures a USING (arch_id) JOIN atlas.devices d USING (device_id) "
        + "JOIN atlas.supernets s USING (supernet_id) GROUP BY a.family");
    assertEquals(List.of("family,count(1)", "stitched,35", "supernet,14"),
        sortedBody(joined.out()));

    // every stitched configuration once, with its anchors and blocks, measured on the held-out split
    Result stitched = sql("SELECT count(*), count(DISTINCT a.encoding), min(m.n_images), "
        + "count(a.stitch_front_anchor), sum(CASE WHEN a.stitch_front_anchor = a.stitch_back_anchor "
        + "THEN 1 ELSE 0 END), min(m.top1) >= 0 AND max(m.top1) <= 1, min(m.split) "
        + "FROM atlas.measurements m JOIN atlas.architectures a USING (arch_id) "
        + "WHERE a.family = 'stitched' AND a.space = 'vit-tiny-family'");
    assertEquals("35,35,100,35,3,true,valid", stitched.out().lines().toList().get(1), stitched.err());

    stage("measure", MEASURE);
    // every stitched configuration timed by the supernet family's protocol and reference, its
    // accuracy kept
    Result timed = sql("SELECT count(*), count(m.top1), min(m.latency_rel) > 0, "
        + "min(m.latency_repeats) >= 50, min(m.latency_warmup) >= 10, "
        + "every(m.latency_reference = '" + ReferenceNet.id() + "'), min(m.reference_p50_ms) > 0, "
        + "count(m.throughput_p50_ms), min(m.peak_memory_bytes) > 0, "
        + "every(m.latency_timed = '" + StitchTiming.TIMED + "') "
        + "FROM atlas.measurements m JOIN atlas.architectures a USING (arch_id) "
        + "WHERE a.family = 'stitched' AND m.build_date = DATE'" + DATE + "'");
    assertEquals("35,35,true,true,true,true,true,35,true,true",
        timed.out().lines().toList().get(1), timed.out() + timed.err());
    Result runs = sql("SELECT job, status FROM atlas.runs ORDER BY started_at");
    assertEquals(List.of("job,status", "sample,succeeded", "train-supernet,succeeded",
        "train-stitches,succeeded", "evaluate,succeeded", "measure,succeeded"),
        runs.out().lines().toList());
  }

  @Test
  @Order(2)
  void eachStageWritesTheTablesTheArchitectureDocNames() throws Exception {
    StageWrites.assertMatchesDoc(warehouse,
        Set.of("sample", "train-supernet", "train-stitches", "evaluate", "measure"));
  }

  /** Header first, then the data lines sorted. */
  private static List<String> sortedBody(String csv) {
    List<String> lines = csv.lines().toList();
    List<String> out = new java.util.ArrayList<>(List.of(lines.get(0)));
    out.addAll(lines.subList(1, lines.size()).stream().sorted().toList());
    return out;
  }

  @Test
  @Order(3)
  void everyMeasurementRowCarriesItsProtocolDeviceAndEnergyMethod() {
    Result rows = sql("SELECT count(*), count(top1), count(latency_p50_ms), count(latency_p90_ms), "
        + "count(latency_p99_ms), count(latency_mean_ms), count(latency_std_ms), "
        + "count(latency_batch_size), count(latency_warmup), count(latency_repeats), "
        + "count(latency_intra_op_threads), count(throughput_batch_size), count(throughput_p50_ms), "
        + "count(energy_mj), count(energy_method), count(peak_memory_bytes), count(d.device_id), "
        + "count(lut_predicted_p50_ms), min(latency_warmup) >= 10, min(latency_repeats) >= 50, "
        + "every(energy_method IN ('nvml', 'rapl', 'estimated')), every(latency_batch_size = 1), "
        + "count(latency_rel), count(latency_rel_mad), count(reference_p50_ms), "
        + "count(latency_reference), count(latency_rel_flagged), count(latency_remeasured), "
        + "count(lut_predicted_rel), min(latency_rel) > 0, min(reference_p50_ms) > 0, "
        + "min(latency_rel_mad) >= 0 "
        + "FROM atlas.measurements m LEFT JOIN atlas.devices d USING (device_id) "
        // the supernet family's rows, lookup-table predictions included; the stitched ones above
        + "WHERE build_date = DATE'" + DATE + "' AND arch_id IN "
        + "(SELECT arch_id FROM atlas.architectures WHERE family = 'supernet')");
    assertEquals("14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,true,true,true,true,"
        + "14,14,14,14,14,14,14,true,true,true",
        rows.out().lines().toList().get(1), rows.out());

    // recorded intervals of the exclusive sections: sorted by start, each starts after the last ends
    Result spans = sql("SELECT unix_micros(measure_started_at), unix_micros(measure_ended_at) "
        + "FROM atlas.measurements WHERE build_date = DATE'" + DATE + "' "
        + "AND measure_started_at IS NOT NULL ORDER BY 1");
    List<String> lines = spans.out().lines().skip(1).toList();
    assertEquals(14 + 35, lines.size(), "sampled sub-networks and stitched configurations");
    for (int i = 1; i < lines.size(); i++) {
      long prevEnd = Long.parseLong(lines.get(i - 1).split(",")[1]);
      long start = Long.parseLong(lines.get(i).split(",")[0]);
      assertTrue(start >= prevEnd, "measurement " + i + " overlaps the previous one: " + lines);
    }

    int blocks = org.subnetatlas.udfs.measurement.MbTiming.allBlocks(
        org.subnetatlas.spaces.BuiltinSpecs.MBV3_TINY).size();
    Result lut = sql("SELECT count(*), count(DISTINCT device_id), min(count) FROM atlas.latency_lut");
    assertEquals((blocks + 2) + ",1,", lut.out().lines().toList().get(1).substring(0,
        lut.out().lines().toList().get(1).lastIndexOf(',') + 1), lut.out());
    // the fitted overhead may be negative; every timed block's relative figure is positive
    Result rel = sql("SELECT count(rel), count(reference_p50_ms), count(latency_reference), "
        + "every(lut_key = 'overhead' OR rel > 0) FROM atlas.latency_lut");
    assertEquals((blocks + 2) + "," + (blocks + 2) + "," + (blocks + 2) + ",true",
        rel.out().lines().toList().get(1), rel.out());
  }

  @Test
  @Order(4)
  void sqlFunctionsCostAndEvaluateInQueries() {
    Result r = sql("SELECT count(*) FROM atlas.architectures WHERE family = 'supernet' "
        + "AND atlas_macs(space, encoding) = macs AND atlas_params(space, encoding) = params");
    assertEquals("14", r.out().lines().toList().get(1), r.err());
    Result e = sql("SELECT atlas_evaluate(space, encoding).top1 BETWEEN 0 AND 1 FROM "
        + "atlas.architectures WHERE family = 'supernet' LIMIT 1");
    assertEquals(0, e.exit(), e.err());
    assertEquals("true", e.out().lines().toList().get(1));
  }

  @Test
  @Order(5)
  void rerunningTheStagesForTheSameDateAddsNoRows() throws IOException {
    Map<String, List<String>> before = snapshot();
    String measured = measuredIntervals();
    stage("sample", SAMPLE);
    stage("train-supernet", TRAIN);
    stage("train-stitches", STITCH);
    stage("evaluate", EVALUATE);
    stage("measure", MEASURE);
    Map<String, List<String>> after = snapshot();
    for (String table : before.keySet()) {
      assertEquals(before.get(table).get(0), after.get(table).get(0), table + " row count changed");
    }
    // nothing new was measured, so the lookup table is kept rather than timed again
    String lut = MeasurementTables.LatencyLut.TABLE.name();
    assertEquals(before.get(lut), after.get(lut), "latency_lut was rewritten by the rerun");
    assertEquals(measured, measuredIntervals(), "a rerun measured something again");
  }

  /** How many rows have a latency, and the last measurement's end: a re-measure moves it. */
  private static String measuredIntervals() {
    Result r = sql("SELECT count(latency_p50_ms), max(measure_ended_at) FROM atlas.measurements "
        + "WHERE build_date = DATE'" + DATE + "'");
    assertEquals(0, r.exit(), r.err());
    return r.out().lines().toList().get(1);
  }

  @Test
  @Order(6)
  void badInputExitsTwoWithOneLineAndChangesNoTable() throws IOException {
    Map<String, List<String>> before = snapshot();
    Result space = atlas("sample", "--space", "nope");
    assertEquals(2, space.exit());
    assertEquals("sample: error: unknown space \"nope\"; known spaces: mbv3-tiny, ofa-mbv3, snnet-deit-tsb, vit-tiny-family",
        space.err().strip());

    Result data = atlas("train-supernet", "--data", "/nonexistent/fashion");
    assertEquals(2, data.exit());
    assertEquals("train-supernet: error: --data /nonexistent/fashion: no such directory",
        data.err().strip());

    Result stitch = atlas("train-stitches", "--space", "mbv3-tiny");
    assertEquals(2, stitch.exit());
    assertEquals("train-stitches: error: spark.atlas.stitch.space=mbv3-tiny: not a stitched family"
        + " (family supernet); stitched: snnet-deit-tsb, vit-tiny-family", stitch.err().strip());

    Result deit = atlas("train-stitches", "--space", "snnet-deit-tsb");
    assertEquals(2, deit.exit());
    assertTrue(deit.err().startsWith("train-stitches: error: spark.atlas.stitch.space=snnet-deit-tsb:"
        + " cannot be trained on Fashion-MNIST"), deit.err());

    Result count = atlas("sample", "--count", "-3");
    assertEquals(2, count.exit());
    assertEquals("sample: error: spark.atlas.sample.count=-3: must be between 2 and 50000000",
        count.err().strip());

    Result repeats = atlas("measure", "--repeats", "5");
    assertEquals(2, repeats.exit());
    assertEquals("measure: error: spark.atlas.measure.repeats=5: must be between 50 and 1000000",
        repeats.err().strip());

    Result query = sql("SELECT * FROM atlas.no_such_table");
    assertEquals(2, query.exit());
    assertTrue(query.err().startsWith("sql: error: query: [TABLE_OR_VIEW_NOT_FOUND]"), query.err());

    assertEquals(before, snapshot());
  }
}
