package io.mailbridge.send;

import io.mailbridge.testkit.MailStack;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link BigAttachmentIT}: sends one file as an attachment
 * from bob to bob and prints {@code RESULT <status> <messageId> <maxHeapBytes>}.
 */
public final class BigSendMain {
  private BigSendMain() {}

  public static void main(String[] args) {
    MailStack stack = MailStack.find().orElseThrow();
    SendResult r = Send.of(StackMail.bob(stack)).send(Email.builder().to("bob@example.test").subject(args[1])
        .text("big attachment").attach(Attachment.file(Path.of(args[0]))).build());
    System.out.println("RESULT " + r.status() + " " + r.properties().messageId() + " " + Runtime.getRuntime().maxMemory());
    r.error().ifPresent(e -> System.out.println("ERROR " + e.getMessage()));
  }
}
