package org.subnetatlas.jobs;

import org.subnetatlas.jobs.sql.SqlPolicy;
import org.subnetatlas.transforms.BadInputException;
import picocli.CommandLine.Option;

/** How much of the expensive {@code atlas_evaluate} a shared SQL endpoint offers its clients. */
final class SqlEvaluateOptions {

  @Option(names = "--enable-evaluate",
      description = "Offer atlas_evaluate(space, encoding) to JDBC clients. Without it a statement "
          + "that calls it is refused: each call evaluates a sub-network on this server.")
  boolean enableEvaluate;

  @Option(names = "--max-evaluate-rows", paramLabel = "N", defaultValue = "100",
      description = {"With --enable-evaluate: the most atlas_evaluate calls one statement may make. "
          + "Checked before the statement runs, from the rows Spark can bound at planning time "
          + "(its calls times the rows they see): call it on a LIMITed input, e.g. "
          + "SELECT atlas_evaluate(space, encoding) FROM (SELECT * FROM atlas.architectures LIMIT 20). "
          + "A sort over the results may evaluate them twice. Default: ${DEFAULT-VALUE}."})
  long maxEvaluateRows;

  SqlPolicy policy(SqlWriteOption writes) {
    if (maxEvaluateRows < 1) {
      throw new BadInputException("--max-evaluate-rows " + maxEvaluateRows + ": must be 1 or more");
    }
    return new SqlPolicy(!writes.allowWrites, enableEvaluate, maxEvaluateRows);
  }
}
