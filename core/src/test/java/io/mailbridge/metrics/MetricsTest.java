package io.mailbridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static Endpoint imap() {
    return Endpoint.imap("imap.example.test").auth(Auth.basic("bob@example.test", Secret.of("pw"))).build();
  }

  private static Endpoint smtp() {
    return Endpoint.smtp("smtp.example.test").auth(Auth.basic("bob@example.test", Secret.of("pw"))).build();
  }

  @Test
  void nothingIsRecordedByDefault() {
    assertThat(imap().metrics()).isSameAs(Metrics.none());
    assertThat(imap().recorder()).isSameAs(Recorder.NONE);
    assertThat(Metrics.none().registry()).isEmpty();
  }

  @Test
  void theConnectionsMetricsApplyToBothServers() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MailConnection c = MailConnection.builder().inbound(imap()).outbound(smtp()).metrics(Metrics.micrometer(registry))
        .build();
    assertThat(c.inbound().orElseThrow().metrics().registry()).containsSame(registry);
    assertThat(c.outbound().orElseThrow().metrics().registry()).containsSame(registry);
    assertThat(c.toBuilder().build().inbound().orElseThrow().metrics().registry()).containsSame(registry);
    assertThat(c.inbound().orElseThrow().toBuilder().host("other.example.test").build().metrics().registry())
        .containsSame(registry);
    assertThat(c.toString()).doesNotContain("pw");
  }

  @Test
  void mailboxTagHasNoSecretAndKindsAreStable() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Endpoint e = imap().toBuilder().metrics(Metrics.micrometer(registry)).build();
    e.recorder().error("INBOX", "receive", Recorder.kind(new io.mailbridge.ConnectionException(
        io.mailbridge.ConnectionException.Reason.TLS_UNTRUSTED, "x", null)));
    assertThat(registry.get("mailbridge.errors").tags("mailbox", "bob@example.test@imap.example.test:993", "kind",
        "tls_untrusted").counter().count()).isEqualTo(1);
    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString()).doesNotContain("pw"));
    assertThat(smtp().toBuilder().auth(Auth.none()).build().mailbox()).isEqualTo("smtp.example.test:465");
  }

  @Test
  void aNullRegistryIsRefused() {
    assertThatThrownBy(() -> Metrics.micrometer(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("registry");
    assertThatThrownBy(() -> MailConnection.builder().metrics(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("metrics");
  }

  @Test
  void theLibraryRunsWithoutMicrometerOnTheClassPath() throws Exception {
    String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> !p.contains("micrometer") && !p.contains("HdrHistogram") && !p.contains("LatencyUtils"))
        .collect(Collectors.joining(File.pathSeparator));
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", cp, NoMicrometerMain.class.getName())).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).contains("micrometer absent; operations ran with Metrics[none]");
    assertThat(p.exitValue()).as(out).isZero();
  }
}
