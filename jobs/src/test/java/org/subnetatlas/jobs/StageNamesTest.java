package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A stage's name is its command's: the name its runs are recorded and logged under. */
class StageNamesTest {

  @Test
  void theNightlyStagesAreNamedAsTheirCommands() {
    assertEquals(List.of("sample", "train-supernet", "train-stitches", "evaluate", "measure",
            "validate", "train-predictor", "search", "release"),
        Stages.nightly().stream().map(Stage::name).toList());
    assertEquals("train-standalone", new TrainStandaloneJob().stage().name());
  }
}
