package io.mailbridge.send.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;
import org.eclipse.angus.mail.smtp.SMTPOutputStream;
import org.eclipse.angus.mail.util.CRLFOutputStream;

/**
 * A composed message that knows its own Message-ID and records how far a transmission got: whether
 * the transport started writing the message data and whether it finished. That is what decides
 * between "safe to retry" and "outcome unknown" (at-most-once delivery).
 */
final class OutgoingMessage extends MimeMessage {
  private final String messageId;
  private volatile boolean tracking;
  private volatile boolean dataStarted;
  private volatile boolean dataWritten;
  private volatile long dataBytes;
  // The message as written, made ahead of sending (null: written from its parts when sent), and
  // the same bytes as DATA carries them (dot-stuffed, ending in CRLF), made when first needed.
  private volatile byte[] rendered;
  private volatile byte[] renderedData;
  // The same bytes as one BDAT chunk carries them (CRLF line ends, not dot-stuffed): the rendered
  // bytes themselves when their line ends are CRLF already; made when first needed.
  private volatile byte[] renderedChunk;
  private volatile long renderedBytes;

  OutgoingMessage(Session session, String messageId) {
    super(session);
    this.messageId = messageId;
  }

  @Override
  protected void updateMessageID() throws MessagingException {
    setHeader("Message-ID", messageId);
  }

  /** Starts tracking a transmission: only writes made while tracking count as message data. */
  void beginTransmission() {
    dataStarted = false;
    dataWritten = false;
    dataBytes = 0;
    tracking = true;
  }

  void endTransmission() {
    tracking = false;
  }

  /** The transport began writing the message data (after the server's 354). */
  boolean dataStarted() {
    return dataStarted;
  }

  /** Every byte of the message was handed to the transport; only the final "." and reply remain. */
  boolean dataWritten() {
    return dataWritten;
  }

  /** Bytes of message data written by the last transmission (before SMTP dot-stuffing). */
  long dataBytes() {
    return dataBytes;
  }

