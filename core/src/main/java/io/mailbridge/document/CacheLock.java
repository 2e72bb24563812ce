package io.mailbridge.document;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Document Cache's lock for changes that replace or remove what an entry refers to: committing
 * an entry, replacing one, deleting one, pruning. Held across processes (an OS lock on
 * {@code .lock} in the cache directory) and across threads of this JVM (OS locks belong to the
 * process, so threads take a lock of their own first). Writing an attachment's bytes happens
 * outside it: only the short commit steps wait for each other.
 */
final class CacheLock {
  /** The lock file's name; never an entry's (entries live in folder directories). */
  static final String FILE = ".lock";

  private static final ConcurrentHashMap<Path, CacheLock> LOCKS = new ConcurrentHashMap<>();

  private final ReentrantLock threads = new ReentrantLock();
  private final Path file;
  private FileChannel channel;

  private CacheLock(Path file) {
    this.file = file;
  }

  /** Work done under the lock. */
  @FunctionalInterface
  interface Body<T> {
    T run() throws IOException;
  }

  /** Runs {@code body} holding the lock of the cache in {@code dir} (absolute, normalised). */
  static <T> T locked(Path dir, Body<T> body) throws IOException {
    CacheLock lock = LOCKS.computeIfAbsent(dir, d -> new CacheLock(d.resolve(FILE)));
    lock.threads.lock();
    try {
      if (lock.threads.getHoldCount() > 1) {
        return body.run(); // this thread holds the OS lock already
      }
      FileLock os = lock.channel().lock();
      try {
        return body.run();
      } finally {
        os.release();
      }
    } finally {
      lock.threads.unlock();
    }
  }

  // Opened once and kept: closing any channel of the file would drop the process's OS lock on it.
  private FileChannel channel() throws IOException {
    if (channel == null || !channel.isOpen()) {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
    return channel;
  }
}
