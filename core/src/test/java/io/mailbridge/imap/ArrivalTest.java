package io.mailbridge.imap;

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

  /** A body literal on "the connection": counts the bytes taken, can fail after some. */
  private static final class Wire extends InputStream {
    private final byte[] data;
    private int pos;
    private final int failAt;

    Wire(byte[] data, int failAt) {
      this.data = data;
      this.failAt = failAt;
    }

    @Override
    public int read() {
      throw new AssertionError("read byte by byte");
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws java.io.IOException {
      if (pos >= failAt) {
        throw new java.net.SocketException("Connection reset");
      }
      if (pos == data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, 1000), data.length - pos); // as a socket: pieces
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }

    synchronized int taken() {
      return pos;
    }
  }

  private static byte[] data(int n) {
    byte[] data = new byte[n];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    return data;
  }

  private static CompletableFuture<byte[]> readAll(Arrival loan) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = loan.open(null)) {
        return in.readAllBytes();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void aLoanGivesTheReaderTheBodyFromTheConnectionAndEndsOnlyWhenTheFetchIsComplete() throws Exception {
    Arrival loan = Arrival.loan();
    byte[] data = data(10_000);
    Wire wire = new Wire(data, Integer.MAX_VALUE);
    CompletableFuture<byte[]> read = readAll(loan);
    loan.lend(wire); // returns once the reader has read to the end of the literal
    assertThat(wire.taken()).isEqualTo(data.length);
    // Woken when the stream came back, not per read (10 reads): a context switch each.
    assertThat(loan.lenderWakeUps()).isLessThanOrEqualTo(2);
    Thread.sleep(50);
    assertThat(read).isNotDone(); // the rest of the answer (the tagged OK) is still to come
    loan.finish();
    assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(data);
  }

  @Test
  void aReaderDoneEarlyGivesTheStreamBackAtOnceAndTheRestStaysForTheFetchToSkip() throws Exception {
    Arrival loan = Arrival.loan();
    Wire wire = new Wire(data(10_000), Integer.MAX_VALUE);
    CompletableFuture<Void> lend = CompletableFuture.runAsync(() -> {
      try {
        loan.lend(wire);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try (InputStream in = loan.open(null)) {
      assertThat(in.readNBytes(1500)).hasSize(1500);
      assertThat(lend).isNotDone();
    } // closing the reader gives the stream back
    lend.get(5, TimeUnit.SECONDS);
    assertThat(wire.taken()).isEqualTo(1500); // what the reader asked for; the rest is left on the wire
  }

  @Test
  void aLoanAbandonedBeforeTheBodyCameIsNotWaitedFor() throws Exception {
    Arrival loan = Arrival.loan();
    loan.abandon(); // e.g. the receive was cancelled while the FETCH items were read
    Wire wire = new Wire(data(100), Integer.MAX_VALUE);
    CompletableFuture.runAsync(() -> {
      try {
        loan.lend(wire);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).get(5, TimeUnit.SECONDS);
    assertThat(wire.taken()).isZero();
  }

  @Test
  void aConnectionFailingUnderTheReaderFailsTheFetchAndTheReaderGetsTheFetchsError() throws Exception {
    Arrival loan = Arrival.loan();
    Wire wire = new Wire(data(10_000), 3000);
    CompletableFuture<byte[]> read = readAll(loan);
    assertThatThrownBy(() -> loan.lend(wire)).isInstanceOf(java.net.SocketException.class)
        .hasMessage("Connection reset");
    assertThat(read).isNotDone(); // not a broken message: it waits for the receive's own error
    ConfigException failure = new ConfigException("connection to the server lost");
    loan.fail(failure);
    assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).rootCause().isSameAs(failure);
  }

  @Test
  void aFailedFetchReachesTheLoanReader() throws Exception {
    Arrival loan = Arrival.loan();
    ConfigException failure = new ConfigException("connection dropped");
    try (InputStream in = loan.open(null)) {
      loan.fail(failure); // e.g. the FETCH items could not be read: nothing was lent
      assertThatThrownBy(in::read).isSameAs(failure);
    }
  }
}
