package org.subnetatlas.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Devices;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.QualityMetrics;
import org.subnetatlas.schemas.Tables.Quarantine;
import org.subnetatlas.transforms.DataChecks.Outcome;
import org.subnetatlas.transforms.quality.GateJson;
import org.subnetatlas.transforms.quality.GateMetrics;
import org.subnetatlas.transforms.quality.NightOverNight;

/**
 * The quality gates of one build date: Deequ checks on the night's measurements and on the
 * architectures, referential integrity, and Deequ anomaly checks against the earlier nights' metrics in
 * {@code atlas.quality_metrics} ({@link NightOverNight}; {@link GateMetrics}: of the night's sample only). A failing gate quarantines the offending rows and throws
 * {@link GateFailedException}; a passing one records the night's metrics.
 */
public final class QualityGates {

  private static final Logger LOG = LoggerFactory.getLogger(QualityGates.class);

  /** Offending rows kept per failed check in the quarantine and the report. */
  static final int QUARANTINE_LIMIT = 1000;
  private static final int REPORT_ROWS = 20;

  public static final String ROWS = "measurements.rows";
  public static final String MEAN_TOP1 = "measurements.mean_top1";
  public static final String ARCH_ROWS = "architectures.rows";

  /** Anomaly thresholds against the previous night. */
  public record Thresholds(double minRowRatio, double maxTop1Shift) {
    public static final Thresholds DEFAULT = new Thresholds(0.6, 0.05);

    public Thresholds {
      if (!(minRowRatio >= 0 && minRowRatio <= 1)) {
        throw new IllegalArgumentException("min row ratio must be in [0, 1], got " + minRowRatio);
      }
      if (!(maxTop1Shift >= 0 && maxTop1Shift <= 1)) {
        throw new IllegalArgumentException("max top-1 shift must be in [0, 1], got " + maxTop1Shift);
      }
    }
  }

  /** What the gates found for one date. */
  public record Result(LocalDate buildDate, List<Outcome> outcomes, Map<String, Double> metrics,
      LocalDate previousDate, Map<String, Long> offendingCounts, String reportUri) {
    public boolean passed() {
      return outcomes.stream().allMatch(Outcome::passed);
    }

    public List<Outcome> failed() {
      return outcomes.stream().filter(o -> !o.passed()).toList();
    }

    /** One line per check. */
    public String summary() {
      StringBuilder sb = new StringBuilder();
      for (Outcome o : outcomes) {
        sb.append(o.passed() ? "PASS " : "FAIL ").append(o.table()).append(": ").append(o.check());
        if (!o.passed()) {
          sb.append(": ").append(o.message());
          Long n = offendingCounts.get(key(o));
          if (n != null && n > 0) {
            sb.append(" (").append(n).append(" offending rows)");
          }
        }
        sb.append('\n');
      }
      return sb.toString();
    }
  }

  /** A failed gate: the build stops; the message names every failed check. */
  public static final class GateFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Result result;

    GateFailedException(String message, Result result) {
      super(message);
      this.result = result;
    }

