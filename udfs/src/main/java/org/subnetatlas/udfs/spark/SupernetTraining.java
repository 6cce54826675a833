package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.data.HadoopConf;
import org.subnetatlas.udfs.training.PhaseHistory;
import org.subnetatlas.udfs.training.SupernetConfig;
import org.subnetatlas.udfs.training.SupernetTrainer;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;

/**
 * Trains one supernet inside a Spark task (run it on a one-partition dataset), so training runs
 * on an executor like every other DJL step. Writes the checkpoint atomically (temporary file,
 * then rename) and returns one row of training statistics.
 */
public final class SupernetTraining implements MapPartitionsFunction<Long, Row> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SupernetTraining.class);
  private static final ObjectMapper JSON = new ObjectMapper();

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
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + config, e);
    }
  }

  @Override
  public Iterator<Row> call(Iterator<Long> ignored) throws Exception {
    SupernetConfig config = JSON.readValue(configJson, SupernetConfig.class);
    MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
    FashionData data = ExecutorCache.data(dataUri);
    long start = System.nanoTime();
    long[] lastLog = {start};
    TrainedSupernet net = SupernetTrainer.train(space.spec(), data, config,
        (phase, step, total, loss) -> {
          long now = System.nanoTime();
          if (now - lastLog[0] > 15_000_000_000L || step == total) {
            lastLog[0] = now;
            LOG.info("train-supernet: phase {}, {}, loss {}", phase,
                Progress.line(step, total, now - start, "steps"), String.format("%.3f", loss));
          }
        });
    double seconds = (System.nanoTime() - start) / 1e9;
    writeCheckpoint(net);
    ExecutorCache.put(checkpointUri, net);

    Map<String, double[]> losses = new LinkedHashMap<>();
    Double finalLoss = null;
    for (PhaseHistory h : net.history()) {
      losses.put(h.phase(), h.epochLoss());
      double[] e = h.epochLoss();
      if (e.length > 0) {
        finalLoss = e[e.length - 1];
      }
    }
    Row row = RowFactory.create(seconds, net.epochs(), JSON.writeValueAsString(losses),
        finalLoss != null && Double.isFinite(finalLoss) ? finalLoss : null,
        (int) net.skippedSteps(), (long) data.train().count(),
        DeviceRows.of(DeviceFingerprint.local()));
    return List.of(row).iterator();
  }

  private void writeCheckpoint(TrainedSupernet net) throws IOException {
    Checkpoints.write(checkpointUri, net::save);
  }

}
