package org.subnetatlas.transforms.prediction;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.ArchFeatures;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.SampleScope;
import org.subnetatlas.udfs.spark.ProxyScoring;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/**
 * What train-predictor learns from: the date's measured sub-networks with their encoding and
 * labels, and their zero-cost proxies, computed for those that lack them.
 */
public final class TrainingData {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

  /** How the zero-cost proxies are computed: they are stored per (seed, batch). */
  public record Proxies(long seed, int batch, int partitions) {}

  private TrainingData() {}

  /** The versions {@link #records} reads, taken before it reads them. */
  public static Map<String, Long> pin(SparkSession spark) {
    return PinnedReads.versions(spark, Measurements.TABLE, Architectures.TABLE, Samples.TABLE);
  }

  /**
   * One row per sub-network of the night's sample measured on {@code buildDate} with
   * {@code supernetId}, as of the versions {@link #pin} took: arch_id, top-1,
   * latency_p50_ms (averaged over devices, null when none) and the encoding. What search found
   * that night is left out, so a rerun after search trains on the same records.
   */
  public static Dataset<Row> records(SparkSession spark, Map<String, Long> read,
      LocalDate buildDate, String supernetId) {
    Dataset<Row> architectures = PinnedReads.asOf(spark, read, Architectures.TABLE);
    Dataset<Row> measured = PinnedReads.asOf(spark, read, Measurements.TABLE)
        .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
            .and(col(Measurements.SUPERNET_ID).equalTo(supernetId))
            .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT)));
    return SampleScope.measurements(measured, PinnedReads.asOf(spark, read, Samples.TABLE),
            architectures)
        // one figure per sub-network: top-1 is device independent, latency is averaged
        .groupBy(Measurements.ARCH_ID)
        .agg(avg(Measurements.TOP1).as(Measurements.TOP1),
            avg(Measurements.LATENCY_P50_MS).as(Measurements.LATENCY_P50_MS))
        .join(architectures.select(Architectures.ARCH_ID, Architectures.ENCODING),
            Measurements.ARCH_ID);
  }

  /** The sub-networks of {@code records} without stored proxies for {@code proxies}' seed and batch. */
  public static Dataset<Row> withoutProxies(SparkSession spark, Dataset<Row> records, Proxies proxies) {
    Dataset<Row> have = spark.table(ArchFeatures.TABLE.qualifiedName())
        .where(col(ArchFeatures.PROXY_SEED).equalTo(proxies.seed())
            .and(col(ArchFeatures.PROXY_BATCH).equalTo(proxies.batch())))
        .select(ArchFeatures.ARCH_ID);
    return records.select(Measurements.ARCH_ID, Architectures.ENCODING)
        .join(have, records.col(Measurements.ARCH_ID).equalTo(have.col(ArchFeatures.ARCH_ID)),
            "left_anti");
  }

  /** Scores the proxies that {@code records} lack and MERGEs them into atlas.arch_features. */
  public static void computeMissingProxies(SparkSession spark, Dataset<Row> records, String space,
      String data, Proxies proxies, ObjLongConsumer<String> counts) {
    Dataset<Row> todo = withoutProxies(spark, records, proxies);
    long missing = todo.count();
    if (missing == 0) {
      return;
    }
    int partitions = (int) Math.min(missing, proxies.partitions());
    LOG.info("train-predictor: zero-cost proxies for {} sub-networks ({} partitions)", missing, partitions);
    long t0 = System.nanoTime();
    // collected before the MERGE, which reads its source twice
    List<Row> scored = todo.repartition(partitions, col(Measurements.ARCH_ID))
        .mapPartitions(new ProxyScoring(space, data, proxies.seed(), proxies.batch()),
            Encoders.row(ProxyScoring.RESULT_SCHEMA))
        .collectAsList();
    double meanMs = scored.stream().mapToDouble(r -> r.<Double>getAs(ArchFeatures.PROXY_MS))
        .average().orElse(0);
    LOG.info("train-predictor: proxies done in {} s, {} ms per sub-network",
        String.format("%.1f", (System.nanoTime() - t0) / 1e9), String.format("%.1f", meanMs));
    Map<String, Long> merged = DeltaWrites.merge(spark, ArchFeatures.TABLE,
        spark.createDataFrame(scored, ProxyScoring.RESULT_SCHEMA), OnMatch.KEEP);
    counts.accept("arch_features_inserted", merged.get("numTargetRowsInserted"));
  }

  /** Stored proxies (synflow, snip, grad_norm) of {@code records}' sub-networks, by arch_id. */
  public static Map<String, double[]> storedProxies(SparkSession spark, Map<String, Long> read,
      Dataset<Row> records, Proxies proxies) {
    Map<String, double[]> out = new HashMap<>();
    for (Row r : PinnedReads.asOf(spark, read, ArchFeatures.TABLE)
        .where(col(ArchFeatures.PROXY_SEED).equalTo(proxies.seed())
            .and(col(ArchFeatures.PROXY_BATCH).equalTo(proxies.batch())))
        .join(records.select(Measurements.ARCH_ID), ArchFeatures.ARCH_ID)
        .select(ArchFeatures.ARCH_ID, ArchFeatures.SYNFLOW, ArchFeatures.SNIP, ArchFeatures.GRAD_NORM)
        .collectAsList()) {
      out.put(r.getAs(ArchFeatures.ARCH_ID), new double[] {r.<Double>getAs(ArchFeatures.SYNFLOW),
          r.<Double>getAs(ArchFeatures.SNIP), r.<Double>getAs(ArchFeatures.GRAD_NORM)});
    }
    return out;
  }
}
