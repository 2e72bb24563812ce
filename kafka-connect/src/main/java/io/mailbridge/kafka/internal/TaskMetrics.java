package io.mailbridge.kafka.internal;

import io.mailbridge.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.utils.Time;

/**
 * The metrics of one connector task: the library reports to a Micrometer registry (see
 * {@link Metrics}), and every meter it creates is published as a Kafka metric, through Kafka's own
 * {@link JmxReporter}, in the JMX domain {@code mailbridge}:
 * {@code mailbridge:type=<group>,connector=<name>,task=<id>,<the meter's tags>}, attribute per value.
 * Counters become {@code <name>-total} (e.g. {@code messages-received-total}), gauges {@code <name>}
 * (e.g. {@code listen-lag}), timers {@code <name>-count}, {@code <name>-avg-ms} and {@code <name>-max-ms}.
 * Kafka 3.9 has no per-plugin metrics for connectors yet (KIP-877), hence the task's own reporter.
 */
public final class TaskMetrics implements AutoCloseable {
  /** Task config key the connectors add: the task's index, for the {@code task} tag. */
  public static final String TASK_ID = "mailbridge.task.id";
  /** JMX domain of the task metrics. */
  public static final String DOMAIN = "mailbridge";

  private final String group;
  private final Map<String, String> taskTags;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final org.apache.kafka.common.metrics.Metrics kafka;
  private final Map<Meter.Id, List<MetricName>> published = new ConcurrentHashMap<>();

  private TaskMetrics(String group, String connector, String task) {
    this.group = group;
    this.taskTags = new LinkedHashMap<>();
    taskTags.put("connector", connector);
    taskTags.put("task", task);
    List<MetricsReporter> reporters = new ArrayList<>();
    reporters.add(new JmxReporter());
    // Default tags: also Kafka's own kafka-metrics-count gets one MBean per task, removed with the task.
    this.kafka = new org.apache.kafka.common.metrics.Metrics(new MetricConfig().tags(taskTags), reporters, Time.SYSTEM,
        new KafkaMetricsContext(DOMAIN));
    registry.config().onMeterAdded(this::publish);
    registry.config().onMeterRemoved(this::unpublish);
  }

  /**
   * Metrics for a task of a connector; {@code group} names the JMX type, e.g. {@code imap-source-task-metrics}.
   * The connector name is the task config's {@code name}, the task id its {@link #TASK_ID}.
   */
  public static TaskMetrics start(String group, Map<String, String> taskProps) {
    return new TaskMetrics(group, taskProps.getOrDefault("name", ""), taskProps.getOrDefault(TASK_ID, "0"));
  }

  /** The hook to set on the task's connection. */
  public Metrics metrics() {
    return Metrics.micrometer(registry);
  }

  private void publish(Meter meter) {
    Meter.Id id = meter.getId();
    String base = id.getName().replaceFirst("^mailbridge\\.", "").replace('.', '-');
    Map<String, String> tags = new LinkedHashMap<>(taskTags);
    for (Tag t : id.getTagsAsIterable()) {
      tags.put(t.getKey(), t.getValue());
    }
    String description = id.getDescription() == null ? "" : id.getDescription();
    List<MetricName> names = new ArrayList<>();
    if (meter instanceof Counter c) {
      names.add(add(base + "-total", description, tags, (config, now) -> c.count()));
    } else if (meter instanceof FunctionCounter c) {
      names.add(add(base + "-total", description, tags, (config, now) -> c.count()));
    } else if (meter instanceof Gauge g) {
      names.add(add(base, description, tags, (config, now) -> g.value()));
    } else if (meter instanceof Timer t) {
      names.add(add(base + "-count", description + " (count)", tags, (config, now) -> t.count()));
      names.add(add(base + "-avg-ms", description + " (mean, ms)", tags, (config, now) -> t.mean(TimeUnit.MILLISECONDS)));
      names.add(add(base + "-max-ms", description + " (max, ms)", tags, (config, now) -> t.max(TimeUnit.MILLISECONDS)));
    }
    published.put(id, names);
  }

  private MetricName add(String name, String description, Map<String, String> tags, Measurable value) {
    MetricName n = kafka.metricName(name, group, description, tags);
    kafka.addMetric(n, value);
    return n;
  }

  private void unpublish(Meter meter) {
    List<MetricName> names = published.remove(meter.getId());
    if (names != null) {
      names.forEach(kafka::removeMetric);
    }
  }

  /** Unregisters the task's MBeans. */
  @Override
  public void close() {
    kafka.close();
    registry.close();
  }
}
