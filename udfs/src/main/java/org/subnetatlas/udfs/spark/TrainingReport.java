package org.subnetatlas.udfs.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.udfs.evaluation.TrainedModel;
import org.subnetatlas.udfs.training.PhaseHistory;
import org.subnetatlas.udfs.training.ProgressListener;

/** What the family-training tasks share: their config on the wire, progress lines, result row. */
final class TrainingReport {

  static final ObjectMapper JSON = new ObjectMapper();

  private TrainingReport() {}

  /** A training config as the JSON the task carries (records serialise by component). */
  static String toJson(Object config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + config, e);
    }
  }

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
