package org.subnetatlas.udfs.measurement;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * A fixed network timed next to every sub-network, so a latency can be given relative to it: the
 * machine's drift slows both forwards of a round alike and cancels in their ratio. It belongs to no
 * search space or family, so one reference serves every family of a run; weights and input come
 * from fixed seeds, so every build computes the same values. Its blocks are small inverted
 * residuals (1×1 expand, 3×3 depthwise, 1×1 project), the op mix of the measured sub-networks, so
 * per-op dispatch and arithmetic drift in proportions close to theirs.
 */
public final class ReferenceNet implements AutoCloseable {

  static final int CHANNELS_IN = 3;
  static final int SIDE = 32;
  static final int WIDTH = 16;
  static final int EXPAND = 4;
  static final int BLOCKS = 8;
  static final int CLASSES = 10;
  static final long WEIGHT_SEED = 20261207L;
  static final long INPUT_SEED = 1234L;

  private static final String DEFINITION = String.format("subnet-atlas reference v1; float32 NCHW;"
      + " input batch x %d x %d x %d, N(0,1) from java.util.Random(%d) per batch;"
      + " stem conv3x3 %d->%d stride 2 pad 1 + relu;"
      + " %d x [conv1x1 %d->%d + relu, depthwise conv3x3 %d pad 1 + relu, conv1x1 %d->%d, + residual];"
      + " global average pool; linear %d->%d;"
      + " every weight and bias N(0,1)/sqrt(fan_in) from java.util.Random(%d) in layer order;"
      + " one forward = scratch manager, logits, logits copied to host",
      CHANNELS_IN, SIDE, SIDE, INPUT_SEED, CHANNELS_IN, WIDTH, BLOCKS, WIDTH, WIDTH * EXPAND,
      WIDTH * EXPAND, WIDTH * EXPAND, WIDTH, WIDTH, CLASSES, WEIGHT_SEED);
  private static final String ID = shortSha256(DEFINITION);

  private final NDManager owner;
  private final NDArray[] weights;

  /** The reference's weights in a new sub-manager of {@code parent} (on its device). */
  public ReferenceNet(NDManager parent) {
    this.owner = parent.newSubManager();
    Random rnd = new Random(WEIGHT_SEED);
    int mid = WIDTH * EXPAND;
    weights = new NDArray[2 + BLOCKS * 6 + 2];
    int i = 0;
    weights[i++] = gaussian(rnd, new Shape(WIDTH, CHANNELS_IN, 3, 3), CHANNELS_IN * 9);
    weights[i++] = gaussian(rnd, new Shape(WIDTH), CHANNELS_IN * 9);
    for (int b = 0; b < BLOCKS; b++) {
      weights[i++] = gaussian(rnd, new Shape(mid, WIDTH, 1, 1), WIDTH);
      weights[i++] = gaussian(rnd, new Shape(mid), WIDTH);
      weights[i++] = gaussian(rnd, new Shape(mid, 1, 3, 3), 9);
      weights[i++] = gaussian(rnd, new Shape(mid), 9);
      weights[i++] = gaussian(rnd, new Shape(WIDTH, mid, 1, 1), mid);
      weights[i++] = gaussian(rnd, new Shape(WIDTH), mid);
    }
    weights[i++] = gaussian(rnd, new Shape(CLASSES, WIDTH), WIDTH);
    weights[i] = gaussian(rnd, new Shape(CLASSES), WIDTH);
  }

  /** The text that defines the reference; {@link #id()} is its hash. */
  public static String definition() {
    return DEFINITION;
  }

  /** First 12 hex digits of the sha-256 of {@link #definition()}: stored with every relative figure. */
  public static String id() {
    return ID;
  }

  /** A timed forward at batch size {@code batch} on its fixed input, like {@link MbTiming}'s. */
  public Forward forward(int batch) {
    NDArray x = input(batch);
    Forward f = () -> {
      try (NDManager m = owner.newSubManager()) {
        x.tempAttach(m);
        logits(x).toFloatArray();
      }
    };
    try {
      f.run();  // first call outside any warm-up count, as MbTiming does
    } catch (Exception e) {
      throw new IllegalStateException("reference forward failed: " + e.getMessage(), e);
    }
    return f;
  }

  /** The logits of the fixed input at batch size {@code batch} (for checks of determinism). */
  public float[] output(int batch) {
    try (NDManager m = owner.newSubManager()) {
      NDArray x = input(batch);
      x.attach(m);
      return logits(x).toFloatArray();
    }
  }

  private NDArray logits(NDArray x) {
    int i = 0;
    NDArray y = Activation.relu(conv(x, weights[i++], weights[i++], 2, 1, 1));
    for (int b = 0; b < BLOCKS; b++) {
      NDArray h = Activation.relu(conv(y, weights[i++], weights[i++], 1, 0, 1));
      h = Activation.relu(conv(h, weights[i++], weights[i++], 1, 1, WIDTH * EXPAND));
      y = y.add(conv(h, weights[i++], weights[i++], 1, 0, 1));
    }
    NDArray pooled = y.mean(new int[] {3}).mean(new int[] {2});
    return Linear.linear(pooled, weights[i++], weights[i]).singletonOrThrow();
  }

  private static NDArray conv(NDArray x, NDArray w, NDArray bias, int stride, int pad, int groups) {
    return Conv2d.conv2d(x, w, bias, new Shape(stride, stride), new Shape(pad, pad),
        new Shape(1, 1), groups).singletonOrThrow();
  }

  private NDArray input(int batch) {
    Random rnd = new Random(INPUT_SEED);
    float[] v = new float[batch * CHANNELS_IN * SIDE * SIDE];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return owner.create(v, new Shape(batch, CHANNELS_IN, SIDE, SIDE));
  }

  private NDArray gaussian(Random rnd, Shape shape, int fanIn) {
    float[] v = new float[Math.toIntExact(shape.size())];
    double scale = 1 / Math.sqrt(fanIn);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextGaussian() * scale);
    }
    return owner.create(v, shape);
  }

  static String shortSha256(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  @Override
  public void close() {
    owner.close();
  }
}
