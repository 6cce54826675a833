package org.subnetatlas.jobs.settings;

import java.util.List;
import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.udfs.measurement.LatencyProtocol;
import org.subnetatlas.udfs.measurement.MeasureSettings;

/** Settings of measure (and its latency lookup table), declared once (see {@link Setting}). */
public final class MeasureKeys {

  /** Protocol floor of DESIGN.md: every stored latency had at least this much warm-up and repeats. */
  public static final int MIN_WARMUP = 10;
  public static final int MIN_REPEATS = 50;

  public static final Setting.Int WARMUP = Setting.ofInt("measure.warmup", MIN_WARMUP, MIN_WARMUP,
      100_000, "Untimed forwards before timing.");
  public static final Setting.Int REPEATS = Setting.ofInt("measure.repeats", MIN_REPEATS,
      MIN_REPEATS, 1_000_000, "Timed forwards.");
  public static final Setting.Int BATCH = Setting.ofInt("measure.batch-size", 1, 1, 65_536,
      "Batch size of the latency columns.");
  public static final Setting.Int THROUGHPUT_BATCH = Setting.ofInt("measure.throughput-batch-size",
      8, 1, 65_536, "Batch size of the throughput figure.");
  public static final Setting.Int THREADS = Setting.ofInt("measure.threads", 1, 1, 1024,
      "Engine intra-op threads while timing (pinned, recorded).");
  public static final Setting.Int PARTITIONS = Setting.ofInt("measure.partitions", 2, 1, 100_000,
      "Spark partitions of the measurement (tasks wait for each other: one measurement per"
          + " executor and host at a time).");
  public static final Setting.Text ENERGY = Setting.ofText("measure.energy-method", "auto",
      "auto | nvml | rapl | estimated.");
  public static final Setting.Text WATTS = Setting.ofText("measure.device.watts", "15",
      "Device power for the estimated energy method, watts.");
  public static final Setting.Int LIMIT = Setting.ofInt("measure.max-subnets", 0, 0,
      Integer.MAX_VALUE, "Measure at most this many of the date's supernet sub-networks"
          + " (a fixed choice by arch_id; 0 = all). Stitched configurations are few and always"
          + " all measured.");
  public static final Setting.Flag FORCE = Setting.ofBoolean("measure.force", false,
      "Re-measure sub-networks and stitched configurations already measured for this date.");
  public static final Setting.Flag LUT = Setting.ofBoolean("measure.lut", false,
      "Also build atlas.latency_lut from measured blocks and score its predictions against the"
          + " direct measurements.");
  public static final Setting.Int LUT_CALIBRATION = Setting.ofInt("measure.lut.calibration-subnets",
      0, 0, 100_000, "Sub-networks that fit the lookup table's overhead (0: a tenth, at least 5).");

  public static final Setting.Real REL_DISPERSION_MAX = Setting.ofDouble("measure.rel-dispersion-max",
      0.05, 0.0, 10.0, "Relative MAD of the per-round sub-network/reference time ratio above which a"
          + " sub-network is re-measured once at the end of its partition, and flagged"
          + " (latency_rel_flagged) if still above.");

  private MeasureKeys() {}

  /** The batch-1 timing protocol. */
  public static LatencyProtocol protocol(AtlasConfig config) {
    return new LatencyProtocol(WARMUP.get(config), REPEATS.get(config), BATCH.get(config),
        THREADS.get(config));
  }

  /** Everything a measurement task needs, or bad input naming the setting. */
  public static MeasureSettings measureSettings(AtlasConfig config, int executorCores) {
    String energy = ENERGY.get(config);
    if (!List.of("auto", "nvml", "rapl", "estimated").contains(energy)) {
      throw new BadInputException(ENERGY.key() + "=" + energy
          + ": not one of auto, nvml, rapl, estimated");
    }
    String device = CommonKeys.device(config);
    double watts;
    String rawWatts = WATTS.get(config);
    try {
      watts = Double.parseDouble(rawWatts);
    } catch (NumberFormatException e) {
      watts = Double.NaN;
    }
    if (!(watts > 0) || Double.isInfinite(watts)) {
      throw new BadInputException(WATTS.key() + "=" + rawWatts + ": not a positive number of watts");
    }
    return new MeasureSettings(protocol(config), THROUGHPUT_BATCH.get(config), energy, watts,
        device, executorCores, REL_DISPERSION_MAX.get(config));
  }
}
