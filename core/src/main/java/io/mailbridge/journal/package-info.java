/**
 * The journal: one record per message and operation (time, operation, outcome, tracked properties,
 * document and cache keys; never bodies or secrets), kept so that people can find out afterwards what
 * happened to a message. {@link io.mailbridge.journal.Journal} appends and queries.
 */
package io.mailbridge.journal;
