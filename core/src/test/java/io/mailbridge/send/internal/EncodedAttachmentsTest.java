package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncodedAttachmentsTest {
  @TempDir
  Path dir;

  private static String decoded(byte[] base64) {
    return new String(Base64.getMimeDecoder().decode(base64), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @Test
  void aFileAttachedAgainInTheBatchIsNotEncodedAgain() throws Exception {
    Path file = Files.writeString(dir.resolve("terms.txt"), "terms and conditions\r\n".repeat(100));
    EncodedAttachments batch = EncodedAttachments.forBatch();
    byte[] first = batch.base64(file).orElseThrow();
    assertThat(batch.base64(file).orElseThrow()).isSameAs(first);
    assertThat(decoded(first)).isEqualTo(Files.readString(file));
  }

  @Test
  void aFileRewrittenDuringTheBatchIsReadAgain() throws Exception {
    Path file = Files.writeString(dir.resolve("price-list.csv"), "a,1\r\n");
    EncodedAttachments batch = EncodedAttachments.forBatch();
    FileTime before = Files.getLastModifiedTime(file);
    assertThat(decoded(batch.base64(file).orElseThrow())).isEqualTo("a,1\r\n");
    // Same size, a later modification time: only the time tells the content changed.
    Files.writeString(file, "b,2\r\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2_000));
    assertThat(decoded(batch.base64(file).orElseThrow())).isEqualTo("b,2\r\n");
    Files.writeString(file, "c,3,longer\r\n");
    assertThat(decoded(batch.base64(file).orElseThrow())).isEqualTo("c,3,longer\r\n");
  }

  @Test
  void filesTooLargeMissingOrNotRegularAreLeftToTheMessage() throws Exception {
    EncodedAttachments batch = EncodedAttachments.forBatch();
    Path big = Files.write(dir.resolve("big.bin"), new byte[(int) EncodedAttachments.MAX_FILE_BYTES + 1]);
    assertThat(batch.base64(big)).isEmpty();
    assertThat(batch.base64(dir.resolve("missing.pdf"))).isEmpty();
    assertThat(batch.base64(dir)).isEmpty();
    assertThat(EncodedAttachments.NONE.base64(Files.writeString(dir.resolve("small.txt"), "x"))).isEmpty();
  }

  @Test
  void holdsAtMostItsBoundAndStillEncodesBeyondIt() throws Exception {
    EncodedAttachments batch = EncodedAttachments.forBatch();
    int files = (int) (EncodedAttachments.MAX_TOTAL_BYTES / (EncodedAttachments.MAX_FILE_BYTES * 4 / 3)) + 2;
    Path last = null;
    for (int i = 0; i < files; i++) {
      last = Files.write(dir.resolve("f" + i), new byte[(int) EncodedAttachments.MAX_FILE_BYTES]);
      assertThat(batch.base64(last)).isPresent();
    }
    assertThat(batch.heldBytes()).isLessThanOrEqualTo(EncodedAttachments.MAX_TOTAL_BYTES);
    // The one that did not fit is encoded for its message each time, never kept.
    assertThat(batch.base64(last).orElseThrow()).isNotSameAs(batch.base64(last).orElseThrow());
  }
}
