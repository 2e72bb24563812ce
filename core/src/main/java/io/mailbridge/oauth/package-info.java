/**
 * OAuth 2.0 for IMAP and SMTP: Authorization Code with PKCE and a loopback redirect, Client
 * Credentials, refreshing token providers and the token store (0600 file, atomic replace).
 */
package io.mailbridge.oauth;
