package io.mailbridge.receive;

import io.mailbridge.document.MailDocument;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler that accepts every document but the one with the subject "poison" (it throws, as a
 * downstream that keeps rejecting it would) and records the dead letters it is given. Thread-safe:
 * the Listener calls it from its own threads.
 */
public final class PoisonHandler implements DocumentHandler {
  /** Subjects accepted, in order. */
  public final List<String> accepted = new CopyOnWriteArrayList<>();
  public final List<DeadLetter> dead = new CopyOnWriteArrayList<>();
  /** How often the poison document was offered. */
  public final AtomicInteger poisonCalls = new AtomicInteger();

  @Override
  public void handle(MailDocument d) {
    if (d.properties().subject().equals("poison")) {
      poisonCalls.incrementAndGet();
      throw new IllegalStateException("downstream rejects the poison document");
    }
    accepted.add(d.properties().subject());
  }

  @Override
  public void deadLetter(DeadLetter letter) {
    dead.add(letter);
  }
}
