package io.mailbridge.listen;

/**
 * What the {@link Listener} does when a folder's UIDVALIDITY is not the one in the state (the
 * folder was recreated or the server rebuilt its index, RFC 3501 2.3.1.1): saved UIDs then mean
 * nothing. Always logged at WARN.
 */
public enum UidValidityPolicy {
  /** Deliver every message of the folder again (consumers dedupe by Message-ID); pending post-actions are dropped. */
  RESCAN,
  /** Continue with new messages only: everything already in the folder is treated as handled. */
  SKIP,
  /** Stop watching this folder with an error until a person decides (delete its state to start over). */
  FAIL
}
