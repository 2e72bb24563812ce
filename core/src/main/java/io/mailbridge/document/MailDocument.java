package io.mailbridge.document;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A received message: its {@link TrackedProperties}, its content in the chosen {@link BodyFormat},
 * its attachments (stored in the {@link DocumentCache} when one is configured) and the warnings
 * collected while reading it (malformed MIME, unknown charsets...).
 *
 * <p>{@link #key()} is stable for a message: {@code imap://user@host:port/folder;UIDVALIDITY=v/;UID=u}
 * (RFC 5092 form), so a consumer can drop duplicates after a re-delivery.
 *
 * <pre>{@code
 * String subject = doc.properties().subject();
 * String text = doc.text().orElse("");
 * for (Attachment a : doc.attachments()) { a.path().ifPresent(...); }
 * }</pre>
 */
public final class MailDocument {
  private final String key;
  private final TrackedProperties properties;
  private final BodyFormat format;
  private final String text;
  private final byte[] raw;
  private final Path rawFile;
  private final List<Attachment> attachments;
  private final List<String> warnings;
  private final Map<String, List<String>> headers;
  private final boolean reference;

  private MailDocument(Builder b) {
    this.key = Objects.requireNonNull(b.key, "key");
    this.properties = Objects.requireNonNull(b.properties, "properties");
    this.format = Objects.requireNonNull(b.format, "format");
    this.text = b.text;
    this.raw = b.raw;
    this.rawFile = b.rawFile;
    this.attachments = List.copyOf(b.attachments);
    this.warnings = List.copyOf(b.warnings);
    this.headers = Map.copyOf(b.headers);
    this.reference = b.reference;
    if (format == BodyFormat.EML && raw == null && rawFile == null) {
      throw new IllegalArgumentException("an EML document needs its raw bytes or file");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Stable message key (mailbox, folder, UIDVALIDITY, UID). */
  public String key() {
    return key;
  }

  public TrackedProperties properties() {
    return properties;
  }

  public BodyFormat format() {
    return format;
  }

  /** The body text for {@link BodyFormat#TEXT} and {@link BodyFormat#HTML}; empty for EML. */
  public Optional<String> text() {
    return Optional.ofNullable(text);
  }

  /**
   * For {@link BodyFormat#EML}: the file holding the raw message when it was too large to keep in
   * memory (stored in the Document Cache); empty when the bytes are in memory.
   */
  public Optional<Path> rawFile() {
    return Optional.ofNullable(rawFile);
  }

  /** The content: the body text as UTF-8, or the raw message for EML. The caller closes it. */
  public InputStream openContent() {
    if (format != BodyFormat.EML) {
      return new ByteArrayInputStream(text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8));
    }
    if (raw != null) {
      return new ByteArrayInputStream(raw);
    }
    try {
      return Files.newInputStream(rawFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + rawFile, e);
    }
  }

  public List<Attachment> attachments() {
    return attachments;
  }

  /** What could not be read cleanly; empty for a well-formed message. */
  public List<String> warnings() {
    return warnings;
  }

  /** All header fields (name as in the message, values decoded), when they were asked for; else empty. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /**
   * True for a reference document: content above a size limit (policy reference) was left on the
   * server and is only listed, in {@link Attachment#withheld()} and in the warnings. Its message
   * stays on the server untouched: no post-action runs for it.
   */
  public boolean reference() {
    return reference;
  }

  @Override
  public String toString() {
    return "MailDocument[" + key + ", subject=" + properties.subject() + ", attachments=" + attachments.size()
        + ", warnings=" + warnings.size() + "]";
  }

  /** Builder (used by the operations that produce documents). */
  public static final class Builder {
    private String key;
    private TrackedProperties properties;
    private BodyFormat format = BodyFormat.TEXT;
    private String text;
    private byte[] raw;
    private Path rawFile;
    private List<Attachment> attachments = List.of();
    private List<String> warnings = List.of();
    private Map<String, List<String>> headers = Map.of();
    private boolean reference;

    public Builder key(String v) { key = v; return this; }
    public Builder properties(TrackedProperties v) { properties = v; return this; }
    public Builder format(BodyFormat v) { format = v; return this; }
    public Builder text(String v) { text = v; return this; }
    public Builder raw(byte[] v) { raw = v; return this; }
    public Builder rawFile(Path v) { rawFile = v; return this; }
    public Builder attachments(List<Attachment> v) { attachments = v; return this; }
    public Builder warnings(List<String> v) { warnings = v; return this; }
    public Builder headers(Map<String, List<String>> v) { headers = v; return this; }
    public Builder reference(boolean v) { reference = v; return this; }

    public MailDocument build() {
      return new MailDocument(this);
    }
  }
}
