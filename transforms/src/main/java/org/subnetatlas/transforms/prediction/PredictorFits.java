package org.subnetatlas.transforms.prediction;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.udfs.prediction.FeatureEncoder;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;
import org.subnetatlas.udfs.prediction.MlpRegressionModel;
import org.subnetatlas.udfs.prediction.PredictUdf;
import org.subnetatlas.udfs.prediction.PredictorModels;

/**
 * One target on one feature set: the fixed split into training, selection and test rows, then
 * each configured model fitted on training, scored on selection (what picks the best) and on test
 * (what is reported), saved under the warehouse and described as an {@code atlas.predictors} row.
 */
public final class PredictorFits {

  private static final Logger LOG = LoggerFactory.getLogger(PredictorFits.class);

  /** Fewest training, selection and test rows a predictor is fitted and scored on. */
  static final int MIN_TRAIN = 10;
  static final int MIN_SELECTION = 5;
  static final int MIN_TEST = 5;

  /** Rows ({@link PredictorModels#SCHEMA}) a model trains on, is chosen on and is reported on. */
  public record Split(List<Row> train, List<Row> selection, List<Row> test) {}

  /** Shares of the architectures in the test and selection splits, percent, by arch_id hash. */
  public record Shares(int testPercent, int selectionPercent) {
    public Shares {
      if (testPercent < 1 || selectionPercent < 1 || testPercent + selectionPercent > 90) {
        throw new IllegalArgumentException("test " + testPercent + "% and selection "
            + selectionPercent + "% must each be at least 1% and leave at least 10% to train on");
      }
    }
  }

  /** What a fit is for: the date, the space, the target and the features. */
  public record Target(LocalDate buildDate, MbConvSpace space, String target, FeatureSet set) {}

  private PredictorFits() {}

  /**
   * {@code labelled} ({@code arch_id}, the target, {@code encoding}) as feature rows: test and
   * selection by arch_id hash, the others for training up to {@code maxTrain} in the order given.
   *
   * @throws IllegalStateException when the feature set needs proxies a sub-network lacks
   */
  public static Split split(List<Row> labelled, Target t, Map<String, double[]> proxies,
      Shares shares, int maxTrain) {
    List<Row> train = new ArrayList<>();
    List<Row> selection = new ArrayList<>();
    List<Row> test = new ArrayList<>();
    for (Row r : labelled) {
      String archId = r.getAs(Measurements.ARCH_ID);
      double[] p = proxies.get(archId);
      if (t.set().needsProxies() && p == null) {
        throw new IllegalStateException("arch " + archId + " has no proxies after scoring");
      }
      double[] v = FeatureEncoder.vector(t.space(),
          t.space().parse((String) r.getAs(Architectures.ENCODING)), t.set(), p);
      Row row = PredictorModels.row(archId, r.<Double>getAs(t.target()), v);
      switch (PredictorModels.role(archId, shares.testPercent(), shares.selectionPercent())) {
        case TEST -> test.add(row);
        case SELECTION -> selection.add(row);
        case TRAIN -> {
          if (train.size() < maxTrain) {
            train.add(row);
          }
        }
      }
    }
    return new Split(train, selection, test);
  }

  /**
   * Whether {@code split} is large enough to fit on. Too few rows of latency is a normal state
   * (a partial measure run) and skips the target; too few of top-1, what the stage is for, is
   * bad input.
   */
  public static boolean enough(Split split, Target t) {
    int train = split.train().size();
    int selection = split.selection().size();
    int test = split.test().size();
    boolean enough = train >= MIN_TRAIN && selection >= MIN_SELECTION && test >= MIN_TEST;
    String counts = train + " training, " + selection + " selection and " + test + " test";
    if (!enough && t.target().equals(Measurements.LATENCY_P50_MS)) {
      LOG.warn("train-predictor: {} predictor on {} skipped: {} sub-networks with latency for {}; "
          + "it needs at least {}, {} and {} (run `atlas measure`)", t.target(), t.set().label(),
          counts, t.buildDate(), MIN_TRAIN, MIN_SELECTION, MIN_TEST);
      return false;
    }
    if (!enough) {
      throw new BadInputException(t.target() + ": " + counts + " sub-networks for "
          + t.buildDate() + "; need at least " + MIN_TRAIN + ", " + MIN_SELECTION + " and "
          + MIN_TEST);
    }
    return true;
  }

