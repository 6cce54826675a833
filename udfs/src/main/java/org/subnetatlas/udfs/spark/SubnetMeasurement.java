package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.evaluation.TrainedStitches;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.measurement.EnergyMeter;
import org.subnetatlas.udfs.measurement.ExclusiveMeasurement;
import org.subnetatlas.udfs.measurement.Forward;
import org.subnetatlas.udfs.measurement.LatencyMeter;
import org.subnetatlas.udfs.measurement.LatencyStats;
import org.subnetatlas.udfs.measurement.MbTiming;
import org.subnetatlas.udfs.measurement.MeasureSettings;
import org.subnetatlas.udfs.measurement.ReferenceNet;
import org.subnetatlas.udfs.measurement.RelativeLatency;
import org.subnetatlas.udfs.measurement.StitchTiming;
import org.subnetatlas.udfs.measurement.TimedNetwork;

/**
 * Measures latency (batch 1 and a throughput batch), energy and memory of the sub-networks of one
 * space per partition, by one protocol whatever the family: the space's family only supplies the
 * network a row names, as a {@link TimedNetwork} (supernet family: {@link MbTiming}, inherited
 * weights, materialised; stitched family: {@link StitchTiming}, the trained family's forward as
 * evaluated). Each sub-network is measured inside {@link ExclusiveMeasurement}: loading,
 * materialisation and both timings run while no other measurement runs on this executor or host.
 * The batch-1 timing is paired with {@link ReferenceNet} round by round, giving
 * {@code latency_rel}; a sub-network whose ratio is more dispersed than {@code relDispersionMax}
 * is measured again at the end of the partition, after the others, so the second try meets the
 * machine at another moment; the second measurement is kept. Input rows need {@code arch_id},
 * {@code encoding}, {@code params}, {@code supernet_id}, {@code dataset}, {@code split} and
 * {@code checkpoint_uri} (the supernet's or the stitched family's); output rows have
 * {@link #RESULT_SCHEMA}.
 */
public final class SubnetMeasurement extends PartitionTask {

  private static final long serialVersionUID = 1L;

  public static final String CHECKPOINT_URI = "checkpoint_uri";

  public static final StructType RESULT_SCHEMA = MeasurementRows.schema(new StructType()
      .add(Measurements.LATENCY_P50_MS, DoubleType, false)
      .add(Measurements.LATENCY_P90_MS, DoubleType, false)
      .add(Measurements.LATENCY_P99_MS, DoubleType, false)
      .add(Measurements.LATENCY_MEAN_MS, DoubleType, false)
      .add(Measurements.LATENCY_STD_MS, DoubleType, false)
      .add(Measurements.LATENCY_BATCH_SIZE, IntegerType, false)
      .add(Measurements.LATENCY_WARMUP, IntegerType, false)
      .add(Measurements.LATENCY_REPEATS, IntegerType, false)
      .add(Measurements.LATENCY_INTRA_OP_THREADS, IntegerType, false)
      .add(Measurements.EXECUTOR_CORES, IntegerType, false)
      .add(Measurements.COMPUTE_DEVICE, StringType, false)
      .add(Measurements.LATENCY_TIMED, StringType, false)
      .add(Measurements.THROUGHPUT_BATCH_SIZE, IntegerType, false)
      .add(Measurements.THROUGHPUT_P50_MS, DoubleType, false)
      .add(Measurements.THROUGHPUT_P90_MS, DoubleType, false)
      .add(Measurements.THROUGHPUT_MEAN_MS, DoubleType, false)
      .add(Measurements.THROUGHPUT_STD_MS, DoubleType, false)
      .add(Measurements.THROUGHPUT_IMAGES_PER_S, DoubleType, false)
      .add(Measurements.ENERGY_MJ, DoubleType, false)
      .add(Measurements.ENERGY_METHOD, StringType, false)
      .add(Measurements.PEAK_MEMORY_BYTES, LongType, false)
      .add(Measurements.PEAK_MEMORY_MEASURED_BYTES, LongType, true)
      .add(Measurements.LATENCY_REL, DoubleType, false)
      .add(Measurements.LATENCY_REL_MAD, DoubleType, false)
      .add(Measurements.REFERENCE_P50_MS, DoubleType, false)
      .add(Measurements.LATENCY_REFERENCE, StringType, false)
      .add(Measurements.LATENCY_REL_FLAGGED, BooleanType, false)
      .add(Measurements.LATENCY_REMEASURED, BooleanType, false)
      .add(Measurements.MEASURE_STARTED_AT, TimestampType, false)
      .add(Measurements.MEASURE_ENDED_AT, TimestampType, false));

