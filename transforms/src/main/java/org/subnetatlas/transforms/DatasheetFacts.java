package org.subnetatlas.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.subnetatlas.schemas.MeasurementTables.Devices;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.PredictorTables.SearchResults;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.QualityMetrics;
import org.subnetatlas.transforms.search.FoundEvaluation;

/**
 * The datasheet's statements about scope, accuracy protocol and quality gates, each read from the
 * exported tables, so the sheet says only what its rows show.
 */
final class DatasheetFacts {

  private DatasheetFacts() {}

  /** Datasets, input resolutions, families and device classes the release covers. */
  static String scope(Dataset<Row> architectures, Dataset<Row> measurements, Dataset<Row> devices) {
    String devicesText = "none recorded";
    if (devices != null) {
      TreeSet<String> kinds = new TreeSet<>();
      for (Row r : devices.select(Devices.HOST_CLASS, Devices.GPU_NAME).distinct().collectAsList()) {
        kinds.add(r.isNullAt(1) ? r.getString(0) : r.getString(0) + " (" + r.getString(1) + ")");
      }
      devicesText = String.join(", ", kinds);
    }
    return String.format(Locale.ROOT, "Scope: dataset %s; input resolutions %s; families %s;"
            + " devices %s.%n", distinct(measurements, Measurements.DATASET),
        distinct(architectures, Architectures.RESOLUTION), distinct(architectures,
            Architectures.FAMILY), devicesText);
  }

  /** How accuracy rows were made: the splits scored and how many rows were recalibrated, on what. */
  static String accuracy(Dataset<Row> measurements) {
    Dataset<Row> scored = measurements.where(col(Measurements.TOP1).isNotNull());
    Column recal = col(Measurements.BN_RECALIBRATED);
    // one pass for the counts and the image range
    Row r = scored.agg(count(lit(1)), count(when(recal, 1)),
        min(when(recal, col(Measurements.RECALIBRATION_IMAGES))),
        max(when(recal, col(Measurements.RECALIBRATION_IMAGES)))).first();
    long recalibrated = r.getLong(1);
    String how = recalibrated == 0 ? "none had its BatchNorm statistics recalibrated"
        : recalibrated + " had their BatchNorm statistics recalibrated first on " + range(r)
            + " training images (`bn_recalibrated`, `recalibration_images`)";
    return String.format(Locale.ROOT, "- Accuracy: each sub-network inherits its supernet's"
            + " weights and is scored on split %s (`n_images` per row); of %d scored rows, %s.%n",
        distinct(scored, Measurements.SPLIT), r.getLong(0), how);
  }

  /**
   * Search's figures for {@code buildDate}, per budget: the best test-split top-1 of its finds with
   * what the predictor said of that one, beside the best of the random baseline measured the same
   * way. Empty when search did not run that date, or ran before it measured on the test split.
   */
  static String search(Dataset<Row> searchResults, LocalDate buildDate) {
    if (searchResults == null || buildDate == null || !List.of(searchResults.columns())
        .containsAll(List.of(SearchResults.MEASURED_SPLIT, SearchResults.BASELINE_MEASURED_TOP1))) {
      return "";
    }
    List<Row> budgets = searchResults
        .where(col(SearchResults.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
            .and(col(SearchResults.MEASURED_SPLIT).equalTo(FoundEvaluation.SPLIT)))
        .groupBy(SearchResults.SPACE, SearchResults.BUDGET)
        // the struct orders by measured top-1 first: the best find, with its own prediction
        .agg(max(struct(col(SearchResults.MEASURED_TOP1), col(SearchResults.PREDICTED_TOP1))),
            count(col(SearchResults.MEASURED_TOP1)), max(SearchResults.BASELINE_MEASURED_TOP1),
            count(col(SearchResults.BASELINE_MEASURED_TOP1)))
        .orderBy(SearchResults.SPACE, SearchResults.BUDGET).collectAsList();
    if (budgets.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (Row r : budgets) {
      Row best = r.getStruct(2);
      String found = r.getLong(3) == 0 ? "no find measured"
          : String.format(Locale.ROOT, "best of %d found %.4f (predicted %.4f)", r.getLong(3),
              best.getDouble(0), best.getDouble(1));
      String random = r.getLong(5) == 0 ? "no random draw measured"
          : String.format(Locale.ROOT, "best of %d drawn at random under the same budget %.4f",
              r.getLong(5), r.getDouble(4));
      parts.add(String.format(Locale.ROOT, "%s `%s`: %s, %s", r.getString(0), r.getString(1),
          found, random));
    }
    return String.format(Locale.ROOT, "- Search on %s, top-1 on split %s (`search_results`): %s.%n",
        buildDate, FoundEvaluation.SPLIT, String.join("; ", parts));
  }

  /**
   * Which of the release's nights have gate metrics: a night's metrics are recorded only when it
   * passed the gates.
   */
  static String gates(Dataset<Row> measurements, Dataset<Row> qualityMetrics) {
    TreeSet<String> nights = values(measurements, Measurements.BUILD_DATE);
    TreeSet<String> gated = qualityMetrics == null ? new TreeSet<>()
        : values(qualityMetrics, QualityMetrics.BUILD_DATE);
    TreeSet<String> without = new TreeSet<>(nights);
    without.removeAll(gated);
    return String.format(Locale.ROOT, "- Quality gates: %d of %d nights with measurements have"
            + " passing metrics in `atlas.quality_metrics`%s.%n", nights.size() - without.size(),
        nights.size(), without.isEmpty() ? "" : "; not gated: " + String.join(", ", without));
  }

  private static String range(Row counts) {
    if (counts.isNullAt(2)) {
      return "an unrecorded number of";
    }
    return counts.get(2).equals(counts.get(3)) ? String.valueOf(counts.get(2))
        : counts.get(2) + " to " + counts.get(3);
  }

  private static String distinct(Dataset<Row> rows, String column) {
    TreeSet<String> v = values(rows, column);
    return v.isEmpty() ? "none" : String.join(", ", v);
  }

  private static TreeSet<String> values(Dataset<Row> rows, String column) {
    TreeSet<String> out = new TreeSet<>();
    List<Row> found = rows.select(col(column)).distinct().collectAsList();
    for (Row r : found) {
      if (!r.isNullAt(0)) {
        out.add(String.valueOf(r.get(0)));
      }
    }
    return out;
  }
}
