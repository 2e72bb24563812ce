package io.mailbridge.send;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One outgoing message. Addresses are strings, either {@code bob@example.com} or with a display
 * name {@code Bob Müller <bob@example.com>} (any Unicode; encoded per RFC 2047 on the wire). An
 * address that is itself non-ASCII ({@code jürgen@example.de}) is sent with SMTPUTF8 (RFC 6531) and
 * UTF-8 header fields (RFC 6532), and fails before MAIL FROM when the server does not offer it.
 * Nothing is checked here: {@link Send} validates every field before connecting and names the
 * field at fault.
 *
 * <pre>{@code
 * Email mail = Email.builder()
 *     .from("Bob <bob@example.com>").to("alice@example.com").bcc("audit@example.com")
 *     .subject("Quarterly report").text("See attached.").html("<p>See <b>attached</b>.</p>")
 *     .attach(Attachment.file(Path.of("report.pdf")))
 *     .build();
 * }</pre>
 *
 * <p>Bcc recipients receive the message but are never written into its headers.
 */
public final class Email {
  /** Message priority, written as {@code X-Priority} and {@code Importance}. */
  public enum Priority {
    HIGH("1 (Highest)", "high"),
    NORMAL("3 (Normal)", "normal"),
    LOW("5 (Lowest)", "low");

    private final String xPriority;
    private final String importance;

    Priority(String xPriority, String importance) {
      this.xPriority = xPriority;
      this.importance = importance;
    }

    public String xPriority() {
      return xPriority;
    }

    public String importance() {
      return importance;
    }
  }

  private final Optional<String> from;
  private final List<String> replyTo;
  private final List<String> to;
  private final List<String> cc;
  private final List<String> bcc;
  private final String subject;
  private final Optional<String> text;
  private final Optional<String> html;
  private final List<Attachment> attachments;
  private final Map<String, String> headers;
  private final Optional<Priority> priority;
  private final Optional<String> messageId;

  private Email(Builder b) {
    this.from = Optional.ofNullable(b.from);
    this.replyTo = List.copyOf(b.replyTo);
    this.to = List.copyOf(b.to);
    this.cc = List.copyOf(b.cc);
    this.bcc = List.copyOf(b.bcc);
    this.subject = Objects.requireNonNullElse(b.subject, "");
    this.text = Optional.ofNullable(b.text);
    this.html = Optional.ofNullable(b.html);
    this.attachments = List.copyOf(b.attachments);
    this.headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.priority = Optional.ofNullable(b.priority);
    this.messageId = Optional.ofNullable(b.messageId);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.from = from.orElse(null);
    b.replyTo.addAll(replyTo);
    b.to.addAll(to);
    b.cc.addAll(cc);
    b.bcc.addAll(bcc);
    b.subject = subject;
    b.text = text.orElse(null);
    b.html = html.orElse(null);
    b.attachments.addAll(attachments);
    b.headers.putAll(headers);
    b.priority = priority.orElse(null);
    b.messageId = messageId.orElse(null);
    return b;
  }

  /** The sender; when absent, {@link Send} uses the outbound login. */
  public Optional<String> from() {
    return from;
  }

  public List<String> replyTo() {
    return replyTo;
  }

  public List<String> to() {
    return to;
  }

  public List<String> cc() {
    return cc;
  }

  public List<String> bcc() {
    return bcc;
  }

  public String subject() {
    return subject;
  }

  public Optional<String> text() {
    return text;
  }

  public Optional<String> html() {
    return html;
  }

  /** Attachments and inline parts, in order. */
  public List<Attachment> attachments() {
    return attachments;
  }

  /** Extra header fields, in order. */
  public Map<String, String> headers() {
    return headers;
  }

  public Optional<Priority> priority() {
    return priority;
  }

  /** The Message-ID to use ({@code <id@domain>}); generated as {@code <random@sender-domain>} when absent. */
  public Optional<String> messageId() {
    return messageId;
  }

  /** Envelope recipients: to, cc and bcc, in that order. */
  public List<String> recipients() {
    List<String> all = new ArrayList<>(to.size() + cc.size() + bcc.size());
    all.addAll(to);
    all.addAll(cc);
    all.addAll(bcc);
    return all;
  }

  @Override
  public String toString() {
    return "Email[from=" + from.orElse("(login)") + ", to=" + to + ", cc=" + cc + ", bcc=" + bcc.size()
        + " hidden, subject=" + subject + ", attachments=" + attachments.size() + "]";
  }

  /** Fluent builder; lists accumulate across calls. */
  public static final class Builder {
    private String from;
    private final List<String> replyTo = new ArrayList<>();
    private final List<String> to = new ArrayList<>();
    private final List<String> cc = new ArrayList<>();
    private final List<String> bcc = new ArrayList<>();
    private String subject;
    private String text;
    private String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Priority priority;
    private String messageId;

    private Builder() {}

    public Builder from(String address) {
      this.from = address;
      return this;
    }

    public Builder replyTo(String... addresses) {
      replyTo.addAll(List.of(addresses));
      return this;
    }

    public Builder to(String... addresses) {
      to.addAll(List.of(addresses));
      return this;
    }

    public Builder to(Collection<String> addresses) {
      to.addAll(addresses);
      return this;
    }

    public Builder cc(String... addresses) {
      cc.addAll(List.of(addresses));
      return this;
    }

    public Builder cc(Collection<String> addresses) {
      cc.addAll(addresses);
      return this;
    }

    public Builder bcc(String... addresses) {
      bcc.addAll(List.of(addresses));
      return this;
    }

    public Builder bcc(Collection<String> addresses) {
      bcc.addAll(addresses);
      return this;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    /** The plain text body (UTF-8 on the wire). */
    public Builder text(String text) {
      this.text = text;
      return this;
    }

    /** The HTML body; with a text body too, both go as {@code multipart/alternative}. */
    public Builder html(String html) {
      this.html = html;
      return this;
    }

    public Builder attach(Attachment... parts) {
      attachments.addAll(List.of(parts));
      return this;
    }

    public Builder attach(Collection<Attachment> parts) {
      attachments.addAll(parts);
      return this;
    }

    /**
     * An extra header field. Fields the builder sets itself (From, To, Cc, Bcc, Subject, Date,
     * Message-ID, MIME-Version, Content-*) are refused at send: use the builder methods.
     */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Builder headers(Map<String, String> fields) {
      headers.putAll(fields);
      return this;
    }

    public Builder priority(Priority priority) {
      this.priority = priority;
      return this;
    }

    public Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    public Email build() {
      return new Email(this);
    }
  }
}
