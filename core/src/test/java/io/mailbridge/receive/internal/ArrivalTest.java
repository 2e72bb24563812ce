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
}
