package org.subnetatlas.transforms.training;

import static org.apache.spark.sql.functions.*;

import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.transforms.WarehouseFiles;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.EvaluateUdf;

/**
 * What the two weight-sharing trainings (supernet, stitched family) share: the model's identity
 * and checkpoint location, training in one Spark task, and its {@code atlas.supernets} row.
 */
public final class TrainedModels {

  /**
   * A trained model's identity: {@code id} is the sha-256 of space, version, data, recipe and
   * date, so a rerun with the same settings finds the same model.
   */
  public record ModelIdentity(String id, String space, String spaceVersion, String data,
      String recipeJson, String checkpoint) {

    public static ModelIdentity of(String space, String spaceVersion, String data,
        String recipeJson, String warehouse, LocalDate buildDate) {
      String id = sha256(String.join("\n", space, spaceVersion, data, recipeJson,
          buildDate.toString()));
      return new ModelIdentity(id, space, spaceVersion, data, recipeJson,
          EvaluateUdf.checkpointUri(warehouse, space, buildDate.toString(), id));
    }
  }

  private TrainedModels() {}

  static String sha256(String text) {
    return WarehouseFiles.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Runs {@code training} in one Spark task, so it runs on an executor like every other engine
   * step, and returns its one result row with the statistics as a one-row frame.
   */
  public static Dataset<Row> trainInOneTask(SparkSession spark,
      MapPartitionsFunction<Long, Row> training, StructType resultSchema) {
    Row result = spark.range(0, 1, 1, 1)
        .mapPartitions(training, Encoders.row(resultSchema))
        .collectAsList().get(0);
    return spark.createDataFrame(List.of(result), resultSchema);
  }

  /** Whether {@code atlas.supernets} has a row for {@code modelId}. */
  public static boolean recorded(SparkSession spark, String modelId) {
    return spark.table(Supernets.TABLE.qualifiedName())
        .where(col(Supernets.SUPERNET_ID).equalTo(modelId)).count() > 0;
  }

  /** The {@code atlas.supernets} MERGE input: the training statistics and the model's identity. */
  public static Dataset<Row> supernetsRow(Dataset<Row> stats, ModelIdentity model, String runId,
      LocalDate buildDate) {
    return stats
        .withColumn(Supernets.SUPERNET_ID, lit(model.id()))
        .withColumn(Supernets.SPACE, lit(model.space()))
        .withColumn(Supernets.SPACE_VERSION, lit(model.spaceVersion()))
        .withColumn(Supernets.CHECKPOINT_URI, lit(model.checkpoint()))
        .withColumn(Supernets.CONFIG, lit(model.recipeJson()))
        .withColumn(Supernets.CONFIG_HASH, lit(sha256(model.recipeJson())))
        .withColumn(Supernets.DATASET, lit(model.data()))
        .withColumn(Supernets.DEVICE_ID, col(DeviceRows.COLUMN + ".device_id"))
        .withColumn(Supernets.RUN_ID, lit(runId))
        .withColumn(Supernets.BUILD_DATE, lit(Date.valueOf(buildDate)))
        .withColumn(Supernets.CREATED_AT, lit(Timestamp.from(Instant.now())));
  }
}
