package org.subnetatlas.udfs.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.TrainedModel;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.training.PhaseHistory;
import org.subnetatlas.udfs.training.ProgressListener;

/**
 * Trains one member of a model family inside a Spark task (run it on a one-partition dataset),
 * so training runs on an executor like every other DJL step, and returns one row: the training
 * columns of {@code atlas.supernets}, the device, and what the family adds. The recipe travels as
 * JSON; the checkpoint is written atomically. The task trains on the configured device (auto, cpu
 * or gpu), set before anything is loaded.
 *
 * @param <C> the family's training recipe
 */
abstract class FamilyTraining<C> implements MapPartitionsFunction<Long, Row> {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The training columns every family's result row starts with. */
  static final StructType TRAINING_COLUMNS = Supernets.TABLE.columns(Supernets.TRAIN_SECONDS,
      Supernets.EPOCHS, Supernets.PHASE_LOSSES, Supernets.FINAL_LOSS, Supernets.SKIPPED_STEPS,
      Supernets.TRAIN_IMAGES);

  protected final String spaceName;
  protected final String dataUri;
  protected final String checkpointUri;
  private final String configJson;
  private final Class<C> configType;
  // apart from the recipe: the recipe's JSON is the model's identity, the device is not
  private final String device;

  FamilyTraining(String spaceName, String dataUri, String checkpointUri, C config,
      Class<C> configType, String device) {
    this.device = DjlRuntime.checkPreference(device);
    this.spaceName = spaceName;
    this.dataUri = dataUri;
    this.checkpointUri = checkpointUri;
    this.configJson = toJson(config);
    this.configType = configType;
  }

  /** A training recipe as the JSON the task carries (records serialise by component). */
  static String toJson(Object config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + config, e);
    }
  }

  @Override
  public final Iterator<Row> call(Iterator<Long> ignored) throws Exception {
    DjlRuntime.preferDevice(device);
    C config = JSON.readValue(configJson, configType);
    SearchSpace space = Spaces.get(spaceName);
    FashionData data = ExecutorCache.data(dataUri);
    return List.of(train(space, config, data, System.nanoTime())).iterator();
  }

  /** Trains (or reuses) the family member and returns the task's one row; timing from {@code start}. */
  protected abstract Row train(SearchSpace space, C config, FashionData data, long start)
      throws Exception;

  /** Logs a progress line every 15 s and at the last step, as {@code stage: phase ...}. */
  static ProgressListener progress(Logger log, String stage, long start) {
    long[] lastLog = {start};
    return (phase, step, total, loss) -> {
      long now = System.nanoTime();
      if (now - lastLog[0] > 15_000_000_000L || step == total) {
        lastLog[0] = now;
        log.info(stage + ": phase {}, {}, loss {}", phase,
            Progress.line(step, total, now - start, "steps"), String.format("%.3f", loss));
      }
    };
  }

  /**
   * A row of {@code schema} with the training columns of {@code model} and the executor's
   * device set; the caller sets any others.
   */
  static RowBuilder row(StructType schema, double seconds, TrainedModel<?> model, long trainImages)
      throws JsonProcessingException {
    Map<String, double[]> losses = new LinkedHashMap<>();
    Double finalLoss = null;
    for (PhaseHistory h : model.history()) {
      losses.put(h.phase(), h.epochLoss());
      double[] e = h.epochLoss();
      if (e.length > 0) {
        finalLoss = e[e.length - 1];
      }
    }
    return RowBuilder.of(schema)
        .set(Supernets.TRAIN_SECONDS, seconds)
        .set(Supernets.EPOCHS, model.epochs())
        .set(Supernets.PHASE_LOSSES, JSON.writeValueAsString(losses))
        .set(Supernets.FINAL_LOSS, finalLoss != null && Double.isFinite(finalLoss) ? finalLoss : null)
        .set(Supernets.SKIPPED_STEPS, (int) model.skippedSteps())
        .set(Supernets.TRAIN_IMAGES, trainImages)
        .set(DeviceRows.COLUMN, DeviceRows.of(DeviceFingerprint.local()));
  }
}
