package org.subnetatlas.udfs.prediction;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.udfs.evaluation.RankCorrelation;

/**
 * Spark MLlib regressors for the benchmark's predictors: fitting, saving, loading, the fixed
 * held-out split and the held-out scores (Kendall τ, Spearman ρ, RMSE).
 */
public final class PredictorModels {

  public static final String ARCH_ID = "arch_id";
  public static final String LABEL = "label";
  public static final String FEATURES = "features";
  public static final String PREDICTION = "prediction";

  /** Rows a model trains and is scored on. */
  public static final StructType SCHEMA = new StructType()
      .add(ARCH_ID, DataTypes.StringType, false)
      .add(LABEL, DataTypes.DoubleType, false)
      .add(FEATURES, SQLDataTypes.VectorType(), false);

  /** The regressors; the label is stored in {@code atlas.predictors.model}. */
  public enum Kind {
    GBT, RANDOM_FOREST, LINEAR, MLP;

    public String label() {
      return Labels.lowerName(this);
    }

    public static Kind byLabel(String label) {
      return Labels.find(values(), Kind::label, label, "unknown predictor model '" + label
          + "' (expected gbt, random_forest, linear or mlp)");
    }
  }

  /**
   * Tree sizes and iterations, and the MLP ensemble; small defaults suit a few hundred to a few
   * thousand rows.
   */
  public record Settings(int gbtIterations, int maxDepth, int forestTrees, long seed,
      MlpRegressionModel.Settings mlp) {

    /**
     * Default MLP ensemble: 8 members per view, each view of {@link MlpRegressionModel.View}, of 2
     * hidden layers of 128, 200 epochs (see {@link #mlp}).
     */
    public Settings(int gbtIterations, int maxDepth, int forestTrees, long seed) {
      this(gbtIterations, maxDepth, forestTrees, seed, defaultMlp(seed));
    }

    public static MlpRegressionModel.Settings defaultMlp(long seed) {
      return new MlpRegressionModel.Settings(8, new MlpMember.Settings(128, 2, 200, 64, 3e-3, 1e-3),
          seed, List.of(MlpRegressionModel.View.values()));
    }
  }

  /** Scores on one split's rows. */
  public record Score(double kendallTau, double spearmanRho, double rmse, int nTest) {}

  /**
   * The three fixed splits of architectures: models fit on TRAIN, the best is chosen on
   * SELECTION, and the figures reported are those on TEST, which neither saw.
   */
  public enum Role { TRAIN, SELECTION, TEST }

  private PredictorModels() {}

  /**
   * The split of {@code archId} (sha-256 hex) by its first 8 hex digits mod 100: below
   * {@code testPercent} test, below {@code testPercent + selectionPercent} selection, else train.
   * Depends on the architecture alone, so the split is the same in every run and every release
   * and a sub-network never moves between splits.
   */
  public static Role role(String archId, int testPercent, int selectionPercent) {
    long bucket = Long.parseLong(archId.substring(0, 8), 16) % 100;
    return bucket < testPercent ? Role.TEST
        : bucket < testPercent + selectionPercent ? Role.SELECTION : Role.TRAIN;
  }

  public static Row row(String archId, double label, double[] features) {
    return RowBuilder.of(SCHEMA).set(ARCH_ID, archId).set(LABEL, label)
        .set(FEATURES, Vectors.dense(features)).build();
  }

