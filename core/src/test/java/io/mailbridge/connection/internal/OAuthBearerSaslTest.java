package io.mailbridge.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.junit.jupiter.api.Test;

class OAuthBearerSaslTest {
  @Test
  void initialResponseFollowsRfc7628() {
    byte[] ir = OAuthBearerSasl.initialResponse("user@example.com", "server.example.com", 143, "vF9dft4qmT");
    // RFC 7628 4.1, with the authzid's ',' and '=' escaped per RFC 5801.
    assertThat(new String(ir, StandardCharsets.UTF_8)).isEqualTo(
        "n,a=user@example.com,\u0001host=server.example.com\u0001port=143\u0001auth=Bearer vF9dft4qmT\u0001\u0001");
    assertThat(new String(OAuthBearerSasl.initialResponse("a,b=c", null, 0, "t"), StandardCharsets.UTF_8))
        .startsWith("n,a=a=2Cb=3Dc,\u0001auth=Bearer t");
  }

  @Test
  void javaxSaslFindsTheRegisteredClientAndAnswersAnErrorChallengeWithKvsep() throws Exception {
    OAuthBearerSasl.register();
    SaslClient client = Sasl.createSaslClient(new String[] {"OAUTHBEARER"}, null, "imap", "mail.example.test",
        Map.of(), callbacks -> {
          for (var c : callbacks) {
            if (c instanceof NameCallback n) {
              n.setName("alice");
            } else if (c instanceof PasswordCallback p) {
              p.setPassword("tok".toCharArray());
            }
          }
        });
    assertThat(client).isNotNull();
    assertThat(client.hasInitialResponse()).isTrue();
    assertThat(new String(client.evaluateChallenge(new byte[0]), StandardCharsets.UTF_8))
        .isEqualTo("n,a=alice,\u0001host=mail.example.test\u0001auth=Bearer tok\u0001\u0001");
    byte[] error = "{\"status\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(client.evaluateChallenge(error)).containsExactly(0x01);
  }
}