    public Result result() {
      return result;
    }
  }

  private QualityGates() {}

  /**
   * Checks {@code buildDate}'s writes, records the outcome (quarantine and report always, metrics
   * on a pass) and throws {@link GateFailedException} when a check failed.
   */
  public static Result enforce(SparkSession spark, String warehouse, LocalDate buildDate,
      String runId, Thresholds thresholds) {
    Result result = record(spark, warehouse, check(spark, buildDate, thresholds), runId);
    if (!result.passed()) {
      String failed = result.failed().stream()
          .map(o -> "  " + o.table() + ": " + o.check() + ": " + o.message()
              + Optional.ofNullable(result.offendingCounts().get(key(o)))
                  .filter(n -> n > 0).map(n -> " (" + n + " offending rows)").orElse(""))
          .collect(Collectors.joining("\n"));
      throw new GateFailedException(String.format(
          "quality gates failed for %s: %d of %d checks failed; offending rows in %s (build_date"
              + " = %s), report %s%n%s",
          buildDate, result.failed().size(), result.outcomes().size(),
          Quarantine.TABLE.qualifiedName(), buildDate, result.reportUri(), failed), result);
    }
    LOG.info("validate: {} passed all {} checks ({} = {}, {} = {})", buildDate,
        result.outcomes().size(), ROWS, result.metrics().get(ROWS), MEAN_TOP1,
        result.metrics().get(MEAN_TOP1));
    return result;
  }

  /** Runs every check; writes nothing. */
  public static Result check(SparkSession spark, LocalDate buildDate, Thresholds thresholds) {
    requireNonNull(thresholds, "thresholds");
    Dataset<Row> night = spark.table(Measurements.TABLE.qualifiedName())
        .filter(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate))));
    Dataset<Row> archs = spark.table(Architectures.TABLE.qualifiedName());

    List<String> key = Measurements.TABLE.keyColumns();
    DataChecks measurements = DataChecks.on(Measurements.TABLE.name(), night)
        .nonEmpty()
        .complete(key.toArray(String[]::new))
        .unique(key.toArray(String[]::new))
        .satisfies("0 <= top1 <= 1", "top1 IS NULL OR (top1 >= 0 AND top1 <= 1)")
        .satisfies("0 <= top5 <= 1", "top5 IS NULL OR (top5 >= 0 AND top5 <= 1)");
    for (String latency : List.of(Measurements.LATENCY_P50_MS, Measurements.LATENCY_P90_MS,
        Measurements.LATENCY_P99_MS, Measurements.LATENCY_MEAN_MS)) {
      measurements.satisfies(latency + " > 0", latency + " IS NULL OR " + latency + " > 0");
    }
    // a warehouse written before relative latency existed has no such column to check
    if (List.of(night.columns()).contains(Measurements.LATENCY_REL)) {
      measurements.satisfies(Measurements.LATENCY_REL + " > 0", Measurements.LATENCY_REL
          + " IS NULL OR " + Measurements.LATENCY_REL + " > 0");
    }
    DataChecks.Report m = measurements
        .satisfies("energy_mj >= 0", "energy_mj IS NULL OR energy_mj >= 0")
        .run();

    DataChecks.Report a = DataChecks.on(Architectures.TABLE.name(), archs)
        .complete(Architectures.ARCH_ID, Architectures.SPACE, Architectures.ENCODING,
            Architectures.MACS)
        .unique(Architectures.ARCH_ID)
        .satisfies("macs > 0", "macs > 0")
        .satisfies("params > 0", "params > 0")
        .run();

    List<Outcome> outcomes = new ArrayList<>(m.outcomes());
    outcomes.addAll(a.outcomes());
    outcomes.add(references(night, archs, Measurements.ARCH_ID, Architectures.TABLE.name()));
    outcomes.add(references(night, spark.table(Devices.TABLE.qualifiedName()),
        Measurements.DEVICE_ID, Devices.TABLE.name()));

    Map<String, Double> metrics = GateMetrics.of(spark, night, archs);

    LocalDate previous = previousDate(spark, buildDate);
    if (previous != null) {
      outcomes.addAll(NightOverNight.check(spark, GateMetrics.scope(spark, night),
          buildDate, previous, metrics, thresholds));
    }
    return new Result(buildDate, List.copyOf(outcomes), metrics, previous, Map.of(), null);
  }

  /** Every {@code fk} of {@code rows} exists in {@code parent}: an anti-join, reported like a check. */
  private static Outcome references(Dataset<Row> rows, Dataset<Row> parent, String fk,
      String parentName) {
    Dataset<Row> orphans = rows.join(parent.select(col(fk).as("_parent_key")).distinct(),
        col(fk).equalTo(col("_parent_key")), "left_anti");
    long n = orphans.limit(1).count();
    String name = fk + " exists in " + parentName;
    return new Outcome(Measurements.TABLE.name(), name, n == 0,
        n == 0 ? "ok" : "measurements whose " + fk + " is not in atlas." + parentName,
        n == 0 ? null : orphans);
  }

  /** The latest build date before {@code buildDate} with recorded metrics, or null. */
  static LocalDate previousDate(SparkSession spark, LocalDate buildDate) {
    Row r = spark.table(QualityMetrics.TABLE.qualifiedName())
        .filter(col(QualityMetrics.BUILD_DATE).lt(lit(Date.valueOf(buildDate))))
        .agg(org.apache.spark.sql.functions.max(QualityMetrics.BUILD_DATE))
        .head();
    return r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
  }

  /**
   * Replaces the date's quarantine (empty on a pass), writes the report file and, on a pass, the
   * date's metrics. Returns the result with offending-row counts and the report's location.
   */
  static Result record(SparkSession spark, String warehouse, Result result, String runId) {
    LocalDate date = result.buildDate();
    String predicate = String.format("%s = DATE'%s'", Quarantine.BUILD_DATE, date);
    Map<String, Long> counts = new LinkedHashMap<>();
    Dataset<Row> quarantined = spark.createDataFrame(List.of(), Quarantine.TABLE.schema());
    StringBuilder samples = new StringBuilder();
    for (Outcome o : result.failed()) {
      Dataset<Row> rows;
      if (o.offending() != null) {
        rows = o.offending().limit(QUARANTINE_LIMIT).select(to_json(struct(col("*")))
            .as(Quarantine.ROW_JSON));
        counts.put(key(o), o.offending().count());
      } else {
        rows = spark.createDataFrame(List.of(RowFactory.create(GateJson.message(o.message()))),
            new org.apache.spark.sql.types.StructType().add(Quarantine.ROW_JSON,
                org.apache.spark.sql.types.DataTypes.StringType));
      }
      rows = rows.select(lit(Date.valueOf(date)).as(Quarantine.BUILD_DATE),
          lit(o.table()).as(Quarantine.TABLE_NAME), lit(o.check()).as(Quarantine.CHECK_NAME),
          col(Quarantine.ROW_JSON), lit(runId).as(Quarantine.RUN_ID));
      quarantined = quarantined.unionByName(DeltaWrites.conform(rows, Quarantine.TABLE));
      samples.append("\n## FAIL ").append(o.table()).append(": ").append(o.check()).append('\n')
          .append(o.message()).append('\n');
      rows.limit(REPORT_ROWS).collectAsList()
          .forEach(r -> samples.append("  ").append(r.getString(3)).append('\n'));
    }
    DeltaWrites.replaceWhere(spark, Quarantine.TABLE, quarantined, predicate);

    if (result.passed()) {
      List<Row> metricRows = result.metrics().entrySet().stream()
          .map(e -> RowBuilder.of(QualityMetrics.TABLE.schema())
              .set(QualityMetrics.BUILD_DATE, Date.valueOf(date))
              .set(QualityMetrics.METRIC, e.getKey())
              .set(QualityMetrics.VALUE, e.getValue())
              .set(QualityMetrics.RUN_ID, runId)
              .build())
          .toList();
      DeltaWrites.replaceWhere(spark, QualityMetrics.TABLE,
          spark.createDataFrame(metricRows, QualityMetrics.TABLE.schema()),
          String.format("%s = DATE'%s'", QualityMetrics.BUILD_DATE, date));
    }

    Result counted = new Result(date, result.outcomes(), result.metrics(), result.previousDate(),
        Map.copyOf(counts), warehouse + "/quality/" + date + "/report.txt");
    String report = "quality gates for " + date + ": " + (counted.passed() ? "PASSED" : "FAILED")
        + "\nprevious night: " + (counted.previousDate() == null ? "none" : counted.previousDate())
        + "\nmetrics: " + counted.metrics() + "\n\n" + counted.summary() + samples;
    WarehouseFiles.writeText(spark, counted.reportUri(), report);
    return counted;
  }

  private static String key(Outcome o) {
    return o.table() + "/" + o.check();
  }
}
