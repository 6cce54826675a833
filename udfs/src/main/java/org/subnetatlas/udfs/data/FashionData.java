package org.subnetatlas.udfs.data;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fashion-MNIST train/valid/test splits, pixels in [0, 1]. Immutable after loading and safe to
 * share between threads; resized copies are computed once per resolution and cached.
 *
 * <p>Two layouts are understood. Bundled: {@code {train,valid,test}-images-idx3-ubyte.gz} and
 * {@code -labels-idx1-ubyte.gz}. Full (Debian {@code dataset-fashion-mnist}): {@code train-…} and
 * {@code t10k-…}; then train is the first 50,000 training images, valid the last 10,000 and test is
 * t10k, so valid never overlaps what training sees.
 */
public record FashionData(Split train, Split valid, Split test) {

  /** Images the full training file holds beyond the validation tail. */
  static final int FULL_TRAIN_COUNT = 50_000;

  public FashionData {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(valid, "valid");
    Objects.requireNonNull(test, "test");
  }

  /** Loads either layout from a directory URI (local path, file://, s3a://). */
  public static FashionData load(String dataDir) throws IOException {
    String dir = dataDir.endsWith("/") ? dataDir : dataDir + "/";
    if (IdxReader.exists(dir + images("valid"))) {
      return new FashionData(
          Split.of("train", IdxReader.readLabelled(dir + images("train"), dir + labels("train"))),
          Split.of("valid", IdxReader.readLabelled(dir + images("valid"), dir + labels("valid"))),
          Split.of("test", IdxReader.readLabelled(dir + images("test"), dir + labels("test"))));
    }
    if (IdxReader.exists(dir + images("train")) && IdxReader.exists(dir + images("t10k"))) {
      Split full = Split.of("train", IdxReader.readLabelled(dir + images("train"), dir + labels("train")));
      int nTrain = Math.min(FULL_TRAIN_COUNT, full.count() - 1);
      return new FashionData(full.range("train", 0, nTrain), full.range("valid", nTrain, full.count()),
          Split.of("test", IdxReader.readLabelled(dir + images("t10k"), dir + labels("t10k"))));
    }
    throw new IOException("No Fashion-MNIST files in " + dataDir + ": expected either "
        + images("train") + ", " + images("valid") + ", " + images("test") + " with their "
        + labels("*") + " files (bundled layout) or " + images("train") + ", " + labels("train")
        + ", " + images("t10k") + ", " + labels("t10k") + " (full layout)");
  }

  /**
   * The split named {@code name} ({@code train}, {@code valid} or {@code test}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public Split split(String name) {
    return switch (Objects.requireNonNull(name, "name")) {
      case "train" -> train;
      case "valid" -> valid;
      case "test" -> test;
      default -> throw new IllegalArgumentException("split " + name
          + ": not a Fashion-MNIST split (train, valid or test)");
    };
  }

  private static String images(String split) {
    return split + "-images-idx3-ubyte.gz";
  }

  private static String labels(String split) {
    return split + "-labels-idx1-ubyte.gz";
  }

  /** One split: row-major pixels in [0, 1] and labels 0..9. */
  public static final class Split {
    private final String name;
    private final int count;
    private final int size;
    private final float[] pixels;
    private final byte[] labels;
    private final Map<Integer, float[]> resized = new ConcurrentHashMap<>();

    public Split(String name, int count, int size, float[] pixels, byte[] labels) {
      this.name = Objects.requireNonNull(name, "name");
      if (pixels.length != count * size * size || labels.length != count) {
        throw new IllegalArgumentException("split " + name + ": " + count + " images of " + size + "x"
            + size + " do not match " + pixels.length + " pixels and " + labels.length + " labels");
      }
      this.count = count;
      this.size = size;
      this.pixels = pixels;
      this.labels = labels;
      resized.put(size, pixels);
    }

    static Split of(String name, IdxReader.Labelled data) {
      IdxImages im = data.images();
      if (im.rows() != im.cols()) {
        throw new IllegalArgumentException("split " + name + ": images are " + im.rows() + "x"
            + im.cols() + ", expected square images");
      }
      float[] px = new float[im.pixels().length];
      for (int i = 0; i < px.length; i++) {
        px[i] = (im.pixels()[i] & 0xff) / 255f;
      }
      return new Split(name, im.count(), im.rows(), px, data.labels());
    }

    /** Images {@code [from, to)} as a new split. */
    public Split range(String newName, int from, int to) {
      int px = size * size;
      return new Split(newName, to - from, size, Arrays.copyOfRange(pixels, from * px, to * px),
          Arrays.copyOfRange(labels, from, to));
    }

    public String name() {
      return name;
    }

    public int count() {
      return count;
    }

    /** Side length of the stored (square) images. */
    public int size() {
      return size;
    }

    public int label(int i) {
      return labels[i];
    }

    /** All images bilinearly resized to {@code r x r} (align-corners false), computed once. */
    public float[] pixelsAt(int r) {
      return resized.computeIfAbsent(r, this::resize);
    }

    private float[] resize(int r) {
      float[] out = new float[count * r * r];
      float scale = (float) size / r;
      int[] lo = new int[r];
      int[] hi = new int[r];
      float[] w = new float[r];
      for (int o = 0; o < r; o++) {
        float src = Math.max(0f, (o + 0.5f) * scale - 0.5f);
        lo[o] = Math.min((int) src, size - 1);
        hi[o] = Math.min(lo[o] + 1, size - 1);
        w[o] = src - lo[o];
      }
      int in = size * size;
      for (int n = 0; n < count; n++) {
        int base = n * in;
        int ob = n * r * r;
        for (int y = 0; y < r; y++) {
          for (int x = 0; x < r; x++) {
            float top = pixels[base + lo[y] * size + lo[x]] * (1 - w[x])
                + pixels[base + lo[y] * size + hi[x]] * w[x];
            float bottom = pixels[base + hi[y] * size + lo[x]] * (1 - w[x])
                + pixels[base + hi[y] * size + hi[x]] * w[x];
            out[ob + y * r + x] = top * (1 - w[y]) + bottom * w[y];
          }
        }
      }
      return out;
    }
  }
}
