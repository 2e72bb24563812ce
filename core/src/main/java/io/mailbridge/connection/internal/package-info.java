/**
 * The connection layer's machinery: TLS sockets and their checks, SOCKS5 and HTTP CONNECT proxies,
 * login and the OAuth 2.0 SASL mechanisms, session properties, the protocol trace (redacted) and
 * server throttling hints. Used only by the connection layer.
 */
package io.mailbridge.connection.internal;
