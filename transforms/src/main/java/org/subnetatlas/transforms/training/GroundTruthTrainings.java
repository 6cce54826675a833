package org.subnetatlas.transforms.training;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.GroundTruth;
import org.subnetatlas.schemas.PredictorTables.Standalone;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.SampleScope;
import org.subnetatlas.transforms.TrainedSupernets;
import org.subnetatlas.transforms.tasks.KeyedTasks;
import org.subnetatlas.transforms.tasks.ProgressScope;
import org.subnetatlas.transforms.tasks.StageCounts;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.RankCorrelation;
import org.subnetatlas.udfs.spark.StandaloneTraining;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import org.subnetatlas.udfs.training.StandaloneTrainer;
import org.subnetatlas.udfs.training.SupernetConfig;

/**
 * The train-standalone stage's dataflow (ground truth): train a spread of the date's measured
 * sub-networks from scratch with several seeds, store the curves in {@code atlas.standalone}, and
 * Kendall τ / Spearman ρ between inherited-weight and seed-mean standalone top-1 in
 * {@code atlas.ground_truth}.
 */
public final class GroundTruthTrainings {

  private static final Logger LOG = LoggerFactory.getLogger(GroundTruthTrainings.class);

  /** The first training seed; a sub-network's seeds are this, this + 1, ... */
  static final long FIRST_SEED = 1000L;

  /**
   * One train-standalone run.
   *
   * @param recipe the supernet recipe with the standalone training-image count
   * @param count sub-networks to train, evenly spread over MACs
   * @param seeds trainings per sub-network
   * @param partitions most Spark partitions (capped at the number of trainings)
   */
  public record Request(String space, String data, SupernetConfig recipe, int count, int seeds,
      int epochs, double learningRate, int partitions, EvalConfig eval, LocalDate buildDate,
      String runId) {

    /** How each of the run's sub-networks is trained. */
    StandaloneTrainer.Recipe training() {
      return new StandaloneTrainer.Recipe(recipe, epochs, learningRate, eval);
    }
  }

  private GroundTruthTrainings() {}

  private static final StructType TRAININGS = new StructType()
      .add(Standalone.ARCH_ID, DataTypes.StringType)
      .add(Architectures.ENCODING, DataTypes.StringType)
      .add(Standalone.SEED, DataTypes.LongType);

