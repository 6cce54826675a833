package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.PredictorTables.Standalone;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.MeasurementTables.LatencyLut;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.measurement.LatencyLookupTable;
import org.subnetatlas.transforms.measurement.LutFit;
import org.subnetatlas.transforms.sampling.NightlySample;
import org.subnetatlas.transforms.training.GroundTruthTrainings;
import org.subnetatlas.transforms.training.GroundTruthTrainings.RankAgreement;
import org.subnetatlas.transforms.training.TrainedModels.ModelIdentity;
import org.subnetatlas.udfs.measurement.BlockKey;
import org.subnetatlas.udfs.measurement.MbTiming;
import org.subnetatlas.udfs.spark.StandaloneTraining;

/** The stage transforms' driver-side arithmetic, without a Spark session. */
class StageArithmeticTest {

  private static final LocalDate DAY = LocalDate.parse("2026-11-30");
  private static final StructType ID = new StructType().add("i", DataTypes.IntegerType);

  @Test
  void groundTruthPicksEvenlySpacedSubNetworksFromSmallestToLargest() {
    List<Row> sorted = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sorted.add(RowBuilder.of(ID).set("i", i).build());
    }
    assertEquals(List.of(0, 3, 6, 9), GroundTruthTrainings.evenlyOverMacs(sorted, 4).stream()
        .map(r -> r.getInt(0)).toList());
    assertEquals(List.of(0, 9), GroundTruthTrainings.evenlyOverMacs(sorted, 2).stream()
        .map(r -> r.getInt(0)).toList());
  }

  private static Row training(String arch, long seed, double top1) {
    return RowBuilder.of(StandaloneTraining.RESULT_SCHEMA).set(Standalone.ARCH_ID, arch)
        .set(Standalone.SEED, seed).set(Standalone.EPOCHS, 1).set(Standalone.TRAIN_IMAGES, 10)
        .set(Standalone.EPOCH_LOSS, List.of()).set(Standalone.EPOCH_TOP1, List.of())
        .set(Standalone.TOP1, top1).set(Standalone.N_IMAGES, 10)
        .set(Standalone.TRAIN_SECONDS, 1.0).build();
  }

  @Test
  void rankAgreementComparesInheritedTop1WithTheMeanOverSeeds() {
    // seed means 0.6, 0.7, 0.8 follow the inherited order; one seed alone (0.9 for a) would not
    List<Row> results = List.of(training("a", 1000, 0.3), training("a", 1001, 0.9),
        training("b", 1000, 0.7), training("b", 1001, 0.7),
        training("c", 1000, 0.8), training("c", 1001, 0.8));
    RankAgreement same = GroundTruthTrainings.agreement(results,
        Map.of("a", 0.1, "b", 0.2, "c", 0.3));
    assertEquals(3, same.subnets());
    assertEquals(1.0, same.kendallTau(), 1e-12);
    assertEquals(1.0, same.spearmanRho(), 1e-12);
    RankAgreement reversed = GroundTruthTrainings.agreement(results,
        Map.of("a", 0.3, "b", 0.2, "c", 0.1));
    assertEquals(-1.0, reversed.kendallTau(), 1e-12);
  }

  @Test
  void theLookupTableCalibratesOnATenthAndAtLeastFive() {
    assertEquals(5, LatencyLookupTable.calibrationSize(0, 30));
    assertEquals(10, LatencyLookupTable.calibrationSize(0, 100));
    assertEquals(11, LatencyLookupTable.calibrationSize(0, 101));
    assertEquals(3, LatencyLookupTable.calibrationSize(0, 3));
    assertEquals(7, LatencyLookupTable.calibrationSize(7, 100));
    assertEquals(4, LatencyLookupTable.calibrationSize(7, 4));
  }

  @Test
  void theMedianOfNoResidualsIsNoOverhead() {
    assertEquals(0.0, LatencyLookupTable.median(new double[0]));
    assertEquals(2.0, LatencyLookupTable.median(new double[] {3, 1, 2}));
    assertEquals(2.5, LatencyLookupTable.median(new double[] {4, 1, 3, 2}));
  }

  @Test
  void aFitInEitherUnitSkipsSubNetworksNotMeasuredInIt() {
    // NaN: no latency_rel on that row; it neither calibrates nor scores
    LutFit fit = LutFit.of(new double[] {10, Double.NaN, 12, 20, 22},
        new double[] {8, 8, 9, 18, 30}, 3);
    assertEquals(2, fit.calibrated());
    assertEquals(2.5, fit.overhead());
    assertEquals(List.of(10.5, 10.5, 11.5, 20.5, 32.5),
        java.util.Arrays.stream(fit.predictions()).boxed().toList());
    assertEquals(2, fit.scored());
    assertEquals(1, fit.within());
  }

  @Test
  void aSubNetworksPredictionSumsItsBlocksLessTheHarness() {
    MbConvSpace space = (MbConvSpace) Spaces.get("mbv3-tiny");
    String encoding = space.canonical(space.smallest());
    List<BlockKey> blocks = MbTiming.blocksOf(space.spec(), space.smallest());
    Map<String, Double> p50 = new java.util.HashMap<>();
    p50.put(LatencyLut.HARNESS_KEY, 0.25);
    for (BlockKey k : blocks) {
      p50.put(k.id(), 1.0);
    }
    double sum = LatencyLookupTable.blockSum(space, p50, encoding);
    assertEquals(0.75 * blocks.size(), sum, 1e-9);
    p50.remove(blocks.get(0).id());
    assertThrows(IllegalStateException.class,
        () -> LatencyLookupTable.blockSum(space, p50, encoding));
  }

  @Test
  void aModelsIdentityFollowsItsRecipeAndDate() {
    ModelIdentity a = ModelIdentity.of("mbv3-tiny", "1", "file:/data", "{}", "file:/w", DAY);
    assertEquals(a, ModelIdentity.of("mbv3-tiny", "1", "file:/data", "{}", "file:/w", DAY));
    assertNotEquals(a.id(), ModelIdentity.of("mbv3-tiny", "1", "file:/data", "{\"e\":1}",
        "file:/w", DAY).id());
    assertNotEquals(a.id(), ModelIdentity.of("mbv3-tiny", "1", "file:/data", "{}", "file:/w",
        DAY.plusDays(1)).id());
    assertEquals(64, a.id().length());
    assertTrue(a.checkpoint().startsWith("file:/w/") && a.checkpoint().contains(a.id()),
        a.checkpoint());
  }

  @Test
  void aNightsListIsReplacedForItsSpaceAndDateOnly() {
    assertEquals("build_date = DATE'2026-11-30' AND space = 'mbv3-tiny'",
        NightlySample.nightOf("mbv3-tiny", DAY));
  }
}
