package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/** One step of the nightly build. {@code demo} and {@code nightly} chain them in order. */
interface Stage {

  /** CLI name, e.g. {@code train-supernet}. */
  String name();

  /** Checks settings and inputs on the driver; throws {@link BadInputException}. No side effects. */
  void validate(AtlasConfig config);

  /** Does the work; records what it wrote in {@code run}. */
  void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run);
}
