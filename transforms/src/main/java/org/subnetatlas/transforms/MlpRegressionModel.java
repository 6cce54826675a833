package org.subnetatlas.transforms;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.udfs.MlpMember;

/**
 * An ensemble of small MLPs as a Spark ML regression model, so it trains, scores, saves and loads
 * where the MLlib regressors do ({@code transform}, {@code predict}, {@code write().save}).
 *
 * <p>Inputs: a feature with known levels (an architecture choice: kernel, expand, depth,
 * resolution) becomes one indicator per level, so the network sees choices as categories rather than
 * as magnitudes; any other feature (log MACs, proxies) is standardised with the training mean and
 * standard deviation. The label is standardised too. Each member is trained with DJL
 * ({@link MlpMember#train}), one Spark task per member, from its own seed; the prediction is the
 * mean of the members' outputs, computed in plain Java.
 *
 * <p>Saved as one JSON file ({@value #FILE}) under the model folder: encoding, label scaling,
 * settings and every member's weights (floats written so they read back exactly).
 */
public final class MlpRegressionModel extends RegressionModel<Vector, MlpRegressionModel>
    implements MLWritable {

  private static final long serialVersionUID = 1L;
  static final String FILE = "mlp.json";
  static final String FORMAT = "subnet-atlas-mlp-ensemble-1";

  /** Ensemble size and how each member trains. */
  public record Settings(int members, MlpMember.Settings member, long seed) implements Serializable {
    public Settings {
      if (members < 1) {
        throw new IllegalArgumentException("an MLP ensemble needs at least one member, got " + members);
      }
    }
  }

  /** What is stored: the input encoding, label scaling, and the members. */
  record State(String format, double[][] levels, double[] means, double[] stds, double labelMean,
      double labelStd, List<MlpMember> members) implements Serializable {}

  private final String uid;
  private final State state;

  /**
   * The uid while a model is being constructed: Spark's param traits read {@code uid()} in the
   * superclass constructor, before a Java subclass can assign its fields.
   */
  private static final ThreadLocal<String> CONSTRUCTING = new ThreadLocal<>();

  private MlpRegressionModel(String uid, State state) {
    this.uid = uid;
    this.state = state;
  }

  private static MlpRegressionModel create(String uid, State state) {
    CONSTRUCTING.set(uid);
    try {
      return new MlpRegressionModel(uid, state);
    } finally {
      CONSTRUCTING.remove();
    }
  }

  @Override
  public String uid() {
    return uid != null ? uid : CONSTRUCTING.get();
  }

  @Override
  public int numFeatures() {
    return state.means().length;
  }

  @Override
  public double predict(Vector features) {
    double[] x = encode(state.levels(), state.means(), state.stds(), features.toArray());
    double sum = 0;
    for (MlpMember m : state.members()) {
      sum += m.predict(x);
    }
    return state.labelMean() + state.labelStd() * sum / state.members().size();
  }

  @Override
  public MlpRegressionModel copy(ParamMap extra) {
    return copyValues(create(uid, state), extra).setParent(parent());
  }

  /** Members in the ensemble. */
  public int members() {
    return state.members().size();
  }

  /**
   * Fits an ensemble on {@code train} ({@link PredictorModels#SCHEMA} rows). {@code levels[j]}
   * lists the values feature {@code j} takes when it is categorical, or is null; {@code levels}
   * itself may be null (every feature continuous). Members train as Spark tasks.
   */
  public static MlpRegressionModel fit(Dataset<Row> train, double[][] levels, Settings s) {
    List<Row> rows = train.select(PredictorModels.FEATURES, PredictorModels.LABEL).collectAsList();
    if (rows.size() < 2) {
      throw new IllegalArgumentException("an MLP needs at least 2 training rows, got " + rows.size());
    }
    int d = ((Vector) rows.get(0).get(0)).size();
    double[][] lv = levels == null ? new double[d][] : levels;
    if (lv.length != d) {
      throw new IllegalArgumentException(d + " features but levels for " + lv.length);
    }
    double[][] raw = new double[rows.size()][];
    double[] y = new double[rows.size()];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = ((Vector) rows.get(i).get(0)).toArray();
      y[i] = rows.get(i).getDouble(1);
    }
    double[] means = new double[d];
    double[] stds = new double[d];
    for (int j = 0; j < d; j++) {
      double[] col = new double[raw.length];
      for (int i = 0; i < raw.length; i++) {
        col[i] = raw[i][j];
      }
      means[j] = mean(col);
      stds[j] = std(col, means[j]);
    }
    double labelMean = mean(y);
    double labelStd = std(y, labelMean);
    double[][] x = new double[raw.length][];
    double[] t = new double[y.length];
    for (int i = 0; i < raw.length; i++) {
      x[i] = encode(lv, means, stds, raw[i]);
      t[i] = (y[i] - labelMean) / labelStd;
    }
    List<Long> seeds = new ArrayList<>();
    Random rnd = new Random(s.seed());
    for (int i = 0; i < s.members(); i++) {
      seeds.add(rnd.nextLong());
    }
    SparkSession spark = train.sparkSession();
    int slices = Math.min(s.members(), spark.sparkContext().defaultParallelism());
    MlpMember.Settings ms = s.member();
    // members travel as Java-serialised bytes: the Kryo that Spark may use cannot build records
    List<MlpMember> members = new ArrayList<>();
    for (byte[] b : JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(seeds, slices)
        .map(seed -> toBytes(MlpMember.train(x, t, ms, seed)))
        .collect()) {
      members.add(fromBytes(b));
    }
    return create(Identifiable$.MODULE$.randomUID("mlpEnsemble"),
        new State(FORMAT, lv, means, stds, labelMean, labelStd, members));
  }

  private static byte[] toBytes(MlpMember m) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(m);
    }
    return bytes.toByteArray();
  }

  private static MlpMember fromBytes(byte[] b) {
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(b))) {
      return (MlpMember) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("reading a trained MLP member back: " + e, e);
    }
  }

  static double[] encode(double[][] levels, double[] means, double[] stds, double[] v) {
    if (v.length != means.length) {
      throw new IllegalArgumentException("MLP predictor takes " + means.length + " features, got "
          + v.length);
    }
    int n = 0;
    for (int j = 0; j < v.length; j++) {
      n += levels[j] == null ? 1 : levels[j].length;
    }
    double[] out = new double[n];
    int k = 0;
    for (int j = 0; j < v.length; j++) {
      if (levels[j] == null) {
        out[k++] = (v[j] - means[j]) / stds[j];
      } else {
        for (double level : levels[j]) {  // a value outside the levels sets none of them
          out[k++] = v[j] == level ? 1 : 0;
        }
      }
    }
    return out;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(0);
  }

  /** Population standard deviation; 1 for a constant column, so it encodes as 0. */
  private static double std(double[] v, double mean) {
    double sq = 0;
    for (double x : v) {
      sq += (x - mean) * (x - mean);
    }
    double s = Math.sqrt(sq / v.length);
    return s > 1e-12 ? s : 1;
  }

  @Override
  public MLWriter write() {
    State st = state;
    String id = uid;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        Path file = new Path(path, FILE);
        try {
          FileSystem fs = file.getFileSystem(hadoopConf());
          try (OutputStream out = fs.create(file, true)) {
            new ObjectMapper().writeValue(out, new Stored(id, st));
          }
        } catch (IOException e) {
          throw new UncheckedIOException("saving MLP predictor to " + file, e);
        }
      }
    };
  }

  /** Loads a model {@link #write} saved under {@code path}. */
  public static MlpRegressionModel load(String path) {
    Path file = new Path(path, FILE);
    Stored s;
    try {
      FileSystem fs = file.getFileSystem(hadoopConf());
      try (InputStream in = fs.open(file)) {
        s = new ObjectMapper().readValue(in, Stored.class);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("loading MLP predictor from " + file + ": " + e.getMessage(), e);
    }
    if (!FORMAT.equals(s.state().format())) {
      throw new IllegalStateException(file + " holds format " + s.state().format() + ", expected "
          + FORMAT);
    }
    return create(s.uid(), s.state());
  }

  /** The running session's Hadoop settings (s3a credentials), or the defaults outside Spark. */
  private static org.apache.hadoop.conf.Configuration hadoopConf() {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    scala.Option<SparkSession> session = active.isDefined() ? active : SparkSession.getDefaultSession();
    return session.isDefined() ? session.get().sparkContext().hadoopConfiguration()
        : new org.apache.hadoop.conf.Configuration();
  }

  /** The JSON document. */
  record Stored(String uid, State state) {}
}
