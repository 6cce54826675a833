package org.subnetatlas.udfs.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.subnetatlas.udfs.data.HadoopConf;

/** Atomic checkpoint files on any Hadoop file system: a temporary file, then a rename. */
final class Checkpoints {

  /** Writes the bytes of one checkpoint to an output stream. */
  @FunctionalInterface
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private Checkpoints() {}

  static void write(String uri, Writer writer) throws IOException {
    Path target = new Path(uri);
    FileSystem fs = target.getFileSystem(HadoopConf.current());
    Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    fs.mkdirs(target.getParent());
    try (OutputStream out = fs.create(tmp, false)) {
      writer.write(out);
    } catch (IOException | RuntimeException e) {
      fs.delete(tmp, false);
      throw e;
    }
    // a rerun for the same date replaces the checkpoint it trained before
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("could not move checkpoint into place at " + target);
    }
  }

  static boolean exists(String uri) throws IOException {
    Path p = new Path(uri);
    return p.getFileSystem(HadoopConf.current()).exists(p);
  }
}
