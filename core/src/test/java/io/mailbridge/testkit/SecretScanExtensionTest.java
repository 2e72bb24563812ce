package io.mailbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.slf4j.LoggerFactory;

/** Proves the secret scan is on for the whole run and catches a leak: a nested run of a leaking class fails. */
class SecretScanExtensionTest {
  static final String CANARY = "hd-canary-Zq8vW3pX";

  @Test
  void protocolDebugLoggingIsOnForTheTestRun() {
    assertThat(LoggerFactory.getLogger("io.mailbridge.protocol").isDebugEnabled())
        .as("the build must run tests with io.mailbridge.protocol at DEBUG (core/pom.xml)").isTrue();
  }

  @Test
  void aClassThatLogsARegisteredSecretFailsWithoutShowingIt() {
    SecretScanExtension.register("alice@example.test", CANARY);
    System.setProperty("hd.leaky", "true");
    EngineExecutionResults r;
    try {
      r = EngineTestKit.engine("junit-jupiter")
          .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
          .selectors(selectClass(Leaky.class)).execute();
    } finally {
      System.clearProperty("hd.leaky");
    }
    r.testEvents().assertStatistics(s -> s.succeeded(1));
    Throwable failure = r.containerEvents().failed().stream().findFirst()
        .orElseThrow(() -> new AssertionError("the leaking class did not fail"))
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertThat(failure).hasMessageContaining("secret(s) appeared in log output of SecretScanExtensionTest$Leaky")
        .hasMessageContaining("<secret of alice@example.test>")
        .hasMessageContaining("<SASL PLAIN of alice@example.test>")
        .hasMessageContaining("a JWT (OAuth access token): Authorization: Bearer <JWT>")
        .hasMessageNotContaining(CANARY);
    assertThat(SecretScanExtension.leaks()).as("reported leaks are consumed").isEmpty();
  }

  /** Leaks on purpose: only run from the test above. */
  @EnabledIfSystemProperty(named = "hd.leaky", matches = "true")
  static class Leaky {
    @Test
    void leaks() {
      // As a redaction bug would: the password in a trace line, a SASL PLAIN payload, a bearer token.
      LoggerFactory.getLogger("io.mailbridge.protocol").debug("A1 LOGIN alice@example.test {}", CANARY);
      System.err.println("C: " + Base64.getEncoder().encodeToString(("\0alice@example.test\0" + CANARY)
          .getBytes(StandardCharsets.UTF_8)));
      System.out.println("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl");
    }
  }
}
