package io.mailbridge.send;

import io.mailbridge.TestEndpoints;
import io.mailbridge.testkit.MailStack;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link BigAttachmentIT}: sends one file as an attachment
 * from bob to bob and prints {@code RESULT <status> <messageId> <maxHeapBytes>}.
 */
public final class BigSendMain {
  private BigSendMain() {}

  public static void main(String[] args) {
    io.mailbridge.connection.MailConnection connection;
    if (args.length > 2) {
      // plain:PORT -> a local test SMTP server without TLS or login
      int port = Integer.parseInt(args[2].substring("plain:".length()));
      connection = io.mailbridge.connection.MailConnection.builder().outbound(TestEndpoints.plainSmtp(port)).build();
    } else {
      MailStack stack = MailStack.find().orElseThrow();
      connection = TestEndpoints.both(stack, stack.bob());
    }
    SendResult r = Send.of(connection).send(Email.builder().from("bob@example.test").to("bob@example.test").subject(args[1])
        .text("big attachment").attach(Attachment.file(Path.of(args[0]))).build());
    System.out.println("RESULT " + r.status() + " " + r.properties().messageId() + " " + Runtime.getRuntime().maxMemory());
    r.error().ifPresent(e -> System.out.println("ERROR " + e.getMessage()));
  }
}
