package io.mailbridge.receive.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrivalTest {
  @TempDir Path dir;

  @Test
  void readerSeesChunksAsTheyArriveAndEndsOnlyWhenTheFetchIsComplete() throws Exception {
    Path file = Files.createFile(dir.resolve("uid-1.eml"));
    Arrival arrival = new Arrival();
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = arrival.open(file)) {
        return in.readAllBytes();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 3; i++) {
        Thread.sleep(20);
        out.write(new byte[] {(byte) i, (byte) i});
        arrival.advance(2);
        assertThat(read).isNotDone();
      }
    }
    arrival.finish();
    assertThat(read.get(5, TimeUnit.SECONDS)).containsExactly(0, 0, 1, 1, 2, 2);
  }

  @Test
  void aFailedFetchIsThrownToTheReaderAsItIs() throws Exception {
    Path file = Files.write(dir.resolve("uid-2.eml"), new byte[] {1});
    Arrival arrival = new Arrival();
    arrival.advance(1);
    ConfigException failure = new ConfigException("disk full");
    try (InputStream in = arrival.open(file)) {
      assertThat(in.read()).isEqualTo(1);
      arrival.fail(failure);
      assertThatThrownBy(in::read).isSameAs(failure);
    }
  }

  @Test
  void aPipeCarriesMoreThanItHoldsInOrderAndEndsWhenTheFetchIsComplete() throws Exception {
    Arrival pipe = Arrival.pipe(7);
    byte[] data = new byte[10_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = pipe.open(null)) {
        return in.readAllBytes();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    for (int off = 0; off < data.length; off += 1000) {
      pipe.write(data, off, 1000); // waits whenever 7 bytes are unread
    }
    assertThat(read).isNotDone();
    pipe.finish();
    assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(data);
  }

  @Test
  void aPipeWakesAWaitingReaderPerWakeUpsWorthNotPerPiece() throws Exception {
    // The fetch writes what each socket read gave (a TLS record, ~16 KB) and the network is slower
    // than the parser, so the reader waits on an empty pipe again and again. Waking it per piece
    // cost a context switch per record: ~18,000 on a 287 MB message.
    Arrival pipe = Arrival.pipe(1 << 20);
    byte[] piece = new byte[16 * 1024];
    long total = 8L << 20;
    CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = pipe.open(null)) {
        byte[] b = new byte[4096];
        long n = 0;
        int r;
        while ((r = in.read(b)) > 0) {
          n += r;
        }
        return n;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    for (long sent = 0; sent < total; sent += piece.length) {
      java.util.concurrent.locks.LockSupport.parkNanos(50_000); // a network: slower than the reader
      pipe.write(piece, 0, piece.length);
    }
    pipe.finish();
    assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(total);
    // Each wake-up hands over at least 64 KiB: at most 128 for 8 MiB (512 pieces, 2,048 reads).
    assertThat(pipe.wakeUps()).isLessThanOrEqualTo((total >> 16) + 1);
  }

  @Test
  void aWriterWaitingOnAFullPipeIsReleasedWhenTheReaderIsDone() throws Exception {
    Arrival pipe = Arrival.pipe(4);
    CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
      try {
        pipe.write(new byte[100], 0, 100);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try (InputStream in = pipe.open(null)) {
      assertThat(in.read(new byte[2])).isEqualTo(2);
    } // closing the reader abandons the rest
    write.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aFailedFetchReachesThePipeReader() throws Exception {
    Arrival pipe = Arrival.pipe(16);
    pipe.write(new byte[] {5}, 0, 1);
    ConfigException failure = new ConfigException("connection dropped");
    try (InputStream in = pipe.open(null)) {
      assertThat(in.read()).isEqualTo(5);
      pipe.fail(failure);
      assertThatThrownBy(in::read).isSameAs(failure);
    }
  }
}
