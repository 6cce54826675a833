package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.training.SupernetConfig;
import org.subnetatlas.udfs.training.SupernetTrainer;

/**
 * Trains one supernet inside a Spark task (run it on a one-partition dataset), so training runs
 * on an executor like every other DJL step. Writes the checkpoint atomically (temporary file,
 * then rename) and returns one row of training statistics.
 */
public final class SupernetTraining implements MapPartitionsFunction<Long, Row> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SupernetTraining.class);

  public static final StructType RESULT_SCHEMA = new StructType()
      .add(Supernets.TRAIN_SECONDS, DoubleType, false)
      .add(Supernets.EPOCHS, IntegerType, false)
      .add(Supernets.PHASE_LOSSES, StringType, false)
      .add(Supernets.FINAL_LOSS, DoubleType, true)
      .add(Supernets.SKIPPED_STEPS, IntegerType, false)
      .add(Supernets.TRAIN_IMAGES, LongType, false)
      .add(DeviceRows.COLUMN, DeviceRows.SCHEMA, false);

  private final String spaceName;
  private final String dataUri;
  private final String checkpointUri;
  private final String configJson;

  public SupernetTraining(String spaceName, String dataUri, String checkpointUri,
      SupernetConfig config) {
    this.spaceName = spaceName;
    this.dataUri = dataUri;
    this.checkpointUri = checkpointUri;
    this.configJson = toJson(config);
  }

  public static String toJson(SupernetConfig config) {
    return TrainingReport.toJson(config);
  }

  @Override
  public Iterator<Row> call(Iterator<Long> ignored) throws Exception {
    SupernetConfig config = TrainingReport.JSON.readValue(configJson, SupernetConfig.class);
    MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
    FashionData data = ExecutorCache.data(dataUri);
    long start = System.nanoTime();
    TrainedSupernet net = SupernetTrainer.train(space.spec(), data, config,
        TrainingReport.progress(LOG, "train-supernet", start));
    double seconds = (System.nanoTime() - start) / 1e9;
    Checkpoints.write(checkpointUri, net::save);
    ExecutorCache.put(checkpointUri, net);
    return List.of(TrainingReport.row(RESULT_SCHEMA, seconds, net, data.train().count()).build())
        .iterator();
  }
}
