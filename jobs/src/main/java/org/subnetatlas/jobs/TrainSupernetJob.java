package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.SupernetKeys.*;
import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
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
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.udfs.training.SupernetConfig;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.EvaluateUdf;
import org.subnetatlas.udfs.spark.SupernetTraining;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas train-supernet}: trains the space's weight-sharing supernet with progressive
 * shrinking inside one Spark task, writes the checkpoint under the warehouse and records it in
 * {@code atlas.supernets}. A supernet already trained for the same date, data and settings is
 * reused unless {@code --force}.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.TrainSupernetJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "train-supernet", mixinStandardHelpOptions = true,
    description = "Train the space's supernet (progressive shrinking, sandwich rule, in-place distillation).")
public final class TrainSupernetJob extends StageCommand {

  private static final Logger LOG = LoggerFactory.getLogger(TrainSupernetJob.class);


  @Option(names = "--space", description = "Search space with a trainable supernet. Default: mbv3-tiny.")
  String space;

  @Option(names = "--epochs", paramLabel = "L,K,D,E",
      description = "Epochs of the phases largest, kernel, depth, expand. Default: the recipe's.")
  String epochs;

  @Option(names = "--max-train-images", description = "Train on the first N training images only.")
  Integer maxImages;

  @Option(names = "--force", description = "Retrain even if this date already has the supernet.")
  Boolean force;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, EPOCHS.key(), epochs, MAX_IMAGES.key(), maxImages,
        FORCE.key(), force);
  }

  @Override
  Stage stage() {
    return new TrainStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new TrainSupernetJob()), args));
  }

  static final class TrainStage implements Stage {
    @Override
    public String name() {
      return "train-supernet";
    }

    @Override
    public void validate(AtlasConfig config) {
      trainableSpec(config);
      supernetConfig(config);
      FORCE.get(config);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      MbConvSpec spec = trainableSpec(config);
      SupernetConfig recipe = supernetConfig(config);
      String recipeJson = SupernetTraining.toJson(recipe);
      String data = config.data();
      String supernetId = AtlasConfig.sha256(String.join("\n", spec.name(), spec.version(), data,
          recipeJson, buildDate.toString()));
      String checkpoint = EvaluateUdf.checkpointUri(config.warehouse(), spec.name(),
          buildDate.toString(), supernetId);

      if (!FORCE.get(config) && alreadyTrained(spark, supernetId, checkpoint)) {
        LOG.info("train-supernet: supernet {} for {} already trained at {}; --force retrains",
            supernetId.substring(0, 12), buildDate, checkpoint);
        run.count("supernets_reused", 1);
        return;
      }
      LOG.info("train-supernet: {} on {} ({} epochs: {})", spec.name(), data,
          recipe.phases().stream().mapToInt(SupernetConfig.Phase::epochs).sum(), recipe.phases());
      Row result = spark.range(0, 1, 1, 1)
          .mapPartitions(new SupernetTraining(spec.name(), data, checkpoint, recipe),
              Encoders.row(SupernetTraining.RESULT_SCHEMA))
          .collectAsList().get(0);
      Dataset<Row> stats = spark.createDataFrame(List.of(result), SupernetTraining.RESULT_SCHEMA);
      run.count("devices_inserted", Devices.upsert(spark, stats));
      Dataset<Row> row = stats
          .withColumn(Supernets.SUPERNET_ID, lit(supernetId))
          .withColumn(Supernets.SPACE, lit(spec.name()))
          .withColumn(Supernets.SPACE_VERSION, lit(spec.version()))
          .withColumn(Supernets.CHECKPOINT_URI, lit(checkpoint))
          .withColumn(Supernets.CONFIG, lit(recipeJson))
          .withColumn(Supernets.CONFIG_HASH, lit(AtlasConfig.sha256(recipeJson)))
          .withColumn(Supernets.DATASET, lit(data))
          .withColumn(Supernets.DEVICE_ID, col(DeviceRows.COLUMN + ".device_id"))
          .withColumn(Supernets.RUN_ID, lit(run.runId()))
          .withColumn(Supernets.BUILD_DATE, lit(Date.valueOf(buildDate)))
          .withColumn(Supernets.CREATED_AT, lit(Timestamp.from(Instant.now())));
      DeltaWrites.merge(spark, Supernets.TABLE, row, OnMatch.UPDATE);
      run.count("supernets", 1);
      LOG.info("train-supernet: {} epochs in {} s, final loss {}, checkpoint {}",
          result.getAs(Supernets.EPOCHS), String.format("%.0f", (double) result.getAs(Supernets.TRAIN_SECONDS)),
          result.getAs(Supernets.FINAL_LOSS), checkpoint);
    }

    private static boolean alreadyTrained(SparkSession spark, String supernetId, String checkpoint) {
      long rows = spark.table(Supernets.TABLE.qualifiedName())
          .where(col(Supernets.SUPERNET_ID).equalTo(supernetId)).count();
      try {
        Path p = new Path(checkpoint);
        return rows > 0 && p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
      } catch (java.io.IOException e) {
        return false;
      }
    }
  }

}
