/** The journal's embedded SQLite store (WAL mode, bounded by retention). */
package io.mailbridge.journal.internal;
