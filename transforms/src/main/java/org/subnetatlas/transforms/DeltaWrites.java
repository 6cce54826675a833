package org.subnetatlas.transforms;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.util.Arrays;
import java.util.List;
import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.TableDef;

/**
 * Idempotent writes to the {@code atlas} tables. Each call is one Delta commit: a failure leaves
 * the table at its previous version, and writing the same rows again changes nothing.
 *
 * <p>Two writers at once: Delta's optimistic concurrency refuses a commit whose reads a
 * concurrent commit invalidated ({@code ConcurrentAppendException} and the other
 * {@code ConcurrentModificationException}s). Nothing of the refused commit is visible, and every
 * write here is idempotent, so it is simply redone on the new snapshot, a bounded number of times.
 */
public final class DeltaWrites {

  private static final Logger LOG = LoggerFactory.getLogger(DeltaWrites.class);

  /** Attempts of one write when concurrent commits keep invalidating it. */
  public static final int MAX_ATTEMPTS = 6;

  /** What to do when a source row's key already exists in the table. */
  public enum OnMatch {
    /** Keep the existing row (first write wins: first_seen dates, device fingerprints). */
    KEEP,
    /** Replace it with the source row (a re-measurement for the same key). */
    UPDATE
  }

  private DeltaWrites() {}

  /**
   * Selects the table's columns from {@code source} in table order, cast to the table's types.
   * Missing nullable columns become nulls; a missing non-null column is a programming error.
   */
  public static Dataset<Row> conform(Dataset<Row> source, TableDef table) {
    List<String> have = Arrays.asList(source.columns());
    Column[] cols = Arrays.stream(table.schema().fields())
        .map(f -> column(have, f, table))
        .toArray(Column[]::new);
    return source.select(cols);
  }

  private static Column column(List<String> have, StructField f, TableDef table) {
    if (have.contains(f.name())) {
      return col(f.name()).cast(f.dataType()).as(f.name());
    }
    if (!f.nullable()) {
      throw new IllegalArgumentException(
          "rows for " + table.qualifiedName() + " lack required column " + f.name());
    }
    return org.apache.spark.sql.functions.lit(null).cast(f.dataType()).as(f.name());
  }

  /**
   * MERGE {@code source} into {@code table} on its key columns. Source rows must be unique per
   * key. Returns the numbers Delta reports for the commit (inserted, updated).
   */
  public static Map<String, Long> merge(
      SparkSession spark, TableDef table, Dataset<Row> source, OnMatch onMatch) {
    Dataset<Row> rows = conform(source, table);
    return retryOnConflict(table, "merge", () -> mergeOnce(spark, table, rows,
        onMatch == OnMatch.UPDATE ? m -> m.whenMatched().updateAll() : m -> m));
  }

  /**
   * MERGE {@code source} into {@code table} on its key columns, updating only {@code columns} of
   * matched rows (the other columns of a matched row keep their values); unmatched source rows
   * are inserted with nulls for the columns they lack. Source rows must be unique per key.
   */
  public static Map<String, Long> mergeColumns(
      SparkSession spark, TableDef table, Dataset<Row> source, List<String> columns) {
    Dataset<Row> rows = conform(source, table);
    Map<String, String> set = new java.util.LinkedHashMap<>();
    for (String c : columns) {
      if (!Arrays.asList(table.schema().fieldNames()).contains(c)) {
        throw new IllegalArgumentException(table.qualifiedName() + " has no column " + c);
      }
      set.put(c, "s.`" + c + "`");
    }
    return mergeOnce(spark, table, rows, m -> m.whenMatched().updateExpr(set));
  }

