/**
 * Kafka Connect plugin for Mailbridge. Public: one connector, its task and its config per direction
 * ({@link io.mailbridge.kafka.SmtpSinkConnector}, {@link io.mailbridge.kafka.SmtpSinkTask},
 * {@link io.mailbridge.kafka.SmtpSinkConfig}) and the IMAP source beside them
 * ({@link io.mailbridge.kafka.ImapSourceConnector}, {@link io.mailbridge.kafka.ImapSourceTask},
 * {@link io.mailbridge.kafka.ImapSourceConfig}), listed in {@code META-INF/services}. Record conversion,
 * per-folder reading and Message-IDs live in {@code io.mailbridge.kafka.internal}.
 */
package io.mailbridge.kafka;
