/**
 * The IMAP wire layer above the connection: the bulk {@code UID FETCH} of raw messages (fetch
 * thread, streaming response reader, large bodies lent as streams), {@code UID SEARCH}/ESEARCH, and
 * the commands on a selected folder (MOVE, COPY, STORE, EXPUNGE, with COPYUID). Public types here
 * serve the operations; users do not need them.
 */
package io.mailbridge.imap;
