package io.mailbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What StackMailbox does to a mailbox on the real stack, read back through Jakarta Mail and doveadm. */
@RealServer
class StackMailboxIT {

  @Test
  void resetEmptiesTheFolderAndRestartsItsUids(MailStack stack) {
    StackMailbox alice = StackMailbox.alice(stack);
    alice.reset("kit-reset");
    alice.seed("kit-reset", 3, "old");
    alice.reset("kit-reset");
    alice.seed("kit-reset", 2, "new");

    assertThat(alice.count("kit-reset")).isEqualTo(2);
    assertThat(alice.subjects("kit-reset")).containsExactly("new 1", "new 2");
    assertThat(uids(alice, "kit-reset")).containsExactly(1L, 2L);
  }

  @Test
  void appendedMessagesAreStoredByteForByteWithTheirFlags(MailStack stack) {
    StackMailbox bob = StackMailbox.bob(stack);
    bob.reset("kit-append");
    String id = "<kit-append." + System.nanoTime() + "@example.test>";
    byte[] raw = TestMessages.message("appended", id);
    bob.append("kit-append", List.of(raw), "\\Seen \\Flagged");

    assertThat(bob.fetch("kit-append", id, 1)).singleElement().isEqualTo(raw);
    Flags flags = bob.flags("kit-append", id);
    assertThat(flags.contains(Flags.Flag.SEEN)).isTrue();
    assertThat(flags.contains(Flags.Flag.FLAGGED)).isTrue();
    assertThatThrownBy(() -> bob.flags("kit-append", "<absent@example.test>"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no message <absent@example.test>");
  }

  @Test
  void appendDatedCreatesAUnicodeFolderAndDatesTheMessageByItsDateHeader(MailStack stack) {
    StackMailbox carol = StackMailbox.carol(stack);
    String folder = "kit-Ärchiv-日本";
    carol.remove(folder);
    carol.appendDated(folder, "From: a@example.test\nSubject: dated\nDate: Mon, 02 Mar 2020 08:30:00 +0000\n\nbody\n",
        Flags.Flag.SEEN);

    carol.withStore(store -> {
      Folder f = store.getFolder(folder);
      f.open(Folder.READ_ONLY);
      Message m = f.getMessage(1);
      assertThat(m.getSubject()).isEqualTo("dated");
      assertThat(m.getReceivedDate()).isEqualTo(m.getSentDate());
      assertThat(m.isSet(Flags.Flag.SEEN)).isTrue();
      f.close(false);
      return null;
    });
    carol.remove(folder);
    assertThatThrownBy(() -> carol.count(folder)).as("removed").isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fetchWaitsForMailStillOnItsWayThroughPostfix(MailStack stack) throws Exception {
    StackMailbox bob = StackMailbox.bob(stack);
    String id = "<kit-fetch." + System.nanoTime() + "@example.test>";
    Properties p = new Properties();
    p.put("mail.smtp.host", stack.host());
    p.put("mail.smtp.port", String.valueOf(stack.smtpPort()));
    MimeMessage m = new MimeMessage(Session.getInstance(p)) {
      @Override
      protected void updateMessageID() throws jakarta.mail.MessagingException {
        setHeader("Message-ID", id);
      }
    };
    m.setFrom(new InternetAddress("sender@example.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(stack.bob().user()));
    m.setSubject("through postfix");
    m.setText("hello", "US-ASCII");
    Transport.send(m);

    List<byte[]> found = bob.fetch("INBOX", id, 1);
    assertThat(found).hasSize(1);
    assertThat(TestMessages.headers(found.get(0))).contains("Subject: through postfix", "Message-ID: " + id);
  }

  @Test
  void bulkMessagesAreAddressedToTheUser(MailStack stack) {
    StackMailbox carol = StackMailbox.carol(stack);
    List<byte[]> bulk = carol.bulk(10);
    assertThat(bulk).hasSize(10);
    assertThat(new String(bulk.get(0), StandardCharsets.UTF_8)).contains("To: " + stack.carol().user() + "\r\n");
  }

  private static List<Long> uids(StackMailbox box, String folder) {
    return box.withStore(store -> {
      Folder f = store.getFolder(folder);
      f.open(Folder.READ_ONLY);
      try {
        return Arrays.stream(f.getMessages()).map(msg -> {
          try {
            return ((UIDFolder) f).getUID(msg);
          } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
          }
        }).toList();
      } finally {
        f.close(false);
      }
    });
  }
}
