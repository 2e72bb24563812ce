package io.mailbridge.kafka;

import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.kafka.internal.ConnectorKeys;
import io.mailbridge.kafka.internal.FolderReader;
import io.mailbridge.kafka.internal.OutageClock;
import io.mailbridge.kafka.internal.SourceSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One mailbox of an IMAP source task: its settings, folder readers, outage clock and (while visited) connection. */
final class SourceAccount {
  final SourceSettings settings;
  /** Prefix of this mailbox's host, port and login keys, for messages: imap. or mailbox.NAME.imap. */
  final String keys;
  final OutageClock outage;
  final List<FolderReader> order = new ArrayList<>();
  ImapClient imap;
  int next;
  /** While failing: not tried again before this System.nanoTime(). */
  long retryAt;
  private boolean shut;

  SourceAccount(SourceSettings settings, String name, OutageClock outage) {
    this.settings = settings;
    this.keys = name.equals(ImapSourceConfig.DEFAULT_MAILBOX) ? "imap."
        : ImapSourceConfig.MAILBOX_PREFIX + name + ".imap.";
    this.outage = outage;
  }

  /** The error in the connector's keys. */
  String reason(MailbridgeException e) {
    return ConnectorKeys.speak(e.getMessage(), Endpoint.Protocol.IMAP, keys);
  }

  /** Records a failure retrying may cure; throws ConnectException (the task fails) past the bound. */
  Duration failed(MailbridgeException e) {
    Duration wait = outage.failed("IMAP server of mailbox " + settings.mailbox(), reason(e), e);
    retryAt = System.nanoTime() + wait.toNanos();
    return wait;
  }

  /** The task stopped: closes the connection, and any the reader thread opens later. */
  synchronized void shut() {
    shut = true;
    close();
  }

  /** Keeps a connection the reader thread opened, unless the task stopped meanwhile (then closes it). */
  synchronized boolean keep(ImapClient c) {
    if (shut) {
      c.close();
      return false;
    }
    imap = c;
    return true;
  }

  synchronized void close() {
    if (imap != null) {
      imap.close();
      imap = null;
    }
  }
}
