package io.mailbridge.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster as an operator runs it: one KRaft broker ({@code kafka.Kafka}, combined broker
 * and controller) and {@code ConnectDistributed} workers, each its own JVM, started from the Kafka
 * artifacts Maven resolved for the tests (their class path is written by the build into the file
 * named by {@code mailbridge.kafka.classpath}; it holds none of Mailbridge's own artifacts). The
 * plugin zip is unpacked into the workers' {@code plugin.path}. Everything listens on 127.0.0.1;
 * ports come from {@code KAFKA_IT_PORT_BASE} (consecutive from it) or else are free ephemeral ones.
 */
final class KafkaProcesses implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path dir;
  private final String classPath;
  private final Path pluginPath;
  private final List<Process> processes = new ArrayList<>();
  private int nextPort;
  private Process broker;
  final int brokerPort;
  private final int controllerPort;

  /** One Connect worker process and its REST port. */
  static final class Worker {
    final String name;
    final int restPort;
    final Map<String, String> config;
    final Path log;
    Process process;

    Worker(String name, int restPort, Map<String, String> config, Path log) {
      this.name = name;
      this.restPort = restPort;
      this.config = config;
      this.log = log;
    }

    /** The worker id Connect puts in a task's status. */
    String id() {
      return "127.0.0.1:" + restPort;
    }

    String url(String path) {
      return "http://127.0.0.1:" + restPort + path;
    }
  }

  KafkaProcesses(Path dir, Path pluginZip) throws IOException {
    this.dir = dir;
    String cpFile = System.getProperty("mailbridge.kafka.classpath", "target/kafka-worker-classpath.txt");
    this.classPath = Files.readString(Path.of(cpFile)).strip();
    this.pluginPath = Files.createDirectories(dir.resolve("plugins"));
    unzip(pluginZip, pluginPath);
    String base = System.getenv("KAFKA_IT_PORT_BASE");
    this.nextPort = base == null || base.isBlank() ? -1 : Integer.parseInt(base.strip());
    this.brokerPort = port();
    this.controllerPort = port();
    Files.writeString(dir.resolve("logback.xml"), """
        <configuration>
          <appender name="FILE" class="ch.qos.logback.core.FileAppender">
            <file>${mailbridge.log}</file>
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} %msg%n</pattern></encoder>
          </appender>
          <logger name="io.mailbridge" level="INFO"/>
          <logger name="org.apache.kafka.connect.runtime.WorkerSourceTask" level="INFO"/>
          <logger name="org.apache.kafka.connect.runtime.WorkerTask" level="INFO"/>
          <root level="WARN"><appender-ref ref="FILE"/></root>
        </configuration>
        """);
  }

  /** A port for a server of this cluster. */
  private int port() throws IOException {
    if (nextPort > 0) {
      return nextPort++;
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Formats the broker's log directory and starts it; returns once it accepts connections. */
  void startBroker() throws Exception {
    Path props = dir.resolve("server.properties");
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.resolve("kafka-data").toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    write(props, p);
    Process format = java("format", List.of("-Xmx256m"), "kafka.tools.StorageTool", "format", "-t",
        Uuid.randomUuid().toString(), "-c", props.toString());
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      throw new IllegalStateException("kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
    }
    broker = java("broker", List.of("-Xmx512m"), "kafka.Kafka", props.toString());
    waitFor("broker on port " + brokerPort, Duration.ofSeconds(120), () -> listening(brokerPort), broker);
  }

  /** The configuration of a new worker of the group {@code group}; the caller may change it before start. */
  Worker worker(String name, String group) throws IOException {
    int rest = port();
    Map<String, String> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", "127.0.0.1:" + brokerPort);
    c.put("group.id", group);
    c.put("config.storage.topic", group + "-configs");
    c.put("offset.storage.topic", group + "-offsets");
    c.put("status.storage.topic", group + "-status");
    c.put("config.storage.replication.factor", "1");
    c.put("offset.storage.replication.factor", "1");
    c.put("status.storage.replication.factor", "1");
    c.put("offset.storage.partitions", "5");
    c.put("status.storage.partitions", "1");
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("value.converter.schemas.enable", "false");
    c.put("listeners", "http://127.0.0.1:" + rest);
    c.put("rest.advertised.host.name", "127.0.0.1");
    c.put("rest.advertised.port", Integer.toString(rest));
    c.put("plugin.path", pluginPath.toString());
    c.put("plugin.discovery", "service_load");
    c.put("offset.flush.interval.ms", "5000");
    // A killed worker is noticed within seconds, and its tasks are given to the survivor soon after.
    c.put("session.timeout.ms", "6000");
    c.put("heartbeat.interval.ms", "1000");
    c.put("scheduled.rebalance.max.delay.ms", "4000");
    c.put("task.shutdown.graceful.timeout.ms", "3000");
    return new Worker(name, rest, c, dir.resolve(name + ".log"));
  }

  /** Starts a worker and returns once its REST API lists the Mailbridge connectors. */
  void start(Worker w) throws Exception {
    Path props = dir.resolve(w.name + ".properties");
    write(props, w.config);
    w.process = java(w.name + "-out", List.of("-Xmx512m", "-Dmailbridge.log=" + w.log),
        "org.apache.kafka.connect.cli.ConnectDistributed", props.toString());
    waitFor("worker " + w.name + " lists the plugin", Duration.ofSeconds(180),
        () -> get(w, "/connector-plugins").map(j -> j.toString().contains("io.mailbridge.kafka.ImapSourceConnector"))
            .orElse(false), w.process);
  }

  /** kill -9: the worker gets no chance to stop its tasks or commit anything. */
  void kill(Worker w) throws InterruptedException {
    w.process.destroyForcibly();
    w.process.waitFor(30, TimeUnit.SECONDS);
  }

  java.util.Optional<JsonNode> get(Worker w, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(w.url(path))).timeout(Duration.ofSeconds(30))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() / 100 == 2 ? java.util.Optional.of(JSON.readTree(r.body())) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }

  /** PUT or POST with a JSON body; returns status code and body. */
  static Response send(Worker w, String method, String path, Object body) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(w.url(path))).timeout(Duration.ofSeconds(90))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  record Response(int status, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /** Polls until the condition holds; fails with the process's death or the timeout. */
  static void waitFor(String what, Duration timeout, BooleanSupplier condition, Process watched)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (watched != null && !watched.isAlive()) {
        throw new IllegalStateException(what + ": the process exited with " + watched.exitValue());
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(what + ": not within " + timeout.toSeconds() + " s");
  }

  private static boolean listening(int port) {
    try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Process java(String logName, List<String> jvmArgs, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
    if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Dmailbridge.log="))) {
      cmd.add("-Dmailbridge.log=" + dir.resolve(logName + ".log"));
    }
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(logName + ".out").toFile()).start();
    processes.add(p);
    return p;
  }

  private static void write(Path file, Map<String, String> props) throws IOException {
    StringBuilder b = new StringBuilder();
    props.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
  }

  /** The last lines of a log file, for an assertion message. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no " + file + ")";
    }
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void unzip(Path zipFile, Path target) throws IOException {
    try (InputStream in = Files.newInputStream(zipFile); ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        Path p = target.resolve(e.getName()).normalize();
        if (!p.startsWith(target)) {
          throw new IOException("zip entry outside the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(p);
        } else {
          Files.createDirectories(p.getParent());
          Files.copy(zip, p);
        }
      }
    }
  }
}
