package io.mailbridge.document;

import java.time.Instant;
import java.util.Optional;

/**
 * What the Document Cache holds ({@link DocumentCache#stats()}).
 *
 * @param entries stored parts
 * @param messages distinct messages they belong to
 * @param totalBytes bytes of the stored parts
 * @param oldest when the oldest entry was stored
 * @param newest when the newest entry was stored
 * @param leftoverFiles files no entry refers to (an interrupted or running write)
 * @param leftoverBytes their size
 */
public record CacheStats(long entries, long messages, long totalBytes, Optional<Instant> oldest,
    Optional<Instant> newest, long leftoverFiles, long leftoverBytes) {}
