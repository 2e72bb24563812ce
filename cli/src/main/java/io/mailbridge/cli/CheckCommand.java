package io.mailbridge.cli;

import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.CheckReport;
import io.mailbridge.connection.MailConnection;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mailbridge check}: connect, secure, authenticate and report, per configured server. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Connect to the IMAP and/or SMTP server, log in, and print one JSON line per server: greeting, "
        + "capabilities, TLS version and cipher, round-trip time. Exit 0 only when every server is fine.")
public final class CheckCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--inbound-only", description = "Check only the IMAP server.")
  boolean inboundOnly;

  @Option(names = "--outbound-only", description = "Check only the SMTP server.")
  boolean outboundOnly;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    MailConnection mail = connection.connection(!outboundOnly, !inboundOnly);
    return print(mail.check(), spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  static int print(CheckReport report, PrintWriter out, PrintWriter err) {
    int exit = ExitCodes.OK;
    for (CheckReport.EndpointReport e : report.endpoints()) {
      Json.line(out, view(e));
      if (e.error().isPresent() && exit == ExitCodes.OK) {
        MailbridgeException ex = e.error().get();
        err.println("mailbridge: " + ex.getMessage());
        err.flush();
        exit = ExitCodes.of(ex);
      }
    }
    return exit;
  }

  static Map<String, Object> view(CheckReport.EndpointReport e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", e.role());
    m.put("protocol", e.protocol().name());
    m.put("host", e.host());
    m.put("port", e.port());
    m.put("security", e.security().name());
    e.proxy().ifPresent(v -> m.put("proxy", v));
    m.put("ok", e.ok());
    m.put("user", e.user());
    if (e.ok()) {
      m.put("greeting", e.greeting());
      m.put("capabilities", e.capabilities());
      e.tlsProtocol().ifPresent(v -> m.put("tlsProtocol", v));
      e.cipherSuite().ifPresent(v -> m.put("cipherSuite", v));
      m.put("connectMs", e.connectTime().toMillis());
      m.put("roundTripMs", e.roundTrip().toNanos() / 1_000_000.0);
    }
    e.error().ifPresent(ex -> {
      Map<String, Object> err = new LinkedHashMap<>();
      err.put("type", ex.getClass().getSimpleName());
      if (ex instanceof ConnectionException ce) {
        err.put("reason", ce.reason().name());
      }
      err.put("message", ex.getMessage());
      err.put("retriable", ex.isRetriable());
      m.put("error", err);
    });
    return m;
  }
}
