package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.delta.exceptions.ConcurrentAppendException;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;

/**
 * Two writers committing to one table at once lose nothing and duplicate nothing: Delta refuses
 * a commit a concurrent one invalidated, and {@link DeltaWrites} redoes it on the new snapshot.
 */
class ConcurrentWritesTest extends SparkTestBase {

  private static final TableDef T = new TableDef("concurrent_test", null,
      new StructType()
          .add("k", DataTypes.StringType, false)
          .add("d", DataTypes.DateType, false)
          .add("writer", DataTypes.StringType, true),
      List.of("k", "d"), List.of("d"), Map.of());
  private static final Date DAY = Date.valueOf("2026-11-30");
  private static final StructType SOURCE = new StructType()
      .add("k", DataTypes.StringType).add("d", DataTypes.DateType).add("writer", DataTypes.StringType);

  @BeforeAll
  static void table() {
    spark.sql("CREATE DATABASE IF NOT EXISTS atlas");
    spark.sql(T.createDdl(warehouse.resolve("concurrent_test").toUri().toString()));
  }

  private static List<Row> batch(String writer, int round, int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(writer + "-" + round + "-" + i, DAY, writer));
    }
    rows.add(RowFactory.create("shared", DAY, writer));  // both writers update this key
    return rows;
  }

  @Test
  void twoWritersMergingIntoOnePartitionAtOnceLoseAndDuplicateNothing() throws Exception {
    int rounds = 3;
    int perRound = 4;
    inRounds(rounds, (writer, r) -> DeltaWrites.merge(spark, T,
        spark.createDataFrame(batch(writer, r, perRound), SOURCE), OnMatch.UPDATE));
    long expected = 2L * rounds * perRound + 1;
    assertEquals(expected, spark.table(T.qualifiedName()).count(), "rows: none lost");
    assertEquals(expected, spark.table(T.qualifiedName()).select("k", "d").distinct().count(),
        "rows: none duplicated");
    for (String writer : List.of("a", "b")) {
      assertEquals((long) rounds * perRound, spark.table(T.qualifiedName())
          .where("k LIKE '" + writer + "-%' AND writer = '" + writer + "'").count(), writer);
    }
    long merges = spark.sql("DESCRIBE HISTORY " + T.qualifiedName())
        .where("operation = 'MERGE'").count();
    assertEquals(2L * rounds, merges, "one commit per write, no more, no fewer");
  }

  @Test
  void twoWritersAppendingAtOnceLoseNothing() throws Exception {
    TableDef log = new TableDef("concurrent_append_test", null, T.schema(), List.of("k", "d"),
        List.of("d"), Map.of());
    spark.sql(log.createDdl(warehouse.resolve("concurrent_append_test").toUri().toString()));
    inRounds(2, (writer, r) -> DeltaWrites.append(spark, log,
        spark.createDataFrame(batch(writer, r, 3).subList(0, 3), SOURCE)));
    assertEquals(12L, spark.table(log.qualifiedName()).count());
    assertEquals(12L, spark.table(log.qualifiedName()).select("k").distinct().count());
  }

  /** One write of a round by writer {@code a} or {@code b}. */
  private interface RoundWrite {
    void write(String writer, int round) throws Exception;
  }

  /** Writers a and b, each on its own thread, start every round's write at the same moment. */
  private static void inRounds(int rounds, RoundWrite write) throws Exception {
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (String writer : List.of("a", "b")) {
        writers.add(pool.submit(() -> {
          for (int r = 0; r < rounds; r++) {
            together.await();
            write.write(writer, r);
          }
          return null;
        }));
      }
      for (Future<?> w : writers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRefusedCommitIsRedoneAndOtherFailuresAreNot() {
    AtomicInteger calls = new AtomicInteger();
    String result = DeltaWrites.retryOnConflict(T, "test", () -> {
      if (calls.incrementAndGet() < 3) {
        throw new ConcurrentAppendException("Files were added to partition [d=2026-11-30]");
      }
      return "committed";
    });
    assertEquals("committed", result);
    assertEquals(3, calls.get());

    calls.set(0);
    IllegalStateException other = new IllegalStateException("disk full");
    assertSame(other, assertThrows(IllegalStateException.class,
        () -> DeltaWrites.retryOnConflict(T, "test", () -> {
          calls.incrementAndGet();
          throw other;
        })));
    assertEquals(1, calls.get(), "a failure that is not a conflict is not retried");

    calls.set(0);
    assertThrows(ConcurrentAppendException.class, () -> DeltaWrites.retryOnConflict(T, "test", () -> {
      calls.incrementAndGet();
      throw new ConcurrentAppendException("always");
    }));
    assertEquals(DeltaWrites.MAX_ATTEMPTS, calls.get(), "bounded");
  }
}
