/**
 * What the tests of every module share, speaking the protocols themselves (or through Jakarta Mail
 * as the reference) and never through Mailbridge's own code, so a test never checks the product
 * with the product: the real mail stack on loopback ({@link io.mailbridge.testkit.MailStack},
 * {@link io.mailbridge.testkit.RealServer}) and its mailboxes ({@link
 * io.mailbridge.testkit.StackMailbox}), the other IMAP servers of the interoperability suite,
 * GreenMail for fast tests, a scripted SMTP server, TLS, proxy and fault servers, test messages,
 * waiting for a condition, and the scan that fails a test whose output carries a secret.
 */
package io.mailbridge.testkit;
