package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.settings.PredictorKeys;
import org.subnetatlas.jobs.CliTest.Result;

/** Help and bad settings of the predictor, search and standalone commands (no Spark session). */
class PredictorCliTest {

  @Test
  void everyNewCommandHasHelp() {
    for (String cmd : List.of("train-predictor", "search", "train-standalone")) {
      Result r = CliTest.run("", cmd, "--help");
      assertEquals(0, r.exit(), cmd + ": " + r.err());
      assertTrue(r.out().contains("Usage: atlas " + cmd), cmd + ": " + r.out());
    }
  }

  @Test
  void badSettingsExitTwoWithAOneLineMessage() {
    Result models = CliTest.run("", "train-predictor", "--models", "gbt,svm");
    assertEquals(2, models.exit());
    assertEquals("train-predictor: error: spark.atlas.predictor.models: unknown predictor model "
        + "'svm' (expected gbt, random_forest, linear or mlp)", models.err().strip());

    for (String[] views : new String[][] {
        {"choices,graph", "unknown MLP view 'graph' (expected choices, pairs or crossed)"},
        {"pairs, pairs", "view 'pairs' is listed twice"}}) {
      System.setProperty(PredictorKeys.MLP_VIEWS.key(), views[0]);
      try {
        Result r = CliTest.run("", "train-predictor");
        assertEquals(2, r.exit(), r.err());
        assertEquals("train-predictor: error: spark.atlas.predictor.mlp-views: " + views[1],
            r.err().strip());
      } finally {
        System.clearProperty(PredictorKeys.MLP_VIEWS.key());
      }
    }

    Result budget = CliTest.run("", "search", "--macs-budget-fractions", "0.5,1.5");
    assertEquals(2, budget.exit());
    assertEquals("search: error: spark.atlas.search.macs-budget-fractions 1.5: must be in (0, 1]",
        budget.err().strip());

    Result count = CliTest.run("", "train-standalone", "--count", "1");
    assertEquals(2, count.exit());
    assertEquals("train-standalone: error: spark.atlas.standalone.count=1: must be between 3 and 100000",
        count.err().strip());
  }

  @Test
  void predictorAndSearchRunInTheNightlyBuildAfterEvaluate() {
    List<String> names = Stages.nightly().stream().map(Stage::name).toList();
    assertTrue(names.indexOf("train-predictor") > names.indexOf("evaluate"), names.toString());
    assertEquals(names.indexOf("train-predictor") + 1, names.indexOf("search"), names.toString());
  }
}
