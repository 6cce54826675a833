package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.LatencyLut;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.TrainedStitches;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.measurement.LatencyProtocol;
import org.subnetatlas.udfs.measurement.MbTiming;
import org.subnetatlas.udfs.measurement.MeasureSettings;
import org.subnetatlas.udfs.measurement.MemoryModel;
import org.subnetatlas.udfs.measurement.ReferenceNet;
import org.subnetatlas.udfs.measurement.StitchTiming;
import org.subnetatlas.udfs.training.StitchFamily;

/** Partition functions on plain rows, without a Spark session: schemas, rows by name, counting. */
class PartitionFunctionsTest {

  private static final MbConvSpace SPACE = (MbConvSpace) Spaces.get("mbv3-tiny");
  private static final StructType INPUT = new StructType()
      .add(Architectures.ARCH_ID, StringType, false)
      .add(Architectures.ENCODING, StringType, false);
  private static final StructType MEASURE_INPUT = new StructType()
      .add(Architectures.ARCH_ID, StringType, false)
      .add(Architectures.ENCODING, StringType, false)
      .add(Architectures.PARAMS, LongType, false)
      .add(Measurements.SUPERNET_ID, StringType, false)
      .add(Measurements.DATASET, StringType, false)
      .add(Measurements.SPLIT, StringType, false)
      .add(SubnetMeasurement.CHECKPOINT_URI, StringType, false);

  @Test
  void resultSchemasKeepTheirColumnsInOrder() {
    assertEquals(List.of(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
        Measurements.SPLIT, Measurements.DEVICE_ID, Measurements.TOP1, Measurements.TOP5,
        Measurements.LOSS, Measurements.N_IMAGES, Measurements.BN_RECALIBRATED,
        Measurements.RECALIBRATION_IMAGES, Measurements.EVAL_SECONDS, Measurements.RUN_ID,
        Measurements.MEASURED_AT, Measurements.BUILD_DATE, DeviceRows.COLUMN),
        List.of(SubnetEvaluation.RESULT_SCHEMA.fieldNames()));
    for (StructField f : SubnetEvaluation.RESULT_SCHEMA.fields()) {
      assertEquals(f.name().equals(Measurements.RECALIBRATION_IMAGES), f.nullable(), f.name());
    }
    assertEquals(TimestampType, SubnetEvaluation.RESULT_SCHEMA.apply(Measurements.MEASURED_AT).dataType());
    assertEquals(DeviceRows.SCHEMA, SubnetEvaluation.RESULT_SCHEMA.apply(DeviceRows.COLUMN).dataType());
    List<String> training = List.of(Supernets.TRAIN_SECONDS, Supernets.EPOCHS,
        Supernets.PHASE_LOSSES, Supernets.FINAL_LOSS, Supernets.SKIPPED_STEPS, Supernets.TRAIN_IMAGES);
    assertEquals(training, List.of(StitchTraining.RESULT_SCHEMA.fieldNames()).subList(0, 6));
    assertEquals(List.of(StitchTraining.REUSED, StitchTraining.EVALUATIONS, DeviceRows.COLUMN),
        List.of(StitchTraining.RESULT_SCHEMA.fieldNames()).subList(6, 9));
    List<String> supernet = new java.util.ArrayList<>(training);
    supernet.add(DeviceRows.COLUMN);
    assertEquals(supernet, List.of(SupernetTraining.RESULT_SCHEMA.fieldNames()));
    assertEquals(LongType, SupernetTraining.RESULT_SCHEMA.apply(Supernets.TRAIN_IMAGES).dataType());
    assertTrue(SupernetTraining.RESULT_SCHEMA.apply(Supernets.FINAL_LOSS).nullable());
    List<String> measured = List.of(SubnetMeasurement.RESULT_SCHEMA.fieldNames());
    assertEquals(List.of(Measurements.ARCH_ID, Measurements.SUPERNET_ID, Measurements.DATASET,
        Measurements.SPLIT, Measurements.DEVICE_ID, Measurements.LATENCY_P50_MS),
        measured.subList(0, 6));
    assertEquals(List.of(Measurements.MEASURE_ENDED_AT, Measurements.RUN_ID, Measurements.MEASURED_AT,
        Measurements.BUILD_DATE, DeviceRows.COLUMN), measured.subList(measured.size() - 5, measured.size()));
  }

