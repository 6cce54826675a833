package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Measurements;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.measurement.EnergyMeter;
import org.subnetatlas.udfs.measurement.ExclusiveMeasurement;
import org.subnetatlas.udfs.measurement.LatencyMeter;
import org.subnetatlas.udfs.measurement.LatencyStats;
import org.subnetatlas.udfs.measurement.MbTiming;
import org.subnetatlas.udfs.measurement.MeasureSettings;
import org.subnetatlas.udfs.measurement.MemoryModel;

/**
 * Measures latency (batch 1 and a throughput batch), energy and memory of sub-networks per
 * partition with inherited supernet weights. Each sub-network is measured inside
 * {@link ExclusiveMeasurement}: materialisation and both timings run while no other measurement
 * runs on this executor or host. Input rows need {@code arch_id}, {@code encoding},
 * {@code params}, {@code supernet_id}, {@code dataset}, {@code split} and {@code checkpoint_uri}; output rows have
 * {@link #RESULT_SCHEMA}.
 */
public final class SubnetMeasurement implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  public static final String CHECKPOINT_URI = "checkpoint_uri";

  public static final StructType RESULT_SCHEMA = new StructType()
      .add(Measurements.ARCH_ID, StringType, false)
      .add(Measurements.SUPERNET_ID, StringType, false)
      .add(Measurements.DATASET, StringType, false)
      .add(Measurements.SPLIT, StringType, false)
      .add(Measurements.DEVICE_ID, StringType, false)
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
      .add(Measurements.MEASURE_STARTED_AT, TimestampType, false)
      .add(Measurements.MEASURE_ENDED_AT, TimestampType, false)
      .add(Measurements.RUN_ID, StringType, false)
      .add(Measurements.MEASURED_AT, TimestampType, false)
      .add(Measurements.BUILD_DATE, DateType, false)
      .add(DeviceRows.COLUMN, DeviceRows.SCHEMA, false);

  private final String spaceName;
  private final MeasureSettings settings;
  private final String runId;
  private final Date buildDate;
  private final LongAccumulator measured;

  public SubnetMeasurement(String spaceName, MeasureSettings settings, String runId, Date buildDate,
      LongAccumulator measured) {
    this.spaceName = spaceName;
    this.settings = settings;
    this.runId = runId;
    this.buildDate = buildDate;
    this.measured = measured;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return List.<Row>of().iterator();
    }
    DjlRuntime.preferDevice(settings.device());
    MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
    DeviceFingerprint device = DeviceFingerprint.local();
    Row deviceRow = DeviceRows.of(device);
    EnergyMeter energy = EnergyMeter.select(settings.energyMethod(),
        DjlRuntime.device().isGpu(), settings.deviceWatts());
    LatencyMeter meter = new LatencyMeter(energy);
    List<Row> out = new ArrayList<>();
    while (rows.hasNext()) {
      Row in = rows.next();
      String archId = in.getAs(Architectures.ARCH_ID);
      MbArch arch = space.parse((String) in.getAs(Architectures.ENCODING));
      long params = in.<Long>getAs(Architectures.PARAMS);
      String supernetId = in.getAs(Measurements.SUPERNET_ID);
      // the evaluated row's dataset and split, so the MERGE lands on it
      String dataset = in.getAs(Measurements.DATASET);
      String split = in.getAs(Measurements.SPLIT);
      TrainedSupernet supernet = ExecutorCache.supernet(spaceName, in.getAs(CHECKPOINT_URI));
      out.add(ExclusiveMeasurement.run(() -> {
        Instant started = Instant.now();
        try (MbTiming timing = new MbTiming(supernet.net(), supernet.manager())) {
          LatencyMeter.Result one = meter.measure(settings.latency(),
              timing.subnet(arch, settings.latency().batchSize()));
          LatencyMeter.Result many = meter.measure(settings.throughput(),
              timing.subnet(arch, settings.throughputBatch()));
          Device d = supernet.manager().getDevice();
          Long measuredMemory = d.isGpu() ? gpuMemoryInUse(d) : null;
          LatencyStats l = one.stats();
          LatencyStats t = many.stats();
          return RowFactory.create(archId, supernetId, dataset, split, device.deviceId(),
              l.p50Ms(), l.p90Ms(), l.p99Ms(), l.meanMs(), l.stdMs(),
              one.protocol().batchSize(), one.protocol().warmup(), one.protocol().repeats(),
              one.protocol().intraOpThreads(), settings.executorCores(), d.toString(),
              MbTiming.TIMED, many.protocol().batchSize(), t.p50Ms(), t.p90Ms(), t.meanMs(),
              t.stdMs(), many.protocol().batchSize() * 1000.0 / t.p50Ms(),
              one.energyPerForwardMj(), one.energyMethod(),
              MemoryModel.peakBytes(space.spec(), arch, params, one.protocol().batchSize()),
              measuredMemory, Timestamp.from(started), Timestamp.from(Instant.now()), runId,
              Timestamp.from(Instant.now()), buildDate, deviceRow);
        }
      }));
      measured.add(1);
    }
    return out.iterator();
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
