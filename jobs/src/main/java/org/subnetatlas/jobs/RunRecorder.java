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
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Runs;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.tasks.StageCounts;

/**
 * The audit row of one stage run. The row is written once, when the stage ends, so a stage that
 * dies mid-way leaves no half-written trace besides its failed row.
 */
final class RunRecorder implements StageCounts {

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

  @Override
  public void count(String what, long n) {
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
      Row row = RowBuilder.of(Runs.TABLE.schema())
          .set(Runs.RUN_ID, runId)
          .set(Runs.JOB, job)
          .set(Runs.ARGS, JSON.writeValueAsString(args))
          .set(Runs.CONFIG_HASH, config.hash())
          .set(Runs.CODE_VERSION, CodeVersion.get())
          .set(Runs.BUILD_DATE, buildDate == null ? null : Date.valueOf(buildDate))
          .set(Runs.STARTED_AT, Timestamp.from(started))
          .set(Runs.ENDED_AT, Timestamp.from(Instant.now()))
          .set(Runs.STATUS, succeeded ? "succeeded" : "failed")
          .set(Runs.ROW_COUNTS, new LinkedHashMap<>(counts))
          .set(Runs.MESSAGE, message)
          .build();
      DeltaWrites.append(spark, Runs.TABLE, spark.createDataFrame(List.of(row), Runs.TABLE.schema()));
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn("could not record run {} of {}: {}", runId, job, e.toString());
    }
  }
}
