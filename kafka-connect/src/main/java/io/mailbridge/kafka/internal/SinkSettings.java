package io.mailbridge.kafka.internal;

import io.mailbridge.connection.MailConnection;
import io.mailbridge.send.SendSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * What a sink task needs, mapped once from the connector's keys by
 * {@link io.mailbridge.kafka.SmtpSinkConfig#settings()}.
 *
 * @param connection the outbound (SMTP) server
 * @param send attempts and backoff inside one {@code put()}
 * @param defaultFrom sender for records without {@code from}; empty: the SMTP login
 * @param messageIdDomain right-hand side of the generated Message-IDs
 * @param redeliveryBackoff how long Kafka Connect waits before redelivering a batch that failed transiently
 */
public record SinkSettings(
    MailConnection connection,
    SendSettings send,
    String defaultFrom,
    String messageIdDomain,
    Duration redeliveryBackoff) {

  public SinkSettings {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(send, "send");
    Objects.requireNonNull(defaultFrom, "defaultFrom");
    Objects.requireNonNull(messageIdDomain, "messageIdDomain");
    Objects.requireNonNull(redeliveryBackoff, "redeliveryBackoff");
  }
}