  /** An untrained supernet of the space saved under {@code dir}: real weights to run, no training. */
  private static Path untrainedCheckpoint(Path dir) throws Exception {
    Path checkpoint = dir.resolve("s.ckpt");
    try (TrainedSupernet s = TrainedSupernet.untrained(SPACE.spec(), 3);
        OutputStream out = Files.newOutputStream(checkpoint)) {
      s.save(out);
    }
    return checkpoint;
  }

  @Test
  void evaluationMapsEachRowByNameAndCountsIt(@TempDir Path dir) throws Exception {
    Path checkpoint = untrainedCheckpoint(dir);
    EvalConfig eval = new EvalConfig(64, 50, 50, true, "auto");
    LongAccumulator done = new LongAccumulator();
    SubnetEvaluation f = new SubnetEvaluation(SPACE.name(), checkpoint.toUri().toString(),
        "../data/fashion-mnist", "sn-1", eval, 1, new RunStamp("run-1", Date.valueOf("2026-12-07")), done);
    assertFalse(f.call(List.<Row>of().iterator()).hasNext());
    assertEquals(0, done.value());

    MbArch a = SPACE.sample(new SplittableRandom(1));
    MbArch b = SPACE.sample(new SplittableRandom(2));
    Iterator<Row> out = f.call(List.of(input("a", a), input("b", b)).iterator());
    Row first = out.next();
    Row second = out.next();
    assertFalse(out.hasNext());
    assertEquals(2, done.value());
    assertEquals(SubnetEvaluation.RESULT_SCHEMA, first.schema());
    assertEquals("a", (String) first.getAs(Measurements.ARCH_ID));
    assertEquals("b", (String) second.getAs(Measurements.ARCH_ID));
    assertEquals("sn-1", (String) first.getAs(Measurements.SUPERNET_ID));
    assertEquals(SubnetEvaluation.DATASET, (String) first.getAs(Measurements.DATASET));
    assertEquals(SubnetEvaluation.SPLIT, (String) first.getAs(Measurements.SPLIT));
    assertEquals(50, (int) first.getAs(Measurements.N_IMAGES));
    assertTrue((Boolean) first.getAs(Measurements.BN_RECALIBRATED));
    assertEquals(64, (int) first.getAs(Measurements.RECALIBRATION_IMAGES));
    double top1 = first.getAs(Measurements.TOP1);
    assertTrue(top1 >= 0 && top1 <= 1, "top1 " + top1);
    assertEquals("run-1", (String) first.getAs(Measurements.RUN_ID));
    assertEquals(Date.valueOf("2026-12-07"), (Date) first.getAs(Measurements.BUILD_DATE));
    Row device = first.getAs(DeviceRows.COLUMN);
    assertEquals((String) first.getAs(Measurements.DEVICE_ID), (String) device.getAs("device_id"));
  }

