package org.subnetatlas.transforms.search;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;
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
 * {@code topK} per budget, and as many sub-networks drawn at random under the same budget
 * ({@link RandomBaseline}), are then recorded in {@code atlas.architectures} and evaluated for real
 * on the test split into {@code atlas.measurements} ({@link FoundEvaluation}), and the predicted
 * and measured top-1 of both replace the date's {@code atlas.search_results}, which refers to them
 * by arch_id. Encoding-only, because the search scores tens of thousands of candidates and
 * zero-cost proxies cost a forward and backward each.
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
   * Searches, draws the random baseline, records and measures both and writes the results; counts
   * candidates_scored, baseline_drawn, architectures_inserted, evaluated, measurements_inserted and
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
    List<FoundEvaluation.Drawn> baseline = new ArrayList<>();
    for (double f : req.fractions()) {
      long budget = (long) Math.floor(f * largest);
      PredictionModel<Vector, ?> lat = latency;
      String label = budgetLabel(budget, lat != null, req.latencyBudget());
      Predicate<Arch> feasible = a -> space.cost(a).macs() <= budget
          && (lat == null || lat.predict(features(space, a)) <= req.latencyBudget());
      long t0 = System.nanoTime();
      EvolutionSearch search = new EvolutionSearch(space,
          a -> top1.predict(features(space, a)), feasible, req.settings());
      List<EvolutionSearch.Scored> best = search.run();
      LOG.info("search: {}: {} candidates scored in {} s, best predicted top-1 {}", label,
          search.evaluated(), String.format("%.1f", (System.nanoTime() - t0) / 1e9),
          String.format("%.4f", best.get(0).score()));
      counts.accept("candidates_scored", search.evaluated());
      int reported = Math.min(req.topK(), best.size());
      for (int i = 0; i < reported; i++) {
        found.add(found(space, label, i + 1, best.get(i), predicted));
      }
      long seed = RandomBaseline.seed(req.settings().seed(), buildDate, budget);
      List<Found> random = randomBaseline(space, label, feasible, reported, seed, top1, predicted);
      counts.accept("baseline_drawn", random.size());
      baseline.add(new FoundEvaluation.Drawn(FoundEvaluation.BASELINE_SAMPLER, seed, random));
    }
    Row supernet = TrainedSupernets.latest(spark, spaceName, buildDate);
    List<FoundEvaluation.Drawn> all = new ArrayList<>();
    all.add(new FoundEvaluation.Drawn(FoundEvaluation.SAMPLER, req.settings().seed(), found));
    all.addAll(baseline);
    Map<String, Double> measured = FoundEvaluation.record(spark, space, buildDate, supernet,
        all, req.protocol(), progress, counts);
    Map<String, Found> baselineAt = new HashMap<>();
    baseline.forEach(d -> d.archs().forEach(b -> baselineAt.put(b.budget() + "#" + b.rank(), b)));
    String searchConfig = new ObjectMapper().valueToTree(req.settings()).toString();
    List<Row> out = new ArrayList<>();
    for (Found r : found) {
      double p = predicted.get(r.archId());
      Double m = measured.get(r.archId());
      Found b = baselineAt.get(r.budget() + "#" + r.rank());
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
          .set(SearchResults.MEASURED_SPLIT, FoundEvaluation.SPLIT)
          .set(SearchResults.BASELINE_ARCH_ID, b == null ? null : b.archId())
          .set(SearchResults.BASELINE_MACS, b == null ? null : b.cost().macs())
          .set(SearchResults.BASELINE_PREDICTED_TOP1, b == null ? null : predicted.get(b.archId()))
          .set(SearchResults.BASELINE_MEASURED_TOP1, b == null ? null : measured.get(b.archId()))
          .build());
      LOG.info("search: {} #{}: predicted {}, measured on {} {}, gap {}; random #{}: predicted {},"
              + " measured {}", r.budget(), r.rank(), fmt(p), FoundEvaluation.SPLIT, fmt(m),
          m == null ? "-" : String.format("%+.4f", p - m), r.rank(),
          fmt(b == null ? null : predicted.get(b.archId())),
          fmt(b == null ? null : measured.get(b.archId())));
    }
    Map<String, Long> written = DeltaWrites.replaceWhere(spark, SearchResults.TABLE,
        spark.createDataFrame(out, SearchResults.TABLE.schema()),
        SearchResults.BUILD_DATE + " = '" + buildDate + "' AND " + SearchResults.SPACE + " = '"
            + spaceName + "'");
    counts.accept("search_results_written", written.get("numOutputRows"));
  }

  /**
   * The budget's random baseline: {@code count} sub-networks drawn with {@code seed} under
   * {@code feasible}, ranked by predicted top-1 as search ranks its finds, so rank r pairs the r-th
   * best predicted of each.
   */
  private static List<Found> randomBaseline(MbConvSpace space, String label,
      Predicate<Arch> feasible, int count, long seed, PredictionModel<Vector, ?> top1,
      Map<String, Double> predicted) {
    List<EvolutionSearch.Scored> drawn = new ArrayList<>();
    for (Arch a : RandomBaseline.draw(space, feasible, count, seed)) {
      drawn.add(new EvolutionSearch.Scored(a, top1.predict(features(space, a))));
    }
    drawn.sort(Comparator.comparingDouble(EvolutionSearch.Scored::score).reversed()
        .thenComparing(s -> space.canonical(s.arch())));
    List<Found> out = new ArrayList<>();
    for (int i = 0; i < drawn.size(); i++) {
      out.add(found(space, label, i + 1, drawn.get(i), predicted));
    }
    return out;
  }

  /** One ranked sub-network under {@code label}, its prediction noted in {@code predicted}. */
  private static Found found(MbConvSpace space, String label, int rank, EvolutionSearch.Scored s,
      Map<String, Double> predicted) {
    String id = space.archId(s.arch());
    predicted.put(id, s.score());
    return new Found(label, rank, id, space.canonical(s.arch()), space.cost(s.arch()));
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format("%.4f", v);
  }

  private static PredictionModel<Vector, ?> load(Row predictor) {
    return PredictorModels.load(PredictorModels.Kind.byLabel(predictor.getAs(Predictors.MODEL)),
        predictor.getAs(Predictors.MODEL_PATH));
  }

  private static Vector features(MbConvSpace space, Arch a) {
    return Vectors.dense(FeatureEncoder.vector(space, a, FeatureSet.ENCODING, null));
  }
}
