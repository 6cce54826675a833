package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.MeasurementTables.LatencyLut;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.measurement.BlockKey;
import org.subnetatlas.udfs.measurement.EstimatedEnergy;
import org.subnetatlas.udfs.measurement.ExclusiveMeasurement;
import org.subnetatlas.udfs.measurement.Forward;
import org.subnetatlas.udfs.measurement.LatencyMeter;
import org.subnetatlas.udfs.measurement.LatencyProtocol;
import org.subnetatlas.udfs.measurement.LatencyStats;
import org.subnetatlas.udfs.measurement.MbTiming;
import org.subnetatlas.udfs.measurement.ReferenceNet;

/**
 * Measures every lookup-table block of a space (stem, each MBConv variant, head) with one
 * protocol, each paired round by round with the {@link ReferenceNet}, in one exclusive section
 * per executor. Input: rows with {@code checkpoint_uri} (the
 * first is used: blocks of one space time the same whatever the weights); output:
 * {@link #RESULT_SCHEMA}.
 */
public final class LatencyLutBuild extends PartitionTask {

  private static final long serialVersionUID = 1L;

  public static final StructType RESULT_SCHEMA = new StructType()
      .add(LatencyLut.SPACE, StringType, false)
      .add(LatencyLut.SPACE_VERSION, StringType, false)
      .add(LatencyLut.LUT_KEY, StringType, false)
      .add(LatencyLut.BATCH_SIZE, IntegerType, false)
      .add(LatencyLut.DEVICE_ID, StringType, false)
      .add(LatencyLut.BUILD_DATE, DateType, false)
      .add(LatencyLut.COUNT, IntegerType, false)
      .add(LatencyLut.MEAN_MS, DoubleType, false)
      .add(LatencyLut.VARIANCE_MS2, DoubleType, false)
      .add(LatencyLut.P50_MS, DoubleType, false)
      .add(LatencyLut.WARMUP, IntegerType, false)
      .add(LatencyLut.INTRA_OP_THREADS, IntegerType, false)
      .add(LatencyLut.RUN_ID, StringType, false)
      .add(LatencyLut.REL, DoubleType, false)
      .add(LatencyLut.REFERENCE_P50_MS, DoubleType, false)
      .add(LatencyLut.LATENCY_REFERENCE, StringType, false)
      .add(DeviceRows.COLUMN, DeviceRows.SCHEMA, false);

  private final LatencyProtocol protocol;
  private final RunStamp run;

  public LatencyLutBuild(String spaceName, LatencyProtocol protocol, String device, RunStamp run) {
    super(spaceName, device, null);
    this.protocol = protocol;
    this.run = run;
  }

  @Override
  protected List<Row> partition(Iterator<Row> rows) {
    String checkpoint = rows.next().getAs(SubnetMeasurement.CHECKPOINT_URI);
    MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
    TrainedSupernet supernet = ExecutorCache.supernet(spaceName, checkpoint);
    DeviceFingerprint fp = DeviceFingerprint.local();
    Row deviceRow = DeviceRows.of(fp);
    // energy is not stored per block; the meter still needs a source
    LatencyMeter meter = new LatencyMeter(new EstimatedEnergy(1));
    return ExclusiveMeasurement.run(() -> {
      List<Row> out = new ArrayList<>();
      try (MbTiming timing = new MbTiming(supernet.net(), supernet.manager());
          ReferenceNet reference = new ReferenceNet(supernet.manager())) {
        // blocks paired with the reference like whole sub-networks, so relative figures add up
        Forward ref = reference.forward(protocol.batchSize());
        var h = meter.measurePaired(protocol, timing.harness(), ref, ReferenceNet.id());
        out.add(row(space, LatencyLut.HARNESS_KEY, fp, h, deviceRow));
        for (BlockKey key : MbTiming.allBlocks(space.spec())) {
          var s = meter.measurePaired(protocol, timing.block(key, protocol.batchSize()), ref,
              ReferenceNet.id());
          out.add(row(space, key.id(), fp, s, deviceRow));
        }
      }
      return out;
    });
  }

  private Row row(MbConvSpace space, String key, DeviceFingerprint fp, LatencyMeter.Result r,
      Row deviceRow) {
    LatencyStats s = r.stats();
    return RowBuilder.of(RESULT_SCHEMA)
        .set(LatencyLut.SPACE, space.name())
        .set(LatencyLut.SPACE_VERSION, space.version())
        .set(LatencyLut.LUT_KEY, key)
        .set(LatencyLut.BATCH_SIZE, protocol.batchSize())
        .set(LatencyLut.DEVICE_ID, fp.deviceId())
        .set(LatencyLut.BUILD_DATE, run.buildDate())
        .set(LatencyLut.COUNT, s.samples())
        .set(LatencyLut.MEAN_MS, s.meanMs())
        .set(LatencyLut.VARIANCE_MS2, s.stdMs() * s.stdMs())
        .set(LatencyLut.P50_MS, s.p50Ms())
        .set(LatencyLut.WARMUP, protocol.warmup())
        .set(LatencyLut.INTRA_OP_THREADS, protocol.intraOpThreads())
        .set(LatencyLut.RUN_ID, run.runId())
        .set(LatencyLut.REL, r.relative().rel())
        .set(LatencyLut.REFERENCE_P50_MS, r.relative().reference().p50Ms())
        .set(LatencyLut.LATENCY_REFERENCE, r.relative().referenceId())
        .set(DeviceRows.COLUMN, deviceRow)
        .build();
  }
}
