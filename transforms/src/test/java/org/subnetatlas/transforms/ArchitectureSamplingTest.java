package org.subnetatlas.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.subnetatlas.spaces.Samplers;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;

class ArchitectureSamplingTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 30);

  private static List<Object[]> idsAndIndexes(Dataset<Row> draws) {
    return rowsToJava(draws.select("sample_index", "arch_id", "macs").orderBy("sample_index")
        .collectAsList());
  }

  @Test
  void theSampleDoesNotDependOnPartitioning() {
    assertRows("1 vs 3 partitions",
        idsAndIndexes(ArchitectureSampling.draws(spark, "mbv3-tiny", "uniform", 7, 50, 1, DAY)),
        idsAndIndexes(ArchitectureSampling.draws(spark, "mbv3-tiny", "uniform", 7, 50, 3, DAY)));
  }

  @Test
  void anotherSeedGivesAnotherSample() {
    assertNotEquals(
        ArchitectureSampling.draws(spark, "mbv3-tiny", "uniform", 1, 20, 2, DAY)
            .select("arch_id").collectAsList(),
        ArchitectureSampling.draws(spark, "mbv3-tiny", "uniform", 2, 20, 2, DAY)
            .select("arch_id").collectAsList());
  }

  @Test
  void drawsStartWithTheExtremesAndCarryTheirCost() {
    SearchSpace space = Spaces.get("ofa-mbv3");
    List<Row> rows = ArchitectureSampling.draws(spark, "ofa-mbv3", "uniform", 3, 5, 2, DAY)
        .orderBy("sample_index").collectAsList();
    assertEquals(space.archId(space.largest()), rows.get(0).getAs("arch_id"));
    assertEquals(space.archId(space.smallest()), rows.get(1).getAs("arch_id"));
    assertEquals(566170688L, (long) rows.get(0).getAs("macs"));
    assertEquals(41476224L, (long) rows.get(1).getAs("macs"));
    for (Row r : rows) {
      assertEquals("ofa-mbv3", r.getAs("space"));
      assertEquals(space.archId(space.parse(r.getAs("encoding"))), r.getAs("arch_id"));
      assertEquals(java.sql.Date.valueOf(DAY), r.getAs("first_seen_date"));
    }
  }

  @Test
  void stratifiedSamplingCoversTheMacRangeEvenly() {
    SearchSpace space = Spaces.get("mbv3-tiny");
    long lo = space.cost(space.smallest()).macs();
    long hi = space.cost(space.largest()).macs();
    int strata = Samplers.STRATA;
    List<Row> rows = ArchitectureSampling.draws(spark, "mbv3-tiny", "stratified", 11, 202, 2, DAY)
        .collectAsList();
    int[] perBin = new int[strata];
    for (Row r : rows) {
      perBin[Samplers.macsBin(r.getAs("macs"), lo, hi, strata)]++;
    }
    for (int b = 0; b < strata; b++) {
      assertTrue(perBin[b] >= 10, "MAC bin " + b + " got " + perBin[b] + " of 202 draws");
    }
  }

  @Test
  void distinctArchitecturesKeepsTheEarliestDrawOfEachArch() {
    Dataset<Row> draws = ArchitectureSampling.draws(spark, "mbv3-tiny", "uniform", 5, 10, 2, DAY);
    Dataset<Row> doubled = draws.union(draws.withColumn("sample_index",
        draws.col("sample_index").plus(100)));
    List<Row> distinct = ArchitectureSampling.distinctArchitectures(doubled).collectAsList();
    assertEquals(10, distinct.size());
    Set<Integer> indexes = new HashSet<>();
    distinct.forEach(r -> indexes.add(r.getAs("sample_index")));
    assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), indexes);
  }

  @Test
  void anUnknownSamplerOrSpaceIsRefusedOnTheDriver() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ArchitectureSampling.draws(spark, "mbv3-tiny", "random", 1, 10, 1, DAY));
    assertEquals("unknown sampler \"random\"; known samplers: uniform, stratified", e.getMessage());
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
        () -> ArchitectureSampling.draws(spark, "nope", "uniform", 1, 10, 1, DAY));
    assertTrue(e2.getMessage().startsWith("unknown space \"nope\""), e2.getMessage());
  }
}
