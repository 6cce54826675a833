package org.subnetatlas.jobs.sql;

import org.apache.spark.SparkConf;
import org.subnetatlas.jobs.AtlasConfig;

/**
 * What the analysts' SQL surfaces let a statement do, carried to every session of the process in
 * the Spark context's configuration. The context's configuration is fixed at start, so a client's
 * {@code SET} cannot change it (and {@link SqlGuard} refuses such a {@code SET} anyway).
 *
 * @param readOnly refuse every statement that is not a read-only query or a harmless command
 * @param evaluate whether {@code atlas_evaluate} may be called at all
 * @param maxEvaluateRows the most sub-networks one statement may evaluate; 0 for no bound
 */
public record SqlPolicy(boolean readOnly, boolean evaluate, long maxEvaluateRows) {

  public static final String READ_ONLY = AtlasConfig.PREFIX + "sql.read-only";
  public static final String EVALUATE = AtlasConfig.PREFIX + "sql.evaluate";
  public static final String MAX_EVALUATE_ROWS = AtlasConfig.PREFIX + "sql.max-evaluate-rows";

  /** {@code atlas sql}: one analyst's own process, so {@code atlas_evaluate} is unbounded. */
  public static SqlPolicy forCli(boolean allowWrites) {
    return new SqlPolicy(!allowWrites, true, 0);
  }

  public static SqlPolicy fromConf(SparkConf conf) {
    return new SqlPolicy(conf.getBoolean(READ_ONLY, true), conf.getBoolean(EVALUATE, false),
        conf.getLong(MAX_EVALUATE_ROWS, 0));
  }

  public void toConf(java.util.function.BiConsumer<String, String> set) {
    set.accept(READ_ONLY, String.valueOf(readOnly));
    set.accept(EVALUATE, String.valueOf(evaluate));
    set.accept(MAX_EVALUATE_ROWS, String.valueOf(maxEvaluateRows));
  }
}
