package org.subnetatlas.transforms.release;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * A Parquet file's footer in one canonical form. parquet-mr lists each column chunk's encodings in
 * the iteration order of a hash set of enum constants, whose hash codes change from one JVM to the
 * next, so the same rows written by two processes differ in the order of those lists only. Sorting
 * them makes the bytes a function of the data. No library in the build does this: parquet-mr's own
 * writer is what leaves the order open.
 */
public final class ParquetFooter {

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooter() {}

  /** {@code file} with every column chunk's encodings and encoding stats in a sorted order. */
  public static byte[] canonical(byte[] file) {
    int n = file.length;
    if (n < 12 || !Arrays.equals(Arrays.copyOfRange(file, n - 4, n), MAGIC)) {
      throw new IllegalArgumentException("not a Parquet file (no PAR1 at its end)");
    }
    int length = ByteBuffer.wrap(file, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int start = n - 8 - length;
    try {
      FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(file, start, length));
      for (RowGroup group : meta.getRow_groups()) {
        for (ColumnChunk chunk : group.getColumns()) {
          ColumnMetaData column = chunk.getMeta_data();
          if (column == null) {
            continue;
          }
          column.getEncodings().sort(Comparator.comparingInt(e -> e.getValue()));
          if (column.isSetEncoding_stats()) {
            column.getEncoding_stats().sort(Comparator
                .comparingInt((PageEncodingStats s) -> s.getPage_type().getValue())
                .thenComparingInt(s -> s.getEncoding().getValue()));
          }
        }
      }
      ByteArrayOutputStream footer = new ByteArrayOutputStream(length);
      Util.writeFileMetaData(meta, footer);
      if (footer.size() != length) {
        // the same elements in another order serialise to the same length
        throw new IllegalStateException("canonical Parquet footer has " + footer.size()
            + " bytes, the written one " + length);
      }
      byte[] out = file.clone();
      System.arraycopy(footer.toByteArray(), 0, out, start, length);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable Parquet footer", e);
    }
  }
}
