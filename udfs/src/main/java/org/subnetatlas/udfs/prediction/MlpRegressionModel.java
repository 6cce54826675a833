package org.subnetatlas.udfs.prediction;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.DoubleStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An ensemble of small MLPs as a Spark ML regression model, so it trains, scores, saves and loads
 * where the MLlib regressors do ({@code transform}, {@code predict}, {@code write().save}).
 *
 * <p>Inputs: a feature with known levels (an architecture choice: kernel, expand, depth,
 * resolution) becomes indicators, so the network sees choices as categories rather than as
 * magnitudes; any other feature (log MACs, proxies) is standardised with the training mean and
 * standard deviation. The label is standardised too. How the choices become indicators is a
 * member's {@link View}: one per level of each choice, one per combination of a feature pair (a
 * slot's kernel and expand), or each choice's indicators again per level of one feature
 * (resolution). Members of different views err differently, so their mean ranks better than as
 * many members of one view. Each member is trained with DJL ({@link MlpMember#train}), one Spark
 * task per member, from its own seed; the prediction is the mean of the members' outputs, computed
 * in plain Java.
 *
 * <p>Saved as one JSON file ({@value #FILE}) under the model folder: encoding, label scaling,
 * settings and every member's view and weights (floats written so they read back exactly).
 */
public final class MlpRegressionModel extends RegressionModel<Vector, MlpRegressionModel>
    implements MLWritable {

  private static final long serialVersionUID = 1L;
  public static final String FILE = "mlp.json";
  static final String FORMAT = "subnet-atlas-mlp-ensemble-2";
  /** Written before views existed: every member sees {@link View#CHOICES}. */
  public static final String FORMAT_CHOICES_ONLY = "subnet-atlas-mlp-ensemble-1";

  /** How a member turns the categorical features into indicators. */
  public enum View {
    /** One indicator per level of each categorical feature. */
    CHOICES("choices"),
    /**
     * One indicator per combination of levels of each {@link Inputs#pairs pair} (a slot's kernel and
     * expand), one per level of every other categorical feature.
     */
    PAIRS("pairs"),
    /**
     * The {@link #CHOICES} indicators, then each indicator of every other categorical feature again
     * for each level of the {@link Inputs#crossFeature cross feature} (resolution), set only at that
     * level: a choice's effect can differ per resolution without the network having to learn it.
     */
    CROSSED("crossed");

    private final String label;

    View(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static View byLabel(String label) {
      for (View v : values()) {
        if (v.label.equals(label)) {
          return v;
        }
      }
      throw new IllegalArgumentException("unknown MLP view '" + label
          + "' (expected choices, pairs or crossed)");
    }
  }

  /**
   * What the model knows of its raw features: {@code levels[j]} lists the values feature {@code j}
   * takes when it is categorical, or is null; {@code pairs} are pairs of categorical features
   * described together by {@link View#PAIRS}; {@code crossFeature} is the categorical feature
   * {@link View#CROSSED} crosses with every other, or -1.
   */
  public record Inputs(double[][] levels, int[][] pairs, int crossFeature) implements Serializable {
    public Inputs {
      Objects.requireNonNull(levels, "levels");
      Objects.requireNonNull(pairs, "pairs");
      for (int[] p : pairs) {
        if (p.length != 2 || p[0] == p[1] || !categorical(levels, p[0]) || !categorical(levels, p[1])) {
          throw new IllegalArgumentException("a feature pair needs two distinct categorical features, got "
              + Arrays.toString(p));
        }
      }
      if (crossFeature != -1 && !categorical(levels, crossFeature)) {
        throw new IllegalArgumentException("the cross feature must be categorical, got feature "
            + crossFeature);
      }
    }

    /** Only levels: no pairs and no cross feature, so only {@link View#CHOICES} applies. */
    public static Inputs of(double[][] levels) {
      return new Inputs(levels, new int[0][], -1);
    }

    private static boolean categorical(double[][] levels, int j) {
      return j >= 0 && j < levels.length && levels[j] != null;
    }

    void require(View view) {
      if (view == View.PAIRS && pairs.length == 0) {
        throw new IllegalArgumentException("the MLP view 'pairs' needs feature pairs, and none were given");
      }
      if (view == View.CROSSED && crossFeature < 0) {
        throw new IllegalArgumentException("the MLP view 'crossed' needs a cross feature, and none was given");
      }
    }
  }

  /**
   * Ensemble size and how each member trains: {@code members} members per view, each view's
   * members trained on that view's encoding.
   */
  public record Settings(int members, MlpMember.Settings member, long seed, List<View> views)
      implements Serializable {
    public Settings {
      if (members < 1) {
        throw new IllegalArgumentException("an MLP ensemble needs at least one member, got " + members);
      }
      if (views == null || views.isEmpty() || new HashSet<>(views).size() != views.size()) {
        throw new IllegalArgumentException("an MLP ensemble needs one or more distinct views, got " + views);
      }
      views = List.copyOf(views);
    }

    /** Every member sees {@link View#CHOICES}. */
    public Settings(int members, MlpMember.Settings member, long seed) {
      this(members, member, seed, List.of(View.CHOICES));
    }
  }

  /**
   * What is stored: the input encoding, label scaling, and the members with each one's view
   * ({@code memberViews} is null in {@link #FORMAT_CHOICES_ONLY} files).
   */
  record State(String format, double[][] levels, int[][] pairs, int crossFeature, double[] means,
      double[] stds, double labelMean, double labelStd, List<MlpMember> members,
      List<View> memberViews) implements Serializable {

    Inputs inputs() {
      return new Inputs(levels, pairs == null ? new int[0][] : pairs, memberViews == null ? -1 : crossFeature);
    }

    View view(int member) {
      return memberViews == null ? View.CHOICES : memberViews.get(member);
    }
  }

  private final String uid;
  private final State state;
  private final Inputs inputs;

  /**
   * The uid while a model is being constructed: Spark's param traits read {@code uid()} in the
   * superclass constructor, before a Java subclass can assign its fields.
   */
  private static final ThreadLocal<String> CONSTRUCTING = new ThreadLocal<>();

  private MlpRegressionModel(String uid, State state) {
    this.uid = uid;
    this.state = state;
    this.inputs = state.inputs();
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
    double[] v = features.toArray();
    Map<View, double[]> encoded = new EnumMap<>(View.class);
    double sum = 0;
    for (int i = 0; i < state.members().size(); i++) {
      double[] x = encoded.computeIfAbsent(state.view(i), view -> encode(inputs, view, state.means(),
          state.stds(), v));
      sum += state.members().get(i).predict(x);
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

  /** Each member's view, in member order. */
  public List<View> memberViews() {
    List<View> out = new ArrayList<>();
    for (int i = 0; i < state.members().size(); i++) {
      out.add(state.view(i));
    }
    return out;
  }

  /**
   * Fits an ensemble on {@code train} ({@link PredictorModels#SCHEMA} rows) with every feature
   * categorical that has {@code levels} (which may be null: every feature continuous).
   */
  public static MlpRegressionModel fit(Dataset<Row> train, double[][] levels, Settings s) {
    return fit(train, levels == null ? null : Inputs.of(levels), s);
  }

  /**
   * Fits an ensemble on {@code train} ({@link PredictorModels#SCHEMA} rows); {@code inputs} may be
   * null (every feature continuous). Members train as Spark tasks.
   */
  public static MlpRegressionModel fit(Dataset<Row> train, Inputs inputs, Settings s) {
    List<Row> rows = train.select(PredictorModels.FEATURES, PredictorModels.LABEL).collectAsList();
    if (rows.size() < 2) {
      throw new IllegalArgumentException("an MLP needs at least 2 training rows, got " + rows.size());
    }
    int d = ((Vector) rows.get(0).get(0)).size();
    Inputs in = inputs == null ? Inputs.of(new double[d][]) : inputs;
    if (in.levels().length != d) {
      throw new IllegalArgumentException(d + " features but levels for " + in.levels().length);
    }
    for (View view : s.views()) {
      in.require(view);
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
    double[] t = new double[y.length];
    for (int i = 0; i < raw.length; i++) {
      t[i] = (y[i] - labelMean) / labelStd;
    }
    List<View> views = s.views();
    double[][][] x = new double[views.size()][raw.length][];
    for (int v = 0; v < views.size(); v++) {
      for (int i = 0; i < raw.length; i++) {
        x[v][i] = encode(in, views.get(v), means, stds, raw[i]);
      }
    }
    // member i sees view i / members; with one view the seeds are those of a single-view ensemble
    List<long[]> tasks = new ArrayList<>();
    List<View> memberViews = new ArrayList<>();
    Random rnd = new Random(s.seed());
    for (int i = 0; i < views.size() * s.members(); i++) {
      tasks.add(new long[] {i / s.members(), rnd.nextLong()});
      memberViews.add(views.get(i / s.members()));
    }
    SparkSession spark = train.sparkSession();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.min(tasks.size(), spark.sparkContext().defaultParallelism());
    MlpMember.Settings ms = s.member();
    Broadcast<double[][][]> inputsByView = jsc.broadcast(x);
    // members travel as Java-serialised bytes: the Kryo that Spark may use cannot build records
    List<MlpMember> members = new ArrayList<>();
    try {
      for (byte[] b : jsc.parallelize(tasks, slices)
          .map(task -> toBytes(MlpMember.train(inputsByView.value()[(int) task[0]], t, ms, task[1])))
          .collect()) {
        members.add(fromBytes(b));
      }
    } finally {
      inputsByView.destroy();
    }
    return create(Identifiable$.MODULE$.randomUID("mlpEnsemble"), new State(FORMAT, in.levels(),
        in.pairs(), in.crossFeature(), means, stds, labelMean, labelStd, members, memberViews));
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

  /** The {@link View#CHOICES} encoding of raw features {@code v}. */
  public static double[] encode(double[][] levels, double[] means, double[] stds, double[] v) {
    return encode(Inputs.of(levels), View.CHOICES, means, stds, v);
  }

  /**
   * The encoding of raw features {@code v} under {@code view}: continuous features standardised,
   * categorical ones as indicators (a value outside a feature's levels sets none of them).
   */
  public static double[] encode(Inputs in, View view, double[] means, double[] stds, double[] v) {
    if (v.length != means.length) {
      throw new IllegalArgumentException("MLP predictor takes " + means.length + " features, got "
          + v.length);
    }
    double[][] levels = in.levels();
    DoubleStream.Builder out = DoubleStream.builder();
    int[] partner = new int[v.length];
    Arrays.fill(partner, -1);
    if (view == View.PAIRS) {
      for (int[] p : in.pairs()) {
        partner[p[0]] = p[1];
        partner[p[1]] = -2;  // described with its partner
      }
    }
    for (int j = 0; j < v.length; j++) {
      if (levels[j] == null) {
        out.add((v[j] - means[j]) / stds[j]);
      } else if (partner[j] >= 0) {
        for (double a : levels[j]) {
          for (double b : levels[partner[j]]) {
            out.add(v[j] == a && v[partner[j]] == b ? 1 : 0);
          }
        }
      } else if (partner[j] == -1) {
        indicators(out, levels[j], v[j], 1);
      }
    }
    if (view == View.CROSSED) {
      int c = in.crossFeature();
      for (double at : levels[c]) {
        double on = v[c] == at ? 1 : 0;
        for (int j = 0; j < v.length; j++) {
          if (levels[j] != null && j != c) {
            indicators(out, levels[j], v[j], on);
          }
        }
      }
    }
    return out.build().toArray();
  }

  private static void indicators(DoubleStream.Builder out, double[] levels, double value, double on) {
    for (double level : levels) {
      out.add(value == level ? on : 0);
    }
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
    if (!FORMAT.equals(s.state().format()) && !FORMAT_CHOICES_ONLY.equals(s.state().format())) {
      throw new IllegalStateException(file + " holds format " + s.state().format() + ", expected "
          + FORMAT + " or " + FORMAT_CHOICES_ONLY);
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
