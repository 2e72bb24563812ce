package io.mailbridge.send;

import io.mailbridge.ConfigException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Send} behaves.
 *
 * <pre>{@code
 * SendSettings s = SendSettings.builder().maxAttempts(5).copyToSent(true).build();
 * }</pre>
 *
 * @param maxAttempts attempts per message for transient failures (SMTP 4xx, or the connection lost
 *     before the message data was complete), including the first; 1 disables retries. Default 3.
 *     A message whose data was fully transmitted but whose final reply never came is never
 *     retried (at-most-once): it is reported {@link SendResult.Status#UNKNOWN}.
 * @param initialBackoff wait before the second attempt, doubled for each further one. Default 1 s.
 * @param maxBackoff upper bound of one wait. Default 30 s.
 * @param copyToSent also APPEND each sent message, marked \Seen, to a folder on the inbound (IMAP)
 *     server. Default false.
 * @param sentFolder the folder for {@code copyToSent}; empty means the folder with the
 *     {@code \Sent} special-use attribute (RFC 6154), else {@code Sent}. Default empty.
 * @param skipIfAlreadySent before sending a message that has a caller-supplied Message-ID
 *     ({@link Email.Builder#messageId(String)}), look for that Message-ID in the Sent folder (the
 *     same folder {@code sentFolder} names) with {@code UID SEARCH HEADER Message-ID}, and among the
 *     messages sent earlier in the same call or session; when found, the message is not sent again
 *     and its result is {@link SendResult.Status#ALREADY_SENT}. Makes a resend after a crash or a
 *     redelivery idempotent, as long as the first send left a copy in that folder
 *     ({@code copyToSent}, or a server that files submitted mail itself). Messages without a
 *     caller-supplied Message-ID get a fresh one and are always sent. Needs the inbound (IMAP)
 *     server. Not a lock: two senders racing with the same Message-ID can both send. With
 *     {@code copyToSent} the copy is written before the send, marked {@code $MailbridgeUnconfirmed}
 *     (or {@code \Draft} where the folder keeps no keywords), and confirmed once the server accepted
 *     the message or withdrawn when it refused it: a copy still marked (a send stopped in between) is
 *     not sent again but reported {@link SendResult.Status#UNKNOWN}. Default false.
 * @param attachmentContentType the Content-Type of every attachment that was not given one: the
 *     documented default is {@code application/binary} for all of them. Default {@code application/binary}.
 * @param contentTypeFromName guess the Content-Type of an attachment without one from its file name
 *     ({@code .pdf} is {@code application/pdf}, ...), and use {@code attachmentContentType} only when
 *     the name says nothing. Default false.
 * @param pipelining where the server offers PIPELINING (RFC 2920), send MAIL FROM, the RCPT TOs and
 *     DATA together and read their replies afterwards, then the message: two round trips per message
 *     instead of four. Outcomes and the at-most-once rule are the same either way. Turn it off for a
 *     server that advertises PIPELINING but mishandles it. Default true.
 * @param chunking with {@code pipelining}, where the server also offers CHUNKING (RFC 3030), send
 *     messages as {@code BDAT} instead of {@code DATA} (no 354, no dot-stuffing). A batch's messages
 *     of up to 256 KiB go as whole transactions, up to 64 of them in flight before the first reply
 *     is read, so the server never waits for the client between two messages; larger ones in 256 KiB
 *     chunks, one transaction at a time. Outcomes are the same as with DATA: a refused recipient is
 *     reported with its code, 4xx is retried, 5xx is not, a server's {@code 421} that closes the
 *     connection mid-window loses no message (those it had not answered are sent again). The
 *     at-most-once rule covers every message in flight: when the connection is lost without a
 *     {@code 421}, each whose data was written is {@code UNKNOWN} and not resent (up to 64 at once,
 *     where DATA has one message in flight). A server without CHUNKING or PIPELINING gets DATA.
 *     Default true.
 */
public record SendSettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    boolean copyToSent,
    Optional<String> sentFolder,
    boolean skipIfAlreadySent,
    String attachmentContentType,
    boolean contentTypeFromName,
    boolean pipelining,
    boolean chunking) {

  /** The default Content-Type for an attachment that was given none. */
  public static final String DEFAULT_ATTACHMENT_CONTENT_TYPE = "application/binary";

  public SendSettings {
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new ConfigException("send.maxAttempts " + maxAttempts + " is out of range 1-100");
    }
    Objects.requireNonNull(initialBackoff, "send.initialBackoff");
    Objects.requireNonNull(maxBackoff, "send.maxBackoff");
    if (initialBackoff.isNegative()) {
      throw new ConfigException("send.initialBackoff " + initialBackoff + " must not be negative");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new ConfigException("send.maxBackoff " + maxBackoff + " is below send.initialBackoff " + initialBackoff
          + ": raise maxBackoff");
    }
    Objects.requireNonNull(sentFolder, "send.sentFolder");
    if (sentFolder.isPresent() && sentFolder.get().isBlank()) {
      throw new ConfigException("send.sentFolder is blank: give a folder name or leave it unset for the \\Sent folder");
    }
    Objects.requireNonNull(attachmentContentType, "send.attachmentContentType");
    if (!attachmentContentType.strip().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new ConfigException("send.attachmentContentType '" + attachmentContentType + "' is not a MIME type such "
          + "as application/pdf");
    }
    attachmentContentType = attachmentContentType.strip();
  }

  /**
   * The defaults: 3 attempts, 1 s backoff doubling up to 30 s, no copy to Sent, no duplicate check,
   * {@code application/binary} for attachments without a Content-Type, PIPELINING and CHUNKING
   * where the server offers them.
   */
  public static SendSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().maxAttempts(maxAttempts).initialBackoff(initialBackoff).maxBackoff(maxBackoff)
        .copyToSent(copyToSent).sentFolder(sentFolder.orElse(null)).skipIfAlreadySent(skipIfAlreadySent)
        .attachmentContentType(attachmentContentType).contentTypeFromName(contentTypeFromName).pipelining(pipelining).chunking(chunking);
  }

  /** Builder; {@link #build()} validates. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private boolean copyToSent;
    private String sentFolder;
    private boolean skipIfAlreadySent;
    private String attachmentContentType = DEFAULT_ATTACHMENT_CONTENT_TYPE;
    private boolean contentTypeFromName;
    private boolean pipelining = true;
    private boolean chunking = true;

    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    public Builder initialBackoff(Duration backoff) {
      this.initialBackoff = backoff;
      return this;
    }

    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = backoff;
      return this;
    }

    public Builder copyToSent(boolean copy) {
      this.copyToSent = copy;
      return this;
    }

    /** Folder for copies; null means the \Sent special-use folder. Implies nothing on its own. */
    public Builder sentFolder(String folder) {
      this.sentFolder = folder;
      return this;
    }

    /** See {@link SendSettings#skipIfAlreadySent()}. */
    public Builder skipIfAlreadySent(boolean skip) {
      this.skipIfAlreadySent = skip;
      return this;
    }

    /** See {@link SendSettings#attachmentContentType()}. */
    public Builder attachmentContentType(String type) {
      this.attachmentContentType = type;
      return this;
    }

    /** See {@link SendSettings#contentTypeFromName()}. */
    public Builder contentTypeFromName(boolean guess) {
      this.contentTypeFromName = guess;
      return this;
    }

    /** See {@link SendSettings#pipelining()}. */
    public Builder pipelining(boolean pipelining) {
      this.pipelining = pipelining;
      return this;
    }

    /** See {@link SendSettings#chunking()}. */
    public Builder chunking(boolean chunking) {
      this.chunking = chunking;
      return this;
    }

    public SendSettings build() {
      return new SendSettings(maxAttempts, initialBackoff, maxBackoff, copyToSent, Optional.ofNullable(sentFolder),
          skipIfAlreadySent, attachmentContentType, contentTypeFromName, pipelining, chunking);
    }
  }
}
