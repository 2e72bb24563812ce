/**
 * A scripted IMAP and SMTP server that misbehaves on purpose at the byte level (literals far above
 * what was asked, trickled or endless replies, hang-ups in the middle of a response, answers to
 * commands never sent), for the tests that show Mailbridge ends such a session with a clear error,
 * in bounded time and memory, and loses nothing.
 */
package io.mailbridge.testkit.hostile;
