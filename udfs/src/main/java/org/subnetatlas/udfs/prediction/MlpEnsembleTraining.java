package org.subnetatlas.udfs.prediction;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.udfs.prediction.MlpRegressionModel.Inputs;
import org.subnetatlas.udfs.prediction.MlpRegressionModel.Settings;
import org.subnetatlas.udfs.prediction.MlpRegressionModel.State;
import org.subnetatlas.udfs.prediction.MlpRegressionModel.View;

/**
 * Fitting an MLP ensemble: the scaling learnt from the training rows, each view's encoding of
 * them, and the members trained as Spark tasks, one per member, each from its own seed.
 */
final class MlpEnsembleTraining {

  private MlpEnsembleTraining() {}

  /** The fitted ensemble's state; {@code inputs} may be null (every feature continuous). */
  static State fit(Dataset<Row> train, Inputs inputs, Settings s) {
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
      means[j] = MlpFeatureScaling.mean(col);
      stds[j] = MlpFeatureScaling.std(col, means[j]);
    }
    double labelMean = MlpFeatureScaling.mean(y);
    double labelStd = MlpFeatureScaling.std(y, labelMean);
    double[] t = new double[y.length];
    for (int i = 0; i < raw.length; i++) {
      t[i] = (y[i] - labelMean) / labelStd;
    }
    List<View> views = s.views();
    double[][][] x = new double[views.size()][raw.length][];
    for (int v = 0; v < views.size(); v++) {
      for (int i = 0; i < raw.length; i++) {
        x[v][i] = MlpFeatureScaling.encode(in, views.get(v), means, stds, raw[i]);
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
    List<MlpMember> members = trainMembers(train.sparkSession(), x, t, s.member(), tasks);
    return new State(MlpRegressionModel.FORMAT, in.levels(), in.pairs(), in.crossFeature(), means,
        stds, labelMean, labelStd, members, memberViews);
  }

  /** One Spark task per {@code (view, seed)} task, members returned in task order. */
  private static List<MlpMember> trainMembers(SparkSession spark, double[][][] x, double[] t,
      MlpMember.Settings ms, List<long[]> tasks) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.min(tasks.size(), spark.sparkContext().defaultParallelism());
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
    return members;
  }

  private static byte[] toBytes(MlpMember m) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(m);
    }
    return bytes.toByteArray();
  }

  private static MlpMember fromBytes(byte[] b) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return (MlpMember) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("reading a trained MLP member back: " + e, e);
    }
  }
}
