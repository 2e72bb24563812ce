package io.mailbridge.listen.internal;

/**
 * Notices a server that accepts IDLE but never reports new mail during it (Cyrus without its
 * {@code idled} daemon): new mail then shows only on the checks after IDLE was ended by a NOOP of
 * ours (keepalive), so it arrives at the keepalive's pace. After {@link #MISSES} such checks in a
 * row the watcher polls instead, at its poll interval. An IDLE the server ended itself (it sent
 * something) resets the count, so a server that pushes is never switched off IDLE by one unlucky
 * race between its push and our keepalive.
 */
final class IdlePush {
  /** Checks in a row that found mail the server did not report during IDLE. */
  static final int MISSES = 3;
  private int misses;
  private boolean absent;

  /**
   * After one IDLE and the check that followed it.
   *
   * @param endedByServer the server ended the IDLE (sent something), not our NOOP
   * @param foundNew the check found new mail
   * @return true once the server is taken to give no IDLE push (from then on, always)
   */
  boolean afterIdle(boolean endedByServer, boolean foundNew) {
    if (endedByServer) {
      misses = 0;
    } else if (foundNew && ++misses >= MISSES) {
      absent = true;
    }
    return absent;
  }

  /** Whether the server was found to give no IDLE push. */
  boolean absent() {
    return absent;
  }
}
