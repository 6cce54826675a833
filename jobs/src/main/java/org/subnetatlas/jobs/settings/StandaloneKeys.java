package org.subnetatlas.jobs.settings;

/** Settings of train-standalone (ground truth), declared once (see {@link Setting}). */
public final class StandaloneKeys {

  public static final Setting.Int COUNT = Setting.ofInt("standalone.count", 30, 3, 100_000,
      "Sub-networks to train.");
  public static final Setting.Int SEEDS = Setting.ofInt("standalone.seeds", 2, 1, 100,
      "Seeds per sub-network.");
  public static final Setting.Int EPOCHS = Setting.ofInt("standalone.epochs", 3, 1, 1000,
      "Epochs per training.");
  public static final Setting.Int TRAIN_IMAGES = Setting.ofInt("standalone.train-images", 6000,
      100, 10_000_000, "Training images (first N of the train split).");
  public static final Setting.Real LEARNING_RATE = Setting.ofDouble("standalone.learning-rate",
      0.1, 1e-6, 10, "Peak learning rate of each training.");
  public static final Setting.Int PARTITIONS = Setting.ofInt("standalone.partitions", 2, 1,
      10_000, "Spark partitions of the trainings (capped at their number).");

  private StandaloneKeys() {}
}
