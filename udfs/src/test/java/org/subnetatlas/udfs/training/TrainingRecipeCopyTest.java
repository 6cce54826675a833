package org.subnetatlas.udfs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The recipes' withX copies: one component changed, every other kept, checks run on the copy. */
class TrainingRecipeCopyTest {

  @Test
  void stitchConfigCopiesChangeOnlyTheirComponents() {
    StitchConfig d = StitchConfig.defaults();
    assertEquals(new StitchConfig(5, 7, 96, 3e-3, 1e-3, 0.05, 20, 0.1, true, 100, 1e-4, 6000, 1, 42L),
        d.withEpochs(5, 7));
    assertEquals(new StitchConfig(3, 3, 32, 2e-3, 4e-4, 0.05, 20, 0.1, false, 100, 0.5, 600, 4, 9L),
        d.withBatchSize(32).withLearningRates(2e-3, 4e-4).withLeastSquaresInit(false).withRidge(0.5)
            .withMaxTrainImages(600).withThreads(4).withSeed(9));
  }

  @Test
  void supernetConfigCopiesChangeOnlyTheirComponents() {
    SupernetConfig d = SupernetConfig.defaults();
    SupernetConfig c = d.withBatchSize(64).withSandwichRandom(3).withChannelsLast(false)
        .withMaxTrainImages(500).withSeed(7).withEpochs(1, 0, 0, 2);
    assertEquals(new SupernetConfig(
        List.of(new SupernetConfig.Phase("largest", 1, 0.1), new SupernetConfig.Phase("kernel", 0, 0.03),
            new SupernetConfig.Phase("depth", 0, 0.03), new SupernetConfig.Phase("expand", 2, 0.03)),
        64, 3, 1.0, 0.1, 0.9, 4e-5, 5.0, 50, 500, true, false, 2, 7L), c);
  }

  @Test
  void aCopyIsCheckedLikeANewRecipe() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StitchConfig.defaults().withEpochs(-1, -2));
    assertTrue(e.getMessage().startsWith("bad stitch config: "), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SupernetConfig.defaults().withBatchSize(1));
  }
}
