package io.mailbridge.document;

/** What a {@link MailDocument}'s content is. */
public enum BodyFormat {
  /** The text/plain body (or text derived from the HTML body when there is no plain one). */
  TEXT,
  /** The text/html body (or the plain body, escaped, in a {@code <pre>} when there is no HTML). */
  HTML,
  /** The raw RFC 822 message exactly as the server stores it ({@code .eml}). */
  EML
}
