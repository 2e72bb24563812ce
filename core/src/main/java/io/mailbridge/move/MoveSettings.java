package io.mailbridge.move;

import io.mailbridge.ConfigException;
import io.mailbridge.folder.FolderNames;
import java.util.Objects;
import java.util.Optional;

/**
 * What to move (or copy) where.
 *
 * <pre>{@code
 * MoveSettings s = MoveSettings.builder().from("INBOX").to("Archive/2026")
 *     .selection(Selection.uidSet("12,15:40")).createTarget(true).build();
 * }</pre>
 *
 * @param from source folder (Unicode name, hierarchy with the server's delimiter)
 * @param to target folder
 * @param selection which messages
 * @param createTarget create {@code to} when it does not exist (default false: then every message
 *     is reported failed and nothing is touched)
 * @param expectedUidValidity the source UIDVALIDITY the UIDs were read under; when the folder's
 *     differs nothing is moved and every message is reported failed (default: not checked)
 * @param batchSize UIDs per command, 1-10000 (default 10000; one UID MOVE per batch; a batch is also cut
 *     where its UID set would exceed 8,000 characters, RFC 7162 4)
 * @param expungeWithoutUidplus on a server without MOVE and UIDPLUS, run a plain EXPUNGE after copying,
 *     which also removes any other message flagged \Deleted in the folder (default false: the moved
 *     messages stay flagged \Deleted in the source and a warning says so)
 */
public record MoveSettings(String from, String to, Selection selection, boolean createTarget,
    Optional<Long> expectedUidValidity, int batchSize, boolean expungeWithoutUidplus) {

  /**
   * Default UIDs per command: the most allowed. Each command costs the server a fixed share (lock,
   * sync, commit), and the UID set's length is bounded separately.
   */
  public static final int DEFAULT_BATCH_SIZE = 10_000;

  public MoveSettings {
    FolderNames.check("move.from", from);
    FolderNames.check("move.to", to);
    Objects.requireNonNull(selection, "move.selection is missing: select by UIDs, filter or Message-IDs");
    Objects.requireNonNull(expectedUidValidity, "expectedUidValidity");
    checkBatch("move.batchSize", batchSize);
    expectedUidValidity.ifPresent(v -> checkUidValidity("move.expectedUidValidity", v));
    if (from.equals(to)) {
      throw new ConfigException("move.from and move.to are both '" + from + "': choose a different target folder");
    }
  }

  static void checkBatch(String field, int batchSize) {
    if (batchSize < 1 || batchSize > 10_000) {
      throw new ConfigException(field + " " + batchSize + " is out of range 1-10000");
    }
  }

  static void checkUidValidity(String field, long v) {
    if (v < 1 || v > 4294967295L) {
      throw new ConfigException(field + " " + v + " is out of range 1-4294967295");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().from(from).to(to).selection(selection).createTarget(createTarget)
        .expectedUidValidity(expectedUidValidity.orElse(null)).batchSize(batchSize)
        .expungeWithoutUidplus(expungeWithoutUidplus);
  }

  /** Builder for {@link MoveSettings}. */
  public static final class Builder {
    private String from;
    private String to;
    private Selection selection;
    private boolean createTarget;
    private Long expectedUidValidity;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private boolean expungeWithoutUidplus;

    public Builder from(String folder) {
      this.from = folder;
      return this;
    }

    public Builder to(String folder) {
      this.to = folder;
      return this;
    }

    public Builder selection(Selection selection) {
      this.selection = selection;
      return this;
    }

    public Builder createTarget(boolean create) {
      this.createTarget = create;
      return this;
    }

    /** The UIDVALIDITY the UIDs were read under; null for no check. */
    public Builder expectedUidValidity(Long uidValidity) {
      this.expectedUidValidity = uidValidity;
      return this;
    }

    public Builder batchSize(int uids) {
      this.batchSize = uids;
      return this;
    }

    public Builder expungeWithoutUidplus(boolean expunge) {
      this.expungeWithoutUidplus = expunge;
      return this;
    }

    public MoveSettings build() {
      return new MoveSettings(from, to, selection, createTarget, Optional.ofNullable(expectedUidValidity), batchSize,
          expungeWithoutUidplus);
    }
  }
}
