package io.mailbridge.send.internal;

import io.mailbridge.connection.ServerViolation;
import io.mailbridge.connection.SmtpWire;
import io.mailbridge.connection.SmtpWire.Reply;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPOutputStream;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.CRLFOutputStream;

/**
 * One mail transaction with its commands pipelined (RFC 2920): MAIL FROM and every RCPT TO (and
 * DATA) leave in one write and their replies are read afterwards; the message follows in a second
 * write, after DATA's 354 or, with CHUNKING (RFC 3030), as {@code BDAT n LAST} without waiting for a
 * 354 and without dot-stuffing. Two round trips per message instead of Angus's four (MAIL, RCPT,
 * DATA, the final dot), and never message data for a transaction the server already refused.
 *
 * <p>Failures are reported as Angus's {@code SMTPTransport.sendMessage} reports them (same
 * exception types, codes and address lists, "send partial" semantics), so retry and at-most-once
 * rules stay in one place. The at-most-once marker is the message's own {@code dataWritten()}: set
 * once every byte of the message was handed to the connection, as on the unpipelined path.
 */
final class Pipelined {
  /**
   * Largest BDAT chunk: a message up to this size goes as one {@code BDAT n LAST}; a larger one in
   * chunks of this size, each confirmed before the next.
   */
  static final int CHUNK_BYTES = 256 * 1024;

  private Pipelined() {}

  /**
   * The next message's envelope (MAIL FROM, RCPT TO, DATA) written behind a message's final "."
   * (RFC 2920 3.1: the message data may be the first "command" of a group), so that its replies come
   * with the final reply: one round trip per message instead of two. Owned by the connection's
   * transmitter; {@link #abort} tells it to close the connection without QUIT.
   */
  static final class Ahead {
    /** The message to write behind this transaction's "." (set by the caller), or null. */
    OutgoingMessage next;
    InternetAddress[] nextRecipients;
    /** The message whose envelope is on the wire, its replies not read yet, or null. */
    OutgoingMessage inFlight;
    private InternetAddress[] inFlightRecipients;
    /** The server awaits data nobody will send: close the connection (no QUIT, no RSET). */
    boolean abort;
  }

  /**
   * Sends {@code m} to {@code recipients}; returns the server's final reply.
   *
   * @param smtpUtf8 add the SMTPUTF8 parameter to MAIL FROM (RFC 6531 3.4)
   * @throws jakarta.mail.SendFailedException a refusal (whole message or some recipients), the connection usable
   * @throws MessagingException the connection failed (an {@link IOException} as the cause)
   */
  static String send(SmtpWire wire, OutgoingMessage m, InternetAddress[] recipients, boolean chunking,
      boolean smtpUtf8) throws MessagingException {
    return send(wire, m, recipients, chunking, smtpUtf8, new Ahead());
  }

  /**
   * As {@link #send(SmtpWire, OutgoingMessage, InternetAddress[], boolean, boolean)}, with the
   * envelope of {@code m} possibly written already (behind the previous message), and the envelope
   * of {@code ahead.next} written behind this message's "." when there is one.
   */
  static String send(SmtpWire wire, OutgoingMessage m, InternetAddress[] recipients, boolean chunking,
      boolean smtpUtf8, Ahead ahead) throws MessagingException {
    String mail = mailFrom(m, smtpUtf8);
    boolean written = ahead.inFlight == m && !chunking;
    if (written) {
      recipients = ahead.inFlightRecipients;
    }
    ahead.inFlight = null;
    OutgoingMessage next = chunking ? null : ahead.next;
    InternetAddress[] nextRecipients = ahead.nextRecipients;
    ahead.next = null;
    String nextMail = next == null ? null : mailFrom(next, smtpUtf8);
    try {
      if (!written) {
        if (!wire.idle()) {
          // Replies nobody asked for yet would be taken for this transaction's: never trust them.
          throw new ServerViolation("the SMTP server sent a reply before a command asked for it");
        }
        wire.command(mail);
        for (InternetAddress a : recipients) {
          wire.command(rcpt(a));
        }
        if (chunking) {
          return bdat(wire, m, mail, recipients);
        }
        wire.command("DATA");
        wire.flush();
      }
      Envelope env = envelope(wire, mail, recipients);
      Reply data = wire.reply();
      if (data.code() != 354) {
        // Nothing of the message was sent: the transaction failed as a whole (RFC 2920 3.1).
        throw env.failure("DATA", data, true);
      }
      SMTPOutputStream dot = new SMTPOutputStream(wire.data());
      if (env.accepted().isEmpty()) {
        // RFC 2920 3.1: a 354 after every RCPT was refused; end the empty transaction with ".".
        dot.ensureAtBOL();
      } else if (!m.writeSmtpData(wire.data())) {
        m.writeTo(dot);
        dot.ensureAtBOL();
      }
      wire.command(".");
      boolean pipelinedNext = next != null && !env.accepted().isEmpty();
      if (pipelinedNext) {
        wire.command(nextMail);
        for (InternetAddress a : nextRecipients) {
          wire.command(rcpt(a));
        }
        wire.command("DATA");
        ahead.inFlight = next;
        ahead.inFlightRecipients = nextRecipients;
      }
      wire.flush();
      Reply last = wire.reply();
      if (pipelinedNext && last.code() != 250) {
        // The next transaction is under way: settle it before this one is reported (and maybe
        // retried). The final reply ended this transaction, so it needs no RSET (RFC 5321 4.1.1.4).
        settle(wire, ahead);
        throw env.failure(".", last, false);
      }
      return env.complete(".", last);
    } catch (IOException e) {
      throw new MessagingException("IOException while sending message", e);
    } catch (IllegalArgumentException e) {
      throw new MessagingException("cannot send an envelope address: " + e.getMessage(), e);
    }
  }

