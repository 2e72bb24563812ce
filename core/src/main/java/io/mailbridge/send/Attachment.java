package io.mailbridge.send;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One attachment or inline image of an {@link Email}: its content source plus the optional File
 * Name, Content-Type and Content-ID. Immutable; the {@code with...} style methods return copies.
 *
 * <p>Defaults: an unset name becomes a generated random name whose extension matches
 * the content type when known ({@code attachment-3f9c1a2b.pdf}); an unset content type is
 * {@code application/binary} ({@link SendSettings#attachmentContentType()}), or guessed from the
 * file name with {@link SendSettings#contentTypeFromName()}. Files and streams are read while the
 * message is transmitted, never buffered.
 *
 * <pre>{@code
 * Attachment.file(Path.of("report.pdf"));
 * Attachment.file(Path.of("data.csv")).name("export.csv").contentType("text/csv");
 * Attachment.bytes(png).name("logo.png").inline("logo");   // <img src="cid:logo">
 * Attachment.stream(() -> blob.openStream()).name("blob.bin");
 * }</pre>
 */
public final class Attachment {
  /** Opens the content; called once per transmission (and once more to measure the size when needed). */
  @FunctionalInterface
  public interface StreamOpener {
    InputStream open() throws IOException;
  }

  /** Where the bytes come from. */
  public sealed interface Source permits FromFile, FromBytes, FromStream {}

  /** A file read from disk at send time. */
  public record FromFile(Path path) implements Source {}

  /** Bytes in memory. */
  public record FromBytes(byte[] bytes) implements Source {
    public InputStream open() {
      return new ByteArrayInputStream(bytes);
    }
  }

  /** A stream opened on demand. */
  public record FromStream(StreamOpener opener) implements Source {}

  private final Source source;
  private final String name;
  private final String contentType;
  private final String contentId;

  private Attachment(Source source, String name, String contentType, String contentId) {
    this.source = Objects.requireNonNull(source, "source");
    this.name = name;
    this.contentType = contentType;
    this.contentId = contentId;
  }

  /** The file's content; the File Name defaults to the file's name. */
  public static Attachment file(Path path) {
    Objects.requireNonNull(path, "path");
    return new Attachment(new FromFile(path), null, null, null);
  }

  /** Bytes held in memory (copied). */
  public static Attachment bytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return new Attachment(new FromBytes(bytes.clone()), null, null, null);
  }

  /** Content opened on demand: the opener may be called more than once and must give the same bytes. */
  public static Attachment stream(StreamOpener opener) {
    Objects.requireNonNull(opener, "opener");
    return new Attachment(new FromStream(opener), null, null, null);
  }

  /** The File Name shown to the recipient (any Unicode; CR, LF and NUL are rejected at send). */
  public Attachment name(String fileName) {
    return new Attachment(source, fileName, contentType, contentId);
  }

  /** The Content-Type, e.g. {@code text/csv} or {@code application/pdf; charset=...}. */
  public Attachment contentType(String type) {
    return new Attachment(source, name, type, contentId);
  }

  /** Makes this an inline part referenced from the HTML body as {@code cid:<contentId>}. */
  public Attachment inline(String contentIdValue) {
    return new Attachment(source, name, contentType, contentIdValue);
  }

  public Source source() {
    return source;
  }

  /** The File Name as given; for a file without explicit name, the file's own name. */
  public Optional<String> fileName() {
    if (name != null) {
      return Optional.of(name);
    }
    if (source instanceof FromFile f && f.path().getFileName() != null) {
      return Optional.of(f.path().getFileName().toString());
    }
    return Optional.empty();
  }

  public Optional<String> givenContentType() {
    return Optional.ofNullable(contentType);
  }

  public Optional<String> contentId() {
    return Optional.ofNullable(contentId);
  }

  @Override
  public String toString() {
    return "Attachment[" + (source instanceof FromFile f ? f.path() : source.getClass().getSimpleName())
        + ", name=" + name + ", type=" + contentType + (contentId == null ? "" : ", cid=" + contentId) + "]";
  }
}
