package io.mailbridge.connection;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol trace of one connection: Angus Mail's debug output, split into lines, with every known
 * secret and every SASL payload replaced by {@code ***} before it is kept or logged. Lines go to
 * the {@code io.mailbridge.protocol} logger at DEBUG and, when recording, into memory (bounded).
 */
public final class Trace {
  private static final Logger LOG = LoggerFactory.getLogger("io.mailbridge.protocol");
  private static final int MAX_LINES = 10_000;
  /** Bytes of one line kept in the trace. */
  static final int MAX_LINE_BYTES = 4096;

  private final List<String> secrets;
  private final boolean record;
  private final List<String> lines = new ArrayList<>();
  private final PrintStream stream;
  private boolean saslFollows;

  /**
   * @param secrets values never to show (passwords, tokens)
   * @param record keep lines in memory for {@link #lines()}
   */
  public Trace(Collection<String> secrets, boolean record) {
    this.secrets = List.copyOf(secrets);
    this.record = record;
    this.stream = new PrintStream(new LineSplitter(), true, StandardCharsets.UTF_8);
  }

  /** Whether anyone wants the trace: recording was asked for, or protocol DEBUG logging is on. */
  public boolean wanted() {
    return record || LOG.isDebugEnabled();
  }

  /** The stream to hand to {@code Session.setDebugOut}. */
  public PrintStream stream() {
    return stream;
  }

  /** The redacted lines recorded so far. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  synchronized void accept(String raw) {
    String line = redact(raw);
    if (record && lines.size() < MAX_LINES) {
      lines.add(line);
    }
    LOG.debug("{}", line);
  }

  // Compiled once: a server may send hundreds of thousands of lines.
  private static final java.util.regex.Pattern AUTHENTICATE = java.util.regex.Pattern.compile("^[A-Z0-9]+ AUTHENTICATE .*");
  private static final java.util.regex.Pattern LOGIN = java.util.regex.Pattern.compile("^[A-Z0-9]+ LOGIN .*");
  private static final java.util.regex.Pattern BASE64 = java.util.regex.Pattern.compile("[A-Z0-9+/=]{8,}");

  /** Replaces secrets and SASL exchanges in one trace line. */
  String redact(String line) {
    String out = line;
    for (String s : secrets) {
      if (!s.isEmpty() && out.contains(s)) {
        out = out.replace(s, "***");
      }
    }
    String upper = out.toUpperCase(java.util.Locale.ROOT);
    // Client commands only (server lines start with "*", "+" or a reply code): IMAP
    // "tag AUTHENTICATE MECH [initial response]", "tag LOGIN user pass", SMTP "AUTH MECH [ir]".
    int auth = -1;
    if (upper.startsWith("AUTH ")) {
      auth = 0;
    } else if (AUTHENTICATE.matcher(upper).matches()) {
      auth = upper.indexOf(" AUTHENTICATE ") + 1;
    }
    if (auth >= 0) {
      String[] words = out.substring(auth).split(" ");
      saslFollows = true;
      return out.substring(0, auth) + words[0] + (words.length > 1 ? " " + words[1] : "")
          + (words.length > 2 ? " ***" : "");
    }
    if (LOGIN.matcher(upper).matches()) {
      return out.substring(0, upper.indexOf(" LOGIN ")) + " LOGIN ***";
    }
    if (saslFollows) {
      // Continuation lines of an AUTH exchange ("+ <base64>" from the server, base64 from us).
      if (upper.startsWith("+") || upper.startsWith("334") || BASE64.matcher(upper).matches()) {
        return upper.startsWith("+") ? "+ ***" : upper.startsWith("334") ? "334 ***" : "***";
      }
      saslFollows = false;
    }
    return out;
  }

  /**
   * Splits Angus's debug output into lines. A line keeps its first {@link #MAX_LINE_BYTES} bytes:
   * longer lines are message literals (bodies of hundreds of megabytes), of no use in a trace and
   * too costly to redact and log whole.
   */
  private final class LineSplitter extends OutputStream {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private long dropped;

    @Override
    public void write(int b) {
      if (b == '\n') {
        flushLine();
      } else if (b != '\r') {
        if (buf.size() < MAX_LINE_BYTES) {
          buf.write(b);
        } else {
          dropped++;
        }
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int end = off + len;
      int i = off;
      while (i < end) {
        if (buf.size() < MAX_LINE_BYTES || b[i] == '\n') {
          write(b[i++]);
          continue;
        }
        // The line is full: count the rest up to its end, as write(int) would, in one loop.
        while (i < end && b[i] != '\n') {
          if (b[i++] != '\r') {
            dropped++;
          }
        }
      }
    }

    private void flushLine() {
      String line = buf.toString(StandardCharsets.UTF_8);
      if (dropped > 0) {
        line += "... (" + dropped + " more bytes)";
      }
      accept(line);
      buf.reset();
      dropped = 0;
    }
  }
}
