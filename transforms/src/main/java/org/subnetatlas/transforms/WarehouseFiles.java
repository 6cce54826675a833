package org.subnetatlas.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Plain files under the warehouse (reports, release folders) through Hadoop's file system, so a
 * local path, {@code file://} and {@code s3a://} behave alike. No {@code .crc} side files: release
 * folders hold exactly what their manifest lists.
 */
public final class WarehouseFiles implements AutoCloseable {

  private final FileSystem fs;

  private WarehouseFiles(FileSystem fs) {
    this.fs = fs;
  }

  /** A private file-system instance for {@code uri} (not Hadoop's shared cached one). */
  public static WarehouseFiles open(SparkSession spark, String uri) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      FileSystem fs = FileSystem.newInstance(URI.create(uri), conf);
      fs.setWriteChecksum(false);
      fs.setVerifyChecksum(false);
      return new WarehouseFiles(fs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open file system for " + uri, e);
    }
  }

  /** Writes {@code text} (UTF-8) to {@code uri}, replacing it. */
  public static void writeText(SparkSession spark, String uri, String text) {
    try (WarehouseFiles files = open(spark, uri)) {
      files.write(uri, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  public void write(String uri, byte[] bytes) {
    try (OutputStream out = fs.create(new Path(uri), true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + uri, e);
    }
  }

  public byte[] read(String uri) {
    try (InputStream in = fs.open(new Path(uri))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + uri, e);
    }
  }

  public boolean exists(String uri) {
    try {
      return fs.exists(new Path(uri));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat " + uri, e);
    }
  }

  /** Copies one file's bytes, so the target has no checksum side file. */
  public void copy(String from, String to) {
    try (InputStream in = fs.open(new Path(from)); OutputStream out = fs.create(new Path(to), true)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  /** The only file in {@code dir} whose name starts with {@code prefix}. */
  public String single(String dir, String prefix) {
    try {
      var found = java.util.Arrays.stream(fs.listStatus(new Path(dir)))
          .filter(s -> s.isFile() && s.getPath().getName().startsWith(prefix))
          .toList();
      if (found.size() != 1) {
        throw new IllegalStateException("expected one " + prefix + "* file in " + dir + ", found "
            + found.size());
      }
      return found.get(0).getPath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  public void mkdirs(String uri) {
    try {
      fs.mkdirs(new Path(uri));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + uri, e);
    }
  }

  /** Renames a folder; false when the target appeared meanwhile. */
  public boolean rename(String from, String to) {
    try {
      if (fs.exists(new Path(to))) {
        return false;
      }
      return fs.rename(new Path(from), new Path(to));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + from + " to " + to, e);
    }
  }

  public void deleteRecursively(String uri) {
    try {
      fs.delete(new Path(uri), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + uri, e);
    }
  }

  public String sha256(String uri) {
    try (InputStream in = fs.open(new Path(uri))) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + uri, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      fs.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
