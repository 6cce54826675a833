package org.subnetatlas.transforms;

import org.subnetatlas.udfs.prediction.PredictorModels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class PredictorModelsTest extends SparkTestBase {

  @Test
  void manyGbtIterationsFitWithScratchCheckpointsThatAreRemovedAfterwards() {
    Random rnd = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double a = rnd.nextDouble();
      double b = rnd.nextDouble();
      rows.add(PredictorModels.row("arch" + i, a * a + 0.5 * b, new double[] {a, b}));
    }
    Path dir = warehouse.resolve("_spark-checkpoints/run-1");
    GBTRegressionModel model;
    try (PredictorModels.ScratchCheckpoints checkpoints =
        PredictorModels.ScratchCheckpoints.open(spark, dir.toUri().toString())) {
      assertTrue(spark.sparkContext().getCheckpointDir().isDefined());
      assertTrue(Files.isDirectory(dir), "checkpoint directory created");
      // 300 iterations overflowed the driver's stack in task serialisation without checkpoints
      model = (GBTRegressionModel) PredictorModels.fit(PredictorModels.Kind.GBT,
          PredictorModels.frame(spark, rows), new PredictorModels.Settings(300, 2, 10, 7));
      assertEquals(dir.toUri().toString().replaceAll("/$", ""),
          checkpoints.owned().toUri().toString().replaceAll("/$", ""));
    }
    assertEquals(300, model.getNumTrees());
    assertFalse(Files.exists(dir), "checkpoint directory removed");
    assertTrue(spark.sparkContext().getCheckpointDir().isEmpty(), "context has none again");

    spark.sparkContext().setCheckpointDir(warehouse.resolve("app-checkpoints").toString());
    try (PredictorModels.ScratchCheckpoints checkpoints =
        PredictorModels.ScratchCheckpoints.open(spark, dir.toUri().toString())) {
      assertNull(checkpoints.owned(), "the application's own directory is used and kept");
    } finally {
      spark.sparkContext().setCheckpointDir(null);
    }
    assertTrue(Files.isDirectory(warehouse.resolve("app-checkpoints")));
  }
}
