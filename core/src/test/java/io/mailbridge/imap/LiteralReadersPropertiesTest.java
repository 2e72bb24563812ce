package io.mailbridge.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The buffered and lent readers of a message body against the general path, the bytes as they
 * were sent: the literal read through {@link ImapScanner} (what its buffer holds, then straight
 * from the connection), and both forms of {@link Arrival} (the temp file written while it is read,
 * the connection lent to the reader). The same bytes read whole and in random pieces, single bytes
 * included, from a connection that hands out random short reads, always give the bytes sent and
 * leave the scanner exactly after the literal.
 */
class LiteralReadersPropertiesTest {

  @Provide
  Arbitrary<byte[]> bodies() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(70_000);
  }

  @Provide
  Arbitrary<Integer> buffers() {
    return Arbitraries.of(1, 7, 64, 4096, 65_536);
  }

  /** A connection that returns a random few bytes per read. */
  static InputStream trickling(byte[] bytes, long seed) {
    Random r = new Random(seed);
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + r.nextInt(r.nextBoolean() ? 7 : 20_000)));
      }
    };
  }

  /** Reads {@code max} bytes of {@code in} (all with -1) in random pieces, single bytes included. */
  static byte[] readInPieces(InputStream in, long seed, int max) throws IOException {
    Random r = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[9000];
    while (max < 0 || out.size() < max) {
      int want = max < 0 ? buf.length : Math.min(buf.length, max - out.size());
      if (r.nextInt(10) == 0) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        out.write(c);
        continue;
      }
      int off = r.nextInt(10);
      int n = in.read(buf, off, 1 + r.nextInt(Math.min(want, buf.length - off)));
      if (n < 0) {
        break;
      }
      out.write(buf, off, n);
    }
    return out.toByteArray();
  }

  private static byte[] wire(byte[] body) {
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    w.writeBytes(("{" + body.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
    w.writeBytes(body);
    w.writeBytes(" NEXT\r\n".getBytes(StandardCharsets.US_ASCII));
    return w.toByteArray();
  }

  @Property(tries = 100)
  void aLiteralReadInPiecesIsTheBytesSentAndTheScannerGoesOnAfterIt(@ForAll("bodies") byte[] body,
      @ForAll("buffers") int buffer, @ForAll long seed, @ForAll boolean readAll) throws IOException {
    ImapScanner s = new ImapScanner(trickling(wire(body), seed), buffer, null);
    long n = s.literalLength();
    ImapScanner.Literal literal = s.literal(n);
    int max = readAll ? -1 : new Random(seed).nextInt(body.length + 1);
    byte[] read = readInPieces(literal, seed, max);
    literal.skipRest();
    byte[] expected = readAll ? body : java.util.Arrays.copyOf(body, max);
    assertThat(read).isEqualTo(expected);
    s.expect(' ');
    assertThat(s.atom()).isEqualTo("NEXT");
  }

  @Property(tries = 100)
  void aLiteralCopiedIsTheBytesSent(@ForAll("bodies") byte[] body, @ForAll("buffers") int buffer, @ForAll long seed)
      throws IOException {
    ImapScanner s = new ImapScanner(trickling(wire(body), seed), buffer, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long[] counted = {0};
    s.copy(s.literalLength(), out, k -> counted[0] += k);
    assertThat(out.toByteArray()).isEqualTo(body);
    assertThat(counted[0]).isEqualTo(body.length);
    s.expect(' ');
    assertThat(s.atom()).isEqualTo("NEXT");
  }

  @Property(tries = 100)
  void aFileArrivalReadInPiecesWhileItIsWrittenIsTheBytesWritten(@ForAll("bodies") byte[] body, @ForAll long seed)
      throws Exception {
    Path file = Files.createTempFile("arrival-", ".eml");
    try {
      Arrival arrival = new Arrival();
      CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
        try (InputStream in = arrival.open(file)) {
          return readInPieces(in, seed, -1);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      Random r = new Random(seed);
      try (OutputStream out = Files.newOutputStream(file)) {
        for (int pos = 0; pos < body.length; ) {
          int n = Math.min(body.length - pos, 1 + r.nextInt(20_000));
          out.write(body, pos, n);
          out.flush();
          arrival.advance(n);
          pos += n;
        }
      }
      arrival.finish();
      assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(body);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Property(tries = 100)
  void aLentLiteralReadInPiecesIsTheBytesSent(@ForAll("bodies") byte[] body, @ForAll long seed) throws Exception {
    Arrival loan = Arrival.loan();
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = loan.open(null)) {
        return readInPieces(in, seed, -1);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    // the literal's bytes as the scanner lends them: its buffer first, then the connection
    ImapScanner s = new ImapScanner(trickling(wire(body), seed), 4096, null);
    ImapScanner.Literal literal = s.literal(s.literalLength());
    loan.lend(literal);
    literal.skipRest();
    loan.finish();
    assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(body);
    s.expect(' ');
    assertThat(s.atom()).isEqualTo("NEXT");
  }
}
