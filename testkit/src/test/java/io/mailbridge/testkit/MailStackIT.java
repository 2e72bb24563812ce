package io.mailbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

@RealServer
class MailStackIT {

  @Test
  void trustingContextReachesTheStacksImapsWhereTheJdksDefaultTrustFails(MailStack stack) throws Exception {
    try (SSLSocket s = (SSLSocket) stack.trustingContext().getSocketFactory().createSocket(stack.host(),
        stack.imapsPort())) {
      s.setSoTimeout(30_000);
      String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(greeting).startsWith("* OK");
    }
    assertThatThrownBy(() -> {
      try (SSLSocket s = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(stack.host(),
          stack.imapsPort())) {
        s.startHandshake();
      }
    }).as("the stack's own CA is not in the JDK's trust store").isInstanceOf(SSLHandshakeException.class);
  }
}
