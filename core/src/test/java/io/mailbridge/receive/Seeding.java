package io.mailbridge.receive;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/** Test helpers: alice's connection and seeding (independent of the code under test). */
final class Seeding {
  private Seeding() {}

  static Endpoint alice(MailStack stack) {
    return Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca())
        .auth(Auth.basic(stack.alice().user(), Secret.of(stack.alice().password()))).build();
  }

  static MailConnection connection(MailStack stack) {
    return MailConnection.builder().inbound(alice(stack)).build();
  }

  /** Deletes and recreates alice's folder, so its UIDs start at 1 again. */
  static void fresh(MailStack stack, String folder) {
    try {
      stack.doveadm("mailbox", "delete", "-u", stack.alice().user(), "-s", folder);
    } catch (IllegalStateException absent) {
      // not there
    }
    stack.resetFolder(stack.alice(), folder);
  }

  /** Fast raw MULTIAPPEND (ASCII folder names only). */
  static void seed(MailStack stack, String folder, List<byte[]> messages, String flags) {
    try (ImapSeeder s = ImapSeeder.tls(stack.host(), stack.imapsPort(), stack.ca(), stack.alice().user(),
        stack.alice().password())) {
      s.append(folder, messages, flags);
    }
  }

  /**
   * APPEND through Jakarta Mail: the INTERNALDATE becomes the message's Date header (Angus uses the
   * sent date when there is no received date), folder names may be Unicode. Flags e.g. SEEN.
   */
  static void appendDated(MailStack stack, String folder, String raw, Flags.Flag... flags) throws Exception {
    Properties p = new Properties();
    p.put("mail.imaps.ssl.trust", "*");
    p.put("mail.imaps.ssl.checkserveridentity", "false");
    Session session = Session.getInstance(p);
    Store store = session.getStore("imaps");
    store.connect(stack.host(), stack.imapsPort(), stack.alice().user(), stack.alice().password());
    try {
      Folder f = store.getFolder(folder);
      if (!f.exists()) {
        f.create(Folder.HOLDS_MESSAGES);
      }
      MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(
          raw.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
      for (Flags.Flag fl : flags) {
        m.setFlag(fl, true);
      }
      f.appendMessages(new Message[] {m});
    } finally {
      store.close();
    }
  }

  static byte[] crlf(String s) {
    return s.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
  }
}
