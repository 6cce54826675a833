package org.subnetatlas.schemas;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The measurement tables: accuracy, latency, energy and memory per sub-network and device, the
 * devices themselves and the per-block latency lookup table. Part of {@link Tables#all()}.
 */
public final class MeasurementTables {

  private static final Map<String, String> DELTA_PROPS = Tables.DELTA_PROPS;

  /** Accuracy, latency, energy and memory records. */
  public static final class Measurements {
    public static final String ARCH_ID = "arch_id";
    public static final String SUPERNET_ID = "supernet_id";
    public static final String DATASET = "dataset";
    public static final String SPLIT = "split";
    public static final String DEVICE_ID = "device_id";
    public static final String BUILD_DATE = "build_date";
    public static final String TOP1 = "top1";
    public static final String TOP5 = "top5";
    public static final String LOSS = "loss";
    public static final String N_IMAGES = "n_images";
    public static final String BN_RECALIBRATED = "bn_recalibrated";
    public static final String RECALIBRATION_IMAGES = "recalibration_images";
    public static final String EVAL_SECONDS = "eval_seconds";
    public static final String LATENCY_P50_MS = "latency_p50_ms";
    public static final String LATENCY_P90_MS = "latency_p90_ms";
    public static final String LATENCY_P99_MS = "latency_p99_ms";
    public static final String LATENCY_MEAN_MS = "latency_mean_ms";
    public static final String LATENCY_STD_MS = "latency_std_ms";
    public static final String LATENCY_BATCH_SIZE = "latency_batch_size";
    public static final String LATENCY_WARMUP = "latency_warmup";
    public static final String LATENCY_REPEATS = "latency_repeats";
    public static final String ENERGY_MJ = "energy_mj";
    public static final String ENERGY_METHOD = "energy_method";
    public static final String PEAK_MEMORY_BYTES = "peak_memory_bytes";
    public static final String RUN_ID = "run_id";
    public static final String MEASURED_AT = "measured_at";
    // added by the measure stage
    public static final String LATENCY_INTRA_OP_THREADS = "latency_intra_op_threads";
    public static final String EXECUTOR_CORES = "executor_cores";
    public static final String COMPUTE_DEVICE = "compute_device";
    public static final String LATENCY_TIMED = "latency_timed";
    public static final String THROUGHPUT_BATCH_SIZE = "throughput_batch_size";
    public static final String THROUGHPUT_P50_MS = "throughput_p50_ms";
    public static final String THROUGHPUT_P90_MS = "throughput_p90_ms";
    public static final String THROUGHPUT_MEAN_MS = "throughput_mean_ms";
    public static final String THROUGHPUT_STD_MS = "throughput_std_ms";
    public static final String THROUGHPUT_IMAGES_PER_S = "throughput_images_per_s";
    public static final String PEAK_MEMORY_MEASURED_BYTES = "peak_memory_measured_bytes";
    public static final String LUT_PREDICTED_P50_MS = "lut_predicted_p50_ms";
    public static final String MEASURE_STARTED_AT = "measure_started_at";
    public static final String MEASURE_ENDED_AT = "measure_ended_at";
    // relative latency: the sub-network timed in rounds paired with a fixed reference network
    public static final String LATENCY_REL = "latency_rel";
    public static final String LATENCY_REL_MAD = "latency_rel_mad";
    public static final String REFERENCE_P50_MS = "reference_p50_ms";
    public static final String LATENCY_REFERENCE = "latency_reference";
    public static final String LATENCY_REL_FLAGGED = "latency_rel_flagged";
    public static final String LATENCY_REMEASURED = "latency_remeasured";
    public static final String LUT_PREDICTED_REL = "lut_predicted_rel";

    public static final TableDef TABLE = new TableDef(
        "measurements",
        "One row per (arch_id, supernet_id, dataset, split, device_id, build_date)",
        new StructType()
            .add(ARCH_ID, StringType, false)
            .add(SUPERNET_ID, StringType, false)
            .add(DATASET, StringType, false)
            .add(SPLIT, StringType, false)
            .add(DEVICE_ID, StringType, false)
            .add(TOP1, DoubleType, true, "top-1 accuracy in [0, 1] with inherited weights")
            .add(TOP5, DoubleType, true)
            .add(LOSS, DoubleType, true, "mean cross-entropy")
            .add(N_IMAGES, IntegerType, true, "images evaluated")
            .add(BN_RECALIBRATED, BooleanType, true)
            .add(RECALIBRATION_IMAGES, IntegerType, true, "training images forwarded to recalibrate BN")
            .add(EVAL_SECONDS, DoubleType, true)
            .add(LATENCY_P50_MS, DoubleType, true)
            .add(LATENCY_P90_MS, DoubleType, true)
            .add(LATENCY_P99_MS, DoubleType, true)
            .add(LATENCY_MEAN_MS, DoubleType, true)
            .add(LATENCY_STD_MS, DoubleType, true)
            .add(LATENCY_BATCH_SIZE, IntegerType, true)
            .add(LATENCY_WARMUP, IntegerType, true)
            .add(LATENCY_REPEATS, IntegerType, true)
            .add(ENERGY_MJ, DoubleType, true, "energy of one forward at latency_batch_size, mJ")
            .add(ENERGY_METHOD, StringType, true, "nvml | rapl | estimated")
            .add(PEAK_MEMORY_BYTES, LongType, true,
                "analytic: parameters + largest one-layer activation footprint at batch 1, float32")
            .add(RUN_ID, StringType, false)
            .add(MEASURED_AT, TimestampType, false)
            .add(BUILD_DATE, DateType, false)
            .add(LATENCY_INTRA_OP_THREADS, IntegerType, true, "engine intra-op threads while timing")
            .add(EXECUTOR_CORES, IntegerType, true, "cores of the executor that measured")
            .add(COMPUTE_DEVICE, StringType, true, "engine device that ran the forwards, e.g. cpu() or gpu(0)")
            .add(LATENCY_TIMED, StringType, true, "what one timed forward is")
            .add(THROUGHPUT_BATCH_SIZE, IntegerType, true)
            .add(THROUGHPUT_P50_MS, DoubleType, true, "per forward of throughput_batch_size images")
            .add(THROUGHPUT_P90_MS, DoubleType, true)
            .add(THROUGHPUT_MEAN_MS, DoubleType, true)
            .add(THROUGHPUT_STD_MS, DoubleType, true)
            .add(THROUGHPUT_IMAGES_PER_S, DoubleType, true, "throughput_batch_size / throughput_p50")
            .add(PEAK_MEMORY_MEASURED_BYTES, LongType, true,
                "engine-reported device memory in use after the throughput run (GPU only; null on CPU)")
            .add(LUT_PREDICTED_P50_MS, DoubleType, true, "latency lookup-table prediction at batch 1")
            .add(MEASURE_STARTED_AT, TimestampType, true, "start of the exclusive measurement")
            .add(MEASURE_ENDED_AT, TimestampType, true, "end of the exclusive measurement")
            .add(LATENCY_REL, DoubleType, true,
                "median over timed rounds of sub-network time / reference time of the same round")
            .add(LATENCY_REL_MAD, DoubleType, true,
                "median absolute deviation of the per-round ratios / their median")
            .add(REFERENCE_P50_MS, DoubleType, true, "p50 of the reference forwards paired with this row")
            .add(LATENCY_REFERENCE, StringType, true, "id of the reference network's definition")
            .add(LATENCY_REL_FLAGGED, BooleanType, true,
                "latency_rel_mad above measure.rel-dispersion-max after the re-measure")
            .add(LATENCY_REMEASURED, BooleanType, true,
                "the first paired measurement was too dispersed; this row holds the second")
            .add(LUT_PREDICTED_REL, DoubleType, true, "latency lookup-table prediction of latency_rel"),
        List.of(ARCH_ID, SUPERNET_ID, DATASET, SPLIT, DEVICE_ID, BUILD_DATE),
        List.of(BUILD_DATE), DELTA_PROPS);

    private Measurements() {}
  }

  /** A fingerprint per machine that trained, evaluated or measured. */
  public static final class Devices {
    public static final String DEVICE_ID = "device_id";
    public static final String HOST_CLASS = "host_class";
    public static final String CPU_MODEL = "cpu_model";
    public static final String CPU_CORES = "cpu_cores";
    public static final String MEMORY_BYTES = "memory_bytes";
    public static final String GPU_NAME = "gpu_name";
    public static final String OS = "os";
    public static final String JAVA_VERSION = "java_version";
    public static final String ENGINE = "engine";
    public static final String ENGINE_VERSION = "engine_version";
    public static final String NATIVE_VERSION = "native_version";
    public static final String FIRST_SEEN = "first_seen";

    public static final TableDef TABLE = new TableDef(
        "devices",
        "Machines that produced records: hardware, OS and engine versions",
        new StructType()
            .add(DEVICE_ID, StringType, false, "sha-256 prefix of the fingerprint columns")
            .add(HOST_CLASS, StringType, false, "cpu | gpu")
            .add(CPU_MODEL, StringType, false)
            .add(CPU_CORES, IntegerType, false)
            .add(MEMORY_BYTES, LongType, false)
            .add(GPU_NAME, StringType, true)
            .add(OS, StringType, false)
            .add(JAVA_VERSION, StringType, false)
            .add(ENGINE, StringType, false)
            .add(ENGINE_VERSION, StringType, false, "DJL version")
            .add(NATIVE_VERSION, StringType, false, "PyTorch native library version")
            .add(FIRST_SEEN, TimestampType, false),
        List.of(DEVICE_ID), List.of(), DELTA_PROPS);

    private Devices() {}
  }

  /**
   * Per-block latency lookup table (OFA style): one row per block key, space, batch size, device
   * and build date. Key {@code overhead} holds the fitted per-forward constant, key
   * {@code harness} the timing harness measured alone.
   */
  public static final class LatencyLut {
    public static final String SPACE = "space";
    public static final String SPACE_VERSION = "space_version";
    public static final String LUT_KEY = "lut_key";
    public static final String BATCH_SIZE = "batch_size";
    public static final String DEVICE_ID = "device_id";
    public static final String BUILD_DATE = "build_date";
    public static final String COUNT = "count";
    public static final String MEAN_MS = "mean_ms";
    public static final String VARIANCE_MS2 = "variance_ms2";
    public static final String P50_MS = "p50_ms";
    public static final String WARMUP = "warmup";
    public static final String INTRA_OP_THREADS = "intra_op_threads";
    public static final String RUN_ID = "run_id";
    // the block timed in rounds paired with the reference network, as in measurements
    public static final String REL = "rel";
    public static final String REFERENCE_P50_MS = "reference_p50_ms";
    public static final String LATENCY_REFERENCE = "latency_reference";

    public static final String OVERHEAD_KEY = "overhead";
    /** The timing harness alone (scratch manager + host sync), subtracted from every block. */
    public static final String HARNESS_KEY = "harness";

    public static final TableDef TABLE = new TableDef(
        "latency_lut",
        "Per-block latency lookup table: block key to count, mean and variance of its latency",
        new StructType()
            .add(SPACE, StringType, false)
            .add(SPACE_VERSION, StringType, false)
            .add(LUT_KEY, StringType, false,
                "kind:in-out-side-stride-expand-kernel-se-activation, harness or overhead")
            .add(BATCH_SIZE, IntegerType, false)
            .add(DEVICE_ID, StringType, false)
            .add(BUILD_DATE, DateType, false)
            .add(COUNT, IntegerType, false, "timed repeats (overhead: calibration sub-networks)")
            .add(MEAN_MS, DoubleType, false)
            .add(VARIANCE_MS2, DoubleType, false)
            .add(P50_MS, DoubleType, false, "the figure predictions sum")
            .add(WARMUP, IntegerType, false)
            .add(INTRA_OP_THREADS, IntegerType, false)
            .add(RUN_ID, StringType, false)
            .add(REL, DoubleType, true, "median per-round block time / reference time"
                + " (overhead: fitted on latency_rel), the figure relative predictions sum")
            .add(REFERENCE_P50_MS, DoubleType, true,
                "p50 of the reference forwards paired with the block (overhead: median over blocks)")
            .add(LATENCY_REFERENCE, StringType, true, "id of the reference network's definition"),
        List.of(SPACE, SPACE_VERSION, LUT_KEY, BATCH_SIZE, DEVICE_ID, BUILD_DATE), List.of(),
        DELTA_PROPS);

    private LatencyLut() {}
  }

  private MeasurementTables() {}
}
    
