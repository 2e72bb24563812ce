package io.mailbridge.connection.internal;

import io.mailbridge.connection.SmtpClient;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.CheckReport;
import io.mailbridge.connection.CheckReport.EndpointReport;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.ProxySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Implements {@link MailConnection#check()}. */
public final class ConnectionCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCheck.class);

  private ConnectionCheck() {}

  public static CheckReport run(MailConnection connection) {
    List<EndpointReport> reports = new ArrayList<>();
    connection.inbound().ifPresent(e -> reports.add(checkImap(e)));
    connection.outbound().ifPresent(e -> reports.add(checkSmtp(e)));
    return new CheckReport(reports);
  }

  static EndpointReport checkImap(Endpoint e) {
    long start = System.nanoTime();
    try (ImapClient imap = ImapClient.open(e, new Properties(), true)) {
      Duration connect = since(start);
      List<String> caps = new ArrayList<>(imap.capabilities().keySet());
      caps.sort(null);
      long rtt = System.nanoTime();
      imap.noop();
      Duration roundTrip = since(rtt);
      String greeting = firstLine(imap.trace().lines(), "* OK", "* PREAUTH");
      LOG.info("check ok protocol=IMAP host={} port={} user={} proxy={}", e.host(), e.port(), e.auth().user(),
          e.proxy().map(Object::toString).orElse("none"));
      return ok(e, greeting, caps, imap.tlsSession(), connect, roundTrip);
    } catch (MailbridgeException ex) {
      return failed(e, ex, since(start));
    }
  }

  static EndpointReport checkSmtp(Endpoint e) {
    long start = System.nanoTime();
    try (SmtpClient smtp = SmtpClient.open(e, new Properties(), true)) {
      Duration connect = since(start);
      List<String> lines = smtp.trace().lines();
      long rtt = System.nanoTime();
      smtp.noop();
      Duration roundTrip = since(rtt);
      String greeting = firstLine(lines, "220 ", "220-");
      LOG.info("check ok protocol=SMTP host={} port={} user={} proxy={}", e.host(), e.port(), e.auth().user(),
          e.proxy().map(Object::toString).orElse("none"));
      return ok(e, greeting, ehloKeywords(lines), smtp.tlsSession(), connect, roundTrip);
    } catch (MailbridgeException ex) {
      return failed(e, ex, since(start));
    }
  }

  /** The keywords of the last EHLO answer in the trace (after STARTTLS they differ from the first). */
  static List<String> ehloKeywords(List<String> lines) {
    List<String> last = new ArrayList<>();
    List<String> current = null;
    for (String line : lines) {
      String upper = line.toUpperCase(Locale.ROOT);
      if (upper.startsWith("EHLO ")) {
        current = new ArrayList<>();
        continue;
      }
      if (current != null && line.length() > 4 && line.startsWith("250")) {
        current.add(line.substring(4).strip());
        if (line.charAt(3) == ' ') {
          current.remove(0); // the first line is the server's name, not a keyword
          last = current;
          current = null;
        }
      }
    }
    return last;
  }

  private static String firstLine(List<String> lines, String... prefixes) {
    for (String line : lines) {
      for (String p : prefixes) {
        if (line.startsWith(p)) {
          return line.strip();
        }
      }
    }
    return "";
  }

  private static EndpointReport ok(Endpoint e, String greeting, List<String> caps, Optional<SSLSession> tls,
      Duration connect, Duration roundTrip) {
    return new EndpointReport(e.protocol().role(), e.protocol(), e.host(), e.port(),
        e.proxy().map(ProxySettings::toString), e.security(),
        e.auth().user(), greeting, caps, tls.map(SSLSession::getProtocol), tls.map(SSLSession::getCipherSuite),
        connect, roundTrip, Optional.empty());
  }

  private static EndpointReport failed(Endpoint e, MailbridgeException ex, Duration elapsed) {
    LOG.info("check failed protocol={} host={} port={} error={}", e.protocol(), e.host(), e.port(), ex.getMessage());
    return new EndpointReport(e.protocol().role(), e.protocol(), e.host(), e.port(),
        e.proxy().map(ProxySettings::toString), e.security(),
        e.auth().user(), "", List.of(), Optional.empty(), Optional.empty(), elapsed, Duration.ZERO, Optional.of(ex));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
