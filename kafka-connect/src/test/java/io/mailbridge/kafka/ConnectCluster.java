package io.mailbridge.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** An in-JVM Kafka (KRaft, one broker, transactions possible) with one Connect worker, for the ITs. */
final class ConnectCluster {
  private ConnectCluster() {}

  static EmbeddedConnectCluster start(String name, Map<String, String> workerProps) {
    Map<String, String> worker = new HashMap<>(workerProps);
    // Commit offsets often so a test sees its DLQ and offsets settle quickly.
    worker.put("offset.flush.interval.ms", "1000");
    Properties broker = new Properties();
    broker.put("auto.create.topics.enable", "false");
    // One broker: the transaction log must fit on it, or exactly-once source tasks never get a producer.
    broker.put("transaction.state.log.replication.factor", "1");
    broker.put("transaction.state.log.min.isr", "1");
    EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder().name(name).numWorkers(1).numBrokers(1)
        .workerProps(worker).brokerProps(broker).build();
    cluster.start();
    return cluster;
  }

  /** Sink settings shared by the tests: JSON without schemas, bad records to a DLQ with context headers. */
  static Map<String, String> sinkProps(String topic, String dlq) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", "io.mailbridge.kafka.SmtpSinkConnector"); // by name: PluginPathMain has no class
    p.put("tasks.max", "1");
    p.put("topics", topic);
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    p.put("errors.tolerance", "all");
    p.put("errors.deadletterqueue.topic.name", dlq);
    p.put("errors.deadletterqueue.topic.replication.factor", "1");
    p.put("errors.deadletterqueue.context.headers.enable", "true");
    return p;
  }

  /** The value of a header as text, or null. */
  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static List<String> values(Iterable<ConsumerRecord<byte[], byte[]>> records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
    return out;
  }
}
