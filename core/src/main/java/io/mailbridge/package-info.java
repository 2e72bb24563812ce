/**
 * The errors every layer throws: one unchecked root, {@link io.mailbridge.MailbridgeException}, and
 * a subtype per kind (configuration, authentication, connection, protocol, bad input, rejected
 * message) with {@code isRetriable()} deciding retry or fail. The layers are described in
 * docs/ARCHITECTURE.md.
 */
package io.mailbridge;
