package org.subnetatlas.jobs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.udfs.spark.EvaluateUdf;

/**
 * {@link SqlGuard} on analysed plans of a local session with Delta and a Hive catalog, as the
 * analysts' surfaces analyse them: every kind of write is refused whatever its spelling, queries
 * and harmless commands pass, and atlas_evaluate is held to its bound.
 */
public class SqlGuardTest {

  /** Statements that change tables, files, the catalog or the session's code; each names its kind. */
  public static final List<String> WRITES = List.of(
      "INSERT INTO a.t VALUES (3, 'c')",
      "INSERT OVERWRITE a.t SELECT * FROM a.t",
      "INSERT INTO a.p VALUES (3)",
      "INSERT OVERWRITE DIRECTORY '/tmp/atlas-guard-dir' USING parquet SELECT 1",
      "INSERT OVERWRITE LOCAL DIRECTORY '/tmp/atlas-guard-dir' SELECT 1",
      "DELETE FROM a.t WHERE x = 1",
      "UPDATE a.t SET x = 5",
      "MERGE INTO a.t USING a.t s ON a.t.x = s.x WHEN MATCHED THEN DELETE",
      "ALTER TABLE a.t ADD COLUMNS (y INT)",
      "ALTER TABLE a.t SET TBLPROPERTIES ('k'='v')",
      "ALTER VIEW a.v AS SELECT 1",
      "DROP TABLE a.t",
      "DROP TABLE IF EXISTS a.nope",
      "DROP VIEW a.v",
      "DROP DATABASE a CASCADE",
      "CREATE TABLE a.n (x INT) USING delta",
      "CREATE TABLE a.n2 USING delta AS SELECT 1 AS x",
      "CREATE OR REPLACE TABLE a.t (x INT) USING delta",
      "CREATE VIEW a.v2 AS SELECT 1",
      "CREATE GLOBAL TEMP VIEW gv AS SELECT 1",
      "CREATE DATABASE b",
      "CREATE FUNCTION f AS 'x.Y'",
      "CREATE TEMPORARY FUNCTION f AS 'x.Y'",
      "TRUNCATE TABLE a.p",
      "VACUUM a.t",
      "RESTORE TABLE a.t TO VERSION AS OF 0",
      "OPTIMIZE a.t",
      "CONVERT TO DELTA a.p",
      "ADD JAR /tmp/x.jar",
      "ADD FILE /tmp/x",
      "ADD ARCHIVE /tmp/x.zip",
      "CACHE TABLE a.t",
      "UNCACHE TABLE a.t",
      "CLEAR CACHE",
      "MSCK REPAIR TABLE a.p",
      "ANALYZE TABLE a.t COMPUTE STATISTICS",
      "LOAD DATA LOCAL INPATH '/tmp/x' INTO TABLE a.p",
      "SET spark.sql.catalog.foo=org.example.X",
      "SET fs.file.impl=x",
      "SELECT TRANSFORM(x) USING 'cat' FROM a.t",
      "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
      "SELECT upper(java_method('java.lang.System', 'getProperty', 'user.home'))",
      "SELECT * FROM a.t WHERE s IN (SELECT reflect('java.lang.System', 'getProperty', 'user.home'))",
      "CREATE TEMP VIEW tr AS SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
      "/* hidden */ DROP TABLE a.t",
      "-- a comment\nINSERT INTO a.t VALUES (4, 'd')",
      "dRoP tAbLe a.t",
      "  delete   FROM a.t");

  /** Queries and commands that change nothing persistent. */
  public static final List<String> READS = List.of(
      "SELECT * FROM a.t",
      "SELECT count(*) FROM a.t VERSION AS OF 0",
      "WITH c AS (SELECT * FROM a.t) SELECT * FROM c JOIN a.v USING (x)",
      "SELECT explode(array(1,2)), * FROM range(3)",
      "SELECT x, rank() OVER (ORDER BY x) FROM a.t GROUP BY ROLLUP(x) LIMIT 5",
      "SELECT * FROM a.t WHERE x IN (SELECT x FROM a.p) AND EXISTS (SELECT 1)",
      "VALUES (1), (2)",
      "SELECT * FROM tv",
      "SHOW TABLES IN a", "SHOW DATABASES", "SHOW COLUMNS IN a.t", "SHOW CREATE TABLE a.p",
      "SHOW TBLPROPERTIES a.t", "SHOW FUNCTIONS", "SHOW VIEWS IN a",
      "SHOW CURRENT NAMESPACE", "SHOW TABLE EXTENDED IN a LIKE 't'",
      "DESCRIBE a.t", "DESCRIBE TABLE EXTENDED a.t", "DESCRIBE a.t x", "DESCRIBE DATABASE a",
      "DESCRIBE FUNCTION upper", "DESCRIBE QUERY SELECT 1", "DESCRIBE HISTORY a.t",
      "DESCRIBE DETAIL a.t",
      "EXPLAIN SELECT * FROM a.t", "EXPLAIN DROP TABLE a.t",
      "SET", "SET -v", "SET spark.sql.shuffle.partitions", "SET spark.sql.shuffle.partitions=3",
      "RESET", "USE a",
      "CREATE TEMP VIEW tv2 AS SELECT 1",
      "CREATE OR REPLACE TEMPORARY VIEW tv3 AS SELECT * FROM a.t",
      "DROP VIEW tv");

  private static SparkSession spark;

