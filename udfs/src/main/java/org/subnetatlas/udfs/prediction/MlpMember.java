package org.subnetatlas.udfs.prediction;

import org.subnetatlas.udfs.nets.DjlRuntime;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One member of an MLP regression ensemble: dense layers with ReLU between them, trained with DJL
 * (PyTorch engine, CPU, one intra-op thread) on standardised inputs and labels, then kept as plain
 * arrays. {@link #predict} is a plain-Java forward over those arrays, so every caller (the job that
 * scores the member, the SQL function, the search) computes the same figure without loading a
 * native engine.
 *
 * <p>Deterministic for a seed: the initial weights (He uniform) and the mini-batch order come from
 * {@link Random}, not from the engine's generator, and training holds the JVM's training lock.
 *
 * @param weights per layer, {@code out × in}, row-major
 * @param biases per layer, {@code out}
 */
public record MlpMember(int[] dims, float[][] weights, float[][] biases) implements Serializable {

  /** How a member is trained. */
  public record Settings(int hidden, int layers, int epochs, int batch, double learningRate,
      double weightDecay) implements Serializable {

    public Settings {
      if (hidden < 1 || layers < 1 || epochs < 1 || batch < 1) {
        throw new IllegalArgumentException("MLP settings need positive sizes, got hidden " + hidden
            + ", layers " + layers + ", epochs " + epochs + ", batch " + batch);
      }
      if (!(learningRate > 0) || !(weightDecay >= 0)) {
        throw new IllegalArgumentException("MLP settings need learning rate > 0 and weight decay >= 0,"
            + " got " + learningRate + " and " + weightDecay);
      }
    }

    /** Layer widths from the input to the single output. */
    int[] dims(int inputs) {
      int[] d = new int[layers + 2];
      d[0] = inputs;
      for (int i = 1; i <= layers; i++) {
        d[i] = hidden;
      }
      d[layers + 1] = 1;
      return d;
    }
  }

  public MlpMember {
    Objects.requireNonNull(dims, "dims");
    if (weights.length != dims.length - 1 || biases.length != dims.length - 1) {
      throw new IllegalArgumentException(dims.length + " widths need " + (dims.length - 1)
          + " weight and bias arrays, got " + weights.length + " and " + biases.length);
    }
    for (int l = 0; l < weights.length; l++) {
      if (weights[l].length != dims[l] * dims[l + 1] || biases[l].length != dims[l + 1]) {
        throw new IllegalArgumentException("layer " + l + " of " + dims[l] + " -> " + dims[l + 1]
            + " has " + weights[l].length + " weights and " + biases[l].length + " biases");
      }
    }
  }

  /** The output for one standardised input of {@code dims[0]} values. */
  public double predict(double[] x) {
    if (x.length != dims[0]) {
      throw new IllegalArgumentException("MLP member takes " + dims[0] + " inputs, got " + x.length);
    }
    double[] h = x;
    for (int l = 0; l < weights.length; l++) {
      // only the inputs that are not 0 (most of a layer's indicators are not set); the sum is
      // the same, term for term, as over every input
      int[] nonZero = nonZero(h);
      int in = dims[l];
      int out = dims[l + 1];
      double[] next = new double[out];
      float[] w = weights[l];
      for (int o = 0; o < out; o++) {
        double s = biases[l][o];
        int row = o * in;
        for (int i : nonZero) {
          s += w[row + i] * h[i];
        }
        next[o] = l + 1 < weights.length ? Math.max(s, 0) : s;
      }
      h = next;
    }
    return h[0];
  }

  /**
   * Trains one member on {@code x} (rows of standardised inputs) and {@code y} (standardised
   * labels): Adam on the L2 loss, mini-batches in an order drawn from {@code seed}.
   */
  public static MlpMember train(double[][] x, double[] y, Settings s, long seed) {
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException("MLP training needs as many labels as rows, got "
          + x.length + " rows and " + y.length + " labels");
    }
    int inputs = x[0].length;
    int[] dims = s.dims(inputs);
    Random rnd = new Random(seed);
    SequentialBlock block = new SequentialBlock();
    for (int l = 1; l < dims.length; l++) {
      block.add(Linear.builder().setUnits(dims[l]).build());
      if (l + 1 < dims.length) {
        block.add(Activation.reluBlock());
      }
    }
    ReentrantLock lock = DjlRuntime.trainingLock();
    lock.lock();
    try (Model model = Model.newInstance("mlp-member", Device.cpu(), DjlRuntime.ENGINE)) {
      DjlRuntime.setIntraOpThreads(1);
      model.setBlock(block);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
          .optDevices(new Device[] {Device.cpu()})
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) s.learningRate()))
              .optWeightDecays((float) s.weightDecay()).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, inputs));
        JniUtils.setGradMode(false);
        heUniform(block, dims, rnd);
        int n = x.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        NDManager root = trainer.getManager();
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
          shuffle(order, rnd);
          for (int from = 0; from < n; from += s.batch()) {
            int to = Math.min(from + s.batch(), n);
            try (NDManager m = root.newSubManager()) {
              float[] bx = new float[(to - from) * inputs];
              float[] by = new float[to - from];
              for (int i = from; i < to; i++) {
                for (int j = 0; j < inputs; j++) {
                  bx[(i - from) * inputs + j] = (float) x[order[i]][j];
                }
                by[i - from] = (float) y[order[i]];
              }
              NDArray input = m.create(bx, new Shape(to - from, inputs));
              NDArray label = m.create(by, new Shape(to - from, 1));
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray out = trainer.forward(new NDList(input)).singletonOrThrow();
                NDArray loss = trainer.getLoss().evaluate(new NDList(label), new NDList(out));
                gc.backward(loss);
              }
              JniUtils.setGradMode(false);
              trainer.step();
            }
          }
        }
        return extract(block, dims);
      }
    } finally {
      lock.unlock();
    }
  }

  private static int[] nonZero(double[] h) {
    int n = 0;
    int[] idx = new int[h.length];
    for (int i = 0; i < h.length; i++) {
      if (h[i] != 0) {
        idx[n++] = i;
      }
    }
    return Arrays.copyOf(idx, n);
  }

  private static void heUniform(SequentialBlock block, int[] dims, Random rnd) {
    int layer = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter param = p.getValue();
      NDArray a = param.getArray();
      float[] v = new float[Math.toIntExact(a.size())];
      if (param.getType() == Parameter.Type.WEIGHT) {
        double bound = Math.sqrt(6.0 / dims[layer]);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
      } else {
        layer++;  // a Linear's bias follows its weight
      }
      a.set(v);
    }
  }

  private static MlpMember extract(SequentialBlock block, int[] dims) {
    List<float[]> w = new ArrayList<>();
    List<float[]> b = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      float[] v = p.getValue().getArray().toFloatArray();
      (p.getValue().getType() == Parameter.Type.WEIGHT ? w : b).add(v);
    }
    return new MlpMember(dims, w.toArray(float[][]::new), b.toArray(float[][]::new));
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