  public static Dataset<Row> frame(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Fits {@code kind} with every feature continuous. */
  public static PredictionModel<Vector, ?> fit(Kind kind, Dataset<Row> train, Settings s) {
    return fit(kind, train, s, (MlpRegressionModel.Inputs) null);
  }

  /**
   * Fits {@code kind}; {@code inputs}, when not null, says which features are categorical and how
   * they relate (only the MLP uses it, see {@link MlpRegressionModel.Inputs}).
   */
  public static PredictionModel<Vector, ?> fit(Kind kind, Dataset<Row> train, Settings s,
      MlpRegressionModel.Inputs inputs) {
    return switch (kind) {
      case GBT -> new GBTRegressor().setMaxIter(s.gbtIterations()).setMaxDepth(s.maxDepth())
          .setStepSize(0.1).setSubsamplingRate(0.8).setSeed(s.seed()).fit(train);
      case RANDOM_FOREST -> new RandomForestRegressor().setNumTrees(s.forestTrees())
          .setMaxDepth(s.maxDepth()).setSeed(s.seed()).fit(train);
      case LINEAR -> new LinearRegression().setRegParam(1e-3).setElasticNetParam(0.0)
          .setStandardization(true).fit(train);
      case MLP -> MlpRegressionModel.fit(train, inputs, s.mlp());
    };
  }

  /**
   * A Spark checkpoint directory for the fits of one run. Each GBT iteration lengthens the lineage
   * of MLlib's cached predictions by one step; past a few hundred iterations, serialising a task
   * overflows the driver's stack (seen at 300 iterations: "Task serialization failed:
   * java.lang.StackOverflowError"). MLlib cuts that lineage every {@code checkpointInterval} (10)
   * iterations, but only when the context has a checkpoint directory. {@link #open} sets
   * {@code dir} when the context has none, and {@link #close} unsets and deletes it again; a
   * directory the application set itself is left alone.
   */
  public static final class ScratchCheckpoints implements AutoCloseable {
    private final SparkSession spark;
    private final Path dir;

    private ScratchCheckpoints(SparkSession spark, Path dir) {
      this.spark = spark;
      this.dir = dir;
    }

    public static ScratchCheckpoints open(SparkSession spark, String dir) {
      if (spark.sparkContext().getCheckpointDir().isDefined()) {
        return new ScratchCheckpoints(spark, null);
      }
      spark.sparkContext().setCheckpointDir(dir);
      return new ScratchCheckpoints(spark, new Path(dir));
    }

    /** The directory this run owns, or null when the application had set its own. */
    public Path owned() {
      return dir;
    }

    @Override
    public void close() {
      if (dir == null) {
        return;
      }
      spark.sparkContext().setCheckpointDir(null);  // Option(null): none again
      try {
        dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dir, true);
      } catch (IOException e) {
        throw new UncheckedIOException("removing Spark checkpoints at " + dir, e);
      }
    }
  }

  public static void save(PredictionModel<Vector, ?> model, String path) {
    try {
      ((MLWritable) model).write().overwrite().save(path);
    } catch (IOException e) {
      throw new UncheckedIOException("saving predictor to " + path, e);
    }
  }

  public static PredictionModel<Vector, ?> load(Kind kind, String path) {
    return switch (kind) {
      case GBT -> GBTRegressionModel.load(path);
      case RANDOM_FOREST -> RandomForestRegressionModel.load(path);
      case LINEAR -> LinearRegressionModel.load(path);
      case MLP -> MlpRegressionModel.load(path);
    };
  }

  /** Scores {@code model} on {@code test} through MLlib's own {@code transform}. */
  public static Score score(PredictionModel<Vector, ?> model, Dataset<Row> test) {
    List<Row> rows = model.transform(test).select(col(LABEL), col(PREDICTION)).collectAsList();
    double[] y = new double[rows.size()];
    double[] p = new double[rows.size()];
    double sq = 0;
    for (int i = 0; i < rows.size(); i++) {
      y[i] = rows.get(i).getDouble(0);
      p[i] = rows.get(i).getDouble(1);
      sq += (y[i] - p[i]) * (y[i] - p[i]);
    }
    return new Score(RankCorrelation.kendall(y, p), RankCorrelation.spearman(y, p),
        rows.isEmpty() ? Double.NaN : Math.sqrt(sq / rows.size()), rows.size());
  }

  /** Predictions of {@code model} for {@code frame}'s rows, in row order (arch_id, prediction). */
  public static List<Row> predictions(PredictionModel<Vector, ?> model, Dataset<Row> frame) {
    return new ArrayList<>(model.transform(frame).select(col(ARCH_ID), col(PREDICTION))
        .orderBy(col(ARCH_ID)).collectAsList());
  }
}
