package org.subnetatlas.udfs.data;

/** Images of one IDX file: {@code count} row-major {@code rows x cols} unsigned bytes. */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

  public IdxImages {
    if ((long) count * rows * cols != pixels.length) {
      throw new IllegalArgumentException("IDX images: " + count + "x" + rows + "x" + cols
          + " does not match " + pixels.length + " pixel bytes");
    }
  }

  /** Pixel {@code (row, col)} of image {@code i} in [0, 255]. */
  public int pixel(int i, int row, int col) {
    return pixels[(i * rows + row) * cols + col] & 0xff;
  }
}
