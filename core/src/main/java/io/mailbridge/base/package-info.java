/**
 * The bottom layer: small helpers the IMAP wire and the MIME parser share, ASCII case folding of
 * protocol and header names, the single-byte read of block streams, and the dates of IMAP
 * INTERNALDATE and RFC 5322 headers, and plain values written as JSON (the CLI's lines, the
 * journal's records).
 */
package io.mailbridge.base;
