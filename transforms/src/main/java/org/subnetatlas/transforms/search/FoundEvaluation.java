package org.subnetatlas.transforms.search;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Cost;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.spark.RunStamp;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/**
 * The found architectures' inherited-weight top-1 with the date's supernet, through evaluate's
 * partition function, so a found sub-network is measured exactly as a sampled one is.
 */
public final class FoundEvaluation {

  private static final Logger LOG = LoggerFactory.getLogger(FoundEvaluation.class);

  /** Input of the partition function: what it needs of an architecture. */
  static final StructType INPUT = new StructType()
      .add(Architectures.ARCH_ID, DataTypes.StringType, false)
      .add(Architectures.SPACE, DataTypes.StringType, false)
      .add(Architectures.ENCODING, DataTypes.StringType, false);

  /** One architecture that search found under a budget, at a rank. */
  public record Found(String budget, int rank, String archId, String encoding, Cost cost) {}

  /** How the found architectures are evaluated (as evaluate does), and by which run. */
  public record Protocol(String data, EvalConfig eval, int threads, int partitions, String runId) {}

  /**
   * Counts evaluated sub-networks as their tasks report them; the caller opens one per
   * evaluation (for the total it is told) and reports progress from it.
   */
  public interface Progress extends AutoCloseable {
    LongAccumulator counter();

    @Override
    void close();
  }

  private FoundEvaluation() {}

  /** One input row per distinct architecture of {@code found}. */
  static List<Row> distinctInputs(List<Found> found, String space) {
    Map<String, Row> distinct = new HashMap<>();
    for (Found f : found) {
      distinct.putIfAbsent(f.archId(), RowBuilder.of(INPUT).set(Architectures.ARCH_ID, f.archId())
          .set(Architectures.SPACE, space).set(Architectures.ENCODING, f.encoding()).build());
    }
    return new ArrayList<>(distinct.values());
  }

  /** Measured top-1 by arch_id of the distinct architectures of {@code found}. */
  public static Map<String, Double> measure(SparkSession spark, String space, LocalDate buildDate,
      Row supernet, List<Found> found, Protocol p, LongFunction<Progress> progress) {
    List<Row> input = distinctInputs(found, space);
    LOG.info("search: evaluating {} found architectures with supernet {}", input.size(),
        ((String) supernet.getAs(Supernets.SUPERNET_ID)).substring(0, 12));
    Map<String, Double> out = new HashMap<>();
    try (Progress tracked = progress.apply(input.size())) {
      SubnetEvaluation fn = new SubnetEvaluation(space, supernet.getAs(Supernets.CHECKPOINT_URI),
          p.data(), supernet.getAs(Supernets.SUPERNET_ID), p.eval(), p.threads(),
          RunStamp.of(p.runId(), buildDate), tracked.counter());
      int partitions = Math.max(1, Math.min(input.size(), p.partitions()));
      for (Row r : spark.createDataFrame(input, INPUT).repartition(partitions)
          .mapPartitions(fn, Encoders.row(SubnetEvaluation.RESULT_SCHEMA)).collectAsList()) {
        out.put(r.getAs(Measurements.ARCH_ID), r.getAs(Measurements.TOP1));
      }
    }
    return out;
  }
}
