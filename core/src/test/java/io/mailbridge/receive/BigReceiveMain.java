package io.mailbridge.receive;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.MailDocument;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM with a small heap by {@link BigAttachmentIT}: receives a folder into a
 * Document Cache and prints one line per attachment ({@code sha256 size path}) and the time.
 * Arguments: host port caFile user folder cacheDir; the password comes from $RCV_PASSWORD.
 */
public final class BigReceiveMain {
  private BigReceiveMain() {}

  public static void main(String[] args) {
    Endpoint ep = Endpoint.imap(args[0]).port(Integer.parseInt(args[1])).security(Security.SSL_TLS)
        .trustedCertificates(Path.of(args[2])).auth(Auth.basic(args[3], Secret.of(System.getenv("RCV_PASSWORD"))))
        .build();
    long start = System.nanoTime();
    List<MailDocument> docs = Receive.of(MailConnection.builder().inbound(ep).build())
        .receiveAll(ReceiveSettings.builder().folder(args[4]).cacheDir(Path.of(args[5])).build());
    long ms = (System.nanoTime() - start) / 1_000_000;
    for (MailDocument d : docs) {
      for (Attachment a : d.attachments()) {
        System.out.println("attachment " + a.sha256() + " " + a.size() + " " + a.path().orElseThrow());
      }
      System.out.println("message " + d.properties().size().orElse(-1L) + " warnings=" + d.warnings());
    }
    System.out.println("ms " + ms + " maxHeapMB " + Runtime.getRuntime().maxMemory() / (1 << 20));
  }
}
