package io.mailbridge.testkit.hostile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link HostileServer} sends: bytes written to the client, possibly slowly, possibly
 * without end. Factories cover the shapes a hostile or broken server sends; {@link #then} chains them.
 */
@FunctionalInterface
public interface Reply {
  /** Writes this reply; a reply that never ends writes until the client goes away (an IOException). */
  void writeTo(OutputStream out) throws IOException;

  /** Nothing at all: the client's command is swallowed. */
  static Reply none() {
    return out -> { };
  }

  /** The text as UTF-8, sent as is (give the CRLFs yourself). */
  static Reply text(String text) {
    return bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The lines, each followed by CRLF. */
  static Reply lines(String... lines) {
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      b.append(l).append("\r\n");
    }
    return text(b.toString());
  }

  static Reply bytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    return out -> {
      out.write(copy);
      out.flush();
    };
  }

  /**
   * An IMAP literal: {@code prefix{n}CRLF}, the content, then {@code suffix} (give its CRLF).
   * The announced size {@code n} is the content's length.
   */
  static Reply literal(String prefix, byte[] content, String suffix) {
    return literal(prefix, content.length, content, suffix);
  }

  /**
   * An IMAP literal announcing {@code announced} bytes whatever the content's length: a lie in
   * either direction (a huge announcement with no content, a short one followed by more).
   */
  static Reply literal(String prefix, long announced, byte[] content, String suffix) {
    return text(prefix + "{" + announced + "}\r\n").then(bytes(content)).then(text(suffix));
  }

  /**
   * A line of {@code length} bytes of {@code filler} between {@code prefix} and {@code suffix}
   * (give the suffix's CRLF), generated as it is sent, so the server holds no copy.
   */
  static Reply hugeLine(String prefix, long length, byte filler, String suffix) {
    return text(prefix).then(repeat(filler, length)).then(text(suffix));
  }

  /** {@code count} bytes of {@code filler}, generated as they are sent. */
  static Reply repeat(byte filler, long count) {
    return out -> {
      byte[] block = new byte[64 * 1024];
      Arrays.fill(block, filler);
      long left = count;
      while (left > 0) {
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        left -= n;
      }
      out.flush();
    };
  }

  /** {@code count} copies of {@code unit}, generated as they are sent (many small answers, a long list). */
  static Reply repeat(String unit, long count) {
    byte[] u = unit.getBytes(StandardCharsets.UTF_8);
    return out -> {
      byte[] block = new byte[Math.max(u.length, 64 * 1024 / Math.max(1, u.length) * u.length)];
      int perBlock = block.length / u.length;
      for (int i = 0; i < perBlock; i++) {
        System.arraycopy(u, 0, block, i * u.length, u.length);
      }
      long left = count;
      while (left > 0) {
        int n = (int) Math.min(perBlock, left);
        out.write(block, 0, n * u.length);
        left -= n;
      }
      out.flush();
    };
  }

  /** {@code unit} again and again until the client disconnects: a reply that never ends. */
  static Reply endless(String unit) {
    return repeat(unit, Long.MAX_VALUE);
  }

  /** The reply's bytes one at a time, {@code gap} apart (a server trickling 1 byte per second). */
  static Reply trickle(Reply reply, Duration gap) {
    return out -> reply.writeTo(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        pause(gap);
        out.write(b);
        out.flush();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        for (int i = 0; i < len; i++) {
          write(b[off + i]);
        }
      }
    });
  }

  /** Waits {@code d} and sends nothing (the client's read timeout is what ends it). */
  static Reply stall(Duration d) {
    return out -> pause(d);
  }

  /** Closes the connection at once. */
  static Reply hangUp() {
    return out -> {
      throw new HangUp();
    };
  }

  /** This reply, then {@code next}. */
  default Reply then(Reply next) {
    return out -> {
      writeTo(out);
      next.writeTo(out);
    };
  }

  /** All of them in order. */
  static Reply of(List<Reply> replies) {
    return out -> {
      for (Reply r : replies) {
        r.writeTo(out);
      }
    };
  }

  private static void pause(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("server stopped", e);
    }
  }

  /** Thrown by {@link #hangUp()}: the server closes the connection. */
  final class HangUp extends IOException {
    private static final long serialVersionUID = 1L;

    HangUp() {
      super("hang up");
    }
  }
}
