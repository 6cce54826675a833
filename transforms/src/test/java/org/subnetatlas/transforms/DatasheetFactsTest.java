package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.PredictorTables.SearchResults;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.transforms.search.FoundEvaluation;

/** The datasheet's search line, read from search_results rows. */
class DatasheetFactsTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.parse("2026-11-29");

  private static Row result(LocalDate date, String space, String budget, int rank,
      double predicted, Double measured, String split, Double baselinePredicted,
      Double baselineMeasured) {
    return RowBuilder.of(SearchResults.TABLE.schema())
        .set(SearchResults.BUILD_DATE, Date.valueOf(date)).set(SearchResults.SPACE, space)
        .set(SearchResults.BUDGET, budget).set(SearchResults.RANK, rank)
        .set(SearchResults.ARCH_ID, "a" + rank).set(SearchResults.ENCODING, "{}")
        .set(SearchResults.MACS, 1L).set(SearchResults.PARAMS, 1L)
        .set(SearchResults.PREDICTOR_MODEL, "p").set(SearchResults.PREDICTED_TOP1, predicted)
        .set(SearchResults.MEASURED_TOP1, measured).set(SearchResults.SEARCH_CONFIG, "{}")
        .set(SearchResults.RUN_ID, "run").set(SearchResults.MEASURED_SPLIT, split)
        .set(SearchResults.BASELINE_ARCH_ID, baselineMeasured == null ? null : "b" + rank)
        .set(SearchResults.BASELINE_PREDICTED_TOP1, baselinePredicted)
        .set(SearchResults.BASELINE_MEASURED_TOP1, baselineMeasured).build();
  }

  private static Dataset<Row> frame(List<Row> rows) {
    return spark.createDataFrame(rows, SearchResults.TABLE.schema());
  }

  @Test
  void theSearchLineSetsTheBestFindBesideTheBestRandomDrawOfTheDate() {
    String test = FoundEvaluation.SPLIT;
    List<Row> rows = new ArrayList<>(List.of(
        // the best find by measured top-1 is rank 2, which the predictor ranked lower
        result(DAY, "mbv3-tiny", "macs<=100", 1, 0.90, 0.80, test, 0.70, 0.78),
        result(DAY, "mbv3-tiny", "macs<=100", 2, 0.85, 0.82, test, 0.60, 0.75),
        // here the random draw beats the find, and the line says so
        result(DAY, "mbv3-tiny", "macs<=200", 1, 0.88, 0.84, test, 0.80, 0.86),
        // another night, and a row measured before the test split was used
        result(DAY.minusDays(1), "mbv3-tiny", "macs<=100", 1, 0.99, 0.99, test, 0.99, 0.99),
        result(DAY, "older-space", "macs<=100", 1, 0.95, 0.95, null, null, null)));
    assertEquals("- Search on 2026-11-29, top-1 on split test (`search_results`): mbv3-tiny"
            + " `macs<=100`: best of 2 found 0.8200 (predicted 0.8500), best of 2 drawn at random"
            + " under the same budget 0.7800; mbv3-tiny `macs<=200`: best of 1 found 0.8400"
            + " (predicted 0.8800), best of 1 drawn at random under the same budget 0.8600."
            + System.lineSeparator(),
        DatasheetFacts.search(frame(rows), DAY));
  }

  @Test
  void noSearchLineWithoutTestSplitResultsForTheDate() {
    List<Row> rows = List.of(
        result(DAY, "mbv3-tiny", "macs<=100", 1, 0.90, 0.80, FoundEvaluation.SPLIT, 0.7, 0.78),
        result(DAY.plusDays(1), "mbv3-tiny", "macs<=100", 1, 0.9, 0.8, null, null, null));
    assertEquals("", DatasheetFacts.search(frame(rows), DAY.plusDays(1)), "valid-split rows only");
    assertEquals("", DatasheetFacts.search(frame(rows), DAY.plusDays(2)), "search did not run");
    assertEquals("", DatasheetFacts.search(frame(rows), null), "a release without a date");
    assertEquals("", DatasheetFacts.search(null, DAY), "no search_results table");
    // a release pinned before the columns existed
    assertEquals("", DatasheetFacts.search(frame(rows).drop(SearchResults.MEASURED_SPLIT,
        SearchResults.BASELINE_ARCH_ID, SearchResults.BASELINE_MACS,
        SearchResults.BASELINE_PREDICTED_TOP1, SearchResults.BASELINE_MEASURED_TOP1), DAY));
  }
}
