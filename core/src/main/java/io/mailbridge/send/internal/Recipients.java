package io.mailbridge.send.internal;

import io.mailbridge.MailbridgeException;
import io.mailbridge.RejectedMessageException;
import io.mailbridge.send.SendResult.Rejection;
import io.mailbridge.send.SendResult.Status;
import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message's recipients across its attempts ({@link Transmitter}): those the server accepted,
 * those it refused for good, and those still to try, each with its last temporary refusal. A
 * recipient that accepted is never in a later attempt, so it never gets a second copy.
 */
final class Recipients {
  private final String messageId;
  private final int total;
  private List<InternetAddress> pending;
  private final List<String> accepted = new ArrayList<>();
  private final Map<String, Rejection> refused = new LinkedHashMap<>();
  private final Map<String, Rejection> lastTransient = new LinkedHashMap<>();

  Recipients(String messageId, InternetAddress[] envelope) {
    this.messageId = messageId;
    this.total = envelope.length;
    this.pending = List.of(envelope);
  }

  boolean anyPending() {
    return !pending.isEmpty();
  }

  InternetAddress[] pending() {
    return pending.toArray(InternetAddress[]::new);
  }

  /** The addresses that accepted the message, so far. */
  List<String> accepted() {
    return accepted;
  }

  /** The server took the message for every pending recipient. */
  void allAccepted() {
    accepted.addAll(Refusals.addresses(pending.toArray(Address[]::new)));
    lastTransient.clear();
    pending = List.of();
  }

  /**
   * The server refused the transaction ({@code code}, {@code reply}) or some of its recipients, and
   * took it for {@code sent}. The recipients refused with 4xx stay pending; returns the error to
   * report should no later attempt succeed.
   */
  RejectedMessageException refusedBy(SendFailedException e, List<String> sent, int code, String reply) {
    accepted.addAll(sent);
    List<Rejection> rejections = Refusals.rejections(e);
    if (rejections.isEmpty()) {
      // Refused as a whole (MAIL, DATA or the final reply): applies to every pending recipient.
      rejections = pending.stream().map(a -> new Rejection(a.getAddress(), code, reply)).toList();
    }
    List<InternetAddress> retry = new ArrayList<>();
    lastTransient.clear();
    for (Rejection r : rejections) {
      if (r.isTransient()) {
        lastTransient.put(r.address(), r);
        pending.stream().filter(a -> a.getAddress().equals(r.address())).findFirst().ifPresent(retry::add);
      } else {
        refused.put(r.address(), r);
      }
    }
    pending = retry;
    boolean anyTransient = !retry.isEmpty();
    return new RejectedMessageException((sent.isEmpty() && accepted.isEmpty() ? "server refused message "
        : "server refused some recipients of message ") + messageId + ": " + Refusals.describe(rejections)
        + (anyTransient ? ": temporary failure, retry later" : ": permanent failure, check the addresses and the "
        + "message"), anyTransient, e);
  }

  /** Out of attempts: what is still pending keeps its last (temporary) refusal. */
  List<Rejection> rejected() {
    Map<String, Rejection> all = new LinkedHashMap<>(refused);
    for (InternetAddress a : pending) {
      Rejection r = lastTransient.get(a.getAddress());
      if (r != null) {
        all.put(a.getAddress(), r);
      }
    }
    return new ArrayList<>(all.values());
  }

  /** Sent to every recipient, to some (partial), or to none. */
  Status status() {
    return accepted.isEmpty() ? Status.FAILED
        : pending.isEmpty() && refused.isEmpty() ? Status.SENT : Status.PARTIAL;
  }

  /** The error of a message some recipients took and others refused. */
  RejectedMessageException partial(List<Rejection> rejected, MailbridgeException cause) {
    return new RejectedMessageException("message " + messageId + " delivered to " + accepted.size() + " of "
        + total + " recipients; refused: " + Refusals.describe(rejected), !pending.isEmpty(), cause);
  }
}
