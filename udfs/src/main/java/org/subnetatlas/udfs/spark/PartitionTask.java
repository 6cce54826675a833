package org.subnetatlas.udfs.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * A partition function over sub-networks of one space whose per-partition setup (engine threads
 * or device, cached supernet, fingerprint) runs only for a partition that has rows: an empty
 * partition returns nothing without touching the engine.
 */
abstract class PartitionTask implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  protected final String spaceName;
  private final LongAccumulator done;

  /** {@code done}: counts every row {@link #mapEach} has mapped (null: not counted). */
  PartitionTask(String spaceName, LongAccumulator done) {
    this.spaceName = spaceName;
    this.done = done;
  }

  /** Turns one input row into one output row, after the partition's setup. */
  @FunctionalInterface
  interface RowMapper {
    Row map(Row in) throws Exception;
  }

  @Override
  public final Iterator<Row> call(Iterator<Row> rows) throws Exception {
    if (!rows.hasNext()) {
      return List.<Row>of().iterator();
    }
    return partition(rows).iterator();
  }

  /** The output rows of a partition that has at least one row. */
  protected abstract List<Row> partition(Iterator<Row> rows) throws Exception;

  /** Every remaining row mapped in order, each counted as done. */
  final List<Row> mapEach(Iterator<Row> rows, RowMapper mapper) throws Exception {
    List<Row> out = new ArrayList<>();
    while (rows.hasNext()) {
      out.add(mapper.map(rows.next()));
      if (done != null) {
        done.add(1);
      }
    }
    return out;
  }
}
