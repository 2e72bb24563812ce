package io.mailbridge.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Generated malformed and hostile messages for the receive path. Each case writes itself to a
 * stream, so the large ones can go to a file without ever being in memory.
 */
public final class HostileMime {
  private static final byte[] CRLF = {'\r', '\n'};

  /** A named case. */
  public interface Case {
    void write(OutputStream out) throws IOException;

    default byte[] bytes() {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try {
        write(b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return b.toByteArray();
    }
  }

  private HostileMime() {}

  /** Small and medium cases, fast enough to parse in the unit test's own heap. */
  public static Map<String, Case> small() {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put("empty", out -> { });
    m.put("header-only-no-body", out -> line(out, "Subject: only a header"));
    m.put("body-without-header", out -> line(out, "\r\njust text"));
    m.put("random-binary", out -> {
      byte[] b = new byte[64 * 1024];
      new Random(11).nextBytes(b);
      out.write(b);
    });
    m.put("nul-bytes", out -> {
      out.write("From: a\0b@example.com\r\nSubject: nul\0in\0subject\r\nContent-Type: text/plain\r\n\r\nbody\0with\0nul\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
    });
    m.put("mixed-line-endings", out -> out.write(("From: a@example.com\rSubject: cr only\nTo: b@example.com\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b\"\n\r\n--b\rContent-Type: text/plain\n\nhello\r--b\n"
        + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\n\nAAAA\r\nAAAA\r--b--\n")
        .getBytes(StandardCharsets.US_ASCII)));
    m.put("multipart-without-boundary-parameter", out -> text(out, "Content-Type: multipart/mixed\r\n\r\n"
        + "--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n"));
    m.put("boundary-never-appears", out -> text(out, "Content-Type: multipart/mixed; boundary=zzz\r\n\r\n"
        + "--other\r\nContent-Type: text/plain\r\n\r\nhi\r\n"));
    m.put("closing-boundary-missing", out -> text(out, "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        + "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf\r\n"
        + "Content-Disposition: attachment; filename=x.pdf\r\n\r\n%PDF truncated"));
    m.put("boundary-of-1000-chars", out -> {
      String b = "q".repeat(1000);
      text(out, "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b
          + "\r\nContent-Type: text/plain\r\n\r\nhi\r\n--" + b + "--\r\n");
    });
    m.put("bad-base64", out -> text(out, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        + "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!@@@@====AAAA=A=A\u00ff\r\n--b--\r\n"));
    m.put("bad-quoted-printable", out -> text(out, "Content-Type: text/plain\r\n"
        + "Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=4=\r\n=\r\n=E9t=C3\r\n"));
    m.put("unknown-transfer-encoding-and-charset", out -> text(out, "Content-Type: text/plain; charset=\"x-\u0000evil\"\r\n"
        + "Content-Transfer-Encoding: x-gzip-bomb\r\n\r\nbody\r\n"));
    m.put("broken-encoded-words", out -> text(out, "Subject: =?utf-8?B?!!!?= =?nope?Q?x?= =?utf-8?Q?=ZZ?= "
        + "=?".repeat(5000) + "\r\nFrom: =?utf-8?B?" + "A".repeat(10_000) + "?= <a@b>\r\n\r\nx\r\n"));
    m.put("rfc2231-traversal-name", out -> text(out, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        + "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        + "filename*0*=utf-8''..%2F..%2F; filename*1=etc%2Fpasswd; filename*9999=x\r\n\r\nroot\r\n--b--\r\n"));
    m.put("addresses-unbalanced", out -> text(out, "From: <<<<<\"\"\"(((a@b\r\nTo: " + "a@b, ".repeat(20_000)
        + "\r\nCc: \"unterminated\r\nDate: Mon, 99 Foo 20260 25:61:61 +9999 (((\r\n\r\nx\r\n"));
    m.put("nested-rfc822-not-descended", out -> {
      StringBuilder s = new StringBuilder("Content-Type: text/plain\r\n\r\ninner\r\n");
      for (int i = 0; i < 200; i++) {
        s.insert(0, "Content-Type: message/rfc822\r\n\r\n");
      }
      text(out, s.toString());
    });
    m.put("header-of-2-MiB", out -> hugeHeader(out, 2 << 20));
    m.put("40000-header-fields", out -> {
      for (int i = 0; i < 40_000; i++) {
        line(out, "X-F" + i + ": v");
      }
      line(out, "");
      line(out, "body");
    });
    m.put("nesting-1000-levels", out -> deepNesting(out, 1000));
    m.put("10000-parts", out -> manyParts(out, 10_000));
    return m;
  }

  /** Cases of tens of MB, for the child JVM with a small heap. */
  static Map<String, Case> large() {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put("base64-zeros-50-MB", out -> base64Zeros(out, 50 << 20));
    m.put("single-line-50-MB-no-newline", out -> {
      text(out, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n");
      byte[] x = new byte[1 << 20];
      java.util.Arrays.fill(x, (byte) 'x');
      for (int i = 0; i < 50; i++) {
        out.write(x);
      }
    });
    m.put("text-body-40-MB", out -> {
      text(out, "Content-Type: text/plain\r\n\r\n");
      byte[] x = ("y".repeat(78) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < (40 << 20) / x.length; i++) {
        out.write(x);
      }
    });
    m.put("nesting-10000-levels", out -> deepNesting(out, 10_000));
    m.put("50000-parts", out -> manyParts(out, 50_000));
    m.put("header-of-30-MiB", out -> hugeHeader(out, 30 << 20));
    return m;
  }

  static void deepNesting(OutputStream out, int depth) throws IOException {
    text(out, "From: a@example.com\r\nSubject: deep\r\n");
    for (int i = 0; i < depth; i++) {
      text(out, "Content-Type: multipart/mixed; boundary=\"b" + i + "\"\r\n\r\n--b" + i + "\r\n");
    }
    text(out, "Content-Type: text/plain\r\n\r\ninnermost\r\n");
    for (int i = depth - 1; i >= 0; i--) {
      text(out, "--b" + i + "--\r\n");
    }
  }

  static void manyParts(OutputStream out, int parts) throws IOException {
    text(out, "From: a@example.com\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
    for (int i = 0; i < parts; i++) {
      text(out, "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=p" + i
          + ".bin\r\n\r\npart " + i + "\r\n");
    }
    text(out, "--b--\r\n");
  }

  static void hugeHeader(OutputStream out, int bytes) throws IOException {
    text(out, "From: a@example.com\r\nSubject: start");
    byte[] fold = ("\r\n " + "s".repeat(76)).getBytes(StandardCharsets.US_ASCII);
    for (int n = 0; n < bytes; n += fold.length) {
      out.write(fold);
    }
    text(out, "\r\n\r\nbody\r\n");
  }

  static void base64Zeros(OutputStream out, int encodedBytes) throws IOException {
    text(out, "From: a@example.com\r\nSubject: zeros\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=zeros.bin\r\n\r\n");
    byte[] line = ("A".repeat(76) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    for (int n = 0; n < encodedBytes; n += line.length) {
      out.write(line);
    }
    text(out, "--b--\r\n");
  }

  private static void text(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void line(OutputStream out, String s) throws IOException {
    text(out, s);
    out.write(CRLF);
  }
}
