package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.udfs.data.FashionData;

/** Driver-side checks of the data location, so a wrong --data fails before any task or write. */
final class DataDirChecks {

  static final List<String> BUNDLED = List.of(
      "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "valid-images-idx3-ubyte.gz", "valid-labels-idx1-ubyte.gz",
      "test-images-idx3-ubyte.gz", "test-labels-idx1-ubyte.gz");
  static final List<String> FULL = List.of(
      "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

  private DataDirChecks() {}

  /** Throws {@link BadInputException} unless {@code uri} holds one of the two IDX layouts. */
  static void requireFashionMnist(AtlasConfig config) {
    String uri = config.data();
    String given = config.require(AtlasConfig.DATA);
    try {
      Path dir = new Path(uri);
      Configuration conf = SparkSession.getActiveSession().isDefined()
          ? SparkSession.getActiveSession().get().sparkContext().hadoopConfiguration()
          : new Configuration();
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        throw new BadInputException("--data " + given + ": no such directory");
      }
      if (!fs.getFileStatus(dir).isDirectory()) {
        throw new BadInputException("--data " + given + ": not a directory");
      }
      if (allPresent(fs, dir, BUNDLED) || allPresent(fs, dir, FULL)) {
        readable(uri, given);
        return;
      }
      throw new BadInputException("--data " + given + ": no Fashion-MNIST IDX files; expected "
          + String.join(", ", BUNDLED) + " (bundled subset) or " + String.join(", ", FULL)
          + " (full data set)");
    } catch (IOException e) {
      throw new BadInputException("--data " + given + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Decodes every file once on the driver, so a truncated or mismatched file fails here. */
  private static void readable(String uri, String given) {
    try {
      FashionData.load(uri);
    } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new BadInputException("--data " + given + ": " + e.getMessage(), e);
    }
  }

  private static boolean allPresent(FileSystem fs, Path dir, List<String> names) throws IOException {
    for (String n : names) {
      if (!fs.exists(new Path(dir, n))) {
        return false;
      }
    }
    return true;
  }
}
