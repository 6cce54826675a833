package org.subnetatlas.transforms.prediction;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.ArchFeatures;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.TrainedSupernets;
import org.subnetatlas.transforms.prediction.PredictorFits.Split;
import org.subnetatlas.transforms.prediction.PredictorFits.Target;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;
import org.subnetatlas.udfs.prediction.PredictUdf;
import org.subnetatlas.udfs.prediction.PredictorModels;

/**
 * train-predictor's dataflow: the date's measured sub-networks read as of pinned Delta versions,
 * their missing zero-cost proxies scored, then for top-1 (and latency, where measured) on each
 * feature set the configured models fitted on the fixed splits, the best per target marked, and
 * everything MERGEd into {@code atlas.predictors}.
 */
public final class PredictorTraining {

  private static final Logger LOG = LoggerFactory.getLogger(PredictorTraining.class);

  /** Fewest measured sub-networks a predictor is trained on. */
  static final int MIN_RECORDS = 20;

  /** What to train, on which date's data, and where its models go. */
  public record Request(String space, LocalDate buildDate, String warehouse, String data,
      String runId, PredictorFits.Shares shares, int maxTrainRecords, List<PredictorModels.Kind> kinds,
      PredictorModels.Settings models, TrainingData.Proxies proxies) {
    public Request {
      kinds = List.copyOf(kinds);
    }
  }

  private PredictorTraining() {}

  /**
   * Trains and records the date's predictors; what it writes is counted into {@code counts}
   * (records, arch_features_inserted, models, predictors_inserted, predictors_updated).
   *
   * @throws BadInputException when the date has no supernet or too few measured sub-networks
   */
  public static void run(SparkSession spark, Request req, ObjLongConsumer<String> counts) {
    MbConvSpace mb = (MbConvSpace) Spaces.get(req.space());
    LocalDate buildDate = req.buildDate();
    String supernetId = TrainedSupernets.latest(spark, req.space(), buildDate)
        .getAs(Supernets.SUPERNET_ID);

    Map<String, Long> read = TrainingData.pin(spark);
    Dataset<Row> records = TrainingData.records(spark, read, buildDate, supernetId).persist();
    try {
      long n = records.count();
      if (n < MIN_RECORDS) {
        throw new BadInputException("only " + n + " measured sub-networks of " + req.space() + " for "
            + buildDate + " (supernet " + supernetId.substring(0, 12) + "); a predictor needs at "
            + "least 20: run `atlas evaluate --date " + buildDate + "` first");
      }
      counts.accept("records", n);
      TrainingData.computeMissingProxies(spark, records, req.space(), req.data(), req.proxies(),
          counts);
      read.putAll(PinnedReads.versions(spark, ArchFeatures.TABLE));
      Map<String, double[]> proxies = TrainingData.storedProxies(spark, read, records, req.proxies());
      List<Row> rows = records.orderBy(Measurements.ARCH_ID).collectAsList();
      List<Row> out = new ArrayList<>();
      try (PredictorModels.ScratchCheckpoints checkpoints = PredictorModels.ScratchCheckpoints.open(
          spark, req.warehouse() + "/_spark-checkpoints/" + req.runId())) {
        for (String target : List.of(Measurements.TOP1, Measurements.LATENCY_P50_MS)) {
          List<Row> labelled = rows.stream().filter(r -> !r.isNullAt(r.fieldIndex(target))).toList();
          if (labelled.isEmpty()) {
            LOG.info("train-predictor: no {} in atlas.measurements for {} (run `atlas measure`); "
                + "the {} model is skipped", target, buildDate, target);
            continue;
          }
          for (FeatureSet set : FeatureSet.values()) {
            Target t = new Target(buildDate, mb, target, set);
            Split split = PredictorFits.split(labelled, t, proxies, req.shares(),
                req.maxTrainRecords());
            if (PredictorFits.enough(split, t)) {
              out.addAll(PredictorFits.fitAll(spark, req, t, split, read, counts));
            }
          }
        }
      }
      out.addAll(BestPredictors.notRetrained(spark, buildDate, req.space(), out));
      BestPredictors.markBest(out);
      Map<String, Long> merged = DeltaWrites.merge(spark, Predictors.TABLE,
          spark.createDataFrame(out, Predictors.TABLE.schema()), OnMatch.UPDATE);
      counts.accept("predictors_inserted", merged.get("numTargetRowsInserted"));
      counts.accept("predictors_updated", merged.get("numTargetRowsUpdated"));
      // the SQL function now answers with the new best model
      PredictUdf.register(spark);
    } finally {
      records.unpersist();
    }
  }
}
