package org.subnetatlas.jobs.settings;

import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.transforms.QualityGates.Thresholds;

/** Settings of validate (the quality gates release runs too), declared once (see {@link Setting}). */
public final class ValidateKeys {

  // text, not Setting.Real: a bad value is reported as "between 0 and 1", as the CLI always has
  public static final Setting.Text MIN_ROW_RATIO = Setting.ofText("validate.min-row-ratio",
      Double.toString(Thresholds.DEFAULT.minRowRatio()),
      "Fail when the night has fewer than this times the previous night's measurement rows (0..1).");
  public static final Setting.Text MAX_TOP1_SHIFT = Setting.ofText("validate.max-top1-shift",
      Double.toString(Thresholds.DEFAULT.maxTop1Shift()),
      "Fail when mean top-1 moves by more than this from the previous night (0..1).");

  private ValidateKeys() {}

  /** The gates' thresholds, or bad input naming the setting. */
  public static Thresholds thresholds(AtlasConfig config) {
    return new Thresholds(
        config.getFraction(MIN_ROW_RATIO.key(), Thresholds.DEFAULT.minRowRatio()),
        config.getFraction(MAX_TOP1_SHIFT.key(), Thresholds.DEFAULT.maxTop1Shift()));
  }
}
