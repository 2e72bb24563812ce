package io.mailbridge.send;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.testkit.MailStack;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.search.HeaderTerm;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

/** Test access to bob's mailbox on the real stack: connections, and raw messages fetched back by Message-ID. */
final class StackMail {
  private StackMail() {}

  static Endpoint submission(MailStack stack) {
    return Endpoint.smtp(stack.host()).port(stack.submissionPort()).security(Security.STARTTLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(stack.bob().user(), Secret.of(stack.bob().password())))
        .build();
  }

  static Endpoint smtps(MailStack stack) {
    return Endpoint.smtp(stack.host()).port(stack.smtpsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(stack.bob().user(), Secret.of(stack.bob().password())))
        .build();
  }

  static Endpoint imaps(MailStack stack) {
    return Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(stack.bob().user(), Secret.of(stack.bob().password())))
        .build();
  }

  static MailConnection bob(MailStack stack) {
    return MailConnection.builder().outbound(submission(stack)).inbound(imaps(stack)).build();
  }

  /** The raw messages in bob's folder with this Message-ID, waiting up to 30 s for at least {@code expected}. */
  static List<byte[]> fetch(MailStack stack, String folder, String messageId, int expected) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    try (ImapClient imap = ImapClient.open(imaps(stack), new Properties(), false)) {
      IMAPStore store = imap.store();
      while (true) {
        IMAPFolder f = (IMAPFolder) store.getFolder(folder);
        f.open(Folder.READ_ONLY);
        try {
          Message[] found = f.search(new HeaderTerm("Message-ID", messageId));
          if (found.length >= expected || System.currentTimeMillis() > deadline) {
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
    }
  }

  /** The header block (before the first empty line), unfolded. */
  static String headers(byte[] raw) {
    String s = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
    int end = s.indexOf("\r\n\r\n");
    return (end < 0 ? s : s.substring(0, end)).replace("\r\n ", " ").replace("\r\n\t", " ");
  }

  /** The flags of the first message with this Message-ID. */
  static jakarta.mail.Flags flags(MailStack stack, String folder, String messageId) throws Exception {
    try (ImapClient imap = ImapClient.open(imaps(stack), new Properties(), false)) {
      IMAPFolder f = (IMAPFolder) imap.store().getFolder(folder);
      f.open(Folder.READ_ONLY);
      try {
        return f.search(new HeaderTerm("Message-ID", messageId))[0].getFlags();
      } finally {
        f.close(false);
      }
    }
  }
}
