package org.subnetatlas.udfs.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.subnetatlas.udfs.nets.DjlRuntime;

/**
 * A partition function over sub-networks of one space whose per-partition setup (device, engine
 * threads, cached supernet, fingerprint) runs only for a partition that has rows: an empty
 * partition returns nothing without touching the engine. The device preference a task carries is
 * applied here, before {@link #partition} loads anything.
 */
abstract class PartitionTask implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  protected final String spaceName;
  private final String device;
  private final LongAccumulator done;

  /** A task that leaves the device as it is; {@code done} as below. */
  PartitionTask(String spaceName, LongAccumulator done) {
    this(spaceName, null, done);
  }

  /**
   * {@code device}: where the partition's networks run (auto, cpu or gpu; null: left as it is);
   * {@code done}: counts every row {@link #mapEach} has mapped (null: not counted).
   */
  PartitionTask(String spaceName, String device, LongAccumulator done) {
    this.spaceName = spaceName;
    this.device = device;
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
    if (device != null) {
      DjlRuntime.preferDevice(device);
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
