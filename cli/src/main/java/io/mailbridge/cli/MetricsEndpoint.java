package io.mailbridge.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mailbridge.BadInputException;
import io.mailbridge.listen.Health;
import io.mailbridge.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP endpoint of {@code mailbridge watch --metrics-port}: {@code GET /metrics} (the library's
 * meters in the Prometheus text format) and {@code GET /health} (the Listener's health as JSON, 200
 * when healthy, 503 otherwise). One daemon thread; loopback unless {@code --metrics-host} says otherwise.
 */
final class MetricsEndpoint implements AutoCloseable {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpServer server;
  private volatile Supplier<Health> health = () -> new Health(false, List.of(), Instant.now());

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Binds {@code host:port} (port 0: any free port) and starts serving. */
  static MetricsEndpoint start(String host, int port) {
    if (port < 0 || port > 65535) {
      throw new BadInputException("--metrics-port " + port + " is out of range 0-65535 (0 picks a free port)");
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (BindException e) {
      throw new BadInputException("--metrics-port " + port + " on " + host + " cannot be bound (" + e.getMessage()
          + "): choose a free port, or another --metrics-host", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException("--metrics-host '" + host + "' cannot serve metrics (" + e.getMessage()
          + "): give a local address such as 127.0.0.1", e);
    }
    MetricsEndpoint endpoint = new MetricsEndpoint(server);
    server.createContext("/", endpoint::serve);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "mailbridge-metrics-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return endpoint;
  }

  /** The metrics hook to put on the watched connections. */
  Metrics metrics() {
    return Metrics.micrometer(registry);
  }

  /** Where {@code /health} reads from. */
  void health(Supplier<Health> source) {
    this.health = source;
  }

  /** {@code http://host:port}, with the port actually bound. */
  String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getHostString();
    return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private void serve(HttpExchange x) throws IOException {
    try (x) {
      if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
        x.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(x, 405, "text/plain; charset=utf-8", "use GET\n".getBytes(StandardCharsets.UTF_8));
      } else if (x.getRequestURI().getPath().equals("/metrics")) {
        reply(x, 200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
      } else if (x.getRequestURI().getPath().equals("/health")) {
        health(x);
      } else {
        reply(x, 404, "text/plain; charset=utf-8", "not found: use /metrics or /health\n"
            .getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void health(HttpExchange x) throws IOException {
    Health h = health.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", h.healthy() ? "UP" : "DOWN");
    body.put("running", h.running());
    body.put("folders", h.folders());
    body.put("at", h.at());
    reply(x, h.healthy() ? 200 : 503, "application/json", Json.mapper().writeValueAsBytes(body));
  }

  private static void reply(HttpExchange x, int code, String type, byte[] body) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(code, head ? -1 : body.length);
    try (OutputStream out = x.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
