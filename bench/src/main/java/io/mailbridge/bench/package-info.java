/**
 * Benchmarks run against the real local mail stack ({@code scripts/mailstack start}); each prints
 * throughput and the ratio to a reference measured in the same run.
 */
package io.mailbridge.bench;
