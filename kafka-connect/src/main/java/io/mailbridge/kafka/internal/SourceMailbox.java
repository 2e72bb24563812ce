package io.mailbridge.kafka.internal;

import java.util.Objects;
import java.util.Optional;

/**
 * One mailbox the IMAP source reads, as mapped by
 * {@link io.mailbridge.kafka.ImapSourceConfig#sources()}.
 *
 * @param name {@code default} for the mailbox of the top-level {@code imap.user}, else its name in
 *     {@code mailboxes}
 * @param settings its server, login, folders and the shared reading rules
 * @param maxConnections the most tasks (one IMAP connection each) reading it at once; empty: no
 *     limit but {@code tasks.max} and the per-server budget
 */
public record SourceMailbox(String name, SourceSettings settings, Optional<Integer> maxConnections) {
  public SourceMailbox {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(maxConnections, "maxConnections");
  }

  /** The server, {@code host:port}, whose connection budget this mailbox uses. */
  public String server() {
    return settings.imap().host().toLowerCase(java.util.Locale.ROOT) + ":" + settings.imap().port();
  }
}
