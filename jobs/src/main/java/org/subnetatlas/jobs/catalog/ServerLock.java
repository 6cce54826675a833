package org.subnetatlas.jobs.catalog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code <metastore>/server.lock}: held while a process decides which catalog server to use (or
 * starts one), and by the server while it decides to stop, so no client picks a server that is
 * about to go. A file lock orders processes; the in-JVM lock orders threads of one process, which
 * a file lock does not.
 */
final class ServerLock implements AutoCloseable {

  static final String NAME = "server.lock";
  private static final ReentrantLock IN_JVM = new ReentrantLock();

  private final FileChannel channel;
  private final FileLock lock;

  private ServerLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits at most {@code timeoutMillis} for the lock of {@code dir}. */
  static ServerLock acquire(Path dir, long timeoutMillis) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    if (!IN_JVM.tryLock(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new IOException("another thread holds " + dir.resolve(NAME) + " for more than "
          + timeoutMillis / 1000 + " s");
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(dir.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock != null) {
          return new ServerLock(channel, lock);
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IOException("another process holds " + dir.resolve(NAME) + " for more than "
              + timeoutMillis / 1000 + " s");
        }
        Thread.sleep(50);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      IN_JVM.unlock();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      IN_JVM.unlock();
    }
  }
}
