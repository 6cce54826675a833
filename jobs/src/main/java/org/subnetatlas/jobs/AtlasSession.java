package org.subnetatlas.jobs;

import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.transforms.BadInputException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.schemas.Tables;
import org.subnetatlas.udfs.prediction.PredictUdf;
import org.subnetatlas.udfs.spark.EvaluateUdf;
import org.subnetatlas.udfs.spark.SpaceUdfs;

/**
 * Builds the Spark session every job runs in: Delta Lake, a persistent Hive catalog (embedded
 * Derby under the warehouse, so table names survive the process) and the {@code atlas_*} SQL
 * functions. The master comes from the profile or spark-submit, never from code.
 */
public final class AtlasSession {

  private static final Logger LOG = LoggerFactory.getLogger(AtlasSession.class);

  /** Local directory of the Derby metastore; required in spirit when the warehouse is remote. */
  public static final String METASTORE = CommonKeys.METASTORE.key();

  private AtlasSession() {}

  public static SparkSession open(AtlasConfig config, String appName) {
    return open(config, appName, null);
  }

  /**
   * The session of {@code atlas sql} and {@code atlas serve-sql}: as {@link #open}, with
   * {@link SqlGuardExtension} deciding under {@code policy} which statements run. The stages never
   * open one, so their own writes are not affected.
   */
  static SparkSession openForAnalysts(AtlasConfig config, String appName, SqlPolicy policy) {
    return open(config, appName, java.util.Objects.requireNonNull(policy));
  }

  private static SparkSession open(AtlasConfig config, String appName, SqlPolicy policy) {
    String warehouse = config.warehouse();
    RemoteWarehouse.check(config);
    String metastore = metastoreDir(config, warehouse);
    // Derby writes derby.log into the working directory unless told otherwise
    System.setProperty("derby.stream.error.file", metastore + "/derby.log");
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    for (Map.Entry<String, String> e : config.all().entrySet()) {
      if (e.getKey().startsWith("spark.")) {
        builder.config(e.getKey(), e.getValue());
      }
    }
    String extensions = "io.delta.sql.DeltaSparkSessionExtension";
    if (policy != null) {
      extensions += "," + SqlGuardExtension.class.getName();
      policy.toConf(builder::config);
    }
    builder
        .config("spark.sql.extensions", extensions)
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + metastore + "/metastore_db;create=true")
        .config("spark.hadoop.hive.metastore.schema.verification", "false")
        .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
        .config("spark.sql.session.timeZone", config.get("spark.sql.session.timeZone", "UTC"))
        .config(AtlasConfig.WAREHOUSE, warehouse)
        .config(AtlasConfig.DATA, config.data())
        .enableHiveSupport();
    SparkSession spark = builder.getOrCreate();
    SpaceUdfs.register(spark);
    EvaluateUdf.register(spark, warehouse);
    PredictUdf.register(spark);
    return spark;
  }

  /**
   * Local directory of the embedded metastore: {@code spark.atlas.metastore} when set, else next to
   * a local warehouse, else (Derby cannot run on an object store) {@code ./metastore/<warehouse>},
   * one database per remote warehouse so two warehouses never share table entries.
   */
  static String metastoreDir(AtlasConfig config, String warehouse) {
    String configured = config.get(METASTORE, null);
    Path dir;
    if (configured != null) {
      dir = Paths.get(configured);
    } else if (warehouse.startsWith("file:")) {
      dir = Paths.get(URI.create(warehouse)).resolve("_metastore");
    } else {
      dir = Paths.get("metastore", warehouse.replaceAll("[^A-Za-z0-9._-]+", "_"));
    }
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new BadInputException("metastore directory " + dir + ": cannot create: " + e.getMessage());
    }
    return dir.toAbsolutePath().toString();
  }

  /** Location of table {@code t} under the warehouse. */
  public static String tableLocation(String warehouse, TableDef t) {
    return warehouse + "/" + TableDef.DATABASE + ".db/" + t.name();
  }

  /**
   * Creates the database and every table that is missing, and adds columns declared in
   * {@code schemas/} that an older table lacks. A table whose existing column has another type
   * is refused: that is a wrong table, not one to migrate silently. Every existing table is
   * checked before any is created or changed, so a refusal leaves the warehouse as it was.
   */
  public static void ensureTables(SparkSession spark, String warehouse) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + TableDef.DATABASE + " LOCATION '"
        + warehouse + "/" + TableDef.DATABASE + ".db'");
    for (TableDef t : Tables.all()) {
      if (spark.catalog().tableExists(t.qualifiedName())) {
        checkTypes(spark, t);
      }
    }
    for (TableDef t : Tables.all()) {
      if (!spark.catalog().tableExists(t.qualifiedName())) {
        spark.sql(t.createDdl(tableLocation(warehouse, t)));
        LOG.debug("created {}", t.qualifiedName());
      } else {
        evolve(spark, t);
      }
    }
  }

  private static Map<String, StructField> columns(SparkSession spark, TableDef t) {
    StructType actual = spark.table(t.qualifiedName()).schema();
    return Arrays.stream(actual.fields()).collect(Collectors.toMap(StructField::name, f -> f));
  }

  private static void checkTypes(SparkSession spark, TableDef t) {
    Map<String, StructField> existing = columns(spark, t);
    for (StructField f : t.schema().fields()) {
      StructField have = existing.get(f.name());
      if (have != null && !have.dataType().sameType(f.dataType())) {
        throw new BadInputException("table " + t.qualifiedName() + ": column " + f.name()
            + " has type " + have.dataType().sql() + ", expected " + f.dataType().sql()
            + " (wrong table schema; is the warehouse from another tool?)");
      }
    }
  }

  private static void evolve(SparkSession spark, TableDef t) {
    Map<String, StructField> existing = columns(spark, t);
    List<StructField> missing = Arrays.stream(t.schema().fields())
        .filter(f -> !existing.containsKey(f.name()))
        .toList();
    if (!missing.isEmpty()) {
      String cols = missing.stream()
          .map(f -> "`" + f.name() + "` " + f.dataType().sql())
          .collect(Collectors.joining(", "));
      spark.sql("ALTER TABLE " + t.qualifiedName() + " ADD COLUMNS (" + cols + ")");
      LOG.info("{}: added columns {}", t.qualifiedName(), cols);
    }
    // tables made before a property was declared (the retention that keeps releases rebuildable)
    Map<String, String> have = new HashMap<>();
    spark.sql("SHOW TBLPROPERTIES " + t.qualifiedName()).collectAsList()
        .forEach(r -> have.put(r.getString(0), r.getString(1)));
    String changed = t.properties().entrySet().stream()
        .filter(e -> !e.getValue().equals(have.get(e.getKey())))
        .sorted(Map.Entry.comparingByKey())
        .map(e -> "'" + e.getKey() + "' = '" + e.getValue() + "'")
        .collect(Collectors.joining(", "));
    if (!changed.isEmpty()) {
      spark.sql("ALTER TABLE " + t.qualifiedName() + " SET TBLPROPERTIES (" + changed + ")");
      LOG.info("{}: set {}", t.qualifiedName(), changed);
    }
  }
}
