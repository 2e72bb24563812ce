/**
 * The connectors' machinery: configuration keys mapped to core settings, folder readers, offsets,
 * records and task metrics.
 */
package io.mailbridge.kafka.internal;
