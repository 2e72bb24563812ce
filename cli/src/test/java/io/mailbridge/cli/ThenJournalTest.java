package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.document.MailDocument;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.PostAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The journaling wrapper hands every call on to the command's own handler, whatever it overrides. */
class ThenJournalTest {
  @Test
  void forwardsEveryCallbackToTheWrappedHandler() {
    List<String> calls = new ArrayList<>();
    DocumentHandler inner = new DocumentHandler() {
      @Override
      public void handle(MailDocument d) {
        calls.add("handle");
      }

      @Override
      public void started(int selected, long largeMessagesBytes) {
        calls.add("started " + selected + " " + largeMessagesBytes);
      }

      @Override
      public void postActionApplied(String folder, long uidValidity, List<Long> uids) {
        calls.add("applied " + folder + " " + uidValidity + " " + uids);
      }
    };
    DocumentHandler h = new ThenJournal(JournalSink.off(), PostAction.moveTo("Done"), "move:Done", Optional.empty())
        .around(inner);
    h.started(3, 64L << 20);
    h.handle(MailDocument.builder().key("k").properties(io.mailbridge.document.TrackedProperties.builder().uid(1).build())
        .build());
    h.postActionApplied("INBOX", 7, List.of(1L));
    assertThat(calls).containsExactly("started 3 67108864", "handle", "applied INBOX 7 [1]");
  }
}
