package org.subnetatlas.jobs.settings;

import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.udfs.evaluation.EvalConfig;

/** Settings of evaluate, also used where search and train-standalone score sub-networks. */
public final class EvaluateKeys {

  private static final EvalConfig D = EvalConfig.defaults();

  public static final Setting.Int PARTITIONS = Setting.ofInt("eval.partitions", 48, 1, 1_000_000,
      "Spark partitions of the sub-networks to evaluate (capped at their number).");
  public static final Setting.Int THREADS = Setting.ofInt("eval.threads", 1, 1, 1024,
      "Engine intra-op threads per evaluation task.");
  public static final Setting.Int RECAL_IMAGES = Setting.ofInt("eval.recalibration-images",
      D.recalibrationImages(), 1, 1_000_000, "Training images forwarded to recalibrate BN.");
  public static final Setting.Int EVAL_IMAGES = Setting.ofInt("eval.images", D.evalImages(), 1,
      1_000_000, "Held-out images scored per sub-network.");
  public static final Setting.Int BATCH = Setting.ofInt("eval.batch-size", D.batchSize(), 1, 65_536,
      "Images per forward pass while evaluating.");
  public static final Setting.Flag BN_RECALIBRATE = Setting.ofBoolean("eval.bn-recalibrate",
      D.recalibrateBn(), "Recalibrate BN statistics per sub-network.");
  public static final Setting.Flag FORCE = Setting.ofBoolean("eval.force", false,
      "Re-evaluate sub-networks already measured for this date.");

  private EvaluateKeys() {}

  /** The evaluation protocol with the configured overrides, on the configured device. */
  public static EvalConfig evalConfig(AtlasConfig config) {
    return new EvalConfig(RECAL_IMAGES.get(config), EVAL_IMAGES.get(config), BATCH.get(config),
        BN_RECALIBRATE.get(config), CommonKeys.device(config));
  }
}
