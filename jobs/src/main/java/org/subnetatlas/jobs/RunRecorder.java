package org.subnetatlas.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.Tables.Runs;
import org.subnetatlas.transforms.DeltaWrites;

/**
 * The audit row of one stage run. The row is written once, when the stage ends, so a stage that
 * dies mid-way leaves no half-written trace besides its failed row.
 */
final class RunRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Spark's own default for {@code spark.redaction.regex}. */
  private static final Pattern SECRET_KEY = Pattern.compile("(?i)secret|password|token|access[.]key");

  private final String runId = UUID.randomUUID().toString();
  private final String job;
  private final Map<String, Object> args;
  private final AtlasConfig config;
  private final LocalDate buildDate;
  private final Instant started = Instant.now();
  private final Map<String, Long> counts = new LinkedHashMap<>();

  RunRecorder(String job, Map<String, Object> args, AtlasConfig config, LocalDate buildDate) {
    this.job = requireNonNull(job);
    this.args = new LinkedHashMap<>(args);
    // the audit row is readable by every analyst: keep secrets out even if one slipped into settings
    this.args.replaceAll((k, v) -> SECRET_KEY.matcher(k).find() ? "*********(redacted)" : v);
    this.config = requireNonNull(config);
    this.buildDate = buildDate;
  }

  String runId() {
    return runId;
  }

  void count(String what, long n) {
    counts.merge(what, n, Long::sum);
  }

  Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  double elapsedSeconds() {
    return (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
  }

  /** Appends the run's row; never throws, a failed audit write is logged, not fatal. */
  void finish(SparkSession spark, boolean succeeded, String message) {
    try {
      Row row = RowFactory.create(runId, job, JSON.writeValueAsString(args), config.hash(),
          CodeVersion.get(), buildDate == null ? null : Date.valueOf(buildDate),
          Timestamp.from(started), Timestamp.from(Instant.now()),
          succeeded ? "succeeded" : "failed",
          new LinkedHashMap<>(counts),
          message);
      DeltaWrites.append(spark, Runs.TABLE, spark.createDataFrame(List.of(row), Runs.TABLE.schema()));
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn("could not record run {} of {}: {}", runId, job, e.toString());
    }
  }
}
