/**
 * One receive run: the plan of byte-bounded batches, the size gate, building documents from the
 * parser's output, post-actions and quarantine. The Listener and the Kafka source still use {@code
 * ReceiveRun} and {@code PostActions} directly (listed in ArchitectureTest).
 */
package io.mailbridge.receive.internal;
