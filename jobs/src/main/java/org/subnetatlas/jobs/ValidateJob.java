package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.transforms.QualityGates;
import org.subnetatlas.transforms.QualityGates.GateFailedException;
import org.subnetatlas.transforms.QualityGates.Thresholds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

  static final String MIN_ROW_RATIO = AtlasConfig.PREFIX + "validate.min-row-ratio";
  static final String MAX_TOP1_SHIFT = AtlasConfig.PREFIX + "validate.max-top1-shift";

  @Option(names = "--min-row-ratio", paramLabel = "R",
      description = "Fail when the night has fewer than R x the previous night's measurement rows."
          + " Default: 0.6.")
  String minRowRatio;

  @Option(names = "--max-top1-shift", paramLabel = "S",
      description = "Fail when mean top-1 moves by more than S from the previous night. Default: 0.05.")
  String maxTop1Shift;

  @Override
  Map<String, String> overrides() {
    return settings(MIN_ROW_RATIO, minRowRatio, MAX_TOP1_SHIFT, maxTop1Shift);
  }

  @Override
  Stage stage() {
    return new ValidateStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new ValidateJob()), args));
  }

  static Thresholds thresholds(AtlasConfig config) {
    return new Thresholds(
        fraction(config, MIN_ROW_RATIO, Thresholds.DEFAULT.minRowRatio()),
        fraction(config, MAX_TOP1_SHIFT, Thresholds.DEFAULT.maxTop1Shift()));
  }

  private static double fraction(AtlasConfig config, String key, double fallback) {
    String raw = config.get(key, null);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    double v;
    try {
      v = Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      throw new BadInputException(key + "=" + raw + ": not a number");
    }
    if (!(v >= 0 && v <= 1)) {
      throw new BadInputException(key + "=" + raw + ": must be between 0 and 1");
    }
    return v;
  }

  /** Runs the gates for a date and counts what they found; used by release too. */
  static QualityGates.Result enforce(SparkSession spark, AtlasConfig config, LocalDate buildDate,
      RunRecorder run) {
    try {
      QualityGates.Result r = QualityGates.enforce(spark, config.warehouse(), buildDate,
          run.runId(), thresholds(config));
      run.count("checks", r.outcomes().size());
      run.count("checks_failed", 0);
      return r;
    } catch (GateFailedException e) {
      run.count("checks", e.result().outcomes().size());
      run.count("checks_failed", e.result().failed().size());
      throw e;
    }
  }

  /** The stage itself. */
  static final class ValidateStage implements Stage {
    @Override
    public String name() {
      return "validate";
    }

    @Override
    public void validate(AtlasConfig config) {
      thresholds(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      enforce(spark, config, buildDate, run);
    }
  }
}
