package io.mailbridge.imap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The current IMAP response as {@link ImapScanner} reads it: kept for the response's text (a
 * tagged status, an error message) and handed to the trace line by line. Literal bytes of message
 * bodies are never recorded, and no literal's bytes ever reach the trace: a trace must not carry
 * mail content or credentials echoed back.
 */
final class ResponseRecord {
  /** A response kept whole (lines plus literals other than bodies) is never larger than this. */
  static final int MAX_KEPT = 16 << 20;

  private byte[] rec = new byte[256];
  private int recLen;
  /** Where the current trace line starts in {@link #rec}. */
  private int traceFrom;
  private final Consumer<String> trace;

  /** @param trace receives each response line without literal bytes; null for none */
  ResponseRecord(Consumer<String> trace) {
    this.trace = trace;
  }

  void start() {
    recLen = 0;
    traceFrom = 0;
  }

  /** Bytes recorded since {@link #start}. */
  int length() {
    return recLen;
  }

  /** Adds one byte; false when the response would outgrow {@link #MAX_KEPT}. */
  boolean add(int c) {
    if (recLen == rec.length) {
      if (rec.length >= MAX_KEPT) {
        return false;
      }
      rec = Arrays.copyOf(rec, rec.length * 2);
    }
    rec[recLen++] = (byte) c;
    return true;
  }

  /** Whether the recorded bytes end with CRLF. */
  boolean endsWithLineBreak() {
    return recLen >= 2 && rec[recLen - 2] == '\r' && rec[recLen - 1] == '\n';
  }

  /**
   * The length of a literal announced by "{n}" or "{n+}" just before the final CRLF, recorded
   * since {@code from}; -1 when the line does not end with one ("{abc}" at the end of text is text).
   */
  long literalAtEnd(int from) {
    int close = recLen - 3;
    if (close < from || rec[close] != '}') {
      return -1;
    }
    int open = close;
    while (open > from && rec[open] != '{') {
      open--;
    }
    if (open >= close || rec[open] != '{') {
      return -1;
    }
    int end = rec[close - 1] == '+' ? close - 1 : close;
    try {
      return Long.parseLong(new String(rec, open + 1, end - open - 1, StandardCharsets.US_ASCII));
    } catch (NumberFormatException notLiteral) {
      return -1;
    }
  }

  /** The recorded response without its final CRLF. */
  String text() {
    int end = recLen;
    if (endsWithLineBreak()) {
      end -= 2;
    }
    return new String(rec, 0, end, StandardCharsets.ISO_8859_1);
  }

  /** Hands the line recorded since the last call to the trace. */
  void flushTrace() {
    if (trace != null && recLen > traceFrom) {
      int end = recLen;
      while (end > traceFrom && (rec[end - 1] == '\n' || rec[end - 1] == '\r')) {
        end--;
      }
      trace.accept(new String(rec, traceFrom, end - traceFrom, StandardCharsets.UTF_8));
    }
    traceFrom = recLen;
  }

  /** What was recorded since the last flush (a literal's bytes) never reaches the trace. */
  void skipTrace() {
    traceFrom = recLen;
  }
}
