package io.mailbridge.receive;

import io.mailbridge.document.MailDocument;

/**
 * Receives documents one by one. Returning normally means "accepted": only then does the message's
 * {@link PostAction} run. Throwing stops the receive; messages accepted before still get their
 * post-action, the failing one and the rest are left untouched on the server. With a
 * {@link Quarantine} set, a refused document is offered again up to {@code maxAttempts} times and
 * then quarantined, and the rest go on.
 */
@FunctionalInterface
public interface DocumentHandler {
  void handle(MailDocument document);

  /** Called once before the first document with the number of messages selected. */
  default void started(int selected) {}

  /**
   * Called once before anything is fetched, with the number of messages selected and the bytes of
   * those above {@link ReceiveSettings#largeMessageBytes()} (fetched one by one, streamed). Throwing
   * here stops the receive before any message is read. The default calls {@link #started(int)}.
   */
  default void started(int selected, long largeMessagesBytes) {
    started(selected);
  }

  /**
   * Receives a message put in quarantine (see {@link Quarantine}) instead of {@link #handle}:
   * unparseable, or refused {@code maxAttempts} times. Called before the message is moved or
   * marked, so throwing here leaves it where it is (it is tried again on the next run). The
   * default ignores it (the message is still quarantined and a WARN line logged).
   */
  default void deadLetter(DeadLetter letter) {}

  /**
   * Called after the {@link PostAction} (mark read, flag, move, delete) was applied to these
   * accepted messages of {@code folder}, by UID; not called without a post-action. A Receive calls
   * it per batch, a {@link io.mailbridge.listen.Listener} after each batch's watermark is saved,
   * and at start for the post-actions a stopped run left pending (their documents were handed to
   * that run). For a journal or an audit trail of what happened to each message on the server. The
   * action has happened: an exception thrown here is logged and changes nothing.
   */
  default void postActionApplied(String folder, long uidValidity, java.util.List<Long> uids) {}

  /**
   * A handler made of two lambdas: documents to {@code documents}, dead letters to {@code deadLetters}.
   *
   * <pre>{@code
   * DocumentHandler.withDeadLetters(doc -> pipeline.accept(doc), dead -> alerts.send(dead))
   * }</pre>
   */
  static DocumentHandler withDeadLetters(DocumentHandler documents,
      java.util.function.Consumer<DeadLetter> deadLetters) {
    java.util.Objects.requireNonNull(deadLetters, "deadLetters");
    return new Forwarding(documents) {
      @Override
      public void deadLetter(DeadLetter letter) {
        deadLetters.accept(letter);
      }
    };
  }

  /**
   * A handler that passes every callback on to another; a wrapper overrides only what it adds.
   * Wrappers that forwarded callbacks one by one lost the ones added later (dead letters,
   * post-action notices): this class is the one place a new callback has to be forwarded.
   */
  abstract class Forwarding implements DocumentHandler {
    private final DocumentHandler inner;

    protected Forwarding(DocumentHandler inner) {
      this.inner = java.util.Objects.requireNonNull(inner, "inner handler");
    }

    @Override
    public void handle(MailDocument document) {
      inner.handle(document);
    }

    @Override
    public void started(int selected) {
      inner.started(selected);
    }

    @Override
    public void started(int selected, long largeMessagesBytes) {
      inner.started(selected, largeMessagesBytes);
    }

    @Override
    public void deadLetter(DeadLetter letter) {
      inner.deadLetter(letter);
    }

    @Override
    public void postActionApplied(String folder, long uidValidity, java.util.List<Long> uids) {
      inner.postActionApplied(folder, uidValidity, uids);
    }
  }
}
