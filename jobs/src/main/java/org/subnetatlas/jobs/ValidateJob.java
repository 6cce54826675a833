package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.ValidateKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.transforms.quality.Validation;
import picocli.CommandLine.Command;

/**
 * {@code atlas validate}: the quality gates on one build date's writes (Deequ checks, referential
 * integrity, anomalies against the previous night). A failure quarantines the offending rows,
 * writes {@code <warehouse>/quality/<date>/report.txt} and exits 1, which stops the nightly build.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.ValidateJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check a build date's writes: completeness, uniqueness, value ranges, references,"
        + " and anomalies against the previous night (atlas.quality_metrics).",
        "Failures: offending rows in atlas.quarantine and <warehouse>/quality/<date>/report.txt,"
            + " exit code 1."})
public final class ValidateJob extends StageCommand {

  public ValidateJob() {
    super(ValidateStage::new, options("--min-row-ratio", MIN_ROW_RATIO,
        "--max-top1-shift", MAX_TOP1_SHIFT));
  }

  public static void main(String[] args) {
    launch(new ValidateJob(), args);
  }

  /** Runs the gates; a failure stops the nightly build with exit code 1. */
  static final class ValidateStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      thresholds(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      Validation.enforce(spark, config.warehouse(), buildDate, run.runId(), thresholds(config),
          run);
    }
  }
}
