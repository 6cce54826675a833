package org.subnetatlas.udfs.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.training.SupernetConfig;
import org.subnetatlas.udfs.training.SupernetTrainer;

/**
 * Trains one supernet inside a Spark task (run it on a one-partition dataset), so training runs
 * on an executor like every other DJL step. Writes the checkpoint atomically (temporary file,
 * then rename), keeps the supernet in the executor's cache and returns one row of training
 * statistics.
 */
public final class SupernetTraining extends FamilyTraining<SupernetConfig> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SupernetTraining.class);

  public static final StructType RESULT_SCHEMA = TRAINING_COLUMNS
      .add(DeviceRows.COLUMN, DeviceRows.SCHEMA, false);

  /** {@code device}: where it trains, auto, cpu or gpu. */
  public SupernetTraining(String spaceName, String dataUri, String checkpointUri,
      SupernetConfig config, String device) {
    super(spaceName, dataUri, checkpointUri, config, SupernetConfig.class, device);
  }

  public static String toJson(SupernetConfig config) {
    return FamilyTraining.toJson(config);
  }

  @Override
  protected Row train(SearchSpace space, SupernetConfig config, FashionData data, long start)
      throws Exception {
    TrainedSupernet net = SupernetTrainer.train(((MbConvSpace) space).spec(), data, config,
        progress(LOG, "train-supernet", start));
    double seconds = (System.nanoTime() - start) / 1e9;
    Checkpoints.write(checkpointUri, net::save);
    ExecutorCache.put(checkpointUri, net);
    return row(RESULT_SCHEMA, seconds, net, data.train().count()).build();
  }
}