  @Test
  void measurementPairsEachSubnetworkWithTheReferenceAndRemeasuresDispersedOnes(@TempDir Path dir)
      throws Exception {
    Path checkpoint = untrainedCheckpoint(dir);
    List<Row> inputs = List.of(
        measureInput("a", SPACE.sample(new SplittableRandom(1)), checkpoint),
        measureInput("b", SPACE.sample(new SplittableRandom(2)), checkpoint));
    RunStamp run = new RunStamp("run-1", Date.valueOf("2026-12-07"));
    LatencyProtocol protocol = new LatencyProtocol(2, 10, 1, 1);

    LongAccumulator done = new LongAccumulator();
    // a loose bound: nothing is re-measured
    List<Row> loose = rows(new SubnetMeasurement(SPACE.name(),
        new MeasureSettings(protocol, 2, "estimated", 15, "cpu", 1, 10.0), run, done)
        .call(inputs.iterator()));
    assertEquals(2, loose.size());
    assertEquals(2, done.value());
    for (Row r : loose) {
      assertEquals(SubnetMeasurement.RESULT_SCHEMA, r.schema());
      assertRelativeColumnsSet(r);
      assertFalse((Boolean) r.getAs(Measurements.LATENCY_REMEASURED));
      assertFalse((Boolean) r.getAs(Measurements.LATENCY_REL_FLAGGED));
    }
    assertEquals("a", (String) loose.get(0).getAs(Measurements.ARCH_ID));
    assertEquals("b", (String) loose.get(1).getAs(Measurements.ARCH_ID));

    // a bound of 0: every first try is too dispersed, so each is measured again and kept
    LongAccumulator again = new LongAccumulator();
    List<Row> strict = rows(new SubnetMeasurement(SPACE.name(),
        new MeasureSettings(protocol, 2, "estimated", 15, "cpu", 1, 0.0), run, again)
        .call(inputs.iterator()));
    assertEquals(2, again.value(), "a re-measure is not another sub-network done");
    for (Row r : strict) {
      assertRelativeColumnsSet(r);
      assertTrue((Boolean) r.getAs(Measurements.LATENCY_REMEASURED));
      double mad = r.getAs(Measurements.LATENCY_REL_MAD);
      assertEquals(mad > 0, (Boolean) r.getAs(Measurements.LATENCY_REL_FLAGGED));
    }
  }

  @Test
  void stitchedConfigurationsAreMeasuredByTheSameProtocolAndReference(@TempDir Path dir)
      throws Exception {
    StitchedSpace space = (StitchedSpace) Spaces.get("vit-tiny-family");
    Path checkpoint = dir.resolve("f.ckpt");
    StitchFamily family = new StitchFamily(space);
    NDManager owned = family.newManager();
    try (TrainedStitches untrained = family.trained(family.initialize(owned, 3), List.of(), 0, 0,
        owned); OutputStream out = Files.newOutputStream(checkpoint)) {
      untrained.save(out);
    }
    StitchArch anchor = space.configs().stream().filter(StitchArch::isAnchor).findFirst()
        .orElseThrow();
    StitchArch stitch = space.configs().stream().filter(a -> !a.isAnchor()).findFirst()
        .orElseThrow();
    List<Row> inputs = List.of(stitchInput(space, anchor, checkpoint),
        stitchInput(space, stitch, checkpoint));
    LatencyProtocol protocol = new LatencyProtocol(2, 10, 1, 1);
    LongAccumulator done = new LongAccumulator();
    List<Row> out = rows(new SubnetMeasurement(space.name(),
        new MeasureSettings(protocol, 2, "estimated", 15, "cpu", 1, 10.0),
        new RunStamp("run-1", Date.valueOf("2026-12-07")), done).call(inputs.iterator()));
    assertEquals(2, done.value());
    for (int i = 0; i < 2; i++) {
      Row r = out.get(i);
      StitchArch arch = i == 0 ? anchor : stitch;
      assertEquals(SubnetMeasurement.RESULT_SCHEMA, r.schema());
      assertEquals(space.archId(arch), (String) r.getAs(Measurements.ARCH_ID));
      assertEquals(StitchTiming.TIMED, (String) r.getAs(Measurements.LATENCY_TIMED));
      assertRelativeColumnsSet(r);
      assertEquals(10, (int) r.getAs(Measurements.LATENCY_REPEATS));
      assertEquals(2, (int) r.getAs(Measurements.THROUGHPUT_BATCH_SIZE));
      assertEquals(MemoryModel.peakBytes(space.spec(), arch, space.cost(arch).params(), 1),
          (long) r.getAs(Measurements.PEAK_MEMORY_BYTES));
    }
  }

