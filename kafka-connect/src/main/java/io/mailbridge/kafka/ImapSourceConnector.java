package io.mailbridge.kafka;

import io.mailbridge.kafka.internal.ConnectionValidation;
import io.mailbridge.kafka.internal.CrossKeyErrors;
import io.mailbridge.kafka.internal.MailboxPlan;
import io.mailbridge.kafka.internal.ServerKeys;
import io.mailbridge.kafka.internal.SourceMailbox;
import io.mailbridge.kafka.internal.TaskMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Kafka Connect source that publishes each mail of some IMAP folders as a record, with Mailbridge's
 * Receive pipeline. Settings: {@link ImapSourceConfig}; record shape:
 * {@link io.mailbridge.kafka.internal.SourceRecords}; offsets, duplicates and post-actions:
 * {@link ImapSourceTask}.
 *
 * <pre>{@code
 * connector.class=io.mailbridge.kafka.ImapSourceConnector
 * tasks.max=2
 * imap.host=imap.example.com
 * imap.user=bob@example.com
 * imap.password=${file:/run/secrets/mail.properties:password}
 * folders=INBOX,Invoices
 * topic=mail-in
 * start=all
 * post.action=move:Done
 * value.converter=org.apache.kafka.connect.json.JsonConverter
 * value.converter.schemas.enable=false
 * heartbeat.topic=mail-in-heartbeats
 * }</pre>
 *
 * <p>The folders are spread over at most {@code tasks.max} tasks, round-robin; each folder is read by
 * exactly one task. With {@code mailboxes}, several mailboxes are read, each with its own login;
 * {@code max.connections} and {@code imap.max.connections.per.server} bound the tasks (one IMAP
 * connection each) per mailbox and per server ({@link MailboxPlan}).
 */
public final class ImapSourceConnector extends SourceConnector {
  private Map<String, String> props;
  private List<SourceMailbox> mailboxes;
  private Optional<Integer> perServer;

  @Override
  public String version() {
    return Versions.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    // Fail here, once, with the key named, rather than in every task.
    ImapSourceConfig config = new ImapSourceConfig(props);
    mailboxes = config.sources();
    perServer = Optional.ofNullable(config.getInt(ImapSourceConfig.IMAP_MAX_CONNECTIONS_PER_SERVER));
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return ImapSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Map<String, List<String>> share : MailboxPlan.plan(mailboxes, maxTasks, perServer)) {
      Map<String, String> task = new HashMap<>(props);
      task.put(ImapSourceConfig.TASK_MAILBOXES, String.join(",", share.keySet()));
      share.forEach((name, folders) -> task.put(name.equals(ImapSourceConfig.DEFAULT_MAILBOX)
          ? ImapSourceConfig.FOLDERS : ImapSourceConfig.MAILBOX_PREFIX + name + "." + ImapSourceConfig.FOLDERS,
          String.join(",", folders)));
      task.put(TaskMetrics.TASK_ID, Integer.toString(out.size())); // the task tag of its metrics
      out.add(task);
    }
    return out;
  }

  @Override
  public void stop() {
    // Nothing held: connections belong to the tasks.
  }

  @Override
  public ConfigDef config() {
    return ImapSourceConfig.CONFIG_DEF;
  }

  /**
   * KIP-618 exactly-once is supported: each folder is read by one task, strictly by UID after the
   * committed offset {@code {uidvalidity, uid}}, so when the worker commits a record and its offset in
   * one transaction, an aborted transaction is read and published again and a committed one never is.
   * Transaction boundaries are the worker's ({@code poll} or {@code interval}); see
   * {@link #canDefineTransactionBoundaries}.
   */
  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return ExactlyOnceSupport.SUPPORTED;
  }

  /**
   * The connector does not define transaction boundaries ({@code transaction.boundary=connector} is
   * refused): a poll's records are independent mails, any boundary the worker picks is correct.
   */
  @Override
  public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
    return ConnectorTransactionBoundaries.UNSUPPORTED;
  }

  /**
   * The per-key and cross-key checks, then (when those pass and {@code validate.connection.timeout.ms}
   * is not 0) a login to each mailbox's server, whose failure is shown on the key to fix
   * ({@code imap.password}, {@code imap.port}, {@code imap.ca.file}...).
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = CrossKeyErrors.attach(super.validate(connectorConfigs),
        () -> new ImapSourceConfig(connectorConfigs).sources(), ImapSourceConfig.IMAP_HOST);
    if (!ConnectionValidation.clean(result)) {
      return result;
    }
    ImapSourceConfig config = new ImapSourceConfig(connectorConfigs);
    Duration timeout = Duration.ofMillis(config.getLong(ServerKeys.VALIDATE_CONNECTION_TIMEOUT_MS));
    for (SourceMailbox m : config.sources()) {
      String keys = m.name().equals(ImapSourceConfig.DEFAULT_MAILBOX) ? "imap."
          : ImapSourceConfig.MAILBOX_PREFIX + m.name() + ".imap.";
      ConnectionValidation.check(result, m.settings().imap(), keys, ImapSourceConfig.MAILBOXES, timeout);
    }
    return result;
  }
}
