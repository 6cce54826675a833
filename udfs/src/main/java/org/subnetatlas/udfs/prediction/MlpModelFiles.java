package org.subnetatlas.udfs.prediction;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.udfs.prediction.MlpRegressionModel.State;

/**
 * An MLP ensemble's folder: one JSON file ({@value MlpRegressionModel#FILE}) with the uid and the
 * {@link State}, read and written through the session's Hadoop filesystems.
 */
final class MlpModelFiles {

  private MlpModelFiles() {}

  /** The JSON document. */
  record Stored(String uid, State state) {}

  static void save(String path, String uid, State state) {
    Path file = new Path(path, MlpRegressionModel.FILE);
    try {
      FileSystem fs = file.getFileSystem(hadoopConf());
      try (OutputStream out = fs.create(file, true)) {
        new ObjectMapper().writeValue(out, new Stored(uid, state));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("saving MLP predictor to " + file, e);
    }
  }

  /** What {@link #save} wrote under {@code path}, in a format this code reads. */
  static Stored load(String path) {
    Path file = new Path(path, MlpRegressionModel.FILE);
    Stored s;
    try {
      FileSystem fs = file.getFileSystem(hadoopConf());
      try (InputStream in = fs.open(file)) {
        s = new ObjectMapper().readValue(in, Stored.class);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("loading MLP predictor from " + file + ": " + e.getMessage(), e);
    }
    String format = s.state().format();
    if (!MlpRegressionModel.FORMAT.equals(format)
        && !MlpRegressionModel.FORMAT_CHOICES_ONLY.equals(format)) {
      throw new IllegalStateException(file + " holds format " + format + ", expected "
          + MlpRegressionModel.FORMAT + " or " + MlpRegressionModel.FORMAT_CHOICES_ONLY);
    }
    return s;
  }

  /** The running session's Hadoop settings (s3a credentials), or the defaults outside Spark. */
  private static Configuration hadoopConf() {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    scala.Option<SparkSession> session = active.isDefined() ? active : SparkSession.getDefaultSession();
    return session.isDefined() ? session.get().sparkContext().hadoopConfiguration()
        : new Configuration();
  }
}
