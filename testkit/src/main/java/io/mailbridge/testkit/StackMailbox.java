package io.mailbridge.testkit;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * One user's mailbox on the real stack, reached without the code under test: folders reset and
 * removed with doveadm, messages seeded over raw IMAP ({@link ImapSeeder}) or through Jakarta Mail,
 * and read back by doveadm or Jakarta Mail (IMAPS, the stack's CA trusted).
 *
 * <pre>{@code
 * StackMailbox alice = StackMailbox.alice(stack);
 * alice.reset("in");                    // empty, UIDs from 1 again
 * alice.seed("in", 3, "invoice");       // subjects "invoice 1".."invoice 3", UIDs 1..3
 * ... run the code under test ...
 * assertThat(alice.subjects("done")).containsExactly("invoice 1", "invoice 2", "invoice 3");
 * }</pre>
 *
 * Each test owns its folders: give them names no other test uses.
 */
public class StackMailbox {
  private final MailStack stack;
  private final MailStack.User user;

  public StackMailbox(MailStack stack, MailStack.User user) {
    this.stack = stack;
    this.user = user;
  }

  public static StackMailbox alice(MailStack stack) {
    return new StackMailbox(stack, stack.alice());
  }

  public static StackMailbox bob(MailStack stack) {
    return new StackMailbox(stack, stack.bob());
  }

  public static StackMailbox carol(MailStack stack) {
    return new StackMailbox(stack, stack.carol());
  }

  public final MailStack stack() {
    return stack;
  }

  public final MailStack.User user() {
    return user;
  }

  /** Deletes and recreates the folders empty, so their UIDs start at 1 again (INBOX is only emptied). */
  public final void reset(String... folders) {
    for (String f : folders) {
      remove(f);
      stack.resetFolder(user, f);
    }
  }

  /** Deletes the folders when they exist. */
  public final void remove(String... folders) {
    for (String f : folders) {
      try {
        stack.doveadm("mailbox", "delete", "-u", user.user(), "-s", f);
      } catch (IllegalStateException absent) {
        // not there
      }
    }
  }

  /** A raw IMAP seeder logged in as this user over IMAPS; close it after use. */
  public final ImapSeeder seeder() {
    return ImapSeeder.tls(stack.host(), stack.imapsPort(), stack.ca(), user.user(), user.password());
  }

  /** Appends the messages without flags, see {@link #append(String, List, String)}. */
  public final void append(String folder, List<byte[]> messages) {
    append(folder, messages, "");
  }

  /** Appends the messages with MULTIAPPEND (ASCII folder names), each with the flags (e.g. {@code "\\Seen"}, or ""). */
  public final void append(String folder, List<byte[]> messages, String flags) {
    try (ImapSeeder s = seeder()) {
      s.append(folder, messages, flags);
    }
  }

  /** Appends {@code n} small messages "prefix 1".."prefix n"; their UIDs are 1..n after a {@link #reset}. */
  public final void seed(String folder, int n, String subjectPrefix) {
    List<byte[]> messages = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      messages.add(TestMessages.message(subjectPrefix + " " + i,
          "<" + folder + "." + i + "." + System.nanoTime() + "@example.test>"));
    }
    append(folder, messages, "");
  }

  /** {@code n} messages of about 4 KB to this user, every tenth with an attachment ({@link TestMessages#bulk}). */
  public final List<byte[]> bulk(int n) {
    return TestMessages.bulk("sender@example.test", user.user(), n);
  }

  /**
   * Appends one message through Jakarta Mail, creating the folder when needed (names may be
   * Unicode): the INTERNALDATE becomes the message's Date header (Jakarta Mail sends the sent date
   * when there is no received date). Line ends of {@code raw} are made CRLF.
   */
  public final void appendDated(String folder, String raw, Flags.Flag... flags) {
    withStore(store -> {
      Folder f = store.getFolder(folder);
      if (!f.exists()) {
        f.create(Folder.HOLDS_MESSAGES);
      }
      MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
          new ByteArrayInputStream(TestMessages.crlf(raw)));
      for (Flags.Flag fl : flags) {
        m.setFlag(fl, true);
      }
      f.appendMessages(new Message[] {m});
      return null;
    });
  }

  /** The number of messages in the folder, as Dovecot counts them. */
  public final int count(String folder) {
    return stack.messageCount(user, folder);
  }

  /** The Subject of each message in the folder, sorted, as doveadm reads them. */
  public final List<String> subjects(String folder) {
    String out = stack.doveadm("-f", "tab", "fetch", "-u", user.user(), "hdr.subject", "mailbox", folder);
    List<String> subjects = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank() && !line.startsWith("hdr.subject")) {
        subjects.add(line.strip());
      }
    }
    subjects.sort(null);
    return subjects;
  }

  /**
   * The raw messages in the folder with this Message-ID, waiting up to 30 s for at least
   * {@code expected} of them (mail sent through Postfix arrives a moment later); fewer after that.
   */
  public final List<byte[]> fetch(String folder, String messageId, int expected) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    return withStore(store -> {
      while (true) {
        Folder f = store.getFolder(folder);
        f.open(Folder.READ_ONLY);
        try {
          Message[] found = f.search(new HeaderTerm("Message-ID", messageId));
          if (found.length >= expected || System.nanoTime() > deadline) {
            List<byte[]> out = new ArrayList<>();
            for (Message m : found) {
              ByteArrayOutputStream buf = new ByteArrayOutputStream();
              m.writeTo(buf);
              out.add(buf.toByteArray());
            }
            return out;
          }
        } finally {
          f.close(false);
        }
        Thread.sleep(200);
      }
    });
  }

  /** The flags of the first message in the folder with this Message-ID. */
  public final Flags flags(String folder, String messageId) {
    return withStore(store -> {
      Folder f = store.getFolder(folder);
      f.open(Folder.READ_ONLY);
      try {
        Message[] found = f.search(new HeaderTerm("Message-ID", messageId));
        if (found.length == 0) {
          throw new IllegalStateException("no message " + messageId + " in " + folder + " of " + user);
        }
        return found[0].getFlags();
      } finally {
        f.close(false);
      }
    });
  }

  /** Something done with a Jakarta Mail store logged in as this user. */
  public interface StoreWork<T> {
    T apply(Store store) throws MessagingException, IOException, InterruptedException;
  }

  /** Runs {@code work} with a Jakarta Mail IMAPS store logged in as this user, closed afterwards. */
  public final <T> T withStore(StoreWork<T> work) {
    try {
      Properties p = new Properties();
      p.put("mail.imaps.ssl.socketFactory", stack.trustingContext().getSocketFactory());
      p.put("mail.imaps.connectiontimeout", "30000");
      p.put("mail.imaps.timeout", "60000");
      Store store = Session.getInstance(p).getStore("imaps");
      store.connect(stack.host(), stack.imapsPort(), user.user(), user.password());
      try {
        return work.apply(store);
      } finally {
        store.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("IMAP as " + user + " on the stack failed: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "StackMailbox[" + user.user() + "]";
  }
}
