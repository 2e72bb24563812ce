package io.mailbridge.send.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A composed message that knows its own Message-ID and records how far a transmission got: whether
 * the transport started writing the message data and whether it finished. That is what decides
 * between "safe to retry" and "outcome unknown" (at-most-once delivery).
 */
final class OutgoingMessage extends MimeMessage {
  private final String messageId;
  private volatile boolean tracking;
  private volatile boolean dataStarted;
  private volatile boolean dataWritten;
  private volatile long dataBytes;

  OutgoingMessage(Session session, String messageId) {
    super(session);
    this.messageId = messageId;
  }

  @Override
  protected void updateMessageID() throws MessagingException {
    setHeader("Message-ID", messageId);
  }

  /** Starts tracking a transmission: only writes made while tracking count as message data. */
  void beginTransmission() {
    dataStarted = false;
    dataWritten = false;
    dataBytes = 0;
    tracking = true;
  }

  void endTransmission() {
    tracking = false;
  }

  /** The transport began writing the message data (after the server's 354). */
  boolean dataStarted() {
    return dataStarted;
  }

  /** Every byte of the message was handed to the transport; only the final "." and reply remain. */
  boolean dataWritten() {
    return dataWritten;
  }

  /** Bytes of message data written by the last transmission (before SMTP dot-stuffing). */
  long dataBytes() {
    return dataBytes;
  }

  @Override
  public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
    boolean transmit = tracking;
    if (!transmit) {
      super.writeTo(os, ignoreList);
      return;
    }
    dataStarted = true;
    Counting counting = new Counting(os);
    try {
      super.writeTo(counting, ignoreList);
    } finally {
      dataBytes = counting.count;
    }
    dataWritten = true;
  }

  /** Passes writes through and counts them (a long add per write: free next to the socket). */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
