package io.mailbridge.receive.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * The server's announcements of new mail on one connection, whatever command carried them.
 *
 * <p>RFC 3501 7.3.1: a server announces new mail once, with an untagged EXISTS in the answer to
 * whichever command runs when it notices it: a FETCH, a STORE, a NOOP, not only an IDLE. Mail that
 * arrives after a search and is announced in the answer to the FETCH or post-action that follows is
 * not announced again in the next IDLE, so the watcher must look before idling: {@link #since}
 * tells whether anything was announced after a mark taken once the search's view was fixed.
 *
 * <p>An announcement can also arrive just before the IDLE's continuation ({@code + idling}), from a
 * keepalive NOOP or a server that syncs first: the IDLE would then wait for the next one. While
 * {@link #arm armed}, such an announcement runs {@code wake} once the continuation arrives, which
 * ends the IDLE.
 */
final class Announcements implements ResponseHandler {
  private final AtomicLong exists = new AtomicLong();
  private final Runnable wake;
  private volatile boolean armed;
  private volatile boolean continued;
  private volatile boolean early;

  Announcements(Runnable wake) {
    this.wake = wake;
  }

  @Override
  public void handleResponse(Response r) {
    if (r instanceof IMAPResponse ir && !ir.isTagged() && ir.keyEquals("EXISTS")) {
      exists.incrementAndGet();
      if (armed && !continued) {
        early = true;
      }
    } else if (r.isContinuation() && armed && !continued) {
      continued = true;
      if (early) {
        wake.run();
      }
    }
  }

  /** A mark of what was announced so far. */
  long mark() {
    return exists.get();
  }

  /** Whether anything was announced after {@code mark}. */
  boolean since(long mark) {
    return exists.get() != mark;
  }

  /** Called right before IDLE is sent; {@link #disarm} once it returned. */
  void arm() {
    continued = false;
    early = false;
    armed = true;
  }

  void disarm() {
    armed = false;
  }
}
