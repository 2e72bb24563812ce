package io.mailbridge.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.ServerLimits;
import io.mailbridge.connection.ServerInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * Fuzz target for what an IMAP server sends on the receive path: the bytes through {@link
 * ServerInput} (the bounds on every connection) into {@link FetchReader}, under the literal budget of
 * a batch. A normal build runs the seeds in {@code ImapResponseFuzzTestInputs/read} only;
 * {@code JAZZER_FUZZ=1} fuzzes (SECURITY.md). The only allowed failure is an {@link IOException}
 * (a protocol violation, a truncated answer), which ends the command with a protocol error; anything
 * else escaping, or memory beyond the bounds, is a crash.
 */
class ImapResponseFuzzTest {
  private static final Endpoint ENDPOINT = Endpoint.imap("127.0.0.1").port(143).security(Security.NONE)
      .allowPlaintext(true).readTimeout(Duration.ofSeconds(60))
      .auth(io.mailbridge.connection.Auth.basic("fuzz", io.mailbridge.connection.Secret.of("not-a-secret")))
      .limits(ServerLimits.defaults().withMaxLineBytes(64 << 10).withMaxLiteralBytes(64 << 10).withMaxNesting(50))
      .build();

  @FuzzTest(maxDuration = "30s")
  void read(byte[] raw) {
    long[] bodyBytes = {0};
    try (ServerInput.Scope s = ServerInput.expectLiterals(32 << 10, 64 << 10)) {
      FetchReader.End end = new FetchReader(new ServerInput(new ByteArrayInputStream(raw), ENDPOINT), 512)
          .read("A1", null, f -> bodyBytes[0] += f.body == null ? 0 : f.body.length, o -> { }, null);
      assertThat(end).isNotNull();
    } catch (IOException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    assertThat(bodyBytes[0]).isLessThanOrEqualTo(64 << 10);
  }
}
