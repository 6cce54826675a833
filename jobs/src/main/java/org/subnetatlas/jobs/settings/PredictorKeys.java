package org.subnetatlas.jobs.settings;

import java.util.ArrayList;
import java.util.List;
import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.transforms.prediction.PredictorFits;
import org.subnetatlas.udfs.prediction.MlpMember;
import org.subnetatlas.udfs.prediction.MlpRegressionModel;
import org.subnetatlas.udfs.prediction.MlpRegressionModel.View;
import org.subnetatlas.udfs.prediction.PredictorModels;
import org.subnetatlas.udfs.prediction.ZeroCostProxies;

/** Settings of train-predictor: the split, the models and how they fit, the zero-cost proxies. */
public final class PredictorKeys {

  private static final MlpRegressionModel.Settings D = PredictorModels.Settings.defaultMlp(0);
  private static final MlpMember.Settings M = D.member();

  public static final Setting.Int HELD_OUT = Setting.ofInt("predictor.held-out-percent", 20, 1, 89,
      "Share of sub-networks in the test split (by arch_id hash): the reported figures, which"
          + " nothing fits or chooses on.");
  public static final Setting.Int SELECTION = Setting.ofInt("predictor.selection-percent", 20, 1,
      89, "Share of sub-networks in the selection split (by arch_id hash): the best model is"
          + " chosen on it.");
  public static final Setting.Int MAX_RECORDS = Setting.ofInt("predictor.max-train-records", 1000,
      10, 10_000_000, "Cap on training records (held-out rows are never used).");
  public static final Setting.Text MODELS = Setting.ofText("predictor.models",
      "gbt,random_forest,linear,mlp", "Comma-separated: gbt, random_forest, linear, mlp.");
  public static final Setting.Int GBT_ITERATIONS = Setting.ofInt("predictor.gbt-iterations", 100, 1,
      10_000, "Boosting iterations of the gbt model.");
  public static final Setting.Int MAX_DEPTH = Setting.ofInt("predictor.max-depth", 5, 1, 30,
      "Tree depth of the gbt and random_forest models.");
  public static final Setting.Int FOREST_TREES = Setting.ofInt("predictor.forest-trees", 100, 1,
      10_000, "Trees of the random_forest model.");
  public static final Setting.Int64 SEED = Setting.ofLong("predictor.seed", 20261201L,
      Long.MIN_VALUE, Long.MAX_VALUE, "Seed of the tree models and the MLP ensemble.");
  public static final Setting.Int MLP_MEMBERS = Setting.ofInt("predictor.mlp-members", D.members(),
      1, 1_000, "MLP ensemble members per view.");
  public static final Setting.Int MLP_HIDDEN = Setting.ofInt("predictor.mlp-hidden", M.hidden(), 1,
      65_536, "Width of each hidden layer of an MLP member.");
  public static final Setting.Int MLP_LAYERS = Setting.ofInt("predictor.mlp-layers", M.layers(), 1,
      16, "Hidden layers of an MLP member.");
  public static final Setting.Int MLP_EPOCHS = Setting.ofInt("predictor.mlp-epochs", M.epochs(), 1,
      100_000, "Training epochs of an MLP member.");
  public static final Setting.Real MLP_LEARNING_RATE = Setting.ofDouble("predictor.mlp-learning-rate",
      M.learningRate(), 1e-7, 1, "Learning rate of an MLP member.");
  public static final Setting.Real MLP_WEIGHT_DECAY = Setting.ofDouble("predictor.mlp-weight-decay",
      M.weightDecay(), 0, 1, "Weight decay of an MLP member.");
  public static final Setting.Text MLP_VIEWS = Setting.ofText("predictor.mlp-views", null,
      "Comma-separated MLP views: choices, pairs, crossed. Default: all three.");
  public static final Setting.Int64 PROXY_SEED = Setting.ofLong("predictor.proxy-seed",
      ZeroCostProxies.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE,
      "Seed of the random supernet the zero-cost proxies are computed on.");
  public static final Setting.Int PROXY_BATCH = Setting.ofInt("predictor.proxy-batch",
      ZeroCostProxies.DEFAULT_BATCH, 1, 4096, "Images in the zero-cost proxies' batch.");
  public static final Setting.Int PROXY_PARTITIONS = Setting.ofInt("predictor.proxy-partitions", 2,
      1, 10_000, "Spark partitions of the sub-networks whose proxies are missing.");

  /** Read by the {@code atlas_predict_top1} SQL function on the session, not by a stage. */
  public static final Setting.Text PIN_DATE = Setting.ofText("predictor.pin-date", null,
      "atlas_predict_top1 uses the best predictor of this build date (YYYY-MM-DD) instead of the newest.");

  private PredictorKeys() {}

  /** The test and selection shares, or bad input naming both settings. */
  public static PredictorFits.Shares shares(AtlasConfig config) {
    int test = HELD_OUT.get(config);
    int selection = SELECTION.get(config);
    if (test + selection > 90) {
      throw new BadInputException(HELD_OUT.key() + "=" + test + " and " + SELECTION.key() + "="
          + selection + ": together at most 90, so at least 10% of sub-networks remain to train on");
    }
    return new PredictorFits.Shares(test, selection);
  }

  /**
   * The configured space, or bad input when it is not an MBConv space ({@code whatCovers}, e.g.
   * "predictors cover", says what needs one).
   */
  public static MbConvSpace mbConvSpace(AtlasConfig config, String whatCovers) {
    String s = CommonKeys.SPACE.get(config);
    if (!(Spaces.get(s) instanceof MbConvSpace mb)) {
      throw new BadInputException(CommonKeys.SPACE.key() + " " + s + ": " + whatCovers
          + " MBConv spaces only");
    }
    return mb;
  }

  /** The configured models, in the order given. */
  public static List<PredictorModels.Kind> kinds(AtlasConfig config) {
    List<PredictorModels.Kind> out = new ArrayList<>();
    for (String k : MODELS.get(config).split(",")) {
      try {
        out.add(PredictorModels.Kind.byLabel(k.trim()));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(MODELS.key() + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** The models' settings: the defaults with the configured overrides. */
  public static PredictorModels.Settings modelSettings(AtlasConfig config) {
    long seed = SEED.get(config);
    MlpRegressionModel.Settings d = PredictorModels.Settings.defaultMlp(seed);
    MlpMember.Settings m = d.member();
    MlpRegressionModel.Settings mlp = new MlpRegressionModel.Settings(MLP_MEMBERS.get(config),
        new MlpMember.Settings(MLP_HIDDEN.get(config), MLP_LAYERS.get(config),
            MLP_EPOCHS.get(config), m.batch(), MLP_LEARNING_RATE.get(config),
            MLP_WEIGHT_DECAY.get(config)), seed, views(config, d.views()));
    return new PredictorModels.Settings(GBT_ITERATIONS.get(config), MAX_DEPTH.get(config),
        FOREST_TREES.get(config), seed, mlp);
  }

  private static List<View> views(AtlasConfig config, List<View> dflt) {
    String v = MLP_VIEWS.get(config);
    if (v == null) {
      return dflt;
    }
    List<View> out = new ArrayList<>();
    for (String name : v.split(",")) {
      try {
        View view = View.byLabel(name.trim());
        if (out.contains(view)) {
          throw new BadInputException(MLP_VIEWS.key() + ": view '" + view.label() + "' is listed twice");
        }
        out.add(view);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(MLP_VIEWS.key() + ": " + e.getMessage());
      }
    }
    return out;
  }
}
