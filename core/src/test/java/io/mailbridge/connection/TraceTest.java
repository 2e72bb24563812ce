package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TraceTest {
  private final Trace trace = new Trace(List.of("pa55word"), true);

  @Test
  void hidesImapLoginAndKnownSecrets() {
    assertThat(trace.redact("A1 LOGIN alice pa55word")).isEqualTo("A1 LOGIN ***");
    assertThat(trace.redact("* OK something pa55word here")).isEqualTo("* OK something *** here");
  }

  @Test
  void hidesSaslInitialResponseAndContinuations() {
    assertThat(trace.redact("A2 AUTHENTICATE PLAIN AGFsaWNlAHBhNTV3b3Jk")).isEqualTo("A2 AUTHENTICATE PLAIN ***");
    assertThat(trace.redact("AUTH XOAUTH2 dXNlcj1ib2IBYXV0aD1CZWFyZXIgeHl6AQE=")).isEqualTo("AUTH XOAUTH2 ***");
    assertThat(trace.redact("AUTH LOGIN")).isEqualTo("AUTH LOGIN");
    assertThat(trace.redact("334 VXNlcm5hbWU6")).isEqualTo("334 ***");
    assertThat(trace.redact("YWxpY2U=")).isEqualTo("***");
    assertThat(trace.redact("235 2.7.0 Authentication successful")).isEqualTo("235 2.7.0 Authentication successful");
  }

  @Test
  void hidesOauthPayloadsForXoauth2AndOauthbearer() {
    String ir = "bixhPWFsaWNlLAFhdXRoPUJlYXJlciBleUpoYkdjaU9pSlNVekkxTmlKOS5leUp6ZFdJaU9pSmhiR2xqWlNKOS5zaWcBAQ==";
    assertThat(trace.redact("A3 AUTHENTICATE OAUTHBEARER " + ir)).isEqualTo("A3 AUTHENTICATE OAUTHBEARER ***");
    assertThat(trace.redact("A4 AUTHENTICATE XOAUTH2 " + ir)).isEqualTo("A4 AUTHENTICATE XOAUTH2 ***");
    assertThat(trace.redact("AUTH OAUTHBEARER " + ir)).isEqualTo("AUTH OAUTHBEARER ***");
    // Without SASL-IR the payload follows on its own line; the server's RFC 7628 error challenge
    // is base64 JSON and hidden too.
    Trace t = new Trace(java.util.List.of(), true);
    assertThat(t.redact("A5 AUTHENTICATE OAUTHBEARER")).isEqualTo("A5 AUTHENTICATE OAUTHBEARER");
    assertThat(t.redact("+ ")).isEqualTo("+ ***");
    assertThat(t.redact(ir)).isEqualTo("***");
    assertThat(t.redact("+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=")).isEqualTo("+ ***");
    assertThat(t.redact("AQ==")).isEqualTo("AQ==");
    assertThat(t.redact("A5 NO [AUTHENTICATIONFAILED] Authentication failed.")).contains("AUTHENTICATIONFAILED");
    Trace smtp = new Trace(java.util.List.of(), true);
    smtp.redact("AUTH XOAUTH2");
    assertThat(smtp.redact("334 eyJzdGF0dXMiOiI0MDEifQ==")).isEqualTo("334 ***");
  }

  @Test
  void keepsServerCapabilityLines() {
    assertThat(trace.redact("250 AUTH PLAIN LOGIN")).isEqualTo("250 AUTH PLAIN LOGIN");
    assertThat(trace.redact("* CAPABILITY IMAP4rev1 AUTH=PLAIN")).isEqualTo("* CAPABILITY IMAP4rev1 AUTH=PLAIN");
  }

  @Test
  void collectsLinesFromTheDebugStream() {
    trace.stream().print("A1 LOGIN bob pa55word\r\nA1 OK done\r\n");
    assertThat(trace.lines()).containsExactly("A1 LOGIN ***", "A1 OK done");
  }

  @Test
  void keepsTheStartOfALongLineAndCountsTheRest() {
    Trace t = new Trace(List.of("pa55word"), true);
    byte[] body = new byte[1 << 20];
    java.util.Arrays.fill(body, (byte) 'x');
    t.stream().print("* 1 FETCH (BODY[] {1048576}\r\n");
    t.stream().write(body, 0, body.length);
    t.stream().print("\r\nA1 OK pa55word done\r\n");
    t.stream().flush();
    List<String> lines = t.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("* 1 FETCH (BODY[] {1048576}");
    String kept = lines.get(1);
    assertThat(kept).startsWith("x".repeat(Trace.MAX_LINE_BYTES) + "...")
        .endsWith("... (" + ((1 << 20) - Trace.MAX_LINE_BYTES) + " more bytes)")
        .hasSize(Trace.MAX_LINE_BYTES + "... (1044480 more bytes)".length());
    assertThat(lines.get(2)).isEqualTo("A1 OK *** done");
  }
}
