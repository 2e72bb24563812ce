package io.mailbridge.send;

import io.mailbridge.MailbridgeException;
import io.mailbridge.document.TrackedProperties;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one message: its tracked properties (From Address, To Address = all envelope
 * recipients, Subject, Message ID, File Name and Content-Type per attachment, Attachments Count),
 * the recipients the server accepted and those it refused, and the server's final reply.
 *
 * @param properties tracked properties of the message as sent
 * @param status the outcome
 * @param accepted recipients the server accepted and the message was delivered to
 * @param rejected recipients refused, each with the server's code and text
 * @param serverReply the server's final reply to the message data (e.g. {@code 250 2.0.0 Ok: queued
 *     as 4Xk2}), or the error reply; empty when the server never answered
 * @param attempts how many times the message was tried (1 when it went through at once)
 * @param error why the message was not (fully) sent; empty for {@link Status#SENT}
 */
public record SendResult(
    TrackedProperties properties,
    Status status,
    List<String> accepted,
    List<Rejection> rejected,
    String serverReply,
    int attempts,
    Optional<MailbridgeException> error,
    List<String> warnings) {

  /** The outcome of one message. */
  public enum Status {
    /** Accepted by the server for every recipient. */
    SENT,
    /** Accepted for some recipients; the others are in {@link #rejected()}. */
    PARTIAL,
    /** Not sent to anyone: refused by the server, or not sendable (e.g. over the SIZE limit). */
    FAILED,
    /**
     * The message data was transmitted but the final reply was lost (connection dropped): it may or
     * may not have been delivered. Never retried automatically, to avoid duplicates.
     */
    UNKNOWN,
    /**
     * Not sent now, because a message with the same caller-supplied Message-ID was sent before: it
     * is in the Sent folder, or was sent earlier in the same call or session
     * ({@link SendSettings#skipIfAlreadySent()}). Nothing went to the server; {@link #accepted()},
     * {@link #rejected()} and {@link #serverReply()} are empty and {@link #attempts()} is 0.
     */
    ALREADY_SENT
  }

  /** A recipient the server refused. {@code code} is the SMTP reply code (4xx transient, 5xx permanent). */
  public record Rejection(String address, int code, String reply) {
    /** Whether the refusal is temporary (4xx) and a later attempt may succeed. */
    public boolean isTransient() {
      return code >= 400 && code < 500;
    }
  }

  public SendResult {
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(status, "status");
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
    serverReply = Objects.requireNonNullElse(serverReply, "");
    Objects.requireNonNull(error, "error");
    warnings = List.copyOf(warnings);
  }

  /** A result without warnings. */
  public SendResult(TrackedProperties properties, Status status, List<String> accepted, List<Rejection> rejected,
      String serverReply, int attempts, Optional<MailbridgeException> error) {
    this(properties, status, accepted, rejected, serverReply, attempts, error, List.of());
  }

  /**
   * True when every recipient got the message: now ({@link Status#SENT}), or from an earlier send
   * recognised by its Message-ID ({@link Status#ALREADY_SENT}).
   */
  public boolean ok() {
    return status == Status.SENT || status == Status.ALREADY_SENT;
  }

  /** The Message-ID the message was sent with ({@code <id@domain>}): the caller's, or the generated one. */
  public String messageId() {
    return properties.messageId();
  }

  /** Returns this result when {@link #ok()}, else throws its error. */
  public SendResult orThrow() {
    if (!ok()) {
      throw error.orElseThrow(() -> new IllegalStateException("status " + status + " without error"));
    }
    return this;
  }
}
