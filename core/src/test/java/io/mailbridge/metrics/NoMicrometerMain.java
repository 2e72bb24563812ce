package io.mailbridge.metrics;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;

/** Run by MetricsTest in a JVM without Micrometer: the default metrics must not need it. */
public final class NoMicrometerMain {
  private NoMicrometerMain() {}

  public static void main(String[] args) {
    try {
      Class.forName("io.micrometer.core.instrument.MeterRegistry");
      System.out.println("micrometer is on the class path");
      System.exit(2);
    } catch (ClassNotFoundException expected) {
      // the point of the exercise
    }
    Endpoint e = Endpoint.imap("imap.example.test").auth(Auth.basic("bob", Secret.of("pw"))).build();
    MailConnection c = MailConnection.builder().inbound(e).metrics(Metrics.none()).build();
    Recorder r = c.inbound().orElseThrow().recorder();
    r.received("INBOX", "receive", 10);
    r.error("", "receive", "auth");
    r.lag("INBOX", () -> 1);
    System.out.println("micrometer absent; operations ran with " + c.inbound().orElseThrow().metrics());
  }
}
