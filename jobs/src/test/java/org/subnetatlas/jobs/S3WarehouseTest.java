package org.subnetatlas.jobs;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.schemas.Tables;
import org.subnetatlas.schemas.MeasurementTables;
import org.subnetatlas.transforms.release.ReleaseManifest;
import org.subnetatlas.transforms.search.FoundEvaluation;

/**
 * The nightly build with its warehouse on {@code s3a://}: a real S3 server (S3Proxy, filesystem
 * backend) in its own JVM on loopback, the atlas CLI in another with credentials from its
 * environment only. Tiny counts and epochs: this checks storage and secrets, not the science.
 */
@Tag("slow")
@TestMethodOrder(OrderAnnotation.class)
class S3WarehouseTest {

  private static final String BUCKET = "atlas-test";
  private static final String WAREHOUSE = "s3a://" + BUCKET + "/warehouse";
  private static final String DATE = "2026-11-30";
  /** Enough for train-predictor: with seed 5, 30% test and 20% selection, 24 training, 8 selection and 8 test records. */
  private static final int SAMPLES = 40;
  /** vit-tiny-family's configurations: 3 anchors and 32 stitched. */
  private static final int STITCHED = 35;

  private static Path base;
  private static Path blobs;
  private static Process s3proxy;
  private static String endpoint;
  private static String accessKey;
  private static String secretKey;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    Path jar = Paths.get("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), jar + " missing: the build copies it (mvn process-test-resources)");
    base = Paths.get("target", "s3-warehouse-test").toAbsolutePath();
    deleteTree(base);
    blobs = base.resolve("blobs");
    Files.createDirectories(blobs.resolve(BUCKET));  // a bucket is a directory to this backend
    SecureRandom random = new SecureRandom();
    accessKey = "AKIA" + HexFormat.of().withUpperCase().formatHex(random.generateSeed(8));
    secretKey = HexFormat.of().formatHex(random.generateSeed(20));
    int port = AtlasProcess.freePort();
    endpoint = "http://127.0.0.1:" + port;
    Path props = base.resolve("s3proxy.properties");
    Files.createFile(props, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKey,
        "s3proxy.credential=" + secretKey,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + blobs) + "\n");
    s3proxy = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString(), "--properties", props.toString())
        .redirectErrorStream(true)
        .redirectOutput(base.resolve("s3proxy.log").toFile())
        .start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!AtlasProcess.listening(port)) {
      assertTrue(s3proxy.isAlive(), "S3Proxy exited: " + Files.readString(base.resolve("s3proxy.log")));
      assertTrue(System.currentTimeMillis() < deadline, "S3Proxy did not listen within 60 s");
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stopS3Proxy() throws InterruptedException {
    if (s3proxy != null) {
      s3proxy.destroy();
      if (!s3proxy.waitFor(10, TimeUnit.SECONDS)) {
        s3proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Credentials reach the atlas JVM through its environment only. */
  private static Map<String, String> credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey);
  }

  private static List<String> settings(String storeEndpoint) {
    return settings(storeEndpoint, 2);
  }

  private static List<String> settings(String storeEndpoint, int cores) {
    return List.of(
        "-Dspark.hadoop.fs.s3a.endpoint=" + storeEndpoint,
        "-Dspark.atlas.metastore=" + base.resolve("metastore"),
        "-Dspark.master=local[" + cores + "]",
        "-Dspark.atlas.sample.count=" + SAMPLES,
        "-Dspark.atlas.sample.seed=5",
        "-Dspark.atlas.predictor.held-out-percent=30",
        "-Dspark.atlas.stitch.anchor-epochs=1",
        "-Dspark.atlas.stitch.joint-epochs=1",
        "-Dspark.atlas.stitch.max-images=256",
        "-Dspark.atlas.stitch.eval-images=100",
        "-Dspark.atlas.train.epochs=1,0,0,0",
        "-Dspark.atlas.train.max-images=128",
        "-Dspark.atlas.train.batch-size=64",
        "-Dspark.atlas.eval.images=100",
        "-Dspark.atlas.eval.recalibration-images=64",
        "-Dspark.atlas.eval.partitions=2");
  }

  private static AtlasProcess.Result atlas(String logName, String storeEndpoint, long timeoutSeconds,
      String... args) throws Exception {
    return atlas(logName, settings(storeEndpoint), timeoutSeconds, args);
  }

  private static AtlasProcess.Result atlas(String logName, List<String> settings, long timeoutSeconds,
      String... args) throws Exception {
    AtlasProcess.Result r = AtlasProcess.run(credentials(), settings, timeoutSeconds,
        base.resolve("logs").resolve(logName), args);
    System.err.printf("S3WarehouseTest: atlas %s: exit %d in %.1f s%n", args[0], r.exit(), r.seconds());
    return r;
  }

  @Test
  @Order(1)
  void theNightlyBuildRunsOnS3AndNoSecretIsWrittenOrLogged() throws Exception {
    AtlasProcess.Result nightly = atlas("nightly", endpoint, 1800,
        "nightly", "--profile", "s3", "--warehouse", WAREHOUSE, "--date", DATE);
    assertEquals(0, nightly.exit(), nightly.err());

    // every table's full content, one JSON document per row, in one query
    AtlasProcess.Result sql = everyTable("sql", "to_json(struct(*)) AS row");
    Map<String, Long> rows = new LinkedHashMap<>();
    Tables.all().forEach(t -> rows.put(t.name(), 0L));
    sql.out().lines().skip(1).forEach(l -> rows.merge(l.substring(0, l.indexOf(',')), 1L, Long::sum));
    // search's finds sit beside the sample (sampler search in the CSV-quoted JSON), each measured once
    long found = sql.out().lines().filter(l -> l.startsWith(Tables.Architectures.TABLE.name() + ",")
        && l.contains("\"\"sampler\"\":\"\"" + FoundEvaluation.SAMPLER + "\"\"")).count();
    assertEquals(SAMPLES + STITCHED + found, rows.get(Tables.Architectures.TABLE.name()), rows.toString());
    assertEquals(SAMPLES, rows.get(Tables.Samples.TABLE.name()), rows.toString());
    assertEquals(SAMPLES + STITCHED + found, rows.get(MeasurementTables.Measurements.TABLE.name()),
        rows.toString());
    assertEquals(2, rows.get(Tables.Supernets.TABLE.name()), rows.toString());
    assertEquals(1, rows.get(Tables.Releases.TABLE.name()), rows.toString());
    assertEquals(1, rows.get(MeasurementTables.Devices.TABLE.name()), rows.toString());
    assertEquals(Stages.nightly().size(), rows.get(Tables.Runs.TABLE.name()), rows.toString());
    // the dump holds the settings the runs recorded: a secret among them would have been caught
    assertTrue(sql.out().contains(endpoint), "the runs' recorded settings are in the dump");

    // the tables and the checkpoint live in the bucket, not on the local disk
    for (TableDef t : Tables.all()) {
      Path log = blobs.resolve(BUCKET).resolve("warehouse/atlas.db").resolve(t.name()).resolve("_delta_log");
      assertTrue(Files.isDirectory(log), "no Delta log for " + t.name() + " in the bucket: " + log);
    }

    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("nightly stdout", nightly.out());
    evidence.put("nightly stderr", nightly.err());
    evidence.put("sql stdout (every table's rows)", sql.out());
    evidence.put("sql stderr", sql.err());
    evidence.putAll(filesUnder(blobs));               // every object written to the store
    evidence.putAll(filesUnder(base.resolve("metastore")));
    evidence.putAll(filesUnder(Paths.get("").toAbsolutePath().resolve("metastore")));
    for (Map.Entry<String, String> e : evidence.entrySet()) {
      assertFalse(e.getValue().contains(secretKey), "the secret key appears in " + e.getKey());
    }
    assertTrue(evidence.size() > 20, "objects and logs were searched: " + evidence.keySet());
  }

  @Test
  @Order(2)
  void eachOfTheNightlyStagesWritesTheTablesTheArchitectureDocNames() throws Exception {
    Set<String> ran = Stages.nightly().stream().map(Stage::name).collect(Collectors.toSet());
    StageWrites.assertMatchesDoc(blobs.resolve(BUCKET).resolve("warehouse"), ran);
  }

  @Test
  @Order(3)
  void theNightlyRerunForTheSameDateSucceedsAndChangesNoRowAndNoReleaseByte() throws Exception {
    Map<String, Long> before = rowCounts();
    byte[] manifest = Files.readAllBytes(releaseFile("manifest.json"));
    AtlasProcess.Result rerun = atlas("nightly-rerun", endpoint, 1800,
        "nightly", "--profile", "s3", "--warehouse", WAREHOUSE, "--date", DATE);
    assertEquals(0, rerun.exit(), rerun.err());
    assertTrue(rerun.err().contains("all " + manifestFiles() + " files identical"), rerun.err());
    assertArrayEquals(manifest, Files.readAllBytes(releaseFile("manifest.json")));
    // the run log records every attempt; every other table is as it was
    Map<String, Long> after = rowCounts();
    String runs = Tables.Runs.TABLE.name();
    assertEquals(before.get(runs) + Stages.nightly().size(), after.get(runs));
    before.remove(runs);
    after.remove(runs);
    assertEquals(before, after);
  }

  @Test
  @Order(4)
  void theReleaseRebuildsByteForByteOnOneCore() throws Exception {
    byte[] manifest = Files.readAllBytes(releaseFile("manifest.json"));
    AtlasProcess.Result r = atlas("release-one-core", settings(endpoint, 1), 600,
        "release", "--profile", "s3", "--warehouse", WAREHOUSE, "--date", DATE);
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("all " + manifestFiles() + " files identical"), r.err());
    assertArrayEquals(manifest, Files.readAllBytes(releaseFile("manifest.json")));
  }

  private static Path releaseFile(String name) {
    return blobs.resolve(BUCKET).resolve("warehouse/releases/nightly-" + DATE).resolve(name);
  }

  private static int manifestFiles() throws IOException {
    return ReleaseManifest.read(Files.readAllBytes(releaseFile("manifest.json"))).files().size();
  }

  /** {@code atlas sql --format csv} of {@code select} over every table, as rows (tbl, ...). */
  private static AtlasProcess.Result everyTable(String logName, String select) throws Exception {
    String query = Tables.all().stream()
        .map(t -> "SELECT '" + t.name() + "' AS tbl, " + select + " FROM " + t.qualifiedName())
        .collect(Collectors.joining(" UNION ALL "));
    AtlasProcess.Result sql = atlas(logName, endpoint, 300,
        "sql", "--profile", "s3", "--warehouse", WAREHOUSE, "--format", "csv", query);
    assertEquals(0, sql.exit(), sql.err());
    return sql;
  }

  /** Rows of every table, counted in one query. */
  private static Map<String, Long> rowCounts() throws Exception {
    AtlasProcess.Result sql = everyTable("counts", "count(*) AS n");
    Map<String, Long> out = new TreeMap<>();
    sql.out().lines().skip(1).forEach(l -> out.put(l.substring(0, l.indexOf(',')),
        Long.parseLong(l.substring(l.indexOf(',') + 1))));
    assertEquals(Tables.all().size(), out.size(), sql.out());
    return out;
  }

  @Test
  @Order(5)
  void anUnreachableEndpointIsOneClearLineAndExitTwo() throws Exception {
    String closed = "http://127.0.0.1:" + AtlasProcess.freePort();
    AtlasProcess.Result r = atlas("unreachable", closed, 180,
        "nightly", "--profile", "s3", "--warehouse", WAREHOUSE, "--date", DATE);
    assertEquals(2, r.exit(), r.err());
    String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("nightly: error: --warehouse " + WAREHOUSE + ": cannot reach the store at "
        + closed + " (spark.hadoop.fs.s3a.endpoint): "), r.err());
    assertFalse(r.err().contains(secretKey));
  }

  @Test
  @Order(6)
  void aMissingBucketIsBadInput() throws Exception {
    AtlasProcess.Result r = atlas("no-bucket", endpoint, 180,
        "sql", "--profile", "s3", "--warehouse", "s3a://no-such-bucket/warehouse", "SELECT 1");
    assertEquals(2, r.exit(), r.err());
    String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("sql: error: --warehouse s3a://no-such-bucket/warehouse: cannot reach"), last);
    assertTrue(last.contains("no-such-bucket"), last);
  }

  @Test
  @Order(7)
  void aCredentialInSettingsIsRefusedWithoutEchoingIt() {
    String key = "spark.hadoop.fs.s3a.secret.key";
    System.setProperty(key, secretKey);
    try {
      CliTest.Result r = CliTest.run("", "sql", "--profile", "s3", "--warehouse", WAREHOUSE, "SELECT 1");
      assertEquals(2, r.exit());
      assertTrue(r.err().startsWith("sql: error: " + key + ": credentials are not read from settings"), r.err());
      assertFalse(r.err().contains(secretKey));
    } finally {
      System.clearProperty(key);
    }
  }

  private static Map<String, String> filesUnder(Path dir) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        // ISO-8859-1 maps every byte to one char: a secret stored raw in any file is found
        files.put(p.toString(), new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    return files;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.delete(p);
      }
    }
  }
}
