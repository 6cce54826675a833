package org.subnetatlas.jobs.settings;

import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.spaces.Samplers;
import org.subnetatlas.transforms.BadInputException;

/** Settings of sample, declared once (see {@link Setting}). */
public final class SampleKeys {

  public static final Setting.Int COUNT = Setting.ofInt("sample.count", 1100, 2, 50_000_000,
      "Number of draws, the largest and smallest included.");
  public static final Setting.Text SAMPLER = Setting.ofText("sample.sampler", "stratified",
      "uniform | stratified (equal-width MAC bins).");
  public static final Setting.Int64 SEED = Setting.ofLong("sample.seed", 0, Long.MIN_VALUE,
      Long.MAX_VALUE, "Seed; the same seed gives the same sample anywhere.");
  public static final Setting.Int PARTITIONS = Setting.ofInt("sample.partitions", 4, 1, 100_000,
      "Spark partitions the draws are made in (the sample does not depend on them).");

  private SampleKeys() {}

  /** The configured sampler's canonical name, or bad input naming the setting. */
  public static String sampler(AtlasConfig config) {
    String raw = SAMPLER.get(config);
    try {
      return Samplers.samplerName(raw);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(SAMPLER.key() + "=" + raw + ": " + e.getMessage(), e);
    }
  }
}