  /** Where a model is saved: one folder per space, target, date, feature set and model. */
  public static String modelPath(String warehouse, Target t, PredictorModels.Kind kind) {
    return warehouse + "/predictors/" + t.space().name() + "/" + t.target() + "/" + t.buildDate()
        + "/" + t.set().label().replace('+', '_') + "/" + kind.label();
  }

  /**
   * Fits, scores and saves each of {@code kinds} on {@code split}, in order; returns their
   * {@code atlas.predictors} rows, none of them marked best yet.
   */
  public static List<Row> fitAll(SparkSession spark, PredictorTraining.Request req, Target t,
      Split split, Map<String, Long> read, ObjLongConsumer<String> counts) {
    Dataset<Row> trainDf = PredictorModels.frame(spark, split.train()).persist();
    Dataset<Row> selectionDf = PredictorModels.frame(spark, split.selection()).persist();
    Dataset<Row> testDf = PredictorModels.frame(spark, split.test()).persist();
    List<Row> out = new ArrayList<>();
    MbConvSpace mb = t.space();
    String featuresJson = PredictUdf.featuresJson(FeatureEncoder.names(mb.spec(), t.set()),
        req.proxies().seed(), req.proxies().batch());
    MlpRegressionModel.Inputs inputs = new MlpRegressionModel.Inputs(
        FeatureEncoder.levels(mb.spec(), t.set()), FeatureEncoder.slotPairs(mb.spec()),
        FeatureEncoder.resolutionFeature(mb.spec()));
    int nTrain = split.train().size();
    try {
      for (PredictorModels.Kind kind : req.kinds()) {
        long t0 = System.nanoTime();
        PredictionModel<Vector, ?> model = PredictorModels.fit(kind, trainDf, req.models(), inputs);
        PredictorModels.Score sel = PredictorModels.score(model, selectionDf);
        PredictorModels.Score s = PredictorModels.score(model, testDf);
        String path = modelPath(req.warehouse(), t, kind);
        PredictorModels.save(model, path);
        LOG.info("train-predictor: {} {} on {}: {} train / {} selection / {} test, Kendall tau "
                + "selection {} test {}, test Spearman rho {}, RMSE {} ({} s)", t.target(),
            kind.label(), t.set().label(), nTrain, sel.nTest(), s.nTest(), fmt(sel.kendallTau()),
            fmt(s.kendallTau()), fmt(s.spearmanRho()), fmt(s.rmse()),
            String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        out.add(RowBuilder.of(Predictors.TABLE.schema())
            .set(Predictors.BUILD_DATE, Date.valueOf(t.buildDate()))
            .set(Predictors.SPACE, mb.name())
            .set(Predictors.TARGET, t.target())
            .set(Predictors.MODEL, kind.label())
            .set(Predictors.FEATURE_SET, t.set().label())
            .set(Predictors.N_TRAIN, nTrain)
            .set(Predictors.N_TEST, s.nTest())
            .set(Predictors.KENDALL_TAU, nanToNull(s.kendallTau()))
            .set(Predictors.SPEARMAN_RHO, nanToNull(s.spearmanRho()))
            .set(Predictors.RMSE, nanToNull(s.rmse()))
            .set(Predictors.N_SELECTION, sel.nTest())
            .set(Predictors.SELECTION_KENDALL_TAU, nanToNull(sel.kendallTau()))
            .set(Predictors.MODEL_PATH, path)
            .set(Predictors.FEATURES, featuresJson)
            .set(Predictors.TRAINED_ON,
                scala.collection.JavaConverters.mapAsScalaMap(new LinkedHashMap<>(read)))
            .set(Predictors.IS_BEST, false)
            .set(Predictors.RUN_ID, req.runId())
            .set(Predictors.CREATED_AT, Timestamp.from(Instant.now()))
            .build());
        counts.accept("models", 1);
      }
    } finally {
      trainDf.unpersist();
      selectionDf.unpersist();
      testDf.unpersist();
    }
    return out;
  }

  private static Double nanToNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static String fmt(double v) {
    return String.format("%.4f", v);
  }
}
