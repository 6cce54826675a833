package org.subnetatlas.transforms.training;

import java.io.IOException;
import java.time.LocalDate;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.tasks.ExecutorDevices;
import org.subnetatlas.transforms.tasks.StageCounts;
import org.subnetatlas.transforms.training.TrainedModels.ModelIdentity;
import org.subnetatlas.udfs.spark.SupernetTraining;
import org.subnetatlas.udfs.training.SupernetConfig;

/**
 * The train-supernet stage's dataflow: train the space's supernet in one task unless the same
 * date, data and recipe already produced it, and record it in {@code atlas.supernets}.
 */
public final class SupernetTrainings {

  private static final Logger LOG = LoggerFactory.getLogger(SupernetTrainings.class);

  /**
   * One train-supernet run.
   *
   * @param data the Fashion-MNIST IDX directory URI
   * @param warehouse the warehouse root URI (checkpoints go under it)
   * @param force retrain even if the supernet exists
   * @param device where it trains (auto, cpu or gpu); not part of the supernet's identity
   */
  public record Request(MbConvSpec spec, SupernetConfig recipe, String data, String warehouse,
      boolean force, LocalDate buildDate, String runId, String device) {}

  private SupernetTrainings() {}

  /** Trains or reuses; returns the supernet's identity. */
  public static ModelIdentity trainOrReuse(SparkSession spark, Request r, StageCounts counts) {
    String recipeJson = SupernetTraining.toJson(r.recipe());
    ModelIdentity model = ModelIdentity.of(r.spec().name(), r.spec().version(), r.data(),
        recipeJson, r.warehouse(), r.buildDate());
    String checkpoint = model.checkpoint();

    if (!r.force() && alreadyTrained(spark, model.id(), checkpoint)) {
      LOG.info("train-supernet: supernet {} for {} already trained at {}; --force retrains",
          model.id().substring(0, 12), r.buildDate(), checkpoint);
      counts.count("supernets_reused", 1);
      return model;
    }
    SupernetConfig recipe = r.recipe();
    LOG.info("train-supernet: {} on {} ({} epochs: {})", model.space(), r.data(),
        recipe.phases().stream().mapToInt(SupernetConfig.Phase::epochs).sum(), recipe.phases());
    Dataset<Row> stats = TrainedModels.trainInOneTask(spark,
        new SupernetTraining(model.space(), r.data(), checkpoint, recipe, r.device()),
        SupernetTraining.RESULT_SCHEMA);
    Row result = stats.head();
    counts.count("devices_inserted", ExecutorDevices.upsert(spark, stats));
    DeltaWrites.merge(spark, Supernets.TABLE,
        TrainedModels.supernetsRow(stats, model, r.runId(), r.buildDate()), OnMatch.UPDATE);
    counts.count("supernets", 1);
    LOG.info("train-supernet: {} epochs in {} s, final loss {}, checkpoint {}",
        result.getAs(Supernets.EPOCHS),
        String.format("%.0f", (double) result.getAs(Supernets.TRAIN_SECONDS)),
        result.getAs(Supernets.FINAL_LOSS), checkpoint);
    return model;
  }

  /** Whether the supernet is recorded and its checkpoint is still there. */
  public static boolean alreadyTrained(SparkSession spark, String supernetId, String checkpoint) {
    boolean recorded = TrainedModels.recorded(spark, supernetId);
    try {
      Path p = new Path(checkpoint);
      return recorded && p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      return false;
    }
  }
}
