package org.subnetatlas.transforms.quality;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.transforms.QualityGates;
import org.subnetatlas.transforms.QualityGates.GateFailedException;
import org.subnetatlas.transforms.QualityGates.Thresholds;
import org.subnetatlas.transforms.tasks.StageCounts;

/** The quality gates as validate and release run them: enforced, with what they checked counted. */
public final class Validation {

  private Validation() {}

  /**
   * Runs the gates for a date and counts the checks and the failed ones; a failure is rethrown
   * after it is counted.
   */
  public static QualityGates.Result enforce(SparkSession spark, String warehouse,
      LocalDate buildDate, String runId, Thresholds thresholds, StageCounts counts) {
    try {
      QualityGates.Result r = QualityGates.enforce(spark, warehouse, buildDate, runId, thresholds);
      counts.count("checks", r.outcomes().size());
      counts.count("checks_failed", 0);
      return r;
    } catch (GateFailedException e) {
      counts.count("checks", e.result().outcomes().size());
      counts.count("checks_failed", e.result().failed().size());
      throw e;
    }
  }
}
