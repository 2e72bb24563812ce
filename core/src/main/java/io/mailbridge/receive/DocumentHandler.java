package io.mailbridge.receive;

import io.mailbridge.document.MailDocument;

/**
 * Receives documents one by one. Returning normally means "accepted": only then does the message's
 * {@link PostAction} run. Throwing stops the receive; messages accepted before still get their
 * post-action, the failing one and the rest are left untouched on the server.
 */
@FunctionalInterface
public interface DocumentHandler {
  void handle(MailDocument document);

  /** Called once before the first document with the number of messages selected. */
  default void started(int selected) {}
}