  private static String bdat(SmtpWire wire, OutgoingMessage m, String mail, InternetAddress[] recipients)
      throws IOException, MessagingException {
    // The envelope's replies come before any data: a server that answers in two bursts (envelope,
    // then the data) could otherwise hold the second behind the first until our delayed ACK
    // (Nagle), and a message is never written to a transaction already refused.
    wire.flush();
    Envelope env = envelope(wire, mail, recipients);
    if (env.mailReply().code() != 250 || env.accepted().isEmpty()) {
      throw env.failure("BDAT", env.mailReply(), true);
    }
    Chunks chunks = new Chunks(wire);
    chunks.envelope = env;
    try {
      // Line ends canonicalised as on Angus's DATA path; BDAT data is not dot-stuffed (RFC 3030 2).
      Canonical crlf = new Canonical(chunks);
      m.writeTo(crlf);
      crlf.endLine();
    } catch (IOException | MessagingException e) {
      if (chunks.refused != null) {
        // RFC 3030 2: after a refused chunk no further BDAT; the message was not taken.
        throw chunks.envelope.failure("BDAT", chunks.refused, true);
      }
      throw e;
    }
    chunks.send(true);
    return chunks.envelope.complete("BDAT", wire.reply());
  }

  /** CRLF line ends, and a message that ends mid-line gets its CRLF, as Angus ends DATA. */
  private static final class Canonical extends CRLFOutputStream {
    Canonical(OutputStream out) {
      super(out);
    }

    void endLine() throws IOException {
      if (!atBOL) {
        writeln();
      }
    }
  }

  static String rcpt(InternetAddress a) {
    return "RCPT TO:<" + a.getAddress() + ">";
  }

  /**
   * Reads the replies to the envelope in flight. Refused, the transaction is reset and the
   * connection stays usable; accepted (354), the server awaits data that will not come now, so the
   * connection must be closed ({@link Ahead#abort}), which discards that transaction.
   */
  private static void settle(SmtpWire wire, Ahead ahead) throws IOException {
    ahead.inFlight = null;
    wire.reply();
    for (int i = 0; i < ahead.inFlightRecipients.length; i++) {
      wire.reply();
    }
    if (wire.reply().code() == 354) {
      ahead.abort = true;
      return;
    }
    wire.command("RSET");
    wire.flush();
    wire.reply();
  }

  static String mailFrom(OutgoingMessage m, boolean smtpUtf8) throws MessagingException {
    return "MAIL FROM:<" + envelopeFrom(m) + ">" + (smtpUtf8 ? " SMTPUTF8" : "");
  }

