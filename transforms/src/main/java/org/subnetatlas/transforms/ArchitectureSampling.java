package org.subnetatlas.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.Cost;
import org.subnetatlas.spaces.Samplers;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;

/**
 * Sampling sub-networks on Spark with {@link Samplers#draw}: draw {@code i} depends only on
 * (space, sampler, seed, i), never on partitioning, so the same settings give the same sample on
 * one core or a cluster.
 */
public final class ArchitectureSampling {

  /**
   * Columns of a draw: the architectures columns (less those only stitched families fill, which
   * the write leaves null) plus the draw's index.
   */
  public static final StructType DRAW_SCHEMA = new StructType(
      Arrays.stream(Architectures.TABLE.schema().fields())
          .filter(f -> !Architectures.STITCH_COLUMNS.contains(f.name()))
          .toArray(org.apache.spark.sql.types.StructField[]::new))
      .add(Samples.SAMPLE_INDEX, DataTypes.IntegerType, false);

  private ArchitectureSampling() {}

  /**
   * {@code count} draws as rows of {@link #DRAW_SCHEMA}, computed in {@code partitions} tasks.
   * Duplicates are kept; see {@link #distinctArchitectures}.
   */
  public static Dataset<Row> draws(SparkSession spark, String spaceName, String sampler, long seed,
      int count, int partitions, LocalDate date) {
    Spaces.get(spaceName);
    Samplers.requireKnown(sampler);
    Date firstSeen = Date.valueOf(date);
    MapPartitionsFunction<Long, Row> draw = ids -> {
      SearchSpace s = Spaces.get(spaceName);
      Samplers.MacsBins bins = Samplers.MacsBins.of(s);
      List<Row> out = new ArrayList<>();
      while (ids.hasNext()) {
        int index = ids.next().intValue();
        Arch a = Samplers.draw(s, bins, sampler, seed, index);
        Cost cost = s.cost(a);
        out.add(RowFactory.create(s.archId(a), s.name(), s.version(), s.family(), s.canonical(a),
            s.resolution(a), cost.macs(), cost.params(), sampler, seed, firstSeen, index));
      }
      return out.iterator();
    };
    return spark.range(0, count, 1, partitions)
        .mapPartitions(draw, Encoders.row(DRAW_SCHEMA));
  }

  /**
   * One row per arch_id, keeping the earliest draw's index: identical architectures drawn twice
   * count once.
   */
  public static Dataset<Row> distinctArchitectures(Dataset<Row> draws) {
    Column[] keys = Arrays.stream(DRAW_SCHEMA.fieldNames())
        .filter(name -> !name.equals(Samples.SAMPLE_INDEX))
        .map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
    return draws.groupBy(keys).agg(min(col(Samples.SAMPLE_INDEX)).as(Samples.SAMPLE_INDEX));
  }
}
