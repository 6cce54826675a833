package org.subnetatlas.jobs;

import org.subnetatlas.transforms.TrainedSupernets;
import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.jobs.settings.EvaluateKeys;
import static org.subnetatlas.jobs.settings.EvaluateKeys.*;
import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Measurements;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.udfs.evaluation.RankCorrelation;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas evaluate}: scores the night's sampled sub-networks with inherited supernet weights
 * (BN recalibrated) on the held-out split, per partition, and MERGEs the rows into
 * {@code atlas.measurements}. Sub-networks already measured for this date and supernet are
 * skipped unless {@code --force}, so a rerun only finishes what is missing.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.EvaluateJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate the date's sampled sub-networks with the date's supernet into atlas.measurements.")
public final class EvaluateJob extends StageCommand {

  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);


  @Option(names = "--space", description = "Search space. Default: mbv3-tiny.")
  String space;

  @Option(names = "--eval-images", description = "Held-out images scored per sub-network.")
  Integer evalImages;

  @Option(names = "--recalibration-images", description = "Training images forwarded to recalibrate BN.")
  Integer recalImages;

  @Option(names = "--bn-recalibrate", arity = "1", paramLabel = "true|false",
      description = "Recalibrate BN statistics per sub-network (default true).")
  Boolean bnRecalibrate;

  @Option(names = "--force", description = "Re-evaluate sub-networks already measured for this date.")
  Boolean force;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, EVAL_IMAGES.key(), evalImages, RECAL_IMAGES.key(),
        recalImages, BN_RECALIBRATE.key(), bnRecalibrate, FORCE.key(), force);
  }

  @Override
  Stage stage() {
    return new EvaluateStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new EvaluateJob()), args));
  }

  static final class EvaluateStage implements Stage {
    @Override
    public String name() {
      return "evaluate";
    }

    @Override
    public void validate(AtlasConfig config) {
      SupernetKeys.trainableSpec(config);
      EvaluateKeys.evalConfig(config);
      PARTITIONS.get(config);
      THREADS.get(config);
      FORCE.get(config);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      String space = config.require(AtlasConfig.SPACE);
      EvalConfig eval = EvaluateKeys.evalConfig(config);
      Row supernet = TrainedSupernets.latest(spark, space, buildDate);
      String supernetId = supernet.getAs(Supernets.SUPERNET_ID);
      String checkpoint = supernet.getAs(Supernets.CHECKPOINT_URI);
      verifyCheckpoint(spark, SupernetKeys.trainableSpec(config), checkpoint);

      Dataset<Row> todo = spark.table(Samples.TABLE.qualifiedName())
          .where(col(Samples.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
              .and(col(Samples.SPACE).equalTo(space)))
          .select(Samples.ARCH_ID)
          .join(spark.table(Architectures.TABLE.qualifiedName())
              .select(Architectures.ARCH_ID, Architectures.SPACE, Architectures.ENCODING),
              Architectures.ARCH_ID);
      long sampled = todo.count();
      if (sampled == 0) {
        throw new BadInputException("no sampled architectures of " + space + " for " + buildDate
            + "; run `atlas sample --date " + buildDate + "` first");
      }
      if (!FORCE.get(config)) {
        Dataset<Row> done = spark.table(Measurements.TABLE.qualifiedName())
            .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
                .and(col(Measurements.SUPERNET_ID).equalTo(supernetId))
                .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT)))
            .select(Measurements.ARCH_ID);
        todo = todo.join(done, todo.col(Architectures.ARCH_ID).equalTo(done.col(Measurements.ARCH_ID)),
            "left_anti");
      }
      long total = todo.count();
      run.count("sampled", sampled);
      if (total == 0) {
        LOG.info("evaluate: all {} sampled sub-networks already measured with supernet {}; --force re-evaluates",
            sampled, supernetId.substring(0, 12));
        summarize(spark, space, supernetId, buildDate);
        return;
      }
      int partitions = (int) Math.min(total, PARTITIONS.get(config));
      LOG.info("evaluate: {} sub-networks of {} in {} partitions, supernet {}, {} recalibration + {} held-out images",
          total, space, partitions, supernetId.substring(0, 12),
          eval.recalibrateBn() ? eval.recalibrationImages() : 0, eval.evalImages());

      List<Row> results;
      try (TaskProgress progress = new TaskProgress(spark, "evaluate", "sub-networks", total, 10)) {
        SubnetEvaluation fn = new SubnetEvaluation(space, checkpoint, config.data(), supernetId,
            eval, THREADS.get(config), run.runId(), Date.valueOf(buildDate),
            progress.counter());
        // hash-partitioned, so a retried task sees the same rows; results are collected before
        // any write so the expensive evaluation never runs twice (a MERGE reads its source twice)
        results = todo.repartition(partitions, col(Architectures.ARCH_ID))
            .mapPartitions(fn, Encoders.row(SubnetEvaluation.RESULT_SCHEMA))
            .collectAsList();
      }
      Dataset<Row> measured = spark.createDataFrame(results, SubnetEvaluation.RESULT_SCHEMA);
      run.count("devices_inserted", Devices.upsert(spark, measured));
      Map<String, Long> merged = DeltaWrites.merge(spark, Measurements.TABLE,
          measured.drop(DeviceRows.COLUMN), OnMatch.UPDATE);
      run.count("evaluated", results.size());
      run.count("measurements_inserted", merged.get("numTargetRowsInserted"));
      run.count("measurements_updated", merged.get("numTargetRowsUpdated"));
      summarize(spark, space, supernetId, buildDate);
    }

    /**
     * One line on what the night measured: spread of top-1, the largest sub-network's top-1,
     * Spearman(top-1, MACs) and the standard error of one top-1 figure.
     */
    private static void summarize(SparkSession spark, String space, String supernetId,
        LocalDate buildDate) {
      List<Row> rows = spark.table(Measurements.TABLE.qualifiedName())
          .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
              .and(col(Measurements.SUPERNET_ID).equalTo(supernetId)))
          .join(spark.table(Architectures.TABLE.qualifiedName()), Architectures.ARCH_ID)
          .select(Measurements.TOP1, Architectures.MACS, Measurements.N_IMAGES)
          .collectAsList();
      double[] top1 = rows.stream().mapToDouble(r -> r.getDouble(0)).toArray();
      double[] macs = rows.stream().mapToDouble(r -> r.getLong(1)).toArray();
      int largest = 0;
      for (int i = 1; i < macs.length; i++) {
        largest = macs[i] > macs[largest] ? i : largest;
      }
      double p = top1[largest];
      int n = rows.get(largest).getInt(2);
      LOG.info("evaluate: {} sub-networks of {}: top-1 {}..{}, largest ({} MACs) {} ± {} (SE), "
              + "Spearman(top-1, MACs) {}",
          rows.size(), space, fmt(Arrays.stream(top1).min().orElse(Double.NaN)),
          fmt(Arrays.stream(top1).max().orElse(Double.NaN)), (long) macs[largest], fmt(p),
          fmt(Math.sqrt(p * (1 - p) / n)), fmt(RankCorrelation.spearman(top1, macs)));
    }

    private static String fmt(double v) {
      return String.format("%.4f", v);
    }

    /** Reads the checkpoint through on the driver, so a corrupt one fails before any task. */
    private static void verifyCheckpoint(SparkSession spark, MbConvSpec spec, String checkpoint) {
      Path path = new Path(checkpoint);
      try (InputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
        TrainedSupernet.verify(spec, in);
      } catch (IOException e) {
        throw new BadInputException("supernet checkpoint " + checkpoint + ": " + e.getMessage(), e);
      }
    }
  }
}
