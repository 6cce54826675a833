package org.subnetatlas.transforms.evaluation;

import static org.apache.spark.sql.functions.*;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.SampleScope;
import org.subnetatlas.transforms.TrainedSupernets;
import org.subnetatlas.transforms.tasks.ExecutorDevices;
import org.subnetatlas.transforms.tasks.KeyedTasks;
import org.subnetatlas.transforms.tasks.ProgressScope;
import org.subnetatlas.transforms.tasks.StageCounts;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.RunStamp;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/**
 * The evaluate stage's dataflow: the night's sampled sub-networks not yet measured with the
 * date's supernet are scored with inherited weights per partition and MERGEd into
 * {@code atlas.measurements}, so a rerun only finishes what is missing.
 */
public final class Evaluation {

  private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);

  /**
   * One evaluate run.
   *
   * @param spec the trainable spec the checkpoint must match
   * @param partitions most Spark partitions (capped at the number pending)
   * @param threads engine intra-op threads per task
   * @param force re-evaluate sub-networks already measured
   */
  public record Request(MbConvSpec spec, String space, String data, EvalConfig eval,
      int partitions, int threads, boolean force, LocalDate buildDate, String runId) {}

  /** The supernet used, sub-networks sampled and evaluated now, and the night's summary. */
  public record Outcome(String supernetId, long sampled, long evaluated,
      EvaluationSummary summary) {}

  private Evaluation() {}

  /**
   * Evaluates what is pending and MERGEs it; reports counts to {@code counts} as each step
   * commits, so a run that fails mid-way still says what it did.
   */
  public static Outcome run(SparkSession spark, Request r,
      ProgressScope progress, StageCounts counts) {
    Row supernet = TrainedSupernets.latest(spark, r.space(), r.buildDate());
    String supernetId = supernet.getAs(Supernets.SUPERNET_ID);
    String checkpoint = supernet.getAs(Supernets.CHECKPOINT_URI);
    verifyCheckpoint(spark, r.spec(), checkpoint);

    Dataset<Row> sampled = sampled(spark, r.space(), r.buildDate());
    long nSampled = sampled.count();
    if (nSampled == 0) {
      throw new BadInputException("no sampled architectures of " + r.space() + " for "
          + r.buildDate() + "; run `atlas sample --date " + r.buildDate() + "` first");
    }
    Dataset<Row> todo = pending(spark, sampled, r.buildDate(), supernetId, r.force());
    long total = todo.count();
    counts.count("sampled", nSampled);
    if (total == 0) {
      LOG.info("evaluate: all {} sampled sub-networks already measured with supernet {}; --force re-evaluates",
          nSampled, supernetId.substring(0, 12));
      return new Outcome(supernetId, nSampled, 0,
          summary(spark, r.space(), supernetId, r.buildDate()));
    }
    int partitions = (int) Math.min(total, r.partitions());
    EvalConfig eval = r.eval();
    LOG.info("evaluate: {} sub-networks of {} in {} partitions, supernet {}, {} recalibration + {} held-out images",
        total, r.space(), partitions, supernetId.substring(0, 12),
        eval.recalibrateBn() ? eval.recalibrationImages() : 0, eval.evalImages());

    List<Row> results = progress.collect(total, counter -> {
      SubnetEvaluation fn = new SubnetEvaluation(r.space(), checkpoint, r.data(), supernetId,
          eval, r.threads(), RunStamp.of(r.runId(), r.buildDate()), counter);
      return KeyedTasks.collect(todo, partitions, Architectures.ARCH_ID, fn,
          SubnetEvaluation.RESULT_SCHEMA);
    });
    Dataset<Row> measured = spark.createDataFrame(results, SubnetEvaluation.RESULT_SCHEMA);
    counts.count("devices_inserted", ExecutorDevices.upsert(spark, measured));
    Map<String, Long> merged = DeltaWrites.merge(spark, Measurements.TABLE,
        measured.drop(DeviceRows.COLUMN), OnMatch.UPDATE);
    counts.count("evaluated", results.size());
    counts.count("measurements_inserted", merged.get("numTargetRowsInserted"));
    counts.count("measurements_updated", merged.get("numTargetRowsUpdated"));
    return new Outcome(supernetId, nSampled, results.size(),
        summary(spark, r.space(), supernetId, r.buildDate()));
  }

  /** The date's sampled sub-networks of {@code space}: arch_id, space, encoding. */
  public static Dataset<Row> sampled(SparkSession spark, String space, LocalDate buildDate) {
    return spark.table(Samples.TABLE.qualifiedName())
        .where(col(Samples.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
            .and(col(Samples.SPACE).equalTo(space)))
        .select(Samples.ARCH_ID)
        .join(spark.table(Architectures.TABLE.qualifiedName())
            .select(Architectures.ARCH_ID, Architectures.SPACE, Architectures.ENCODING),
            Architectures.ARCH_ID);
  }

  /**
   * Of {@code sampled}, those not yet measured on the held-out split for the date with
   * {@code supernetId}; all of them when {@code force}.
   */
  public static Dataset<Row> pending(SparkSession spark, Dataset<Row> sampled, LocalDate buildDate,
      String supernetId, boolean force) {
    if (force) {
      return sampled;
    }
    Dataset<Row> done = spark.table(Measurements.TABLE.qualifiedName())
        .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
            .and(col(Measurements.SUPERNET_ID).equalTo(supernetId))
            .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT)))
        .select(Measurements.ARCH_ID);
    return sampled.join(done,
        sampled.col(Architectures.ARCH_ID).equalTo(done.col(Measurements.ARCH_ID)), "left_anti");
  }

  /**
   * The summary of the night's sample as measured with {@code supernetId} on the date, logged;
   * what search found, and its test-split rows, are left out, so a rerun after search reports the
   * same night.
   */
  public static EvaluationSummary summary(SparkSession spark, String space, String supernetId,
      LocalDate buildDate) {
    EvaluationSummary s = summary(SampleScope.measurements(spark,
            spark.table(Measurements.TABLE.qualifiedName())
                .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
                    .and(col(Measurements.SUPERNET_ID).equalTo(supernetId))
                    .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT))))
        .join(spark.table(Architectures.TABLE.qualifiedName()), Architectures.ARCH_ID));
    LOG.info("evaluate: {} sub-networks of {}: top-1 {}..{}, largest ({} MACs) {} ± {} (SE), "
            + "Spearman(top-1, MACs) {}",
        s.subnets(), space, fmt(s.top1Min()), fmt(s.top1Max()), s.largestMacs(),
        fmt(s.largestTop1()), fmt(s.largestStdError()), fmt(s.spearman()));
    return s;
  }

  /** The summary of measurements joined with their architectures (top1, macs, n_images). */
  public static EvaluationSummary summary(Dataset<Row> measuredArchitectures) {
    return EvaluationSummary.of(measuredArchitectures
        .select(Measurements.TOP1, Architectures.MACS, Measurements.N_IMAGES)
        .collectAsList());
  }

  private static String fmt(double v) {
    return String.format("%.4f", v);
  }

  /** Reads the checkpoint through on the driver, so a corrupt one fails before any task. */
  public static void verifyCheckpoint(SparkSession spark, MbConvSpec spec, String checkpoint) {
    Path path = new Path(checkpoint);
    try (InputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
      TrainedSupernet.verify(spec, in);
    } catch (IOException e) {
      throw new BadInputException("supernet checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
  }
}
