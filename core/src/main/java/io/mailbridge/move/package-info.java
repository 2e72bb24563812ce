/**
 * Move, copy, flags and delete of selected messages: {@link io.mailbridge.move.Move}, {@link
 * io.mailbridge.move.Flags}, {@link io.mailbridge.move.Delete} with a {@link
 * io.mailbridge.move.Selection} (UIDs, a filter or Message-IDs) and one {@link
 * io.mailbridge.move.MessageOutcome} per message.
 */
package io.mailbridge.move;
