/**
 * The shared machinery of Move, Flags and Delete: batching of UIDs, the strategy the server allows
 * (UID MOVE, UIDPLUS, plain COPY) and the per-message report.
 */
package io.mailbridge.move.internal;
