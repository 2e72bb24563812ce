package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin zip built by Maven is a complete Connect plugin: unpacked into a {@code plugin.path}
 * directory, a worker in a JVM without Mailbridge on its class path finds the connector through
 * {@code META-INF/services} ({@code plugin.discovery=service_load}), lists it with its version, and
 * the connector sends mail.
 */
class PluginPackagingIT {
  private static final String VERSION = System.getProperty("mailbridge.version", "0.1.0-SNAPSHOT");

  private static Path pluginZip() {
    return Path.of(System.getProperty("mailbridge.plugin.zip",
        "target/mailbridge-kafka-connect-" + VERSION + ".zip"));
  }

  @Test
  void zipHasTheConfluentHubLayoutWithoutKafkasOwnJars() throws IOException {
    List<String> entries = new ArrayList<>();
    String manifest = null;
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(pluginZip()))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        entries.add(e.getName());
        if (e.getName().equals("mailbridge-kafka-connect/manifest.json")) {
          manifest = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    assertThat(entries).contains("mailbridge-kafka-connect/manifest.json",
        "mailbridge-kafka-connect/lib/mailbridge-kafka-connect-" + VERSION + ".jar",
        "mailbridge-kafka-connect/lib/mailbridge-core-" + VERSION + ".jar");
    assertThat(entries).anyMatch(n -> n.startsWith("mailbridge-kafka-connect/lib/angus-mail-"));
    assertThat(entries).noneMatch(n -> n.contains("/lib/kafka") || n.contains("/lib/connect-")
        || n.contains("/lib/slf4j"));
    assertThat(manifest).contains("\"version\": \"" + VERSION + "\"")
        .contains("\"component_types\": [\"sink\", \"source\"]")
        .contains("\"name\": \"mailbridge-kafka-connect\"");
  }

  @Test
  void workerWithOnlyThePluginPathFindsTheConnectorByServiceLoaderAndItSendsMail(@TempDir Path pluginPath)
      throws Exception {
    unzip(pluginZip(), pluginPath);
    String parent = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    // Everything of Mailbridge's main code lives only in the plugin directory.
    String classPath = Arrays.stream(parent.split(File.pathSeparator))
        .filter(e -> !holds(e, "io/mailbridge/kafka/SmtpSinkConnector.class") && !holds(e, "io/mailbridge/send/Send.class"))
        .collect(Collectors.joining(File.pathSeparator));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", classPath, PluginPathMain.class.getName(),
        pluginPath.toString()).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (InputStream in = child.getInputStream()) {
        out.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // process gone
      }
    });
    reader.start();
    boolean done = child.waitFor(150, TimeUnit.SECONDS);
    if (!done) {
      child.destroyForcibly();
    }
    reader.join(5_000);
    String log = out.toString();
    assertThat(done).as("child JVM finished in time:\n" + log).isTrue();
    assertThat(child.exitValue()).as("child JVM output:\n" + log).isZero();
    assertThat(log).contains("CLASSPATH without io.mailbridge.kafka.SmtpSinkConnector");
    assertThat(lines(log, "PLUGINS ")).singleElement().asString()
        .contains("{\"class\":\"io.mailbridge.kafka.SmtpSinkConnector\",\"type\":\"sink\",\"version\":\"" + VERSION
            + "\"}")
        .contains("{\"class\":\"io.mailbridge.kafka.ImapSourceConnector\",\"type\":\"source\",\"version\":\""
            + VERSION + "\"}");
    assertThat(lines(log, "SENT ")).singleElement().asString()
        .matches("SENT <plugin-mail\\.0\\.0\\.[0-9a-f]{16}@example\\.test> kafka-plugin");
  }

  /** Whether a class path entry (directory or jar) contains this resource. */
  private static boolean holds(String entry, String resource) {
    Path p = Path.of(entry);
    if (Files.isDirectory(p)) {
      return Files.exists(p.resolve(resource));
    }
    if (!Files.isRegularFile(p)) {
      return false;
    }
    try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(p.toFile())) {
      return jar.getEntry(resource) != null;
    } catch (IOException notAJar) {
      return false;
    }
  }

  private static List<String> lines(String log, String prefix) {
    return log.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  private static void unzip(Path zipFile, Path target) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(zipFile))) {
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
    try (Stream<Path> s = Files.list(target)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("mailbridge-kafka-connect");
    }
  }
}
