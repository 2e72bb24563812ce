package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComposeAheadTest {
  private static Email email(int i, int attachmentBytes) {
    Email.Builder b = Email.builder().from("bob@example.test").to("alice@example.test").subject("message " + i)
        .text("body " + i);
    if (attachmentBytes > 0) {
      b.attach(Attachment.bytes(new byte[attachmentBytes]).name("data.bin"));
    }
    return b.build();
  }

  @Test
  void handsOutEveryMessageInBatchOrder() {
    List<Email> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(email(i, i % 3 == 0 ? 20_000 : 0));
    }
    List<String> subjects = new ArrayList<>();
    try (ComposeAhead ahead = new ComposeAhead(batch, "", SendSettings.defaults())) {
      while (ahead.hasNext()) {
        subjects.add(ahead.next().properties().subject());
      }
    }
    assertThat(subjects).hasSize(50).startsWith("message 0", "message 1").endsWith("message 49");
    for (int i = 0; i < 50; i++) {
      assertThat(subjects.get(i)).isEqualTo("message " + i);
    }
  }

  @Test
  void holdsSmallMessagesAsBytesAndStreamsLargeOnes() {
    int large = (int) ComposeAhead.RENDER_MAX_BYTES;
    try (ComposeAhead ahead = new ComposeAhead(List.of(email(0, 20_000), email(1, large)), "",
        SendSettings.defaults())) {
      assertThat(ahead.next().message().rendered()).isTrue();
      assertThat(ahead.next().message().rendered()).as("over the limit once base64-encoded").isFalse();
      assertThat(ahead.hasNext()).isFalse();
    }
  }

  @Test
  void rendersEachMessageOnceInTheFormItIsSentIn() throws Exception {
    SendSettings bdat = SendSettings.builder().pipelining(true).chunking(true).build();
    SendSettings data = SendSettings.builder().pipelining(true).chunking(false).build();
    try (ComposeAhead chunked = new ComposeAhead(List.of(email(0, 20_000)), "", bdat);
        ComposeAhead dotted = new ComposeAhead(List.of(email(0, 20_000)), "", data)) {
      OutgoingMessage forBdat = chunked.next().message();
      OutgoingMessage forData = dotted.next().message();
      java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
      forBdat.writeTo(written);
      int size = written.size();
      // Its line ends are CRLF already: a BDAT chunk is the rendered bytes themselves, held once.
      assertThat(forBdat.renderedBytes()).isEqualTo(size);
      assertThat(forBdat.chunkedSize()).isEqualTo(size);
      // DATA needs its dot-stuffed copy (as long as the message, a line end more at most).
      java.io.ByteArrayOutputStream dataWritten = new java.io.ByteArrayOutputStream();
      forData.writeTo(dataWritten);
      long dataSize = dataWritten.size();
      assertThat(forData.renderedBytes()).isBetween(2 * dataSize, 2 * dataSize + 2);
    }
  }

  @Test
  void aMessageThatCannotBeComposedFailsInItsPlaceAndEndsTheBatch() {
    // Composing uses the validated sender; an empty default with no From cannot be composed.
    Email noSender = Email.builder().to("alice@example.test").subject("no sender").text("x").build();
    try (ComposeAhead ahead = new ComposeAhead(List.of(email(0, 0), noSender, email(2, 0)), "",
        SendSettings.defaults())) {
      assertThat(ahead.next().properties().subject()).isEqualTo("message 0");
      assertThatThrownBy(ahead::next).isInstanceOf(RuntimeException.class);
      assertThat(ahead.hasNext()).isFalse();
    }
  }

  @Test
  void closingStopsTheWorkerWithMessagesLeft() throws Exception {
    List<Email> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(email(i, 1000));
    }
    ComposeAhead ahead = new ComposeAhead(batch, "", SendSettings.defaults());
    ahead.next();
    ahead.close();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("mailbridge-compose")
        && t.isAlive());
  }
}
