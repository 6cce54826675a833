package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** One step of the nightly build. {@code demo} and {@code nightly} chain them in order. */
interface Stage {

  /**
   * CLI name, e.g. {@code train-supernet}; by default the name of the command the stage is
   * nested in, the command that runs it alone.
   */
  default String name() {
    return getClass().getEnclosingClass().getAnnotation(Command.class).name();
  }

  /** Checks settings and inputs on the driver; throws {@link BadInputException}. No side effects. */
  void validate(AtlasConfig config);

  /** Does the work; records what it wrote in {@code run}. */
  void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run);
}
