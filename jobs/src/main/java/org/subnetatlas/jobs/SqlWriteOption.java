package org.subnetatlas.jobs;

import picocli.CommandLine.Option;

/** {@code --allow-writes}, shared by the analysts' SQL surfaces. */
final class SqlWriteOption {

  @Option(names = "--allow-writes",
      description = {"Run any statement. Without it only queries and harmless commands run "
          + "(SELECT, WITH, VALUES, SHOW, DESCRIBE, EXPLAIN, USE, SET of spark.sql.* settings, "
          + "temporary views); INSERT, DELETE, UPDATE, MERGE, CREATE, ALTER, DROP, TRUNCATE, "
          + "VACUUM, RESTORE, OPTIMIZE, CONVERT, CACHE, ADD JAR, CREATE FUNCTION, TRANSFORM and "
          + "reflect/java_method are refused with exit code 2 (SQL error over JDBC)."})
  boolean allowWrites;
}
