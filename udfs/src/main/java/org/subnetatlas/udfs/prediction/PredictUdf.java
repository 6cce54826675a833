package org.subnetatlas.udfs.prediction;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.sql.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.spark.ProxyScoring;

/**
 * {@code atlas_predict_top1(space, encoding)}: the predicted top-1 of an architecture from the
 * best top-1 predictor ({@code is_best}) of the newest build date in {@code atlas.predictors}, or
 * of the date in {@code spark.atlas.predictor.pin-date}. The model is loaded on the driver when the
 * function is registered and travels with the query; zero-cost proxies, when the model uses them,
 * are computed on the executor exactly as the job computed them.
 */
public final class PredictUdf {

  public static final String NAME = "atlas_predict_top1";
  public static final String PIN_DATE = "spark.atlas.predictor.pin-date";
  public static final String TARGET = "top1";

  /** A loaded predictor with what it needs to build its feature vector. */
  public record Loaded(String space, String modelPath, PredictorModels.Kind kind, FeatureSet featureSet,
      long proxySeed, int proxyBatch, PredictionModel<Vector, ?> model) implements Serializable {

    /** The prediction for {@code arch} of this predictor's space. */
    public double predict(Arch arch, String dataUri) {
      MbConvSpace space = FeatureEncoder.mbSpace(Spaces.get(this.space));
      double[] proxies = null;
      if (featureSet.needsProxies()) {
        DjlRuntime.setIntraOpThreads(1);
        ZeroCostProxies.Scores s = ProxyScoring.proxies(this.space, dataUri, proxySeed, proxyBatch)
            .score((MbArch) arch);
        proxies = new double[] {s.synflow(), s.snip(), s.gradNorm()};
      }
      return model.predict(Vectors.dense(FeatureEncoder.vector(space, arch, featureSet, proxies)));
    }
  }

  private PredictUdf() {}

  /** Features column JSON: names in vector order and the proxy settings. */
  public static String featuresJson(List<String> names, long proxySeed, int proxyBatch) {
    ObjectMapper m = new ObjectMapper();
    var node = m.createObjectNode();
    var arr = node.putArray("names");
    names.forEach(arr::add);
    node.put("proxy_seed", proxySeed);
    node.put("proxy_batch", proxyBatch);
    return node.toString();
  }

  /**
   * The best predictor per space for {@code target}: of {@code pinDate} when given, else of the
   * newest build date that has one. Empty when the table is missing or holds none.
   */
  public static Map<String, Loaded> best(SparkSession spark, String target, String pinDate) {
    Map<String, Loaded> out = new HashMap<>();
    if (!spark.catalog().tableExists(Predictors.TABLE.qualifiedName())) {
      return out;
    }
    Dataset<Row> rows = spark.table(Predictors.TABLE.qualifiedName())
        .where(col(Predictors.TARGET).equalTo(target).and(col(Predictors.IS_BEST)));
    if (pinDate != null) {
      rows = rows.where(col(Predictors.BUILD_DATE).equalTo(Date.valueOf(pinDate)));
    }
    List<Row> best = rows.orderBy(col(Predictors.BUILD_DATE).desc(), col(Predictors.CREATED_AT).desc())
        .select(Predictors.SPACE, Predictors.MODEL, Predictors.FEATURE_SET, Predictors.MODEL_PATH,
            Predictors.FEATURES)
        .collectAsList();
    for (Row r : best) {
      String space = r.getString(0);
      if (out.containsKey(space)) {
        continue;
      }
      PredictorModels.Kind kind = PredictorModels.Kind.byLabel(r.getString(1));
      JsonNode features;
      try {
        features = new ObjectMapper().readTree(r.getString(4));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("atlas.predictors: features of " + r.getString(3)
            + " is not JSON: " + e.getMessage(), e);
      }
      out.put(space, new Loaded(space, r.getString(3), kind, FeatureSet.byLabel(r.getString(2)),
          features.path("proxy_seed").asLong(ZeroCostProxies.DEFAULT_SEED),
          features.path("proxy_batch").asInt(ZeroCostProxies.DEFAULT_BATCH),
          PredictorModels.load(kind, r.getString(3))));
    }
    return out;
  }

  /** Registers (or re-registers after a new predictor) {@value #NAME}. */
  public static void register(SparkSession spark) {
    String data = spark.conf().get("spark.atlas.data", null);
    Map<String, Loaded> loaded;
    String problem = null;
    try {
      loaded = best(spark, TARGET, spark.conf().get(PIN_DATE, null));
    } catch (RuntimeException e) {
      // a broken predictor row must not stop every session from opening; the function says why
      loaded = Map.of();
      problem = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    Map<String, Loaded> models = loaded;
    String why = problem;
    spark.udf().register(NAME, (UDF2<String, String, Double>) (space, encoding) -> {
      if (space == null || encoding == null) {
        return null;
      }
      Loaded model = models.get(space);
      if (model == null) {
        throw new IllegalStateException(NAME + ": no trained top-1 predictor for space " + space
            + (why == null ? "; run `atlas train-predictor` first" : " (loading failed: " + why + ")"));
      }
      return model.predict(Spaces.get(space).parse(encoding), data);
    }, DataTypes.DoubleType);
  }
}
