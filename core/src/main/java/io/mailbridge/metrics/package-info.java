/**
 * Metrics of the operations per mailbox: the {@link io.mailbridge.metrics.Metrics} setting a
 * connection carries (none, or a Micrometer registry) and the {@link
 * io.mailbridge.metrics.Recorder} the operations report to.
 */
package io.mailbridge.metrics;
