package org.subnetatlas.jobs;

import org.subnetatlas.jobs.settings.EvaluateKeys;
import org.subnetatlas.jobs.settings.SupernetKeys;
import org.subnetatlas.transforms.TrainedSupernets;
import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.GroundTruth;
import org.subnetatlas.schemas.PredictorTables.Standalone;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.udfs.evaluation.RankCorrelation;
import org.subnetatlas.udfs.training.SupernetConfig;
import org.subnetatlas.udfs.spark.StandaloneTraining;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas train-standalone}: ground truth. Trains {@code --count} of the date's measured
 * sub-networks (evenly spread over MACs) from scratch with {@code --seeds} seeds each, stores each
 * learning curve in {@code atlas.standalone}, and records Kendall τ between their inherited-weight
 * top-1 and their seed-mean standalone top-1 in {@code atlas.ground_truth}. Not part of the
 * nightly build: it costs count × seeds trainings.
 */
@Command(name = "train-standalone", mixinStandardHelpOptions = true,
    description = "Train a sample of sub-networks from scratch; Kendall tau vs inherited-weight top-1.")
public final class TrainStandaloneJob extends StageCommand {

  private static final Logger LOG = LoggerFactory.getLogger(TrainStandaloneJob.class);

  static final String P = AtlasConfig.PREFIX + "standalone.";
  static final String COUNT = P + "count";
  static final String SEEDS = P + "seeds";
  static final String EPOCHS = P + "epochs";
  static final String TRAIN_IMAGES = P + "train-images";
  static final String LR = P + "learning-rate";
  static final String PARTITIONS = P + "partitions";

  @Option(names = "--space", description = "Search space. Default: mbv3-tiny.")
  String space;

  @Option(names = "--count", description = "Sub-networks to train. Default: 30.")
  Integer count;

  @Option(names = "--seeds", description = "Seeds per sub-network. Default: 2.")
  Integer seeds;

  @Option(names = "--epochs", description = "Epochs per training. Default: 3.")
  Integer epochs;

  @Option(names = "--train-images", description = "Training images (first N of the train split). Default: 6000.")
  Integer trainImages;

  @Option(names = "--eval-images", description = "Held-out images scored after each epoch (as evaluate).")
  Integer evalImages;