  /** One MERGE commit on the key columns: {@code matched} adds the update, unmatched rows insert. */
  private static Map<String, Long> mergeOnce(SparkSession spark, TableDef table,
      Dataset<Row> rows, UnaryOperator<DeltaMergeBuilder> matched) {
    DeltaTable target = DeltaTable.forName(spark, table.qualifiedName());
    long before = version(target);
    matched.apply(target.as("t").merge(rows.as("s"), table.keyCondition("t", "s")))
        .whenNotMatched().insertAll().execute();
    return lastCommitMetrics(target, before, "numTargetRowsInserted", "numTargetRowsUpdated");
  }

  /**
   * Atomically replaces the rows matching {@code predicate} (a SQL condition on partition or
   * plain columns) with {@code source}, whose rows must all satisfy it.
   */
  public static Map<String, Long> replaceWhere(
      SparkSession spark, TableDef table, Dataset<Row> source, String predicate) {
    Dataset<Row> rows = conform(source, table);
    return retryOnConflict(table, "replaceWhere", () -> {
      DeltaTable target = DeltaTable.forName(spark, table.qualifiedName());
      long before = version(target);
      // by path: the table's schema is unchanged, so the metastore entry needs no update
      rows.write()
          .format("delta")
          .mode("overwrite")
          .option("replaceWhere", predicate)
          .save(location(target));
      return lastCommitMetrics(target, before, "numOutputRows", "numRemovedFiles");
    });
  }

  /** Appends rows (for the audit log, where every run is a new row). */
  public static void append(SparkSession spark, TableDef table, Dataset<Row> source) {
    Dataset<Row> rows = conform(source, table);
    retryOnConflict(table, "append", () -> {
      rows.write().format("delta").mode("append")
          .save(location(DeltaTable.forName(spark, table.qualifiedName())));
      return null;
    });
  }

  /**
   * Runs {@code write} (one Delta commit) again when a concurrent commit made Delta refuse it,
   * at most {@link #MAX_ATTEMPTS} times with a short randomized pause; other failures and the
   * last conflict are thrown as they are.
   */
  public static <T> T retryOnConflict(TableDef table, String what, Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (RuntimeException e) {
        ConcurrentModificationException conflict = conflict(e);
        if (conflict == null || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
        LOG.info("{} {}: concurrent commit ({}), attempt {} of {}", what, table.qualifiedName(),
            conflict.getClass().getSimpleName(), attempt + 1, MAX_ATTEMPTS);
        pause(attempt);
      }
    }
  }

  /** The Delta write conflict in {@code e}'s cause chain, or null. */
  static ConcurrentModificationException conflict(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ConcurrentModificationException cme) {
        return cme;
      }
    }
    return null;
  }

  private static void pause(int attempt) {
    try {
      // randomized, so two writers that collided do not collide again in lockstep
      Thread.sleep(50L * attempt + ThreadLocalRandom.current().nextLong(100));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a Delta commit", ie);
    }
  }

  private static String location(DeltaTable table) {
    return table.detail().select("location").head().getString(0);
  }

  private static long version(DeltaTable table) {
    return table.history(1).select("version").head().getLong(0);
  }

  /** The newest Delta version of {@code t}. */
  public static long currentVersion(SparkSession spark, TableDef t) {
    return version(DeltaTable.forName(spark, t.qualifiedName()));
  }

  /** {@code t} as it was at Delta version {@code version}. */
  public static Dataset<Row> asOf(SparkSession spark, TableDef t, long version) {
    return spark.sql("SELECT * FROM " + t.qualifiedName() + " VERSION AS OF " + version);
  }

  /** Metrics of the newest commit, or zeros when the write made no commit after {@code before}. */
  private static Map<String, Long> lastCommitMetrics(DeltaTable table, long before,
      String... keys) {
    Row last = table.history(1).select("version", "operationMetrics").head();
    Map<String, String> metrics = last.getLong(0) > before ? last.getJavaMap(1) : Map.of();
    java.util.LinkedHashMap<String, Long> out = new java.util.LinkedHashMap<>();
    for (String k : keys) {
      String v = metrics == null ? null : metrics.get(k);
      out.put(k, v == null ? 0L : Long.parseLong(v));
    }
    return out;
  }
}