  private final MeasureSettings settings;
  private final RunStamp run;

  public SubnetMeasurement(String spaceName, MeasureSettings settings, RunStamp run,
      LongAccumulator measured) {
    super(spaceName, settings.device(), measured);
    this.settings = settings;
    this.run = run;
  }

  @Override
  protected List<Row> partition(Iterator<Row> rows) throws Exception {
    SearchSpace space = Spaces.get(spaceName);
    DeviceFingerprint device = DeviceFingerprint.local();
    Row deviceRow = DeviceRows.of(device);
    EnergyMeter energy = EnergyMeter.select(settings.energyMethod(),
        DjlRuntime.device().isGpu(), settings.deviceWatts());
    LatencyMeter meter = new LatencyMeter(energy);
    try (NDManager refManager = NDManager.newBaseManager(DjlRuntime.device(), DjlRuntime.ENGINE);
        ReferenceNet reference = new ReferenceNet(refManager)) {
      // its first, untimed forward is a measurement too: it must not overlap another's
      Forward ref = ExclusiveMeasurement.run(
          () -> reference.forward(settings.latency().batchSize()));
      Task task = new Task(space, device.deviceId(), deviceRow, meter, ref);
      List<Row> inputs = new ArrayList<>();
      List<Row> out = mapEach(rows, in -> {
        inputs.add(in.copy());
        return task.measure(in, false);
      });
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).<Boolean>getAs(Measurements.LATENCY_REL_FLAGGED)) {
          out.set(i, task.measure(inputs.get(i), true));
        }
      }
      return out;
    }
  }

  /** What one partition measures with: its space, device, meter and reference forward. */
  private final class Task {
    private final SearchSpace space;
    private final String deviceId;
    private final Row deviceRow;
    private final LatencyMeter meter;
    private final Forward reference;

    Task(SearchSpace space, String deviceId, Row deviceRow, LatencyMeter meter,
        Forward reference) {
      this.space = space;
      this.deviceId = deviceId;
      this.deviceRow = deviceRow;
      this.meter = meter;
      this.reference = reference;
    }

    /** One sub-network's row; {@code again}: the second try of a too-dispersed first one. */
    Row measure(Row in, boolean again) {
      String archId = in.getAs(Architectures.ARCH_ID);
      String supernetId = in.getAs(Measurements.SUPERNET_ID);
      // the evaluated row's dataset and split, so the MERGE lands on it
      String dataset = in.getAs(Measurements.DATASET);
      String split = in.getAs(Measurements.SPLIT);
      return ExclusiveMeasurement.run(() -> {
        Instant started = Instant.now();
        try (TimedNetwork net = open(in)) {
          LatencyMeter.Result one = meter.measurePaired(settings.latency(),
              net.forward().apply(settings.latency().batchSize()), reference, ReferenceNet.id());
          LatencyMeter.Result many = meter.measure(settings.throughput(),
              net.forward().apply(settings.throughputBatch()));
          Device d = net.device();
          Long measuredMemory = d.isGpu() ? gpuMemoryInUse(d) : null;
          RowBuilder row = MeasurementRows.keyed(RESULT_SCHEMA, archId, supernetId, dataset, split,
              deviceId);
          latency(row, one, many);
          relative(row, one.relative(), settings.relDispersionMax(), again);
          return MeasurementRows.stamped(row
              .set(Measurements.EXECUTOR_CORES, settings.executorCores())
              .set(Measurements.COMPUTE_DEVICE, d.toString())
              .set(Measurements.LATENCY_TIMED, net.timed())
              .set(Measurements.ENERGY_MJ, one.energyPerForwardMj())
              .set(Measurements.ENERGY_METHOD, one.energyMethod())
              .set(Measurements.PEAK_MEMORY_BYTES,
                  net.peakMemoryBytes().applyAsLong(one.protocol().batchSize()))
              .set(Measurements.PEAK_MEMORY_MEASURED_BYTES, measuredMemory)
              .set(Measurements.MEASURE_STARTED_AT, Timestamp.from(started))
              .set(Measurements.MEASURE_ENDED_AT, Timestamp.from(Instant.now())),
              run, deviceRow);
        }
      });
    }

    /** The network row {@code in} names, as its family times it, from the cached checkpoint. */
    private TimedNetwork open(Row in) {
      Arch arch = space.parse((String) in.getAs(Architectures.ENCODING));
      long params = in.<Long>getAs(Architectures.PARAMS);
      String checkpoint = in.getAs(CHECKPOINT_URI);
      if (space instanceof StitchedSpace) {
        TrainedStitches family = ExecutorCache.stitches(spaceName, checkpoint);
        return new StitchTiming(family.net(), family.manager()).network((StitchArch) arch, params);
      }
      TrainedSupernet supernet = ExecutorCache.supernet(spaceName, checkpoint);
      return new MbTiming(supernet.net(), supernet.manager()).network((MbArch) arch, params);
    }
  }

  /** The relative-latency columns of a paired batch-1 measurement. */
  private static void relative(RowBuilder row, RelativeLatency rel, double bound,
      boolean remeasured) {
    row.set(Measurements.LATENCY_REL, rel.rel())
        .set(Measurements.LATENCY_REL_MAD, rel.relMad())
        .set(Measurements.REFERENCE_P50_MS, rel.reference().p50Ms())
        .set(Measurements.LATENCY_REFERENCE, rel.referenceId())
        .set(Measurements.LATENCY_REL_FLAGGED, rel.dispersed(bound))
        .set(Measurements.LATENCY_REMEASURED, remeasured);
  }

  /** The batch-1 latency and throughput columns of {@code one} and {@code many}. */
  private static void latency(RowBuilder row, LatencyMeter.Result one, LatencyMeter.Result many) {
    LatencyStats l = one.stats();
    LatencyStats t = many.stats();
    row.set(Measurements.LATENCY_P50_MS, l.p50Ms())
        .set(Measurements.LATENCY_P90_MS, l.p90Ms())
        .set(Measurements.LATENCY_P99_MS, l.p99Ms())
        .set(Measurements.LATENCY_MEAN_MS, l.meanMs())
        .set(Measurements.LATENCY_STD_MS, l.stdMs())
        .set(Measurements.LATENCY_BATCH_SIZE, one.protocol().batchSize())
        .set(Measurements.LATENCY_WARMUP, one.protocol().warmup())
        .set(Measurements.LATENCY_REPEATS, one.protocol().repeats())
        .set(Measurements.LATENCY_INTRA_OP_THREADS, one.protocol().intraOpThreads())
        .set(Measurements.THROUGHPUT_BATCH_SIZE, many.protocol().batchSize())
        .set(Measurements.THROUGHPUT_P50_MS, t.p50Ms())
        .set(Measurements.THROUGHPUT_P90_MS, t.p90Ms())
        .set(Measurements.THROUGHPUT_MEAN_MS, t.meanMs())
        .set(Measurements.THROUGHPUT_STD_MS, t.stdMs())
        .set(Measurements.THROUGHPUT_IMAGES_PER_S, many.protocol().batchSize() * 1000.0 / t.p50Ms());
  }

  /** Device memory in use as the CUDA driver reports it (whole device, all processes). */
  private static Long gpuMemoryInUse(Device d) {
    try {
      return CudaUtils.getGpuMemory(d).getUsed();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }
}
