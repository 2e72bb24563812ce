package io.mailbridge.connection;

import io.mailbridge.ConfigException;

/**
 * Bounds on what a server may send, checked as its bytes arrive and before anything is allocated
 * for them: a server that goes beyond one is broken or hostile, and the operation ends with a
 * {@link io.mailbridge.ProtocolException} naming the server and what it sent, instead of running
 * out of memory, overflowing the stack or waiting forever. The defaults fit every mail server in
 * common use; raise one only for a server known to need it.
 *
 * <pre>{@code
 * Endpoint.imap("imap.example.com").limits(ServerLimits.defaults().withMaxFolderMessages(20_000_000)).build();
 * }</pre>
 *
 * @param maxLineBytes longest response line (without its literals), default 8 MiB: a {@code SEARCH}
 *     answer of about a million UIDs, a {@code CAPABILITY} list, an SMTP reply line
 * @param maxLiteralBytes largest IMAP literal outside a message download, default 16 MiB
 *     (message bodies are checked against the size the server announced for them instead)
 * @param maxNesting deepest nesting of parenthesised lists in one IMAP response (a
 *     {@code BODYSTRUCTURE}), default 200 levels
 * @param maxFolderMessages most messages a folder may announce ({@code EXISTS}), default 5,000,000
 * @param minLiteralBytesPerSecond slowest transfer rate of a literal (a message body) once the
 *     read timeout has passed since it began, default 1,024 bytes per second
 * @param maxSmtpReplyBytes longest SMTP reply, all lines of a multi-line reply together, default 256 KiB
 * @param maxListEntries most {@code LIST}/{@code LSUB} entries in the answer to one command (folders
 *     of a mailbox, shared namespaces included), default 100,000
 */
public record ServerLimits(int maxLineBytes, long maxLiteralBytes, int maxNesting, long maxFolderMessages,
    long minLiteralBytesPerSecond, int maxSmtpReplyBytes, int maxListEntries) {

  private static final ServerLimits DEFAULTS = new ServerLimits(8 << 20, 16L << 20, 200, 5_000_000, 1024, 256 << 10,
      100_000);

  public ServerLimits {
    atLeast("maxLineBytes", maxLineBytes, 1024);
    atLeast("maxLiteralBytes", maxLiteralBytes, 1024);
    atLeast("maxNesting", maxNesting, 8);
    atLeast("maxFolderMessages", maxFolderMessages, 1);
    atLeast("minLiteralBytesPerSecond", minLiteralBytesPerSecond, 1);
    atLeast("maxSmtpReplyBytes", maxSmtpReplyBytes, 512);
    atLeast("maxListEntries", maxListEntries, 100);
  }

  /** The defaults above. */
  public static ServerLimits defaults() {
    return DEFAULTS;
  }

  public ServerLimits withMaxLineBytes(int v) {
    return new ServerLimits(v, maxLiteralBytes, maxNesting, maxFolderMessages, minLiteralBytesPerSecond, maxSmtpReplyBytes, maxListEntries);
  }

  public ServerLimits withMaxLiteralBytes(long v) {
    return new ServerLimits(maxLineBytes, v, maxNesting, maxFolderMessages, minLiteralBytesPerSecond, maxSmtpReplyBytes, maxListEntries);
  }

  public ServerLimits withMaxNesting(int v) {
    return new ServerLimits(maxLineBytes, maxLiteralBytes, v, maxFolderMessages, minLiteralBytesPerSecond, maxSmtpReplyBytes, maxListEntries);
  }

  public ServerLimits withMaxFolderMessages(long v) {
    return new ServerLimits(maxLineBytes, maxLiteralBytes, maxNesting, v, minLiteralBytesPerSecond, maxSmtpReplyBytes, maxListEntries);
  }

  public ServerLimits withMinLiteralBytesPerSecond(long v) {
    return new ServerLimits(maxLineBytes, maxLiteralBytes, maxNesting, maxFolderMessages, v, maxSmtpReplyBytes, maxListEntries);
  }

  public ServerLimits withMaxSmtpReplyBytes(int v) {
    return new ServerLimits(maxLineBytes, maxLiteralBytes, maxNesting, maxFolderMessages, minLiteralBytesPerSecond, v, maxListEntries);
  }

  public ServerLimits withMaxListEntries(int v) {
    return new ServerLimits(maxLineBytes, maxLiteralBytes, maxNesting, maxFolderMessages, minLiteralBytesPerSecond,
        maxSmtpReplyBytes, v);
  }

  private static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new ConfigException("limits." + field + " " + value + " is below the minimum " + min, null);
    }
  }
}
