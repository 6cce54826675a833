package org.subnetatlas.udfs.prediction;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
    CHOICES,
    /**
     * One indicator per combination of levels of each {@link Inputs#pairs pair} (a slot's kernel and
     * expand), one per level of every other categorical feature.
     */
    PAIRS,
    /**
     * The {@link #CHOICES} indicators, then each indicator of every other categorical feature again
     * for each level of the {@link Inputs#crossFeature cross feature} (resolution), set only at that
     * level: a choice's effect can differ per resolution without the network having to learn it.
     */
    CROSSED;

    public String label() {
      return Labels.lowerName(this);
    }

    public static View byLabel(String label) {
      return Labels.find(values(), View::label, label, "unknown MLP view '" + label
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
    State fitted = MlpEnsembleTraining.fit(train, inputs, s);
    return create(Identifiable$.MODULE$.randomUID("mlpEnsemble"), fitted);
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
    return MlpFeatureScaling.encode(in, view, means, stds, v);
  }

  @Override
  public MLWriter write() {
    State st = state;
    String id = uid;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        MlpModelFiles.save(path, id, st);
      }
    };
  }

  /** Loads a model {@link #write} saved under {@code path}. */
  public static MlpRegressionModel load(String path) {
    MlpModelFiles.Stored s = MlpModelFiles.load(path);
    return create(s.uid(), s.state());
  }
}
