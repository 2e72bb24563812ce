package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendSettings;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.PreencodedMimeBodyPart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Differential: a batch's message whose attached files come encoded from the batch's cache is
 * byte for byte the message Jakarta Mail writes from the files themselves (the boundaries and the
 * Date, which differ between any two compositions, aside), for generated file sizes around the
 * base64 line and group lengths, content types, names, inline parts and files attached twice.
 */
class EncodedAttachmentsPropertiesTest {
  private Path dir;

  @BeforeProperty
  void makeDir() throws Exception {
    dir = Files.createTempDirectory("encoded-attachments");
  }

  @AfterProperty
  void removeDir() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.oneOf(Arbitraries.of(0, 1, 2, 3, 56, 57, 58, 113, 114, 115, 171, 57 * 20 + 1),
        Arbitraries.integers().between(0, 70_000));
  }

  @Provide
  Arbitrary<String> types() {
    return Arbitraries.of("", "application/pdf", "application/octet-stream", "text/plain", "text/csv; charset=utf-8",
        "image/png", "message/rfc822", "application/x-thing; a=\"b c\"");
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of("", "data.bin", "rapport été.pdf", "x".repeat(80) + ".txt", "q\"uote.txt", "€.png");
  }

  @Provide
  Arbitrary<String> contentIds() {
    return Arbitraries.of("", "logo@example.test", "part1", "logo-é@example.test");
  }

  @Property(tries = 60)
  void cachedEncodingWritesTheSameMessage(@ForAll("sizes") int size, @ForAll("sizes") int otherSize,
      @ForAll("types") String type, @ForAll("names") String name, @ForAll("contentIds") String cid,
      @ForAll boolean html, @ForAll boolean twice, @ForAll long seed) throws Exception {
    Path file = write("a-" + seed, size, seed);
    Path other = write("b-" + seed, otherSize, seed + 1);
    List<Attachment> parts = new ArrayList<>();
    parts.add(attachment(file, type, name, cid));
    parts.add(Attachment.file(other));
    if (twice) {
      parts.add(attachment(file, type, name, ""));
    }
    Email.Builder b = Email.builder().from("bob@example.test").to("alice@example.test").subject("differential " + seed)
        .text("body").messageId("<" + Long.toHexString(seed) + "@example.test>");
    if (html) {
      b.html("<p>body <img src=\"cid:logo@example.test\"></p>");
    }
    Email e = b.attach(parts).build();
    Composer.validate(e, 0, "");
    EncodedAttachments batch = EncodedAttachments.forBatch();
    // The first composition fills the cache, the second takes from it: both against Jakarta's own.
    for (int round = 0; round < 2; round++) {
      String expected = normalized(Composer.compose(e, "", SendSettings.defaults(), EncodedAttachments.NONE));
      String cached = normalized(Composer.compose(e, "", SendSettings.defaults(), batch));
      assertThat(cached).as("round %d", round).isEqualTo(expected);
    }
    // Not a comparison of the old path with itself: the files did come from the cache.
    // (Jakarta writes a message/* body unencoded and non-ASCII part fields as UTF-8: those stay its own.)
    boolean typeKept = !type.startsWith("message/");
    int expected = (typeKept && !cid.contains("é") ? 1 : 0) + 1 + (twice && typeKept ? 1 : 0);
    assertThat(preencoded(Composer.compose(e, "", SendSettings.defaults(), batch).message().getContent()))
        .isEqualTo(expected);
  }

  private static int preencoded(Object content) throws Exception {
    int n = 0;
    if (content instanceof MimeMultipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        BodyPart p = mp.getBodyPart(i);
        n += (p instanceof PreencodedMimeBodyPart ? 1 : 0) + (p.getContentType().startsWith("multipart/")
            ? preencoded(p.getContent()) : 0);
      }
    }
    return n;
  }

  private static Attachment attachment(Path file, String type, String name, String cid) {
    Attachment a = Attachment.file(file);
    if (!type.isEmpty()) {
      a = a.contentType(type);
    }
    if (!name.isEmpty()) {
      a = a.name(name);
    }
    return cid.isEmpty() ? a : a.inline(cid);
  }

  private Path write(String fileName, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return Files.write(dir.resolve(fileName), data);
  }

  /** The message as written, with the parts' boundaries and the Date field made equal. */
  private static String normalized(Composer.Composed c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.message().writeTo(out);
    return out.toString(StandardCharsets.ISO_8859_1).replaceAll("----=_Part_[0-9_.]+", "BOUNDARY")
        .replaceFirst("(?m)^Date: .*$", "Date: X");
  }
}
