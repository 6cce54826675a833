package org.subnetatlas.transforms.search;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.PredictorTables.SearchResults;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.EvolutionSearch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.TrainedSupernets;
import org.subnetatlas.transforms.search.FoundEvaluation.Found;
import org.subnetatlas.udfs.prediction.FeatureEncoder;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;
import org.subnetatlas.udfs.prediction.PredictorModels;

/**
 * search's dataflow: OFA's evolutionary search on the date's best encoding-only top-1 predictor
 * under each MACs budget (and a latency budget when a latency predictor exists); the best
 * {@code topK} per budget are then recorded in {@code atlas.architectures} and evaluated for real
 * into {@code atlas.measurements} ({@link FoundEvaluation}), and the predicted and measured top-1
 * replace the date's {@code atlas.search_results}, which refers to them by arch_id. Encoding-only, because the
 * search scores tens of thousands of candidates and zero-cost proxies cost a forward and backward
 * each.
 */
public final class PredictorSearch {

  private static final Logger LOG = LoggerFactory.getLogger(PredictorSearch.class);

  /** The search and its budgets; {@code latencyBudget} 0 means MACs budgets only. */
  public record Request(String space, LocalDate buildDate, EvolutionSearch.Settings settings,
      List<Double> fractions, int topK, double latencyBudget, FoundEvaluation.Protocol protocol) {
    public Request {
      fractions = List.copyOf(fractions);
    }
  }

  private PredictorSearch() {}

