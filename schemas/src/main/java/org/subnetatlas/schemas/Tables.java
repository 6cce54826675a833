package org.subnetatlas.schemas;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The tables of the {@code atlas} database, each declared once: the pipeline's own here, the
 * measurement tables in {@link MeasurementTables}, the predictor tables in {@link PredictorTables};
 * {@link #all()} lists every one. Column names are the public contract (see DESIGN.md): add columns
 * freely, never rename one. Code elsewhere refers to columns through these constants.
 */
public final class Tables {

  /** How long a table version stays readable: the life of a release. */
  public static final String RETENTION = "interval 3650 days";

  /**
   * Every table's properties. A release is rebuilt from its pinned Delta versions, which needs their
   * log entries and data files: both are kept for {@link #RETENTION} instead of Delta's 30 and 7
   * days, so VACUUM and log clean-up never take a version a kept release pins.
   */
  static final Map<String, String> DELTA_PROPS = Map.of(
      "delta.appendOnly", "false",
      "delta.checkpointInterval", "10",
      "delta.logRetentionDuration", RETENTION,
      "delta.deletedFileRetentionDuration", RETENTION);

  /** Sub-networks (sampled, stitched configurations, or found by search), one row per arch_id. */
  public static final class Architectures {
    public static final String ARCH_ID = "arch_id";
    public static final String SPACE = "space";
    public static final String SPACE_VERSION = "space_version";
    public static final String FAMILY = "family";
    public static final String ENCODING = "encoding";
    public static final String RESOLUTION = "resolution";
    public static final String MACS = "macs";
    public static final String PARAMS = "params";
    public static final String SAMPLER = "sampler";
    public static final String SEED = "seed";
    public static final String FIRST_SEEN_DATE = "first_seen_date";
    public static final String STITCH_FRONT_ANCHOR = "stitch_front_anchor";
    public static final String STITCH_FRONT_BLOCKS = "stitch_front_blocks";
    public static final String STITCH_BACK_ANCHOR = "stitch_back_anchor";
    public static final String STITCH_BACK_START = "stitch_back_start";
    /** Columns only stitched families fill (null for supernet sub-networks). */
    public static final List<String> STITCH_COLUMNS = List.of(STITCH_FRONT_ANCHOR,
        STITCH_FRONT_BLOCKS, STITCH_BACK_ANCHOR, STITCH_BACK_START);

    public static final TableDef TABLE = new TableDef(
        "architectures",
        "Sampled sub-networks: canonical encoding and analytic cost, one row per arch_id",
        new StructType()
            .add(ARCH_ID, StringType, false, "sha-256 of space, space version and canonical encoding")
            .add(SPACE, StringType, false)
            .add(SPACE_VERSION, StringType, false)
            .add(FAMILY, StringType, false, "supernet | stitched")
            .add(ENCODING, StringType, false, "canonical JSON encoding")
            .add(RESOLUTION, IntegerType, false)
            .add(MACS, LongType, false, "multiply-accumulates, OFA counting convention")
            .add(PARAMS, LongType, false, "parameters including BN affine")
            .add(SAMPLER, StringType, false, "what put the row here: uniform, stratified, enumerate (stitched), search")
            .add(SEED, LongType, false)
            .add(FIRST_SEEN_DATE, DateType, false)
            .add(STITCH_FRONT_ANCHOR, StringType, true,
                "stitched family: anchor that runs first (the anchor itself for an anchor)")
            .add(STITCH_FRONT_BLOCKS, IntegerType, true, "stitched family: front blocks run")
            .add(STITCH_BACK_ANCHOR, StringType, true,
                "stitched family: anchor after the stitching layer (the anchor itself for an anchor)")
            .add(STITCH_BACK_START, IntegerType, true,
                "stitched family: first back block, 0-based (= depth for an anchor: no stitch)"),
        List.of(ARCH_ID), List.of(), DELTA_PROPS);

    private Architectures() {}
  }

  /** Which architectures each night sampled; evaluate works from this list. */
  public static final class Samples {
    public static final String BUILD_DATE = "build_date";
    public static final String SPACE = "space";
    public static final String ARCH_ID = "arch_id";
    public static final String SAMPLE_INDEX = "sample_index";
    public static final String SAMPLER = "sampler";
    public static final String SEED = "seed";
    public static final String RUN_ID = "run_id";

    public static final TableDef TABLE = new TableDef(
        "samples",
        "The architectures sampled for each build date and space",
        new StructType()
            .add(BUILD_DATE, DateType, false)
            .add(SPACE, StringType, false)
            .add(ARCH_ID, StringType, false)
            .add(SAMPLE_INDEX, IntegerType, false, "order of the draw; extremes first")
            .add(SAMPLER, StringType, false)
            .add(SEED, LongType, false)
            .add(RUN_ID, StringType, false),
        List.of(BUILD_DATE, SPACE, ARCH_ID), List.of(BUILD_DATE), DELTA_PROPS);

    private Samples() {}
  }

  /** Trained weight-sharing supernets. */
  public static final class Supernets {
    public static final String SUPERNET_ID = "supernet_id";
    public static final String SPACE = "space";
    public static final String SPACE_VERSION = "space_version";
    public static final String CHECKPOINT_URI = "checkpoint_uri";
    public static final String CONFIG = "config";
    public static final String CONFIG_HASH = "config_hash";
    public static final String DATASET = "dataset";
    public static final String TRAIN_IMAGES = "train_images";
    public static final String EPOCHS = "epochs";
    public static final String PHASE_LOSSES = "phase_losses";
    public static final String FINAL_LOSS = "final_loss";
    public static final String SKIPPED_STEPS = "skipped_steps";
    public static final String TRAIN_SECONDS = "train_seconds";
    public static final String DEVICE_ID = "device_id";
    public static final String RUN_ID = "run_id";
    public static final String BUILD_DATE = "build_date";
    public static final String CREATED_AT = "created_at";

    public static final TableDef TABLE = new TableDef(
        "supernets",
        "Trained supernets and where their checkpoints are",
        new StructType()
            .add(SUPERNET_ID, StringType, false, "sha-256 of space, version, dataset, config and build date")
            .add(SPACE, StringType, false)
            .add(SPACE_VERSION, StringType, false)
            .add(CHECKPOINT_URI, StringType, false)
            .add(CONFIG, StringType, false, "training configuration, JSON")
            .add(CONFIG_HASH, StringType, false)
            .add(DATASET, StringType, false)
            .add(TRAIN_IMAGES, LongType, false, "images in the training split")
            .add(EPOCHS, IntegerType, false, "epochs over all phases")
            .add(PHASE_LOSSES, StringType, false, "mean loss per phase, JSON")
            .add(FINAL_LOSS, DoubleType, true)
            .add(SKIPPED_STEPS, IntegerType, false, "steps skipped for a non-finite loss")
            .add(TRAIN_SECONDS, DoubleType, false)
            .add(DEVICE_ID, StringType, false)
            .add(RUN_ID, StringType, false)
            .add(BUILD_DATE, DateType, false)
            .add(CREATED_AT, TimestampType, false),
        List.of(SUPERNET_ID), List.of(), DELTA_PROPS);

    private Supernets() {}
  }

  /** One row per job run: what ran, with which arguments and code, and what it wrote. */
  public static final class Runs {
    public static final String RUN_ID = "run_id";
    public static final String JOB = "job";
    public static final String ARGS = "args";
    public static final String CONFIG_HASH = "config_hash";
    public static final String CODE_VERSION = "code_version";
    public static final String BUILD_DATE = "build_date";
    public static final String STARTED_AT = "started_at";
    public static final String ENDED_AT = "ended_at";
    public static final String STATUS = "status";
    public static final String ROW_COUNTS = "row_counts";
    public static final String MESSAGE = "message";

    public static final TableDef TABLE = new TableDef(
        "runs",
        "Audit log: one row per job run",
        new StructType()
            .add(RUN_ID, StringType, false)
            .add(JOB, StringType, false)
            .add(ARGS, StringType, false, "arguments, JSON")
            .add(CONFIG_HASH, StringType, false, "sha-256 of the effective spark.atlas.* settings")
            .add(CODE_VERSION, StringType, false)
            .add(BUILD_DATE, DateType, true)
            .add(STARTED_AT, TimestampType, false)
            .add(ENDED_AT, TimestampType, true)
            .add(STATUS, StringType, false, "succeeded | failed")
            .add(ROW_COUNTS, DataTypes.createMapType(StringType, LongType), true,
                "rows written or merged per table")
            .add(MESSAGE, StringType, true),
        List.of(RUN_ID), List.of(), DELTA_PROPS);

    private Runs() {}
  }

  /** Metrics of each night's checked writes; anomaly checks compare a night with earlier ones. */
  public static final class QualityMetrics {
    public static final String BUILD_DATE = "build_date";
    public static final String METRIC = "metric";
    public static final String VALUE = "value";
    public static final String RUN_ID = "run_id";

    public static final TableDef TABLE = new TableDef(
        "quality_metrics",
        "Deequ metrics of each build date's writes, one row per (build_date, metric)",
        new StructType()
            .add(BUILD_DATE, DateType, false)
            .add(METRIC, StringType, false, "table.metric, e.g. measurements.rows")
            .add(VALUE, DoubleType, true)
            .add(RUN_ID, StringType, false),
        List.of(BUILD_DATE, METRIC), List.of(BUILD_DATE), DELTA_PROPS);

    private QualityMetrics() {}
  }

  /** Rows that failed a quality gate, replaced on every validation of their build date. */
  public static final class Quarantine {
    public static final String BUILD_DATE = "build_date";
    public static final String TABLE_NAME = "table_name";
    public static final String CHECK_NAME = "check_name";
    public static final String ROW_JSON = "row_json";
    public static final String RUN_ID = "run_id";

    public static final TableDef TABLE = new TableDef(
        "quarantine",
        "Offending rows of failed quality checks, per build date",
        new StructType()
            .add(BUILD_DATE, DateType, false)
            .add(TABLE_NAME, StringType, false)
            .add(CHECK_NAME, StringType, false)
            .add(ROW_JSON, StringType, false, "the offending row as JSON")
            .add(RUN_ID, StringType, false),
        List.of(BUILD_DATE, TABLE_NAME, CHECK_NAME, ROW_JSON), List.of(BUILD_DATE), DELTA_PROPS);

    private Quarantine() {}
  }

  /** Published releases: the Delta version each table was pinned at. */
  public static final class Releases {
    public static final String TAG = "tag";
    public static final String BUILD_DATE = "build_date";
    public static final String TABLE_VERSIONS = "table_versions";
    public static final String MANIFEST_SHA256 = "manifest_sha256";
    public static final String FILES_SHA256 = "files_sha256";
    public static final String FILE_COUNT = "file_count";
    public static final String LOCATION = "location";
    public static final String CODE_VERSION = "code_version";
    public static final String CREATED_AT = "created_at";

    public static final TableDef TABLE = new TableDef(
        "releases",
        "One row per release tag: pinned table versions and manifest checksum",
        new StructType()
            .add(TAG, StringType, false)
            .add(BUILD_DATE, DateType, true)
            .add(TABLE_VERSIONS, DataTypes.createMapType(StringType, LongType), false,
                "Delta version of each exported table")
            .add(MANIFEST_SHA256, StringType, false)
            .add(FILES_SHA256, StringType, false,
                "sha-256 of the manifest's files list: equal for a byte-identical rebuild")
            .add(FILE_COUNT, IntegerType, false)
            .add(LOCATION, StringType, false)
            .add(CODE_VERSION, StringType, false)
            .add(CREATED_AT, TimestampType, false),
        List.of(TAG), List.of(), DELTA_PROPS);

    private Releases() {}
  }

  /**
   * Every table, in creation order. A method, not a constant: the nested table classes read this
   * class's constants while they initialise.
   */
  public static List<TableDef> all() {
    List<TableDef> all = new java.util.ArrayList<>(List.of(Architectures.TABLE, Samples.TABLE,
        Supernets.TABLE, MeasurementTables.Measurements.TABLE, MeasurementTables.Devices.TABLE,
        Runs.TABLE, MeasurementTables.LatencyLut.TABLE,
        QualityMetrics.TABLE, Quarantine.TABLE, Releases.TABLE));
    all.addAll(PredictorTables.all());
    return List.copyOf(all);
  }

  /** The table called {@code name} (with or without the {@code atlas.} prefix). */
  public static TableDef byName(String name) {
    String bare = name.startsWith(TableDef.DATABASE + ".")
        ? name.substring(TableDef.DATABASE.length() + 1) : name;
    return all().stream()
        .filter(t -> t.name().equals(bare))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown table " + name));
  }

  private Tables() {}
}
