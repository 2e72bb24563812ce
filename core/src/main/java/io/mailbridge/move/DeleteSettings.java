package io.mailbridge.move;

import io.mailbridge.folder.FolderNames;
import java.util.Objects;
import java.util.Optional;

/**
 * What to delete, and how.
 *
 * <pre>{@code
 * DeleteSettings s = DeleteSettings.builder().folder("INBOX").selection(Selection.uids(42)).build(); // to Trash
 * }</pre>
 *
 * @param folder the folder the messages are in
 * @param selection which messages
 * @param expunge delete permanently ({@code UID EXPUNGE} of exactly these messages) instead of
 *     moving them to the server's \Trash folder (default false)
 * @param expectedUidValidity the UIDVALIDITY the UIDs were read under; when the folder's differs
 *     nothing is deleted and every message is reported failed (default: not checked)
 * @param batchSize UIDs per command, 1-10000 (default 10000)
 * @param expungeWithoutUidplus on a server without UIDPLUS, allow a plain EXPUNGE that also removes
 *     other messages flagged \Deleted in the folder (default false: the messages are only flagged)
 */
public record DeleteSettings(String folder, Selection selection, boolean expunge, Optional<Long> expectedUidValidity,
    int batchSize, boolean expungeWithoutUidplus) {

  public DeleteSettings {
    FolderNames.check("delete.folder", folder);
    Objects.requireNonNull(selection, "delete.selection is missing: select by UIDs, filter or Message-IDs");
    Objects.requireNonNull(expectedUidValidity, "expectedUidValidity");
    MoveSettings.checkBatch("delete.batchSize", batchSize);
    expectedUidValidity.ifPresent(v -> MoveSettings.checkUidValidity("delete.expectedUidValidity", v));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().folder(folder).selection(selection).expunge(expunge)
        .expectedUidValidity(expectedUidValidity.orElse(null)).batchSize(batchSize)
        .expungeWithoutUidplus(expungeWithoutUidplus);
  }

  /** Builder for {@link DeleteSettings}. */
  public static final class Builder {
    private String folder;
    private Selection selection;
    private boolean expunge;
    private Long expectedUidValidity;
    private int batchSize = MoveSettings.DEFAULT_BATCH_SIZE;
    private boolean expungeWithoutUidplus;

    public Builder folder(String folder) {
      this.folder = folder;
      return this;
    }

    public Builder selection(Selection selection) {
      this.selection = selection;
      return this;
    }

    public Builder expunge(boolean expunge) {
      this.expunge = expunge;
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

    public DeleteSettings build() {
      return new DeleteSettings(folder, selection, expunge, Optional.ofNullable(expectedUidValidity), batchSize,
          expungeWithoutUidplus);
    }
  }
}
