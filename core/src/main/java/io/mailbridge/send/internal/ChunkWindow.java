package io.mailbridge.send.internal;

import io.mailbridge.connection.ServerViolation;
import io.mailbridge.connection.SmtpWire;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole BDAT transactions (RFC 3030) in flight on one connection, up to {@link #MAX_MESSAGES}: the
 * next messages' envelopes and data go out while the server still takes the first ones, so neither
 * side waits for the other (no 354, no reply between two messages). Replies are read in order, one
 * message at a time, when the sender asks for that message's outcome.
 *
 * <p>At-most-once: a message counts as sent once its data was handed to the connection. When the
 * connection is lost, every message in flight whose data was written has an unknown outcome and is
 * never sent again; one whose data was not complete is forgotten here and sent again normally.
 * The exception is a server that answered 421 (closing) before the connection ended, as Postfix
 * does past its error limit when it refuses a window's messages (a rate limit): its replies come in
 * the order of the commands, so no transaction it had not answered was carried out. The one it
 * answered 421, or closed on, is refused for now (a temporary refusal, tried again as such) and the
 * later ones are forgotten and sent again in their turn, instead of being reported unknown.
 */
final class ChunkWindow {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkWindow.class);

  /** The most transactions in flight (Postfix answers a window in bursts: a shallow one stalls). */
  static final int MAX_MESSAGES = 64;

  /** One transaction written, its replies read ({@code read}) or not yet. */
  static final class InFlight {
    final Composer.Composed message;
    String reply;
    MessagingException failure;
    boolean read;
    /** The connection was lost after the data was written: the outcome is unknown. */
    boolean lost;

    InFlight(Composer.Composed message) {
      this.message = message;
    }
  }

  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  /** The connection the transactions in flight were written to. */
  private SmtpWire wire;

  boolean isEmpty() {
    return inFlight.isEmpty();
  }

  /** The transaction of {@code c} when it is the first in flight, else null. */
  InFlight first(Composer.Composed c) {
    InFlight f = inFlight.peekFirst();
    return f != null && f.message == c ? f : null;
  }

  /** Forgets the first transaction in flight (its message's unknown outcome is being reported). */
  void dropFirst() {
    inFlight.pollFirst();
  }

  /**
   * Sends {@code c} (unless it is in flight already) and, behind it, the {@code upcoming} messages
   * that {@code fits} accepts, in order, up to the window's size; then reads and returns {@code c}'s
   * outcome: the server's final reply, or its refusal thrown as {@link Pipelined#send} throws it.
   * {@code wire} may be null when that outcome was read already ({@link #settle}).
   *
   * @throws MessagingException the refusal, or the connection failed (an {@link IOException} as the cause)
   */
  String deliver(SmtpWire wire, Composer.Composed c, List<Composer.Composed> upcoming,
      Predicate<Composer.Composed> fits) throws MessagingException {
    InFlight head = first(c);
    if (head != null && head.read) { // read before its turn: nothing to write or read now
      inFlight.pollFirst();
      if (head.failure != null) {
        throw head.failure;
      }
      return head.reply;
    }
    if (wire != null) {
      this.wire = wire;
    }
    try {
      if (first(c) == null) {
        if (!inFlight.isEmpty()) {
          throw new IllegalStateException("a message out of turn while others are in flight");
        }
        if (!wire.idle()) {
          // Replies nobody asked for yet would be taken for this transaction's: never trust them.
          throw new ServerViolation("the SMTP server sent a reply before a command asked for it");
        }
        put(wire, c);
      }
      Composer.Composed last = inFlight.peekLast().message;
      boolean after = last == c;
      for (Composer.Composed u : upcoming) {
        if (!after) {
          after = u == last;
          continue;
        }
        if (inFlight.size() >= MAX_MESSAGES || !fits.test(u)) {
          break;
        }
        try {
          put(wire, u);
        } catch (MessagingException e) {
          break; // its envelope cannot be written: it goes on its own turn, and fails there
        }
      }
      wire.flush();
    } catch (IOException e) {
      throw new MessagingException("IOException while sending message", e);
    }
    InFlight f = inFlight.pollFirst();
    if (!f.read) {
      read(wire, f);
    }
    if (f.failure != null) {
      throw f.failure;
    }
    return f.reply;
  }

  /** @throws MessagingException the envelope cannot be written (nothing of it was) */
  private void put(SmtpWire wire, Composer.Composed c) throws IOException, MessagingException {
    OutgoingMessage m = c.message();
    String mail = Pipelined.mailFrom(m, false);
    m.beginTransmission();
    try {
      inFlight.addLast(new InFlight(c));
      writeChunked(wire, m, mail, c.envelope());
    } finally {
      m.endTransmission();
    }
  }

  private static void read(SmtpWire wire, InFlight f) throws MessagingException {
    f.read = true;
    try {
      f.reply = readChunked(wire, f.message.message(), f.message.envelope());
    } catch (MessagingException e) {
      if (e.getNextException() instanceof IOException || e.getCause() instanceof IOException) {
        if (wire.closingAnnounced()) {
          // The server said 421 and closed before it answered this transaction: not carried out, so
          // it is refused for now (a temporary refusal, sent again as such), never of unknown outcome.
          f.failure = new SMTPSendFailedException("BDAT", 421, "421 the server closed the connection before "
              + "it answered this message (it had announced closing)", e, new Address[0], new Address[0],
              new Address[0]);
          return;
        }
        f.read = false;
        throw e;
      }
      f.failure = e;
    }
  }

  /**
   * Reads the outcome of every transaction in flight, kept for when its message's turn comes, and
   * resets the connection for a transaction of another kind.
   */
  void settle(SmtpWire wire) throws MessagingException {
    this.wire = wire;
    for (InFlight f : inFlight) {
      if (!f.read && !f.lost) {
        read(wire, f);
      }
    }
    try {
      wire.command("RSET");
      wire.flush();
      wire.reply();
    } catch (IOException e) {
      throw new MessagingException("IOException while resetting the connection", e);
    }
  }

  /**
   * The connection is gone: a message in flight whose data was written, its outcome not read, has
   * an unknown outcome; one whose data was not complete is forgotten and will be sent again, as is
   * every one not answered when the last reply read was 421 (the server carried out none of them).
   */
  void lost() {
    boolean closing = wire != null && wire.closingAnnounced();
    wire = null;
    for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
      InFlight f = it.next();
      if (!f.read && (closing || !f.message.message().dataWritten())) {
        it.remove();
      } else if (!f.read) {
        f.lost = true;
      }
    }
  }

  /** The sender stops before these messages' turn: what is known of each goes to the log. */
  void abandon() {
    for (InFlight f : inFlight) {
      String id = f.message.properties().messageId();
      if (f.read && f.failure == null) {
        LOG.warn("smtp message {} was sent ({}), but the batch stopped before it was reported", id, f.reply);
      } else if (!f.read && f.message.message().dataWritten()) {
        LOG.warn("smtp message {} was transmitted before the batch stopped; its outcome is unknown", id);
      }
    }
    inFlight.clear();
  }

  /**
   * Writes one whole transaction of a window of BDAT transactions (RFC 3030 with RFC 2920), reading
   * nothing: RSET, so that it never depends on how the transaction before it ended, MAIL FROM, the
   * RCPT TOs ({@code mail} is the MAIL FROM line), {@code BDAT n LAST} and the message, which must be {@link OutgoingMessage#chunkable()}.
   * The server reads a BDAT chunk whatever it answered to the envelope (RFC 3030 2), so the data
   * never runs into the command stream. The message counts as written once its last byte was handed
   * to the connection.
   */
  static void writeChunked(SmtpWire wire, OutgoingMessage m, String mail, InternetAddress[] recipients)
      throws IOException {
    wire.command("RSET");
    wire.command(mail);
    for (InternetAddress a : recipients) {
      wire.command(Pipelined.rcpt(a));
    }
    wire.command("BDAT " + m.chunkedSize() + " LAST");
    m.writeChunked(wire.data());
  }

  /**
   * Reads the replies to a transaction {@link #writeChunked} wrote, in order; returns the final
   * reply, or throws the refusal as {@link Pipelined#send} does, without a reset of its own (the next
   * transaction starts with RSET).
   */
  static String readChunked(SmtpWire wire, OutgoingMessage m, InternetAddress[] recipients) throws MessagingException {
    try {
      wire.reply(); // RSET
      Pipelined.Envelope env = Pipelined.envelope(wire, Pipelined.mailFrom(m, false), recipients);
      return env.complete("BDAT", wire.reply(), false);
    } catch (IOException e) {
      throw new MessagingException("IOException while sending message", e);
    }
  }
}
