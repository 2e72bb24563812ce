package io.mailbridge.document;

/**
 * What {@link DocumentCache#prune} did.
 *
 * @param deletedEntries entries deleted (age or size)
 * @param deletedBytes their bytes
 * @param keptEntries entries left
 * @param keptBytes their bytes
 * @param deletedLeftovers files of interrupted writes removed (older than the grace period)
 */
public record PruneResult(long deletedEntries, long deletedBytes, long keptEntries, long keptBytes,
    long deletedLeftovers) {}