  @BeforeAll
  static void catalogWithOneDeltaAndOneParquetTable() throws Exception {
    Path w = Files.createTempDirectory("atlas-sql-guard");
    spark = SparkSession.builder().master("local[1]").appName("SqlGuardTest")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", w.toUri().toString())
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + w + "/metastore_db;create=true")
        .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
        .config("spark.hadoop.hive.metastore.schema.verification", "false")
        .enableHiveSupport().getOrCreate();
    spark.sql("CREATE DATABASE a");
    spark.sql("CREATE TABLE a.t (x INT, s STRING) USING delta");
    spark.sql("INSERT INTO a.t VALUES (1, 'a'), (2, 'b')");
    spark.sql("CREATE TABLE a.p (x INT) USING parquet");
    spark.sql("CREATE VIEW a.v AS SELECT * FROM a.t");
    spark.sql("CREATE TEMP VIEW tv AS SELECT * FROM a.t");
    EvaluateUdf.register(spark, w.toUri().toString());
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static LogicalPlan analysed(String sql) {
    try {
      return spark.sessionState().analyzer().execute(spark.sessionState().sqlParser().parsePlan(sql));
    } catch (Exception e) {  // Scala's parser declares ParseException
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }

  @Test
  void everyWriteIsRefusedWhateverItsSpelling() {
    List<String> passed = new ArrayList<>();
    for (String sql : WRITES) {
      Optional<String> why = SqlGuard.refusal(analysed(sql));
      if (why.isEmpty()) {
        passed.add(sql);
      }
    }
    assertEquals(List.of(), passed, "write statements the guard let through");
  }

  @Test
  void theRefusalNamesTheStatementKindAndWhatItWouldChange() {
    assertEquals(Optional.of("DropTable changes the catalog"), SqlGuard.refusal(analysed("dRoP tAbLe a.t")));
    assertEquals(Optional.of("Delete writes table data or files"),
        SqlGuard.refusal(analysed("/* x */ DELETE FROM a.t")));
    assertEquals(Optional.of("AddJars changes the session's code"),
        SqlGuard.refusal(analysed("ADD JAR /tmp/x.jar")));
    assertEquals(Optional.of("reflect/java_method calls Java methods by reflection"),
        SqlGuard.refusal(analysed("SELECT reflect('java.lang.System', 'getProperty', 'user.home')")));
    SqlRefusedException e = assertThrows(SqlRefusedException.class,
        () -> SqlGuard.check(analysed("-- c\nINSERT INTO a.t VALUES (5, 'e')"), SqlPolicy.forCli(false)));
    assertEquals("refused: AppendData writes table data or files; analysts' SQL is read-only "
        + "(--allow-writes lifts this)", e.getMessage());
  }

  @Test
  void queriesAndHarmlessCommandsPass() {
    List<String> refused = new ArrayList<>();
    for (String sql : READS) {
      SqlGuard.refusal(analysed(sql)).ifPresent(why -> refused.add(sql + " -> " + why));
    }
    assertEquals(List.of(), refused, "read-only statements the guard refused");
  }

  @Test
  void allowWritesLetsEveryStatementThrough() {
    for (String sql : List.of("DROP TABLE a.t", "SELECT reflect('java.lang.String', 'valueOf', 1)")) {
      SqlGuard.check(analysed(sql), SqlPolicy.forCli(true));
    }
  }

  @Test
  void atlasEvaluateIsOffOrBoundedByTheRowsItSees() {
    String call = "atlas_evaluate('mbv3-tiny', s)";
    SqlPolicy off = new SqlPolicy(true, false, 100);
    SqlPolicy five = new SqlPolicy(true, true, 5);
    String bounded = "SELECT " + call + " FROM (SELECT * FROM a.t LIMIT 5)";
    assertTrue(assertThrows(SqlRefusedException.class, () -> SqlGuard.check(analysed(bounded), off))
        .getMessage().contains("atlas_evaluate is off on this endpoint"));
    SqlGuard.check(analysed(bounded), five);
    SqlGuard.check(analysed("SELECT " + call + ".top1 FROM (SELECT * FROM a.t LIMIT 2) WHERE "
        + call + ".top1 > 0"), five);
    SqlGuard.check(analysed("SELECT x FROM a.t"), off);
    SqlGuard.check(analysed(bounded.replace("LIMIT 5", "LIMIT 50")), SqlPolicy.forCli(false));
    for (String sql : List.of(
        bounded.replace("LIMIT 5", "LIMIT 6"),
        "SELECT " + call + " FROM a.t LIMIT 5",                      // the limit is on the result
        "SELECT max(" + call + ".top1) FROM a.t",
        "SELECT " + call + ", " + call + " FROM (SELECT * FROM a.t LIMIT 3)",
        "SELECT * FROM (SELECT * FROM a.t LIMIT 3) l JOIN (SELECT * FROM a.t LIMIT 2) r ON "
            + call.replace("s)", "l.s)") + ".top1 > 0",
        "SELECT * FROM range(3) WHERE id IN (SELECT " + call + ".top1 FROM a.t)")) {
      SqlRefusedException e = assertThrows(SqlRefusedException.class,
          () -> SqlGuard.check(analysed(sql), five), sql);
      assertTrue(e.getMessage().startsWith("refused: atlas_evaluate may evaluate at most 5 rows"),
          e.getMessage());
    }
  }
}
