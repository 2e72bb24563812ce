package io.mailbridge.kafka;

import io.mailbridge.kafka.internal.ConnectionValidation;
import io.mailbridge.kafka.internal.CrossKeyErrors;
import io.mailbridge.kafka.internal.ServerKeys;
import io.mailbridge.kafka.internal.SinkSettings;
import io.mailbridge.kafka.internal.TaskMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Kafka Connect sink that sends each record as a mail through an SMTP server, with Mailbridge's
 * {@link io.mailbridge.send.Send}. Settings: {@link SmtpSinkConfig}; record shapes and delivery
 * semantics: {@link SmtpSinkTask}.
 *
 * <pre>{@code
 * connector.class=io.mailbridge.kafka.SmtpSinkConnector
 * topics=outgoing-mail
 * value.converter=org.apache.kafka.connect.json.JsonConverter
 * value.converter.schemas.enable=false
 * smtp.host=smtp.example.com
 * smtp.user=reports@example.com
 * smtp.password=${file:/run/secrets/mail.properties:password}
 * errors.tolerance=all
 * errors.deadletterqueue.topic.name=outgoing-mail-dlq
 * }</pre>
 *
 * <p>{@link #start(Map)} maps the whole configuration once and fails fast on any bad key;
 * {@link #validate(Map)} reports the same cross-key problems (e.g. {@code smtp.security=none}
 * without {@code smtp.allow.plaintext}) on the key at fault, before the connector is created.
 */
public final class SmtpSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Versions.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    // Fail here, once, with the key named, rather than in every task.
    new SmtpSinkConfig(props).settings();
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return SmtpSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    // Every task reads its own share of the topic partitions and opens its own SMTP connection.
    List<Map<String, String>> out = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> task = new HashMap<>(props);
      task.put(TaskMetrics.TASK_ID, Integer.toString(i)); // the task tag of its metrics
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
    return SmtpSinkConfig.CONFIG_DEF;
  }

  /**
   * The per-key and cross-key checks, then (when those pass and {@code validate.connection.timeout.ms}
   * is not 0) a login to the SMTP server, whose failure is shown on the key to fix
   * ({@code smtp.password}, {@code smtp.port}, {@code smtp.ca.file}...).
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = CrossKeyErrors.attach(super.validate(connectorConfigs),
        () -> new SmtpSinkConfig(connectorConfigs).settings(), SmtpSinkConfig.SMTP_HOST);
    if (!ConnectionValidation.clean(result)) {
      return result;
    }
    SmtpSinkConfig config = new SmtpSinkConfig(connectorConfigs);
    Duration timeout = Duration.ofMillis(config.getLong(ServerKeys.VALIDATE_CONNECTION_TIMEOUT_MS));
    SinkSettings settings = config.settings();
    ConnectionValidation.check(result, settings.connection().outbound().orElseThrow(), "smtp.", SmtpSinkConfig.SMTP_HOST,
        timeout);
    // The Sent folder's server (sent.copy, skip.if.already.sent): its own imap.* keys.
    settings.connection().inbound().ifPresent(imap -> ConnectionValidation.check(result, imap, "imap.",
        SmtpSinkConfig.SMTP_HOST, timeout));
    return result;
  }
}
