package io.mailbridge.send.internal;

import io.mailbridge.connection.ServerText;
import io.mailbridge.send.SendResult.Rejection;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/** What an SMTP server refused, read from Angus's exceptions, and server replies as results show them. */
final class Refusals {
  private Refusals() {}

  static List<Rejection> rejections(MessagingException e) {
    Map<String, Rejection> out = new LinkedHashMap<>();
    Exception n = e;
    int guard = 0;
    while (n != null && guard++ < 10_000) {
      if (n instanceof SMTPAddressFailedException af && af.getAddress() != null) {
        out.putIfAbsent(af.getAddress().getAddress(),
            new Rejection(af.getAddress().getAddress(), af.getReturnCode(), strip(af.getMessage())));
      }
      n = n instanceof MessagingException me ? me.getNextException() : null;
    }
    if (e instanceof SendFailedException sfe && sfe.getInvalidAddresses() != null) {
      for (Address a : sfe.getInvalidAddresses()) {
        String addr = ((InternetAddress) a).getAddress();
        out.putIfAbsent(addr, new Rejection(addr, 0, "refused"));
      }
    }
    return new ArrayList<>(out.values());
  }

  static String describe(List<Rejection> rejections) {
    return rejections.stream().map(r -> r.address() + " (" + r.reply() + ")").reduce((a, b) -> a + ", " + b)
        .orElse("none");
  }

  static List<String> addresses(Address[] all) {
    return all == null ? List.of() : Arrays.stream(all).map(a -> ((InternetAddress) a).getAddress()).toList();
  }

  static String reply(SMTPTransport t) {
    return strip(t.getLastServerResponse());
  }

  /** A server reply as results and messages show it: control characters escaped, cut (a hostile server's text). */
  static String strip(String s) {
    return s == null ? "" : ServerText.shown(s.strip(), 1000);
  }
}
