package org.subnetatlas.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
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
 * Sampling sub-networks on Spark. Draw {@code i} depends only on (space, sampler, seed, i), never
 * on partitioning, so the same settings give the same sample on one core or a cluster. Draw 0 is
 * the largest and draw 1 the smallest sub-network, so every sample spans the space's extremes.
 */
public final class ArchitectureSampling {

  /** Sampler names accepted by {@link #draws}. */
  public static final List<String> SAMPLERS = List.of("uniform", "stratified");

  /** Number of equal-width MAC bins the stratified sampler cycles through. */
  static final int STRATA = 10;
  /** Uniform candidates tried per stratified draw before walking towards the bin. */
  static final int UNIFORM_ATTEMPTS = 50;
  /** Longest walk towards a bin, in one-notch moves. */
  static final int WALK_STEPS = 500;

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
    requireSampler(sampler);
    Date firstSeen = Date.valueOf(date);
    MapPartitionsFunction<Long, Row> draw = ids -> {
      SearchSpace s = Spaces.get(spaceName);
      StratumBounds bounds = StratumBounds.of(s);
      List<Row> out = new ArrayList<>();
      while (ids.hasNext()) {
        int index = ids.next().intValue();
        Arch a = drawOne(s, bounds, sampler, seed, index);
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

  static void requireSampler(String sampler) {
    if (!SAMPLERS.contains(sampler)) {
      throw new IllegalArgumentException("unknown sampler \"" + sampler + "\"; known samplers: "
          + String.join(", ", SAMPLERS));
    }
  }

  /** Draw {@code index} of a sample: deterministic in (space, sampler, seed, index). */
  public static Arch drawOne(SearchSpace space, StratumBounds bounds, String sampler, long seed,
      int index) {
    if (index == 0) {
      return space.largest();
    }
    if (index == 1) {
      return space.smallest();
    }
    SplittableRandom rnd = new SplittableRandom(mix(seed, index));
    if (sampler.equals("uniform")) {
      return space.sample(rnd);
    }
    // Stratified: draw i aims at MAC bin (i mod STRATA), so the sample covers the cost range
    // evenly instead of piling up in the middle as independent uniform choices do. Uniform
    // candidates first (unbiased within the bin); bins that uniform draws rarely reach (the
    // extremes) are then reached by walking one notch at a time towards the bin.
    int stratum = index % STRATA;
    Arch candidate = null;
    for (int attempt = 0; attempt < UNIFORM_ATTEMPTS; attempt++) {
      candidate = space.sample(rnd);
      if (bounds.bin(space.cost(candidate).macs()) == stratum) {
        return candidate;
      }
    }
    for (int step = 0; step < WALK_STEPS; step++) {
      int bin = bounds.bin(space.cost(candidate).macs());
      if (bin == stratum) {
        return candidate;
      }
      Optional<Arch> next = space.neighbour(candidate, bin < stratum, rnd);
      if (next.isEmpty()) {
        break;
      }
      candidate = next.get();
    }
    return candidate;
  }

  /** Equal-width MAC bins between the space's smallest and largest sub-network. */
  public record StratumBounds(long lo, long hi) {
    public static StratumBounds of(SearchSpace s) {
      return new StratumBounds(s.cost(s.smallest()).macs(), s.cost(s.largest()).macs());
    }

    int bin(long macs) {
      return Samplers.macsBin(macs, lo, hi, STRATA);
    }
  }

  /** SplitMix64 of (seed, index): independent streams per draw. */
  static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Lower-case sampler name, validated. */
  public static String samplerName(String raw) {
    String s = raw.toLowerCase(Locale.ROOT);
    requireSampler(s);
    return s;
  }
}