  @Option(names = "--recalibration-images", description = "BN recalibration images (as evaluate).")
  Integer recalImages;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, COUNT, count, SEEDS, seeds, EPOCHS, epochs,
        TRAIN_IMAGES, trainImages, EvaluateKeys.EVAL_IMAGES.key(), evalImages,
        EvaluateKeys.RECAL_IMAGES.key(), recalImages);
  }

  @Override
  Stage stage() {
    return new StandaloneStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new TrainStandaloneJob()), args));
  }

  static final class StandaloneStage implements Stage {
    @Override
    public String name() {
      return "train-standalone";
    }

    @Override
    public void validate(AtlasConfig config) {
      SupernetKeys.trainableSpec(config);
      config.getInt(COUNT, 30, 3, 100_000);
      config.getInt(SEEDS, 2, 1, 100);
      config.getInt(EPOCHS, 3, 1, 1000);
      config.getInt(TRAIN_IMAGES, 6000, 100, 10_000_000);
      config.getDouble(LR, 0.1, 1e-6, 10);
      config.getInt(PARTITIONS, 2, 1, 10_000);
      EvaluateKeys.evalConfig(config);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      String space = config.require(AtlasConfig.SPACE);
      int count = config.getInt(COUNT, 30, 3, 100_000);
      int seeds = config.getInt(SEEDS, 2, 1, 100);
      int epochs = config.getInt(EPOCHS, 3, 1, 1000);
      Row supernet = TrainedSupernets.latest(spark, space, buildDate);
      String supernetId = supernet.getAs(Supernets.SUPERNET_ID);
      List<Row> measured = spark.table(Measurements.TABLE.qualifiedName())
          .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
              .and(col(Measurements.SUPERNET_ID).equalTo(supernetId))
              .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT)))
          .groupBy(Measurements.ARCH_ID).agg(org.apache.spark.sql.functions.avg(Measurements.TOP1)
              .as(Measurements.TOP1))
          .join(spark.table(Architectures.TABLE.qualifiedName())
              .select(Architectures.ARCH_ID, Architectures.ENCODING, Architectures.MACS), Architectures.ARCH_ID)
          .orderBy(col(Architectures.MACS), col(Architectures.ARCH_ID))
          .collectAsList();
      if (measured.size() < count) {
        throw new BadInputException(measured.size() + " measured sub-networks of " + space + " for "
            + buildDate + ", fewer than --count " + count + "; run `atlas evaluate` first or lower --count");
      }
      // evenly spaced over MACs, so the sample spans the space from smallest to largest
      List<Row> chosen = new ArrayList<>();
      Map<String, Double> inherited = new HashMap<>();
      for (int i = 0; i < count; i++) {
        Row r = measured.get((int) Math.round(i * (measured.size() - 1) / (double) (count - 1)));
        chosen.add(r);
        inherited.put(r.getAs(Architectures.ARCH_ID), r.getAs(Measurements.TOP1));
      }
      StructType in = new StructType().add(Standalone.ARCH_ID, DataTypes.StringType)
          .add(Architectures.ENCODING, DataTypes.StringType).add(Standalone.SEED, DataTypes.LongType);
      List<Row> jobs = new ArrayList<>();
      for (Row r : chosen) {
        for (int s = 0; s < seeds; s++) {
          jobs.add(RowFactory.create(r.getAs(Architectures.ARCH_ID), r.getAs(Architectures.ENCODING), 1000L + s));
        }
      }
      SupernetConfig cfg = SupernetKeys.supernetConfig(config)
          .withMaxTrainImages(config.getInt(TRAIN_IMAGES, 6000, 100, 10_000_000));
      LOG.info("train-standalone: {} sub-networks × {} seeds, {} epochs on {} images each",
          count, seeds, epochs, cfg.maxTrainImages());
      List<Row> results;
      try (TaskProgress progress = new TaskProgress(spark, "train-standalone", "trainings", jobs.size(), 10)) {
        StandaloneTraining fn = new StandaloneTraining(space, config.data(), cfg, epochs,
            config.getDouble(LR, 0.1, 1e-6, 10), EvaluateKeys.evalConfig(config), progress.counter());
        // collected before the MERGE, which reads its source twice
        results = spark.createDataFrame(jobs, in)
            .repartition(Math.min(jobs.size(), config.getInt(PARTITIONS, 2, 1, 10_000)), col(Standalone.ARCH_ID))
            .mapPartitions(fn, Encoders.row(StandaloneTraining.RESULT_SCHEMA))
            .collectAsList();
      }
      Dataset<Row> rows = spark.createDataFrame(results, StandaloneTraining.RESULT_SCHEMA)
          .withColumn(Standalone.BUILD_DATE, lit(Date.valueOf(buildDate)))
          .withColumn(Standalone.SPACE, lit(space))
          .withColumn(Standalone.RUN_ID, lit(run.runId()));
      Map<String, Long> merged = DeltaWrites.merge(spark, Standalone.TABLE, rows, OnMatch.UPDATE);
      run.count("standalone_inserted", merged.get("numTargetRowsInserted"));
      run.count("standalone_updated", merged.get("numTargetRowsUpdated"));

      Map<String, double[]> sum = new HashMap<>();
      for (Row r : results) {
        sum.computeIfAbsent(r.getString(0), k -> new double[2]);
        sum.get(r.getString(0))[0] += r.getDouble(6);
        sum.get(r.getString(0))[1] += 1;
      }
      double[] a = new double[sum.size()];
      double[] b = new double[sum.size()];
      int i = 0;
      for (Map.Entry<String, double[]> e : sum.entrySet()) {
        a[i] = inherited.get(e.getKey());
        b[i++] = e.getValue()[0] / e.getValue()[1];
      }
      double tau = RankCorrelation.kendall(a, b);
      double rho = RankCorrelation.spearman(a, b);
      LOG.info("train-standalone: {} sub-networks, Kendall tau(inherited, standalone) {}, Spearman rho {}",
          a.length, String.format("%.4f", tau), String.format("%.4f", rho));
      StructType gt = GroundTruth.TABLE.schema();
      DeltaWrites.merge(spark, GroundTruth.TABLE, spark.createDataFrame(List.of(RowFactory.create(
          Date.valueOf(buildDate), space, supernetId, a.length, seeds,
          Double.isFinite(tau) ? tau : null, Double.isFinite(rho) ? rho : null, run.runId())), gt),
          OnMatch.UPDATE);
      run.count("ground_truth", 1);
    }
  }
}
