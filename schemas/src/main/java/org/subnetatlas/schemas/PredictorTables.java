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
 * Tables of the ground-truth, predictor and search stages. Listed in {@link Tables#all()}; kept
 * in their own file so the trunk's table declarations stay short.
 */
public final class PredictorTables {

  private static final Map<String, String> DELTA_PROPS = Tables.DELTA_PROPS;

  /** Zero-cost proxies at initialisation, one row per arch_id (they depend on nothing else). */
  public static final class ArchFeatures {
    public static final String ARCH_ID = "arch_id";
    public static final String SPACE = "space";
    public static final String SYNFLOW = "synflow";
    public static final String SNIP = "snip";
    public static final String GRAD_NORM = "grad_norm";
    public static final String PROXY_SEED = "proxy_seed";
    public static final String PROXY_BATCH = "proxy_batch";
    public static final String PROXY_MS = "proxy_ms";
    public static final String COMPUTED_AT = "computed_at";

    public static final TableDef TABLE = new TableDef(
        "arch_features",
        "Zero-cost proxies of each architecture at initialisation (random supernet, fixed seed, one batch)",
        new StructType()
            .add(ARCH_ID, StringType, false)
            .add(SPACE, StringType, false)
            .add(SYNFLOW, DoubleType, false, "log of synflow (|theta| weights, all-ones input)")
            .add(SNIP, DoubleType, false, "sum |theta * dL/dtheta| on the proxy batch")
            .add(GRAD_NORM, DoubleType, false, "sum over arrays of the L2 norm of dL/dtheta")
            .add(PROXY_SEED, LongType, false, "seed of the random supernet")
            .add(PROXY_BATCH, IntegerType, false, "images in the proxy batch")
            .add(PROXY_MS, DoubleType, false, "milliseconds the three proxies took")
            .add(COMPUTED_AT, TimestampType, false),
        List.of(ARCH_ID, PROXY_SEED, PROXY_BATCH), List.of(), DELTA_PROPS);

    private ArchFeatures() {}
  }

  /** Trained predictors and their held-out scores, per build date. */
  public static final class Predictors {
    public static final String BUILD_DATE = "build_date";
    public static final String SPACE = "space";
    public static final String TARGET = "target";
    public static final String MODEL = "model";
    public static final String FEATURE_SET = "feature_set";
    public static final String N_TRAIN = "n_train";
    public static final String N_TEST = "n_test";
    public static final String KENDALL_TAU = "kendall_tau";
    public static final String SPEARMAN_RHO = "spearman_rho";
    public static final String RMSE = "rmse";
    public static final String MODEL_PATH = "model_path";
    public static final String FEATURES = "features";
    public static final String TRAINED_ON = "trained_on";
    public static final String IS_BEST = "is_best";
    public static final String N_SELECTION = "n_selection";
    public static final String SELECTION_KENDALL_TAU = "selection_kendall_tau";
    public static final String RUN_ID = "run_id";
    public static final String CREATED_AT = "created_at";

    public static final TableDef TABLE = new TableDef(
        "predictors",
        "Predictors of top-1 (and latency): fitted on the train split, chosen on the selection split, reported on the test split",
        new StructType()
            .add(BUILD_DATE, DateType, false)
            .add(SPACE, StringType, false)
            .add(TARGET, StringType, false, "top1 | latency_p50_ms")
            .add(MODEL, StringType, false, "gbt | random_forest | linear")
            .add(FEATURE_SET, StringType, false, "encoding (choices, MACs, params) | encoding+proxies")
            .add(N_TRAIN, IntegerType, false)
            .add(N_TEST, IntegerType, false, "test rows: first 8 hex digits of arch_id mod 100 < held-out percent")
            .add(KENDALL_TAU, DoubleType, true, "on the test split, which neither fitting nor choosing saw")
            .add(SPEARMAN_RHO, DoubleType, true, "on the test split")
            .add(RMSE, DoubleType, true, "on the test split")
            .add(MODEL_PATH, StringType, false, "Spark ML model folder under <warehouse>/predictors")
            .add(FEATURES, StringType, false, "feature names in vector order, JSON")
            .add(TRAINED_ON, DataTypes.createMapType(StringType, LongType), false,
                "Delta version of each table read")
            .add(IS_BEST, BooleanType, false, "highest selection_kendall_tau for this date, space and target")
            .add(RUN_ID, StringType, false)
            .add(CREATED_AT, TimestampType, false)
            .add(N_SELECTION, IntegerType, true,
                "selection rows: the next selection percent of arch_id buckets after the test ones")
            .add(SELECTION_KENDALL_TAU, DoubleType, true, "on the selection split: what is_best is chosen by"),
        List.of(BUILD_DATE, SPACE, TARGET, MODEL, FEATURE_SET), List.of(), DELTA_PROPS);

    private Predictors() {}
  }

  /**
   * Architectures found by evolutionary search on a predictor, and their measured accuracy, beside
   * a random baseline drawn under the same budget and measured the same way.
   */
  public static final class SearchResults {
    public static final String BUILD_DATE = "build_date";
    public static final String SPACE = "space";
    public static final String BUDGET = "budget";
    public static final String RANK = "rank";
    public static final String ARCH_ID = "arch_id";
    public static final String ENCODING = "encoding";
    public static final String MACS = "macs";
    public static final String PARAMS = "params";
    public static final String PREDICTOR_MODEL = "predictor_model";
    public static final String PREDICTED_TOP1 = "predicted_top1";
    public static final String MEASURED_TOP1 = "measured_top1";
    public static final String GAP = "gap";
    public static final String SUPERNET_ID = "supernet_id";
    public static final String SEARCH_CONFIG = "search_config";
    public static final String RUN_ID = "run_id";
    // measured on the test split, beside a random baseline
    public static final String MEASURED_SPLIT = "measured_split";
    public static final String BASELINE_ARCH_ID = "baseline_arch_id";
    public static final String BASELINE_MACS = "baseline_macs";
    public static final String BASELINE_PREDICTED_TOP1 = "baseline_predicted_top1";
    public static final String BASELINE_MEASURED_TOP1 = "baseline_measured_top1";

    public static final TableDef TABLE = new TableDef(
        "search_results",
        "Best architectures of predictor-guided evolutionary search per budget, predicted and measured",
        new StructType()
            .add(BUILD_DATE, DateType, false)
            .add(SPACE, StringType, false)
            .add(BUDGET, StringType, false, "e.g. macs<=2000000")
            .add(RANK, IntegerType, false, "1 = best predicted")
            .add(ARCH_ID, StringType, false)
            .add(ENCODING, StringType, false)
            .add(MACS, LongType, false)
            .add(PARAMS, LongType, false)
            .add(PREDICTOR_MODEL, StringType, false, "model_path of the predictor searched on")
            .add(PREDICTED_TOP1, DoubleType, false)
            .add(MEASURED_TOP1, DoubleType, true,
                "inherited-weight top-1 with the date's supernet, on split measured_split")
            .add(GAP, DoubleType, true, "predicted_top1 - measured_top1")
            .add(SUPERNET_ID, StringType, true)
            .add(SEARCH_CONFIG, StringType, false, "population, iterations, ratios, seed, JSON")
            .add(RUN_ID, StringType, false)
            .add(MEASURED_SPLIT, StringType, true, "split of measured_top1 and"
                + " baseline_measured_top1: test, which no predictor learns from; null: valid,"
                + " the predictor's own labels (rows written before the test split was used)")
            .add(BASELINE_ARCH_ID, StringType, true, "the random baseline's sub-network at this"
                + " rank: as many as search reports for the budget, drawn uniformly under the same"
                + " budget, ranked by predicted top-1")
            .add(BASELINE_MACS, LongType, true)
            .add(BASELINE_PREDICTED_TOP1, DoubleType, true)
            .add(BASELINE_MEASURED_TOP1, DoubleType, true, "as measured_top1; compare the budget's"
                + " max(measured_top1) with its max(baseline_measured_top1)"),
        List.of(BUILD_DATE, SPACE, BUDGET, RANK), List.of(BUILD_DATE), DELTA_PROPS);

    private SearchResults() {}
  }

  /** Sub-networks trained from scratch: per-epoch curve and held-out accuracy, per seed. */
  public static final class Standalone {
    public static final String BUILD_DATE = "build_date";
    public static final String SPACE = "space";
    public static final String ARCH_ID = "arch_id";
    public static final String SEED = "seed";
    public static final String EPOCHS = "epochs";
    public static final String TRAIN_IMAGES = "train_images";
    public static final String EPOCH_LOSS = "epoch_loss";
    public static final String EPOCH_TOP1 = "epoch_top1";
    public static final String TOP1 = "top1";
    public static final String N_IMAGES = "n_images";
    public static final String TRAIN_SECONDS = "train_seconds";
    public static final String RUN_ID = "run_id";

    public static final TableDef TABLE = new TableDef(
        "standalone",
        "Sub-networks trained from scratch (ground truth for inherited-weight accuracy)",
        new StructType()
            .add(BUILD_DATE, DateType, false)
            .add(SPACE, StringType, false)
            .add(ARCH_ID, StringType, false)
            .add(SEED, LongType, false)
            .add(EPOCHS, IntegerType, false)
            .add(TRAIN_IMAGES, IntegerType, false)
            .add(EPOCH_LOSS, DataTypes.createArrayType(DoubleType), false, "mean training loss per epoch")
            .add(EPOCH_TOP1, DataTypes.createArrayType(DoubleType), false, "held-out top-1 after each epoch")
            .add(TOP1, DoubleType, false, "held-out top-1 after the last epoch")
            .add(N_IMAGES, IntegerType, false, "held-out images")
            .add(TRAIN_SECONDS, DoubleType, false)
            .add(RUN_ID, StringType, false),
        List.of(BUILD_DATE, SPACE, ARCH_ID, SEED), List.of(BUILD_DATE), DELTA_PROPS);

    private Standalone() {}
  }

  /** How well inherited-weight top-1 ranks standalone top-1, per build date. */
  public static final class GroundTruth {
    public static final String BUILD_DATE = "build_date";
    public static final String SPACE = "space";
    public static final String SUPERNET_ID = "supernet_id";
    public static final String N_SUBNETS = "n_subnets";
    public static final String SEEDS = "seeds";
    public static final String KENDALL_TAU = "kendall_tau";
    public static final String SPEARMAN_RHO = "spearman_rho";
    public static final String RUN_ID = "run_id";

    public static final TableDef TABLE = new TableDef(
        "ground_truth",
        "Kendall tau between inherited-weight and standalone (seed-mean) top-1",
        new StructType()
            .add(BUILD_DATE, DateType, false)
            .add(SPACE, StringType, false)
            .add(SUPERNET_ID, StringType, false)
            .add(N_SUBNETS, IntegerType, false)
            .add(SEEDS, IntegerType, false, "seeds per sub-network (top-1 averaged over them)")
            .add(KENDALL_TAU, DoubleType, true)
            .add(SPEARMAN_RHO, DoubleType, true)
            .add(RUN_ID, StringType, false),
        List.of(BUILD_DATE, SPACE, SUPERNET_ID), List.of(), DELTA_PROPS);

    private GroundTruth() {}
  }

  /** This file's tables, in creation order. */
  static List<TableDef> all() {
    return List.of(ArchFeatures.TABLE, Predictors.TABLE, SearchResults.TABLE, Standalone.TABLE,
        GroundTruth.TABLE);
  }

  private PredictorTables() {}
}
