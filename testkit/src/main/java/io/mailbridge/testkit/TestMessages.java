package io.mailbridge.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Raw RFC 822 messages for seeding, built as text so they do not depend on the code under test. */
public final class TestMessages {
  private TestMessages() {}

  /** A plain text message of about {@code bodyBytes} bytes. */
  public static byte[] plain(String from, String to, String subject, int bodyBytes) {
    StringBuilder body = new StringBuilder();
    while (body.length() < bodyBytes) {
      body.append("Line ").append(body.length()).append(" of the message body, plain ASCII text.\r\n");
    }
    return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject
        + "\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + Math.abs(subject.hashCode()) + "."
        + System.nanoTime() + "@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        + body).getBytes(StandardCharsets.UTF_8);
  }

  /** multipart/mixed with a text body and one attachment. */
  public static byte[] withAttachment(String from, String to, String subject, String fileName, byte[] content) {
    String boundary = "b-" + System.nanoTime();
    String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(content);
    return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject
        + "\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <att." + System.nanoTime() + "@example.test>"
        + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n"
        + "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSee attachment.\r\n"
        + "--" + boundary + "\r\nContent-Type: application/octet-stream; name=\"" + fileName + "\"\r\n"
        + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64 + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** {@code n} messages of ~4 KB; every 10th has a 2 KB attachment (the benchmark folder). */
  public static List<byte[]> bulk(String from, String to, int n) {
    List<byte[]> out = new ArrayList<>(n);
    byte[] attachment = new byte[2048];
    for (int i = 0; i < attachment.length; i++) {
      attachment[i] = (byte) (i * 31);
    }
    for (int i = 1; i <= n; i++) {
      out.add(i % 10 == 0
          ? withAttachment(from, to, "Bulk " + i, "file-" + i + ".bin", attachment)
          : plain(from, to, "Bulk " + i, 4000));
    }
    return out;
  }

  /** A small text/plain message with this Subject and Message-ID, to carol. */
  public static byte[] message(String subject, String messageId) {
    return ("From: sender@example.test\r\nTo: carol@example.test\r\nSubject: " + subject
        + "\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: " + messageId
        + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHello.\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The text in UTF-8 with every line end made CRLF, as messages travel (RFC 5322 2.3). */
  public static byte[] crlf(String text) {
    return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The header block of a raw message (before the first empty line), unfolded. */
  public static String headers(byte[] raw) {
    String s = new String(raw, StandardCharsets.ISO_8859_1);
    int end = s.indexOf("\r\n\r\n");
    return (end < 0 ? s : s.substring(0, end)).replace("\r\n ", " ").replace("\r\n\t", " ");
  }
}
