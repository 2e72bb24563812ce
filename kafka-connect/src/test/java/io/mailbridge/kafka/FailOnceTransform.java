package io.mailbridge.kafka;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A crash in the middle of a poll's records, for the exactly-once IT: the first record whose
 * {@code mailbridge.subject} header equals {@code subject} fails the task (once per JVM and subject);
 * the records before it in the same batch have already been handed to the producer.
 */
public final class FailOnceTransform implements Transformation<SourceRecord> {
  private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();
  private String subject;

  @Override
  public void configure(Map<String, ?> configs) {
    subject = String.valueOf(configs.get("subject"));
  }

  @Override
  public SourceRecord apply(SourceRecord record) {
    Header h = record.headers().lastWithName("mailbridge.subject");
    if (h != null && subject.equals(h.value()) && FAILED.add(subject)) {
      throw new ConnectException("injected failure at '" + subject + "'");
    }
    return record;
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef().define("subject", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "subject to fail at");
  }

  @Override
  public void close() {}
}
