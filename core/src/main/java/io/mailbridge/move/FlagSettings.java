package io.mailbridge.move;

import io.mailbridge.folder.FolderNames;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which flags and keywords to add to and remove from which messages.
 *
 * <pre>{@code
 * FlagSettings s = FlagSettings.builder().folder("INBOX").selection(Selection.uids(12, 13))
 *     .add("\\Seen", "$Processed").build();
 * }</pre>
 *
 * @param folder the folder the messages are in
 * @param selection which messages
 * @param add system flags ({@link Flags#SYSTEM_FLAGS}) and keywords to set
 * @param remove system flags and keywords to clear; a flag may not be in both
 * @param expectedUidValidity the UIDVALIDITY the UIDs were read under; when the folder's differs
 *     nothing changes and every message is reported failed (default: not checked)
 * @param batchSize UIDs per command, 1-10000 (default 10000)
 */
public record FlagSettings(String folder, Selection selection, Set<String> add, Set<String> remove,
    Optional<Long> expectedUidValidity, int batchSize) {

  public FlagSettings {
    FolderNames.check("flags.folder", folder);
    Objects.requireNonNull(selection, "flags.selection is missing: select by UIDs, filter or Message-IDs");
    add = Flags.normalize(Objects.requireNonNull(add, "flags.add"));
    remove = Flags.normalize(Objects.requireNonNull(remove, "flags.remove"));
    Objects.requireNonNull(expectedUidValidity, "expectedUidValidity");
    MoveSettings.checkBatch("flags.batchSize", batchSize);
    expectedUidValidity.ifPresent(v -> MoveSettings.checkUidValidity("flags.expectedUidValidity", v));
    Flags.checkChange(add, remove);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().folder(folder).selection(selection).add(add.toArray(String[]::new))
        .remove(remove.toArray(String[]::new)).expectedUidValidity(expectedUidValidity.orElse(null))
        .batchSize(batchSize);
  }

  /** Builder for {@link FlagSettings}. */
  public static final class Builder {
    private String folder;
    private Selection selection;
    private final Set<String> add = new LinkedHashSet<>();
    private final Set<String> remove = new LinkedHashSet<>();
    private Long expectedUidValidity;
    private int batchSize = MoveSettings.DEFAULT_BATCH_SIZE;

    public Builder folder(String folder) {
      this.folder = folder;
      return this;
    }

    public Builder selection(Selection selection) {
      this.selection = selection;
      return this;
    }

    public Builder add(String... flags) {
      add.addAll(java.util.Arrays.asList(flags));
      return this;
    }

    public Builder remove(String... flags) {
      remove.addAll(java.util.Arrays.asList(flags));
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

    public FlagSettings build() {
      return new FlagSettings(folder, selection, add, remove, Optional.ofNullable(expectedUidValidity), batchSize);
    }
  }
}