  /** Trains, writes both tables; reports counts as each write commits. */
  public static void trainAndCompare(SparkSession spark, Request r, ProgressScope progress,
      StageCounts counts) {
    String supernetId = TrainedSupernets.latest(spark, r.space(), r.buildDate())
        .getAs(Supernets.SUPERNET_ID);
    List<Row> measured = measured(spark, supernetId, r.buildDate());
    if (measured.size() < r.count()) {
      throw new BadInputException(measured.size() + " measured sub-networks of " + r.space()
          + " for " + r.buildDate() + ", fewer than --count " + r.count()
          + "; run `atlas evaluate` first or lower --count");
    }
    List<Row> chosen = evenlyOverMacs(measured, r.count());
    Map<String, Double> inherited = new HashMap<>();
    List<Row> jobs = new ArrayList<>();
    for (Row c : chosen) {
      inherited.put(c.getAs(Architectures.ARCH_ID), c.getAs(Measurements.TOP1));
    }
    for (Row c : chosen) {
      for (int s = 0; s < r.seeds(); s++) {
        jobs.add(RowBuilder.of(TRAININGS).set(Standalone.ARCH_ID, c.getAs(Architectures.ARCH_ID))
            .set(Architectures.ENCODING, c.getAs(Architectures.ENCODING))
            .set(Standalone.SEED, FIRST_SEED + s).build());
      }
    }
    LOG.info("train-standalone: {} sub-networks × {} seeds, {} epochs on {} images each",
        r.count(), r.seeds(), r.epochs(), r.recipe().maxTrainImages());
    List<Row> results = progress.collect(jobs.size(), counter -> {
      StandaloneTraining fn = new StandaloneTraining(r.space(), r.data(), r.training(), counter);
      return KeyedTasks.collect(spark.createDataFrame(jobs, TRAININGS),
          Math.min(jobs.size(), r.partitions()), Standalone.ARCH_ID, fn,
          StandaloneTraining.RESULT_SCHEMA);
    });
    Dataset<Row> rows = spark.createDataFrame(results, StandaloneTraining.RESULT_SCHEMA)
        .withColumn(Standalone.BUILD_DATE, lit(Date.valueOf(r.buildDate())))
        .withColumn(Standalone.SPACE, lit(r.space()))
        .withColumn(Standalone.RUN_ID, lit(r.runId()));
    Map<String, Long> merged = DeltaWrites.merge(spark, Standalone.TABLE, rows, OnMatch.UPDATE);
    counts.count("standalone_inserted", merged.get("numTargetRowsInserted"));
    counts.count("standalone_updated", merged.get("numTargetRowsUpdated"));

    RankAgreement agreement = agreement(results, inherited);
    LOG.info("train-standalone: {} sub-networks, Kendall tau(inherited, standalone) {}, Spearman rho {}",
        agreement.subnets(), String.format("%.4f", agreement.kendallTau()),
        String.format("%.4f", agreement.spearmanRho()));
    Row truth = RowBuilder.of(GroundTruth.TABLE.schema())
        .set(GroundTruth.BUILD_DATE, Date.valueOf(r.buildDate()))
        .set(GroundTruth.SPACE, r.space())
        .set(GroundTruth.SUPERNET_ID, supernetId)
        .set(GroundTruth.N_SUBNETS, agreement.subnets())
        .set(GroundTruth.SEEDS, r.seeds())
        .set(GroundTruth.KENDALL_TAU, finiteOrNull(agreement.kendallTau()))
        .set(GroundTruth.SPEARMAN_RHO, finiteOrNull(agreement.spearmanRho()))
        .set(GroundTruth.RUN_ID, r.runId())
        .build();
    DeltaWrites.merge(spark, GroundTruth.TABLE,
        spark.createDataFrame(List.of(truth), GroundTruth.TABLE.schema()), OnMatch.UPDATE);
    counts.count("ground_truth", 1);
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /**
   * Per arch_id of the night's sample, its held-out rows with {@code supernetId}: mean top-1,
   * encoding, MACs. Search's finds would skew the pick towards what search chose.
   */
  public static List<Row> measured(SparkSession spark, String supernetId, LocalDate buildDate) {
    return SampleScope.measurements(spark, spark.table(Measurements.TABLE.qualifiedName())
        .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
            .and(col(Measurements.SUPERNET_ID).equalTo(supernetId))
            .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT))))
        .groupBy(Measurements.ARCH_ID).agg(avg(Measurements.TOP1).as(Measurements.TOP1))
        .join(spark.table(Architectures.TABLE.qualifiedName())
            .select(Architectures.ARCH_ID, Architectures.ENCODING, Architectures.MACS),
            Architectures.ARCH_ID)
        .orderBy(col(Architectures.MACS), col(Architectures.ARCH_ID))
        .collectAsList();
  }

  /** {@code count} of {@code sorted} evenly spaced, so the sample spans smallest to largest. */
  public static List<Row> evenlyOverMacs(List<Row> sorted, int count) {
    List<Row> chosen = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      chosen.add(sorted.get((int) Math.round(i * (sorted.size() - 1) / (double) (count - 1))));
    }
    return chosen;
  }

  /** Rank agreement of inherited and seed-mean standalone top-1 over the trained sub-networks. */
  public record RankAgreement(int subnets, double kendallTau, double spearmanRho) {}

  /** Each trained sub-network's inherited top-1 against the mean of its seeds' standalone top-1. */
  public static RankAgreement agreement(List<Row> results, Map<String, Double> inherited) {
    Map<String, double[]> sum = new HashMap<>();
    for (Row r : results) {
      double[] s = sum.computeIfAbsent(r.getAs(Standalone.ARCH_ID), k -> new double[2]);
      s[0] += r.<Double>getAs(Standalone.TOP1);
      s[1] += 1;
    }
    double[] a = new double[sum.size()];
    double[] b = new double[sum.size()];
    int i = 0;
    for (Map.Entry<String, double[]> e : sum.entrySet()) {
      a[i] = inherited.get(e.getKey());
      b[i++] = e.getValue()[0] / e.getValue()[1];
    }
    return new RankAgreement(a.length, RankCorrelation.kendall(a, b),
        RankCorrelation.spearman(a, b));
  }
}