  /**
   * Writes the message out once, now, into memory when {@code sizeBound} says it is at most
   * {@code maxBytes}; every later write (the transmission, a retry, the Sent copy) then copies these
   * bytes. The message must not change afterwards. A part that cannot be read now is left to fail
   * when the message is sent, where that failure is reported.
   *
   * <p>Only the form {@code chunked} names is made now (as one BDAT chunk carries the message, or
   * as DATA carries it); the other is made from the same bytes if the message goes that way after
   * all (a server without CHUNKING, a message sent on its own), so no message is encoded twice.
   */
  void render(OptionalLong sizeBound, long maxBytes, boolean chunked) {
    if (sizeBound.isEmpty() || sizeBound.getAsLong() > maxBytes) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) sizeBound.getAsLong());
    try {
      super.writeTo(out, null);
    } catch (IOException | MessagingException | RuntimeException e) {
      return;
    }
    byte[] bytes = out.toByteArray();
    byte[] form = chunked ? (canonical(bytes) ? bytes : crlf(bytes)) : stuffed(bytes);
    if (chunked) {
      renderedChunk = form;
    } else {
      renderedData = form;
    }
    renderedBytes = bytes.length + (form == bytes ? 0 : form.length);
    rendered = bytes;
  }

  /** As {@link #render(OptionalLong, long, boolean)} for DATA. */
  void render(OptionalLong sizeBound, long maxBytes) {
    render(sizeBound, maxBytes, false);
  }

  /** The bytes as DATA carries them: dot-stuffed, CRLF line ends, ending at the start of a line. */
  private static byte[] stuffed(byte[] bytes) {
    ByteArrayOutputStream data = new ByteArrayOutputStream(bytes.length + bytes.length / 64 + 2);
    try {
      SMTPOutputStream stuffed = new SMTPOutputStream(data);
      stuffed.write(bytes);
      stuffed.ensureAtBOL();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return data.toByteArray();
  }

  /** The rendered bytes as one BDAT chunk carries them, made on first use. */
  private byte[] chunkForm() {
    byte[] b = renderedChunk;
    if (b == null) {
      byte[] r = rendered;
      b = canonical(r) ? r : crlf(r);
      renderedChunk = b;
    }
    return b;
  }

  /** The rendered bytes as DATA carries them, made on first use. */
  private byte[] dataForm() {
    byte[] b = renderedData;
    if (b == null) {
      b = stuffed(rendered);
      renderedData = b;
    }
    return b;
  }

  /**
   * Bytes {@link #render} left in memory: the rendered message and the form it made (one array when
   * they are the same). Fixed once rendered, so it can account for memory held ahead.
   */
  long renderedBytes() {
    return renderedBytes;
  }

  private static byte[] crlf(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + bytes.length / 32 + 2);
    try {
      CRLFOutputStream c = new CRLFOutputStream(out);
      c.write(bytes);
      c.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  private static boolean canonical(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
        return false;
      }
      if (b[i] == '\r' && (i + 1 == b.length || b[i + 1] != '\n')) {
        return false;
      }
    }
    return true;
  }

  /** Held in memory: can go as one BDAT chunk of {@link #chunkedSize()} bytes. */
  boolean chunkable() {
    return rendered != null;
  }

  /** The message's size as one BDAT chunk: the rendered bytes, and a CRLF when they end mid-line. */
  long chunkedSize() {
    byte[] b = chunkForm();
    return b.length + (endsWithCrlf(b) ? 0 : 2);
  }

  private static boolean endsWithCrlf(byte[] b) {
    return b.length >= 2 && b[b.length - 2] == '\r' && b[b.length - 1] == '\n';
  }

  /** Writes the rendered message as one BDAT chunk carries it ({@link #chunkedSize()} bytes), tracked as a transmission. */
  void writeChunked(OutputStream os) throws IOException {
    byte[] b = chunkForm();
    dataStarted = true;
    os.write(b);
    if (!endsWithCrlf(b)) {
      os.write(new byte[] {'\r', '\n'});
    }
    dataBytes = rendered.length; // the message's own bytes, as the other paths count them
    dataWritten = true;
  }

  /**
   * Writes the message as SMTP DATA carries it (dot-stuffed, CRLF line ends, ending at the start of
   * a line) when it was rendered, tracked as {@link #writeTo} tracks a transmission.
   *
   * @return false when the message was not rendered: nothing was written, write it with
   *     {@link #writeTo} through an {@code SMTPOutputStream}
   */
  boolean writeSmtpData(OutputStream os) throws IOException {
    if (rendered == null || !tracking) {
      return false;
    }
    byte[] data = dataForm();
    dataStarted = true;
    os.write(data);
    dataBytes = rendered.length;
    dataWritten = true;
    return true;
  }

  /** Whether {@link #render} holds the message as bytes. */
  boolean rendered() {
    return rendered != null;
  }

  @Override
  public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
    boolean transmit = tracking;
    if (!transmit) {
      write(os, ignoreList);
      return;
    }
    dataStarted = true;
    Counting counting = new Counting(os);
    try {
      write(counting, ignoreList);
    } finally {
      dataBytes = counting.count;
    }
    dataWritten = true;
  }

  private void write(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
    byte[] bytes = rendered;
    if (bytes != null && omitsNothing(ignoreList)) {
      os.write(bytes);
    } else {
      super.writeTo(os, ignoreList);
    }
  }

  /** The rendered bytes hold every header field: usable unless a field to leave out is present. */
  private boolean omitsNothing(String[] ignoreList) throws MessagingException {
    if (ignoreList != null) {
      for (String name : ignoreList) {
        if (getHeader(name) != null) {
          return false;
        }
      }
    }
    return true;
  }

  /** Passes writes through and counts them (a long add per write: free next to the socket). */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
