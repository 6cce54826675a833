package org.subnetatlas.udfs.measurement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One measurement at a time per JVM and per host. Spark runs an executor's tasks as threads of
 * one JVM, so a static lock serialises them; executors of a standalone cluster on one host are
 * separate JVMs, so an OS file lock on a file under {@code java.io.tmpdir} serialises those too.
 * The JVM lock is taken first: a JVM may hold only one lock on a file region, and a second
 * thread of the same JVM asking for it would get {@code OverlappingFileLockException}.
 */
public final class ExclusiveMeasurement {

  /** System property naming the host-wide lock file (default: under java.io.tmpdir). */
  public static final String LOCK_FILE_PROPERTY = "atlas.measure.lock-file";
  private static final ReentrantLock JVM_LOCK = new ReentrantLock(true);

  private ExclusiveMeasurement() {}

  /** The host-wide lock file. */
  public static Path lockFile() {
    String p = System.getProperty(LOCK_FILE_PROPERTY);
    return p != null ? Paths.get(p)
        : Paths.get(System.getProperty("java.io.tmpdir"), "subnet-atlas-measure.lock");
  }

  /**
   * Runs {@code work} while no other measurement runs in this JVM or on this host. Re-entrant: a
   * measurement inside a measurement in the same thread keeps the locks it has.
   */
  public static <T> T run(Callable<T> work) {
    JVM_LOCK.lock();
    try {
      if (JVM_LOCK.getHoldCount() > 1) {
        return call(work);
      }
      try (FileChannel ch = FileChannel.open(lockFile(), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return call(work);
      } catch (IOException e) {
        throw new UncheckedIOException("measurement lock " + lockFile() + ": " + e.getMessage(), e);
      }
    } finally {
      JVM_LOCK.unlock();
    }
  }

  private static <T> T call(Callable<T> work) {
    try {
      return work.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
