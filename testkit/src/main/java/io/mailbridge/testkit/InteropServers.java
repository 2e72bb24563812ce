package io.mailbridge.testkit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The IMAP servers beside Dovecot started by {@code scripts/interopstack start} (Cyrus, Courier,
 * Apache James, a Dovecot without UIDPLUS/MOVE), as described by its {@code servers.json}. Found at
 * {@code $INTEROP_DIR/servers.json}, else {@code $MAILSTACK_DIR/interop/servers.json}, else under
 * {@code /tmp/mailbridge-mailstack/interop}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InteropServers(List<Server> servers) {

  /** One running server: plain IMAP (no TLS) on {@code host:port}, with its test users. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Server(String name, String host, int port, String version, List<MailStack.User> users,
      String notes) {
    public MailStack.User alice() {
      return users.get(0);
    }

    public MailStack.User bob() {
      return users.get(1);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Where servers.json is expected. */
  public static Path infoFile() {
    String dir = System.getenv("INTEROP_DIR");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir, "servers.json");
    }
    String stack = System.getenv("MAILSTACK_DIR");
    return Path.of(stack != null && !stack.isBlank() ? stack : "/tmp/mailbridge-mailstack", "interop",
        "servers.json");
  }

  /** The running servers, or empty when servers.json is absent. */
  public static Optional<InteropServers> find() {
    Path info = infoFile();
    if (!Files.isRegularFile(info)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ObjectMapper().readValue(info.toFile(), InteropServers.class));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + info + ": " + e.getMessage(), e);
    }
  }

  /** The running server of that name. */
  public Optional<Server> server(String name) {
    return servers.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * The running server of that name for a test: the test is skipped when the interop servers are
   * not running, and fails under {@code CI=true}, where {@code .ci/run} starts them.
   */
  public static Server require(String name) {
    Server s = find().flatMap(i -> i.server(name)).orElse(null);
    if (s == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but " + infoFile() + " has no " + name);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(s != null, "interop servers not running: scripts/interopstack start");
    return s;
  }
}