  /**
   * The date's best predictor of {@code target} on the encoding-only features, chosen on the
   * selection split like {@code is_best}, or null.
   */
  public static Row bestEncodingPredictor(SparkSession spark, String space, LocalDate date,
      String target) {
    List<Row> rows = spark.table(Predictors.TABLE.qualifiedName())
        .where(col(Predictors.BUILD_DATE).equalTo(Date.valueOf(date))
            .and(col(Predictors.SPACE).equalTo(space))
            .and(col(Predictors.TARGET).equalTo(target))
            .and(col(Predictors.FEATURE_SET).equalTo(FeatureSet.ENCODING.label()))
            .and(col(Predictors.SELECTION_KENDALL_TAU).isNotNull()))
        .orderBy(col(Predictors.SELECTION_KENDALL_TAU).desc(), col(Predictors.MODEL))
        .limit(1).collectAsList();
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** The budget's label in {@code atlas.search_results}, e.g. {@code macs<=2000000}. */
  public static String budgetLabel(long macsBudget, boolean withLatency, double latencyBudget) {
    return "macs<=" + macsBudget + (withLatency ? ",latency_p50_ms<=" + latencyBudget : "");
  }

  /**
   * Searches, records and measures what it found and writes the results; counts
   * candidates_scored, architectures_inserted, evaluated, measurements_inserted and
   * search_results_written into {@code counts}.
   *
   * @throws BadInputException when the date has no top-1 predictor or no supernet
   */
  public static void run(SparkSession spark, Request req, LongFunction<FoundEvaluation.Progress> progress,
      ObjLongConsumer<String> counts) {
    String spaceName = req.space();
    LocalDate buildDate = req.buildDate();
    MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
    Row top1Row = bestEncodingPredictor(spark, spaceName, buildDate, Measurements.TOP1);
    if (top1Row == null) {
      throw new BadInputException("no top-1 predictor of " + spaceName + " for " + buildDate
          + "; run `atlas train-predictor --date " + buildDate + "` first");
    }
    String modelPath = top1Row.getAs(Predictors.MODEL_PATH);
    PredictionModel<Vector, ?> top1 = load(top1Row);
    PredictionModel<Vector, ?> latency = null;
    if (req.latencyBudget() > 0) {
      Row latRow = bestEncodingPredictor(spark, spaceName, buildDate, Measurements.LATENCY_P50_MS);
      if (latRow == null) {
        LOG.info("search: no latency predictor for {} (no latency in atlas.measurements); "
            + "searching under MACs budgets only", buildDate);
      } else {
        latency = load(latRow);
      }
    }
    long largest = space.cost(space.largest()).macs();
    Map<String, Double> predicted = new HashMap<>();
    List<Found> found = new ArrayList<>();
    for (double f : req.fractions()) {
      long budget = (long) Math.floor(f * largest);
      PredictionModel<Vector, ?> lat = latency;
      String label = budgetLabel(budget, lat != null, req.latencyBudget());
      long t0 = System.nanoTime();
      EvolutionSearch search = new EvolutionSearch(space,
          a -> top1.predict(features(space, a)),
          a -> space.cost(a).macs() <= budget
              && (lat == null || lat.predict(features(space, a)) <= req.latencyBudget()),
          req.settings());
      List<EvolutionSearch.Scored> best = search.run();
      LOG.info("search: {}: {} candidates scored in {} s, best predicted top-1 {}", label,
          search.evaluated(), String.format("%.1f", (System.nanoTime() - t0) / 1e9),
          String.format("%.4f", best.get(0).score()));
      counts.accept("candidates_scored", search.evaluated());
      for (int i = 0; i < Math.min(req.topK(), best.size()); i++) {
        Arch a = best.get(i).arch();
        String id = space.archId(a);
        predicted.put(id, best.get(i).score());
        found.add(new Found(label, i + 1, id, space.canonical(a), space.cost(a)));
      }
    }
    Row supernet = TrainedSupernets.latest(spark, spaceName, buildDate);
    Map<String, Double> measured = FoundEvaluation.record(spark, space, buildDate, supernet,
        found, req.settings().seed(), req.protocol(), progress, counts);
    String searchConfig = new ObjectMapper().valueToTree(req.settings()).toString();
    List<Row> out = new ArrayList<>();
    for (Found r : found) {
      double p = predicted.get(r.archId());
      Double m = measured.get(r.archId());
      out.add(RowBuilder.of(SearchResults.TABLE.schema())
          .set(SearchResults.BUILD_DATE, Date.valueOf(buildDate))
          .set(SearchResults.SPACE, spaceName)
          .set(SearchResults.BUDGET, r.budget())
          .set(SearchResults.RANK, r.rank())
          .set(SearchResults.ARCH_ID, r.archId())
          .set(SearchResults.ENCODING, r.encoding())
          .set(SearchResults.MACS, r.cost().macs())
          .set(SearchResults.PARAMS, r.cost().params())
          .set(SearchResults.PREDICTOR_MODEL, modelPath)
          .set(SearchResults.PREDICTED_TOP1, p)
          .set(SearchResults.MEASURED_TOP1, m)
          .set(SearchResults.GAP, m == null ? null : p - m)
          .set(SearchResults.SUPERNET_ID, supernet.getAs(Supernets.SUPERNET_ID))
          .set(SearchResults.SEARCH_CONFIG, searchConfig)
          .set(SearchResults.RUN_ID, req.protocol().runId())
          .build());
      LOG.info("search: {} #{}: predicted {}, measured {}, gap {}", r.budget(), r.rank(),
          String.format("%.4f", p), m == null ? "-" : String.format("%.4f", m),
          m == null ? "-" : String.format("%+.4f", p - m));
    }
    Map<String, Long> written = DeltaWrites.replaceWhere(spark, SearchResults.TABLE,
        spark.createDataFrame(out, SearchResults.TABLE.schema()),
        SearchResults.BUILD_DATE + " = '" + buildDate + "' AND " + SearchResults.SPACE + " = '"
            + spaceName + "'");
    counts.accept("search_results_written", written.get("numOutputRows"));
  }

  private static PredictionModel<Vector, ?> load(Row predictor) {
    return PredictorModels.load(PredictorModels.Kind.byLabel(predictor.getAs(Predictors.MODEL)),
        predictor.getAs(Predictors.MODEL_PATH));
  }

  private static Vector features(MbConvSpace space, Arch a) {
    return Vectors.dense(FeatureEncoder.vector(space, a, FeatureSet.ENCODING, null));
  }
}
