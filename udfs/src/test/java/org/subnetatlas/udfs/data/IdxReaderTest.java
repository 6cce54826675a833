package org.subnetatlas.udfs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir
  Path dir;

  static byte[] images(int count, int rows, int cols, int payloadBytes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.IMAGES_MAGIC);
    out.writeInt(count);
    out.writeInt(rows);
    out.writeInt(cols);
    for (int i = 0; i < payloadBytes; i++) {
      out.writeByte(i * 7);
    }
    return bytes.toByteArray();
  }

  static byte[] labels(int count) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.LABELS_MAGIC);
    out.writeInt(count);
    for (int i = 0; i < count; i++) {
      out.writeByte(i % 10);
    }
    return bytes.toByteArray();
  }

  Path write(String name, byte[] data, boolean gzip) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p))
        : Files.newOutputStream(p)) {
      out.write(data);
    }
    return p;
  }

  @Test
  void readsRawAndGzippedFilesAlike() throws IOException {
    byte[] data = images(3, 2, 4, 24);
    IdxImages raw = IdxReader.readImages(write("raw-idx3", data, false).toString());
    IdxImages gz = IdxReader.readImages("file://" + write("gz-idx3.gz", data, true));
    assertEquals(3, raw.count());
    assertEquals(2, raw.rows());
    assertEquals(4, raw.cols());
    assertArrayEquals(raw.pixels(), gz.pixels());
    assertEquals((5 * 7) & 0xff, raw.pixel(0, 1, 1));
    assertArrayEquals(new byte[] {0, 1, 2, 3, 4},
        IdxReader.readLabels(write("l.gz", labels(5), true).toString()));
  }

  @Test
  void badMagicNamesTheFile() throws IOException {
    Path p = write("labels-as-images", labels(4), false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdxReader.readImages(p.toString()));
    assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("0x00000801"),
        e.getMessage());
  }

  @Test
  void truncatedPayloadIsReported() throws IOException {
    Path p = write("short.gz", images(3, 2, 2, 10), true);
    IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(p.toString()));
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(p.toString()),
        e.getMessage());
    Path header = write("header", Arrays.copyOf(images(1, 1, 1, 1), 6), false);
    assertThrows(IOException.class, () -> IdxReader.readImages(header.toString()));
  }

  @Test
  void countMismatchIsReported() throws IOException {
    Path im = write("i.gz", images(3, 2, 2, 12), true);
    Path lb = write("l.gz", labels(4), true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdxReader.readLabelled(im.toString(), lb.toString()));
    assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("4 labels"),
        e.getMessage());
  }

  @Test
  void missingFileIsReported() {
    IOException e = assertThrows(IOException.class,
        () -> IdxReader.readImages(dir.resolve("nope.gz").toString()));
    assertTrue(e.getMessage().contains("nope.gz"), e.getMessage());
  }

  @Test
  void fullLayoutSplitsTrainIntoTrainAndValid() throws IOException {
    write("train-images-idx3-ubyte.gz", images(6, 2, 2, 24), true);
    write("train-labels-idx1-ubyte.gz", labels(6), true);
    write("t10k-images-idx3-ubyte.gz", images(2, 2, 2, 8), true);
    write("t10k-labels-idx1-ubyte.gz", labels(2), true);
    FashionData data = FashionData.load(dir.toString());
    // fewer than 50,000 images: all but the last go to train
    assertEquals(5, data.train().count());
    assertEquals(1, data.valid().count());
    assertEquals(5, data.valid().label(0));
    assertEquals(2, data.test().count());
  }

  @Test
  void missingDataNamesBothLayouts() {
    IOException e = assertThrows(IOException.class, () -> FashionData.load(dir.toString()));
    assertTrue(e.getMessage().contains(dir.toString())
        && e.getMessage().contains("valid-images-idx3-ubyte.gz")
        && e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
  }

  @Test
  void resizeKeepsConstantImagesConstant() {
    float[] px = new float[2 * 28 * 28];
    Arrays.fill(px, 0.5f);
    FashionData.Split s = new FashionData.Split("t", 2, 28, px, new byte[2]);
    float[] r = s.pixelsAt(16);
    assertEquals(2 * 16 * 16, r.length);
    for (float v : r) {
      assertEquals(0.5f, v, 1e-6f);
    }
  }
}
