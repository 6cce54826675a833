package org.subnetatlas.udfs.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads IDX files (the MNIST format) from any Hadoop file system URI: local paths, {@code file://},
 * {@code s3a://}. A file is gunzipped when it starts with the gzip magic {@code 0x1f8b}.
 */
public final class IdxReader {

  static final int LABELS_MAGIC = 0x0801;
  static final int IMAGES_MAGIC = 0x0803;

  private IdxReader() {}

  /** Reads an {@code idx3-ubyte} image file. */
  public static IdxImages readImages(String uri) throws IOException {
    try (DataInputStream in = open(uri)) {
      int magic = readHeader(in, uri);
      if (magic != IMAGES_MAGIC) {
        throw badMagic(uri, magic, IMAGES_MAGIC, "images");
      }
      int count = readDim(in, uri, "image count");
      int rows = readDim(in, uri, "rows");
      int cols = readDim(in, uri, "cols");
      long size = (long) count * rows * cols;
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(uri + ": " + size + " pixels are too many for one array");
      }
      byte[] pixels = readPayload(in, uri, (int) size, count + " images of " + rows + "x" + cols);
      return new IdxImages(count, rows, cols, pixels);
    }
  }

  /** Reads an {@code idx1-ubyte} label file. */
  public static byte[] readLabels(String uri) throws IOException {
    try (DataInputStream in = open(uri)) {
      int magic = readHeader(in, uri);
      if (magic != LABELS_MAGIC) {
        throw badMagic(uri, magic, LABELS_MAGIC, "labels");
      }
      int count = readDim(in, uri, "label count");
      return readPayload(in, uri, count, count + " labels");
    }
  }

  /** Reads an image file and its label file and checks that their counts agree. */
  public static Labelled readLabelled(String imagesUri, String labelsUri) throws IOException {
    IdxImages images = readImages(imagesUri);
    byte[] labels = readLabels(labelsUri);
    if (labels.length != images.count()) {
      throw new IllegalArgumentException("IDX count mismatch: " + imagesUri + " has " + images.count()
          + " images but " + labelsUri + " has " + labels.length + " labels");
    }
    return new Labelled(images, labels);
  }

  /** Images with one label each. */
  public record Labelled(IdxImages images, byte[] labels) {}

  /** True when {@code uri} exists on its file system. */
  public static boolean exists(String uri) throws IOException {
    Path path = new Path(uri);
    return path.getFileSystem(HadoopConf.current()).exists(path);
  }

  private static DataInputStream open(String uri) throws IOException {
    Path path = new Path(uri);
    FileSystem fs = path.getFileSystem(HadoopConf.current());
    InputStream raw;
    try {
      raw = fs.open(path);
    } catch (FileNotFoundException e) {
      throw new FileNotFoundException("IDX file not found: " + uri);
    }
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream body = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    return new DataInputStream(body);
  }

  private static int readHeader(DataInputStream in, String uri) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new IOException(uri + ": IDX file is empty or shorter than its 4-byte magic number");
    }
  }

  private static int readDim(DataInputStream in, String uri, String what) throws IOException {
    int v;
    try {
      v = in.readInt();
    } catch (EOFException e) {
      throw new IOException(uri + ": IDX header truncated while reading " + what);
    }
    if (v < 0) {
      throw new IllegalArgumentException(uri + ": negative IDX " + what + " " + v);
    }
    return v;
  }

  private static byte[] readPayload(DataInputStream in, String uri, int size, String what)
      throws IOException {
    byte[] data = new byte[size];
    int off = 0;
    while (off < size) {
      int n = in.read(data, off, size - off);
      if (n < 0) {
        throw new IOException(uri + ": IDX payload truncated: header promises " + what + " ("
            + size + " bytes) but the file ends after " + off + " bytes");
      }
      off += n;
    }
    return data;
  }

  private static IllegalArgumentException badMagic(String uri, int magic, int expected, String kind) {
    return new IllegalArgumentException(String.format(
        "%s: not an IDX %s file: magic number 0x%08x, expected 0x%08x", uri, kind, magic, expected));
  }
}
