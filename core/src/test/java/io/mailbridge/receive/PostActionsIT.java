package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.TestEndpoints;
import io.mailbridge.document.MailDocument;
import io.mailbridge.search.Filter;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each post-action takes effect only after the handler accepted the document, and only for accepted ones. */
@RealServer
class PostActionsIT {

  private static void seed3(MailStack stack, String folder) {
    stack.resetFolder(stack.alice(), folder);
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      msgs.add(TestMessages.plain("a@example.com", "alice@example.test", "m" + i, 100));
    }
    StackMailbox.alice(stack).append(folder, msgs, "");
  }

  private static List<String> subjects(Receive r, String folder, Filter f) {
    return r.receiveAll(ReceiveSettings.builder().folder(folder).filter(f).build()).stream()
        .map(d -> d.properties().subject()).toList();
  }

  /** Handler that checks the server state while holding a document, then fails on the second one. */
  private static List<String> runFailingOnSecond(Receive receive, String folder, PostAction action, Filter effect) {
    List<String> seenDuringHandling = new ArrayList<>();
    assertThatThrownBy(() -> receive.run(ReceiveSettings.builder().folder(folder).postAction(action).build(), d -> {
      seenDuringHandling.addAll(subjects(receive, folder, effect));
      if (d.properties().subject().equals("m2")) {
        throw new IllegalStateException("consumer failed");
      }
    })).isInstanceOf(IllegalStateException.class).hasMessage("consumer failed");
    return seenDuringHandling;
  }

  @Test
  void marksReadOnlyAfterHandlerAccepted(MailStack stack) {
    String folder = "rcv-post-read";
    seed3(stack, folder);
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    List<String> during = runFailingOnSecond(receive, folder, PostAction.markRead(), Filter.seen());
    assertThat(during).isEmpty(); // nothing marked while the handler still held documents of the batch
    assertThat(subjects(receive, folder, Filter.seen())).containsExactly("m1");
  }

  @Test
  void flagsOnlyAfterHandlerAccepted(MailStack stack) {
    String folder = "rcv-post-flag";
    seed3(stack, folder);
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    assertThat(runFailingOnSecond(receive, folder, PostAction.flag(), Filter.flagged())).isEmpty();
    assertThat(subjects(receive, folder, Filter.flagged())).containsExactly("m1");
    assertThat(subjects(receive, folder, Filter.seen())).isEmpty();
  }

  @Test
  void theHandlerIsToldOfThePostActionAfterTheServerDidItForTheAcceptedDocumentsOnly(MailStack stack) {
    String folder = "rcv-post-told";
    seed3(stack, folder);
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    List<Long> accepted = new ArrayList<>();
    List<String> told = new ArrayList<>();
    assertThatThrownBy(() -> receive.run(ReceiveSettings.builder().folder(folder).postAction(PostAction.markRead())
        .build(), new DocumentHandler() {
          @Override
          public void handle(MailDocument d) {
            if (d.properties().subject().equals("m2")) {
              throw new IllegalStateException("consumer failed");
            }
            accepted.add(d.properties().uid().orElseThrow());
          }

          @Override
          public void postActionApplied(String f, long uidValidity, List<Long> uids) {
            told.add(f + " " + uids + " seen=" + subjects(receive, folder, Filter.seen()));
          }
        })).hasMessage("consumer failed");
    assertThat(told).containsExactly(folder + " " + accepted + " seen=[m1]");

    List<String> none = new ArrayList<>();
    receive.run(ReceiveSettings.builder().folder(folder).build(), new DocumentHandler() {
      @Override
      public void handle(MailDocument d) {}

      @Override
      public void postActionApplied(String f, long uidValidity, List<Long> uids) {
        none.add(f + uids);
      }
    });
    assertThat(none).as("no post-action, nothing to tell").isEmpty();
  }

  @Test
  void movesToArchiveOnlyAfterHandlerAccepted(MailStack stack) {
    String folder = "rcv-post-move";
    String archive = "rcv-post-move-archive";
    seed3(stack, folder);
    stack.resetFolder(stack.alice(), archive);
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    List<String> during = new ArrayList<>();
    ReceiveResult r = receive.run(ReceiveSettings.builder().folder(folder).postAction(PostAction.moveTo(archive))
        .traceProtocol(true).build(),
        d -> during.add(d.properties().subject() + ":" + stack.messageCount(stack.alice(), archive)));
    assertThat(during).containsExactly("m1:0", "m2:0", "m3:0");
    assertThat(r.postActions()).isEqualTo(3);
    // One UID MOVE for the batch, by UID: no FETCH to map UIDs to sequence numbers, no sequence MOVE.
    List<String> commands = r.protocolTrace().stream().filter(l -> l.matches("^[A-Z]+[0-9]+ [A-Z].*"))
        .filter(l -> !l.matches("^[A-Z]+[0-9]+ (OK|NO|BAD)\\b.*")).toList();
    assertThat(commands).filteredOn(l -> l.contains(" MOVE ")).singleElement().asString()
        .matches("^[A-Z]+[0-9]+ UID MOVE [0-9]+:[0-9]+ " + archive + "$");
    assertThat(commands).noneMatch(l -> l.matches("^[A-Z]+[0-9]+ UID FETCH [0-9:,]+ \\(UID\\)$"));
    assertThat(stack.messageCount(stack.alice(), folder)).isZero();
    assertThat(subjects(receive, archive, Filter.all())).containsExactly("m1", "m2", "m3");
  }

  @Test
  void deletesOnlyAcceptedMessages(MailStack stack) {
    String folder = "rcv-post-delete";
    seed3(stack, folder);
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    List<Integer> countsDuring = new ArrayList<>();
    assertThatThrownBy(() -> receive.run(ReceiveSettings.builder().folder(folder).postAction(PostAction.delete())
        .build(), d -> {
          countsDuring.add(stack.messageCount(stack.alice(), folder));
          if (d.properties().subject().equals("m2")) {
            throw new IllegalStateException("consumer failed");
          }
        })).isInstanceOf(IllegalStateException.class);
    assertThat(countsDuring).containsExactly(3, 3);
    assertThat(subjects(receive, folder, Filter.all())).containsExactly("m2", "m3");
  }

  @Test
  void moveTargetMustExistUnlessCreationIsAsked(MailStack stack) {
    String folder = "rcv-post-target";
    seed3(stack, folder);
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    assertThatThrownBy(() -> receive.receiveAll(ReceiveSettings.builder().folder(folder)
        .postAction(PostAction.moveTo("rcv-post-target-missing-zz")).build()))
        .isInstanceOf(BadInputException.class).hasMessageContaining("'rcv-post-target-missing-zz' does not exist");
    assertThat(stack.messageCount(stack.alice(), folder)).isEqualTo(3);
  }

  @Test
  void receiveAllAcceptsEverythingSoEveryMessageGetsThePostAction(MailStack stack) {
    String folder = "rcv-post-all";
    seed3(stack, folder);
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    List<MailDocument> docs = receive.receiveAll(ReceiveSettings.builder().folder(folder).maxMessages(2)
        .postAction(PostAction.markRead()).build());
    assertThat(docs).hasSize(2);
    assertThat(subjects(receive, folder, Filter.seen())).containsExactly("m1", "m2");
  }
}
