package org.subnetatlas.jobs.sql;

import org.subnetatlas.transforms.BadInputException;

/**
 * A statement the analysts' SQL surfaces do not run (see {@link SqlGuard}). It is bad input: the
 * CLI says it on one line and exits 2; over JDBC the client gets it as the query's error. Not an
 * {@code AnalysisException}, which Spark re-creates with the whole plan appended to the message.
 */
public final class SqlRefusedException extends BadInputException {
  public SqlRefusedException(String message) {
    super(message);
  }
}
