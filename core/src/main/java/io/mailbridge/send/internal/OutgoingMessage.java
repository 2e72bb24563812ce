package io.mailbridge.send.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
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

  @Override
  public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
    boolean transmit = tracking;
    if (transmit) {
      dataStarted = true;
    }
    super.writeTo(os, ignoreList);
    if (transmit) {
      dataWritten = true;
    }
  }
}
