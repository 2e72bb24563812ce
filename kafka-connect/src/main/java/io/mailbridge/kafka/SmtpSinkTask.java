package io.mailbridge.kafka;

import io.mailbridge.BadInputException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.kafka.internal.ConnectorKeys;
import io.mailbridge.kafka.internal.OutageClock;
import io.mailbridge.kafka.internal.RecordEmails;
import io.mailbridge.kafka.internal.ServerKeys;
import io.mailbridge.kafka.internal.SinkSettings;
import io.mailbridge.kafka.internal.TaskMetrics;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each record as one mail over the task's one SMTP connection ({@link Send.Session}): opened
 * at the first record, reused across {@code put()} calls, checked with NOOP before each batch and
 * reopened when the server closed it while idle, closed when the task stops.
 *
 * <p>Record values: a Struct with the schema {@code io.mailbridge.kafka.Email}, a Map (JSON without
 * schemas) or JSON text, all with the fields of the CLI's {@code send --batch} line; attachments carry
 * base64 {@code content}. A tombstone (null value) is skipped. Each mail gets the deterministic
 * Message-ID {@code <topic.partition.offset.hash@message.id.domain>} unless the record gives one.
 *
 * <p>What happens to each record:
 * <ul>
 *   <li>sent to every recipient: done;</li>
 *   <li>not a usable mail (bad JSON, unknown field, CR/LF in a header, bad address, no recipient),
 *       refused permanently (5xx), delivered to only some recipients, or sent with an unknown outcome
 *       (the connection dropped after the data, before the server's reply): handed to the errant record
 *       reporter (the dead letter queue with {@code errors.tolerance=all} and
 *       {@code errors.deadletterqueue.topic.name}) with the reason, and never resent. Without a
 *       reporter the task fails with a message saying how to configure one;</li>
 *   <li>refused temporarily (4xx) or the server unreachable, after {@code send.max.attempts}:
 *       {@link RetriableException}; Kafka Connect redelivers the same batch after
 *       {@code retry.backoff.ms}. A server that stays unreachable (or refuses the connection) for
 *       {@code smtp.connect.retry.max.duration.ms} fails the task with the reason.</li>
 * </ul>
 *
 * <p>Offsets and duplicates (at-least-once): mail is sent synchronously inside {@code put()}, so when
 * Kafka Connect commits an offset every record before it was sent or reported. A redelivered batch
 * skips the records this task already settled (sent or reported), so a transient failure of one
 * record does not resend the others. What can still duplicate a mail: the worker or task dying after a
 * send and before the offset commit (the records since the last commit are read again by the next
 * owner of the partition), and, rarely, a server that accepted a message whose reply was lost during a
 * redelivered attempt. Such a copy has the same Message-ID as the first, so it is recognisable and
 * mail stores that dedupe by Message-ID drop it. A message whose outcome is unknown goes to the dead
 * letter queue instead of being resent: at most one copy from this task.
 *
 * <p>With {@code skip.if.already.sent} (and {@code sent.copy}), each record's Message-ID is looked up
 * in the Sent folder before it is sent, so records delivered again after a failover are not mailed
 * twice. The copy is written before the send and confirmed after it: a record whose copy a dead task
 * left unconfirmed may or may not have gone out, and goes to the dead letter queue as unknown.
 */
public final class SmtpSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpSinkTask.class);

  private Send send;
  private Send.Session smtp;
  private RecordEmails emails;
  private ErrantRecordReporter reporter;
  private SinkSettings settings;
  private TaskMetrics metrics;
  private OutageClock outage;
  /** Records settled in a batch that then failed transiently: skipped when Kafka redelivers it. */
  private final Set<String> settledInFailedBatch = new HashSet<>();

  @Override
  public String version() {
    return Versions.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    SmtpSinkConfig config = new SmtpSinkConfig(props);
    settings = config.settings();
    // Between attempts Kafka Connect waits retry.backoff.ms, as for any batch that failed transiently.
    outage = ServerKeys.clock(config, "smtp", settings.redeliveryBackoff(), settings.redeliveryBackoff());
    metrics = TaskMetrics.start("smtp-sink-task-metrics", props);
    settings = new SinkSettings(settings.connection().toBuilder().metrics(metrics.metrics()).build(), settings.send(),
        settings.defaultFrom(), settings.messageIdDomain(), settings.redeliveryBackoff());
    send = Send.of(settings.connection(), settings.send());
    smtp = send.session();
    emails = new RecordEmails(props.getOrDefault("name", ""), settings.defaultFrom(), settings.messageIdDomain());
    reporter = errantRecordReporter();
    LOG.info("smtp sink task started server={} dlq={} copyToSent={} skipIfAlreadySent={}",
        settings.connection().outbound().orElseThrow().address(), reporter != null, settings.send().copyToSent(),
        settings.send().skipIfAlreadySent());
  }

  private ErrantRecordReporter errantRecordReporter() {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError olderWorker) {
      // Workers before Kafka 2.6 have no reporter.
      return null;
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    List<SinkRecord> toSend = new ArrayList<>(records.size());
    List<Email> mails = new ArrayList<>(records.size());
    List<BadRecord> bad = new ArrayList<>();
    for (SinkRecord r : records) {
      if (settledInFailedBatch.contains(RecordEmails.where(r))) {
        continue;
      }
      if (r.value() == null) {
        LOG.debug("smtp sink skips tombstone record={}", RecordEmails.where(r));
        continue;
      }
      try {
        Email mail = emails.toEmail(r);
        send.validate(mail);
        toSend.add(r);
        mails.add(mail);
      } catch (BadInputException e) {
        // Send.validate speaks of "message 1" (its batch of one): the record is the useful name here.
        String reason = e.getMessage().startsWith("record ") ? e.getMessage()
            : "record " + RecordEmails.where(r) + ": " + e.getMessage().replaceFirst("^message 1: ", "");
        bad.add(new BadRecord(r, new BadInputException(reason, e)));
      }
    }
    if (!bad.isEmpty() && reporter == null) {
      throw new ConnectException(bad.get(0).error().getMessage() + " (and " + (bad.size() - 1) + " more bad records "
          + "in this batch): set errors.tolerance=all and errors.deadletterqueue.topic.name to set bad records aside "
          + "in a dead letter queue, or fix the producer");
    }
    for (BadRecord b : bad) {
      report(b.record(), b.error());
    }
    List<String> transientFailures = new ArrayList<>();
    if (mails.isEmpty()) {
      settledInFailedBatch.clear();
      return;
    }
    try {
      int[] i = {0};
      smtp.send(mails, result -> {
        SinkRecord r = toSend.get(i[0]++);
        settle(r, result, transientFailures);
      });
    } catch (MailbridgeException e) {
      // Connection or login failed (after send.max.attempts): the messages before it went out and
      // are skipped when Kafka redelivers the batch; the session reconnects on the next put(), until
      // the outage outlasts smtp.connect.retry.max.duration.ms and the task fails with the reason.
      String reason = ConnectorKeys.speak(e.getMessage(), Endpoint.Protocol.SMTP);
      if (e.isRetriable()) {
        Duration wait = outage.failed("SMTP server " + settings.connection().outbound().orElseThrow().address(),
            reason, e);
        context.timeout(wait.toMillis());
        throw new RetriableException(reason, e);
      }
      throw new ConnectException(reason, e);
    }
    outage.ok();
    if (!transientFailures.isEmpty()) {
      context.timeout(settings.redeliveryBackoff().toMillis());
      throw new RetriableException(transientFailures.size() + " of " + toSend.size() + " messages failed temporarily, "
          + "the batch is redelivered in " + settings.redeliveryBackoff().toMillis() + " ms (records already sent are "
          + "skipped): " + transientFailures.get(0));
    }
    settledInFailedBatch.clear();
  }

  private void settle(SinkRecord r, SendResult result, List<String> transientFailures) {
    String where = RecordEmails.where(r);
    String id = result.properties().messageId();
    switch (result.status()) {
      case SENT, ALREADY_SENT -> settledInFailedBatch.add(where);
      case UNKNOWN -> report(r, new ConnectException("record " + where + " message " + id + ": outcome unknown, "
          + "not resent to avoid a duplicate: " + reason(result), result.error().orElse(null)));
      case PARTIAL -> report(r, new ConnectException("record " + where + " message " + id + " was delivered to "
          + result.accepted().size() + " recipients but refused for others, not resent (the others would get a "
          + "second copy): " + reason(result), result.error().orElse(null)));
      case FAILED -> {
        if (result.error().map(MailbridgeException::isRetriable).orElse(false)) {
          transientFailures.add("record " + where + " message " + id + ": " + reason(result));
        } else {
          report(r, new ConnectException("record " + where + " message " + id + " refused: " + reason(result),
              result.error().orElse(null)));
        }
      }
    }
  }

  private static String reason(SendResult result) {
    return result.error().map(e -> ConnectorKeys.speak(e.getMessage(), Endpoint.Protocol.SMTP))
        .orElse(result.serverReply());
  }

  private void report(SinkRecord r, Exception error) {
    if (reporter == null) {
      throw new ConnectException(error.getMessage() + ": set errors.tolerance=all and "
          + "errors.deadletterqueue.topic.name to set such records aside in a dead letter queue", error);
    }
    LOG.warn("smtp sink reports record={} reason={}", RecordEmails.where(r), error.getMessage());
    // Kafka Connect waits for reported records to be written before it commits their offsets.
    reporter.report(r, error);
    settledInFailedBatch.add(RecordEmails.where(r));
  }

  @Override
  public void stop() {
    if (smtp != null) {
      smtp.close();
    }
    if (metrics != null) {
      metrics.close();
      metrics = null;
    }
  }

  private record BadRecord(SinkRecord record, BadInputException error) {}
}
