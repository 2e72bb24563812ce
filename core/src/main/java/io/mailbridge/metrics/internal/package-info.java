/**
 * The Micrometer implementation of the recorder, loaded only when Micrometer is on the class path.
 */
package io.mailbridge.metrics.internal;
