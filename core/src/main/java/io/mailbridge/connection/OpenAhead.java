package io.mailbridge.connection;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The one IMAP connection being opened ahead of its use ({@link ImapClient#openAhead}). */
final class OpenAhead {
  private record Pending(Endpoint endpoint, CompletableFuture<ImapClient> client) {}

  private static final AtomicReference<Pending> PENDING = new AtomicReference<>();

  private OpenAhead() {}

  static void start(Endpoint endpoint, Supplier<ImapClient> connect) {
    CompletableFuture<ImapClient> client = new CompletableFuture<>();
    Pending before = PENDING.getAndSet(new Pending(endpoint, client));
    if (before != null) {
      closeWhenOpen(before);
    }
    Thread t = new Thread(() -> {
      try {
        client.complete(connect.get());
      } catch (Throwable e) { // NOPMD: whatever opening threw is the taker's to throw
        client.completeExceptionally(e);
      }
    }, "mailbridge-imap-connect");
    t.setDaemon(true);
    t.start();
  }

  /** The connection opened ahead for this endpoint object, waiting for it; null when there is none. */
  static ImapClient take(Endpoint endpoint) {
    Pending p = PENDING.get();
    if (p == null || p.endpoint() != endpoint || !PENDING.compareAndSet(p, null)) {
      return null;
    }
    try {
      return p.client().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  static void discard() {
    Pending p = PENDING.getAndSet(null);
    if (p != null) {
      closeWhenOpen(p);
    }
  }

  /** Whether a connection is being opened ahead for this endpoint object and not taken yet (tests). */
  static boolean pending(Endpoint endpoint) {
    Pending p = PENDING.get();
    return p != null && p.endpoint() == endpoint;
  }

  /** Completes when the pending connection's opening has ended either way (tests). */
  static CompletableFuture<?> opened() {
    Pending p = PENDING.get();
    return p == null ? CompletableFuture.completedFuture(null) : p.client().handle((c, e) -> null);
  }

  private static void closeWhenOpen(Pending p) {
    p.client().thenAccept(ImapClient::close);
  }
}
