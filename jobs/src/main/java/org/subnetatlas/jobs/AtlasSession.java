package org.subnetatlas.jobs;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.jobs.catalog.Metastore;
import org.subnetatlas.jobs.catalog.MetastoreServer;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.jobs.sql.SqlGuardExtension;
import org.subnetatlas.jobs.sql.SqlPolicy;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.schemas.Tables;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.udfs.prediction.PredictUdf;
import org.subnetatlas.udfs.spark.EvaluateUdf;
import org.subnetatlas.udfs.spark.SpaceUdfs;

/**
 * Builds the Spark session every job runs in: Delta Lake, a persistent Hive catalog (a Derby
 * database under the warehouse, so table names survive the process) and the {@code atlas_*} SQL
 * functions. The master comes from the profile or spark-submit, never from code.
 *
 * <p>The catalog is served by a catalog server on 127.0.0.1 ({@link Metastore}) that every atlas
 * process of the warehouse shares, so {@code atlas sql} answers while a stage writes; Delta gives
 * it the last committed snapshot. {@code spark.atlas.metastore.mode=embedded} opens the database
 * in this process instead (one process at a time), and a remote Hive metastore
 * ({@code spark.hadoop.hive.metastore.uris}) replaces both.
 */
public final class AtlasSession {

  private static final Logger LOG = LoggerFactory.getLogger(AtlasSession.class);

  /** Local directory of the Derby metastore; required in spirit when the warehouse is remote. */
  public static final String METASTORE = CommonKeys.METASTORE.key();
  /** A remote Hive metastore: when set, it is the catalog and no Derby is involved. */
  static final String REMOTE_METASTORE = "spark.hadoop.hive.metastore.uris";
  private static final String CLIENT_DRIVER = "org.apache.derby.jdbc.ClientDriver";
  private static final String EMBEDDED_DRIVER = "org.apache.derby.jdbc.EmbeddedDriver";

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
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    for (Map.Entry<String, String> e : config.all().entrySet()) {
      if (e.getKey().startsWith("spark.")) {
        builder.config(e.getKey(), e.getValue());
      }
    }
    Path leased = null;
    if (config.get(REMOTE_METASTORE, "").isBlank()) {
      Path metastore = Paths.get(metastoreDir(config, warehouse));
      Optional<Metastore.Endpoint> server = catalogServer(config, metastore);
      server.ifPresent(e -> builder
          .config("spark.hadoop.javax.jdo.option.ConnectionURL", e.url())
          .config("spark.hadoop.javax.jdo.option.ConnectionDriverName", CLIENT_DRIVER)
          .config("spark.hadoop.javax.jdo.option.ConnectionUserName", e.user())
          .config("spark.hadoop.javax.jdo.option.ConnectionPassword", e.password()));
      if (server.isPresent()) {
        leased = metastore;
      } else {
        // Derby writes derby.log into the working directory unless told otherwise
        System.setProperty("derby.stream.error.file", metastore.resolve("derby.log").toString());
        builder
            .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                "jdbc:derby:;databaseName=" + metastore.resolve(MetastoreServer.DATABASE) + ";create=true")
            .config("spark.hadoop.javax.jdo.option.ConnectionDriverName", EMBEDDED_DRIVER);
      }
      builder
          .config("spark.hadoop.hive.metastore.schema.verification", "false")
          .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true");
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
        .config("spark.sql.session.timeZone", config.get("spark.sql.session.timeZone", "UTC"))
        .config(AtlasConfig.WAREHOUSE, warehouse)
        .config(AtlasConfig.DATA, config.data())
        .enableHiveSupport();
    SparkSession spark;
    try {
      spark = builder.getOrCreate();
    } catch (RuntimeException e) {
      if (leased != null) {
        Metastore.release(leased);
      }
      throw e;
    }
    if (leased != null) {
      Path lease = leased;
      // the server may stop once no session of this process needs it
      spark.sparkContext().addSparkListener(new SparkListener() {
        @Override
        public void onApplicationEnd(SparkListenerApplicationEnd end) {
          Metastore.release(lease);
        }
      });
    }
    SpaceUdfs.register(spark);
    EvaluateUdf.register(spark, warehouse);
    PredictUdf.register(spark);
    return spark;
  }

  /**
   * The catalog server to use: the live one or a new one in server mode; in embedded mode a live
   * one still, since the database cannot open here while a server holds it.
   */
  private static Optional<Metastore.Endpoint> catalogServer(AtlasConfig config, Path metastore) {
    String mode = CommonKeys.METASTORE_MODE.get(config);
    switch (mode) {
      case "server":
        return Optional.of(Metastore.serve(metastore, CommonKeys.METASTORE_IDLE_SECONDS.get(config)));
      case "embedded":
        Optional<Metastore.Endpoint> live = Metastore.live(metastore);
        live.ifPresent(e -> LOG.info("catalog {} is served by a catalog server: using it", metastore));
        return live;
      default:
        throw new BadInputException(CommonKeys.METASTORE_MODE.key() + "=" + mode
            + ": must be server or embedded");
    }
  }

  /**
   * Local directory of the metastore: {@code spark.atlas.metastore} when set, else next to
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
