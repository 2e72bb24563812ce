/**
 * Kafka Connect plugin for Mailbridge. Public: one connector, its task and its config per direction
 * ({@link io.mailbridge.kafka.SmtpSinkConnector}, {@link io.mailbridge.kafka.SmtpSinkTask},
 * {@link io.mailbridge.kafka.SmtpSinkConfig}); the IMAP source will sit beside them
 * ({@code ImapSourceConnector}, {@code ImapSourceTask}, {@code ImapSourceConfig}, listed in
 * {@code META-INF/services/org.apache.kafka.connect.source.SourceConnector}). Record conversion and
 * Message-IDs live in {@code io.mailbridge.kafka.internal}.
 */
package io.mailbridge.kafka;
