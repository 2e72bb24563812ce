package io.mailbridge.connection;

/** How the channel to a server is protected. */
public enum Security {
  /** TLS from the first byte (IMAPS 993, SMTPS 465). */
  SSL_TLS,
  /** Plain connect, then STARTTLS before anything else; fails closed when the server does not offer it. */
  STARTTLS,
  /** No encryption at all. Needs {@code allowPlaintext(true)} on the endpoint. */
  NONE
}