  private static Row stitchInput(StitchedSpace space, StitchArch arch, Path checkpoint) {
    return RowBuilder.of(MEASURE_INPUT).set(Architectures.ARCH_ID, space.archId(arch))
        .set(Architectures.ENCODING, space.canonical(arch))
        .set(Architectures.PARAMS, space.cost(arch).params())
        .set(Measurements.SUPERNET_ID, "family-1")
        .set(Measurements.DATASET, SubnetEvaluation.DATASET)
        .set(Measurements.SPLIT, SubnetEvaluation.SPLIT)
        .set(SubnetMeasurement.CHECKPOINT_URI, checkpoint.toUri().toString()).build();
  }

  @Test
  void theLookupTablePairsEveryBlockWithTheReference(@TempDir Path dir) throws Exception {
    Path checkpoint = untrainedCheckpoint(dir);
    LatencyLutBuild f = new LatencyLutBuild(SPACE.name(), new LatencyProtocol(1, 3, 1, 1), "cpu",
        new RunStamp("run-1", Date.valueOf("2026-12-07")));
    List<Row> blocks = rows(f.call(List.of(measureInput("a", SPACE.smallest(), checkpoint))
        .iterator()));
    assertEquals(MbTiming.allBlocks(SPACE.spec()).size() + 1, blocks.size());
    for (Row b : blocks) {
      String key = b.getAs(LatencyLut.LUT_KEY);
      double rel = b.getAs(LatencyLut.REL);
      double ref = b.getAs(LatencyLut.REFERENCE_P50_MS);
      assertTrue(rel > 0 && Double.isFinite(rel), key + " rel " + rel);
      assertTrue(ref > 0, key + " reference p50 " + ref);
      assertEquals(ReferenceNet.id(), (String) b.getAs(LatencyLut.LATENCY_REFERENCE));
    }
  }

  private static void assertRelativeColumnsSet(Row r) {
    for (String c : List.of(Measurements.LATENCY_P50_MS, Measurements.LATENCY_REL,
        Measurements.REFERENCE_P50_MS, Measurements.ENERGY_MJ)) {
      double v = r.getAs(c);
      assertTrue(v > 0, c + " = " + v);
    }
    double mad = r.getAs(Measurements.LATENCY_REL_MAD);
    assertTrue(mad >= 0 && Double.isFinite(mad), "latency_rel_mad = " + mad);
    assertEquals(ReferenceNet.id(), (String) r.getAs(Measurements.LATENCY_REFERENCE));
    assertFalse(r.isNullAt(r.fieldIndex(Measurements.LATENCY_REL_FLAGGED)));
    assertFalse(r.isNullAt(r.fieldIndex(Measurements.LATENCY_REMEASURED)));
  }

  private static List<Row> rows(Iterator<Row> it) {
    List<Row> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static Row measureInput(String id, MbArch arch, Path checkpoint) {
    return RowBuilder.of(MEASURE_INPUT).set(Architectures.ARCH_ID, id)
        .set(Architectures.ENCODING, SPACE.canonical(arch))
        .set(Architectures.PARAMS, 1000L)
        .set(Measurements.SUPERNET_ID, "sn-1")
        .set(Measurements.DATASET, SubnetEvaluation.DATASET)
        .set(Measurements.SPLIT, SubnetEvaluation.SPLIT)
        .set(SubnetMeasurement.CHECKPOINT_URI, checkpoint.toUri().toString()).build();
  }

  private static Row input(String id, MbArch arch) {
    return RowBuilder.of(INPUT).set(Architectures.ARCH_ID, id)
        .set(Architectures.ENCODING, SPACE.canonical(arch)).build();
  }
}