  private static String envelopeFrom(OutgoingMessage m) throws MessagingException {
    Address[] from = m.getFrom();
    if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress ia)) {
      throw new MessagingException("can't determine local email address");
    }
    return ia.getAddress();
  }

  /** Reads the replies to MAIL FROM and each RCPT TO, in order (RFC 2920 3.1). */
  static Envelope envelope(SmtpWire wire, String mail, InternetAddress[] recipients) throws IOException {
    Reply mailReply = wire.reply();
    List<InternetAddress> accepted = new ArrayList<>();
    List<InternetAddress> unsent = new ArrayList<>();
    List<InternetAddress> invalid = new ArrayList<>();
    MessagingException chain = null;
    for (InternetAddress a : recipients) {
      Reply r = wire.reply();
      if (r.code() / 100 == 2) {
        accepted.add(a);
        continue;
      }
      // As Angus: 4xx (and 552, a full mailbox) keep the address valid but unsent; 5xx make it invalid.
      if (r.code() / 100 == 4 || r.code() == 552) {
        unsent.add(a);
      } else {
        invalid.add(a);
      }
      SMTPAddressFailedException f = new SMTPAddressFailedException(a, rcpt(a), r.code(), r.text());
      if (chain == null) {
        chain = f;
      } else {
        chain.setNextException(f);
      }
    }
    return new Envelope(wire, mail, mailReply, recipients, accepted, unsent, invalid, chain);
  }

  /** What the server said to the envelope, and how the transaction ends given the last reply. */
  record Envelope(SmtpWire wire, String mail, Reply mailReply, InternetAddress[] recipients,
      List<InternetAddress> accepted, List<InternetAddress> unsent, List<InternetAddress> invalid,
      MessagingException chain) {

    String complete(String command, Reply last) throws IOException, MessagingException {
      return complete(command, last, true);
    }

    /** @param reset whether a failed transaction is reset here (RSET), or the next one starts with its own */
    String complete(String command, Reply last, boolean reset) throws IOException, MessagingException {
      if (mailReply.code() != 250 || accepted.isEmpty() || last.code() != 250) {
        throw failure(command, last, reset);
      }
      if (!unsent.isEmpty() || !invalid.isEmpty()) {
        // Delivered to the accepted recipients only: reported as Angus's send-partial outcome.
        throw new SMTPSendFailedException(".", last.code(), last.text(), chain,
            accepted.toArray(Address[]::new), unsent.toArray(Address[]::new), invalid.toArray(Address[]::new));
      }
      return last.text();
    }

    /** The transaction failed; the connection is reset (RFC 5321 4.1.1.5) and stays usable. */
    MessagingException failure(String command, Reply last, boolean reset) throws IOException {
      if (reset) {
        wire.command("RSET");
        wire.flush();
        wire.reply();
      }
      if (mailReply.code() != 250) {
        SMTPSendFailedException e = new SMTPSendFailedException(mail, mailReply.code(), mailReply.text(), null,
            null, recipients, null);
        switch (mailReply.code()) {
          case 550, 553, 503, 551, 501 -> {
            try {
              e.setNextException(new SMTPSenderFailedException(new InternetAddress(senderOf(mail)), mail,
                  mailReply.code(), mailReply.text()));
            } catch (AddressException ignored) {
              // As Angus: the sender's address is reported when it parses.
            }
          }
          default -> { }
        }
        return e;
      }
      if (accepted.isEmpty()) {
        // Every recipient refused: each keeps its own reply in the chain.
        SMTPAddressFailedException first = (SMTPAddressFailedException) chain;
        return new SMTPSendFailedException("RCPT", first.getReturnCode(), first.getMessage(), chain, null,
            unsent.toArray(Address[]::new), invalid.toArray(Address[]::new));
      }
      // Refused as a whole after the envelope (DATA, BDAT or the final "."): nobody got it.
      List<InternetAddress> valid = new ArrayList<>(accepted);
      valid.addAll(unsent);
      return new SMTPSendFailedException(command, last.code(), last.text(), chain, null,
          valid.toArray(Address[]::new), invalid.toArray(Address[]::new));
    }

    private static String senderOf(String mail) {
      return mail.substring(mail.indexOf('<') + 1, mail.indexOf('>'));
    }
  }

  /**
   * Buffers message data into BDAT chunks; each chunk but the last is confirmed before the next
   * (the last one's reply is the transaction's).
   */
  private static final class Chunks extends OutputStream {
    private final SmtpWire wire;
    private final byte[] buf = new byte[CHUNK_BYTES];
    private int count;
    Envelope envelope;
    Reply refused;

    Chunks(SmtpWire wire) {
      this.wire = wire;
    }

    @Override
    public void write(int b) throws IOException {
      if (count == buf.length) {
        send(false);
      }
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (count == buf.length) {
          send(false);
        }
        int n = Math.min(len, buf.length - count);
        System.arraycopy(b, off, buf, count, n);
        count += n;
        off += n;
        len -= n;
      }
    }

    /** Sends the buffered chunk; the last one's reply is left for the caller to read. */
    void send(boolean last) throws IOException {
      if (refused != null) {
        throw new IOException("BDAT refused: " + refused.text());
      }
      wire.command("BDAT " + count + (last ? " LAST" : ""));
      wire.data().write(buf, 0, count);
      count = 0;
      wire.flush();
      if (!last) {
        Reply r = wire.reply();
        if (r.code() != 250) {
          refused = r;
          throw new IOException("BDAT refused: " + r.text());
        }
      }
    }
  }
}
