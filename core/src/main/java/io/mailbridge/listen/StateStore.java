package io.mailbridge.listen;

import java.util.List;
import java.util.Optional;

/**
 * Where the {@link Listener} keeps its watermarks. {@link #save} must be durable when it returns:
 * the Listener runs a post-action (which may move a message away for good) only after the save of
 * the batch's watermark returned. The default is {@link JsonFileStateStore}; a database or a
 * Kafka offset store can implement this too. Called from several watcher threads: implementations
 * must be thread-safe.
 */
public interface StateStore {

  /** The saved state of a folder, empty when it was never watched. */
  Optional<FolderState> load(FolderState.Key key);

  /** Saves (replaces) the state of {@code state.key()}, durably. */
  void save(FolderState state);

  /** Every saved state (for status displays). */
  List<FolderState> all();
}
