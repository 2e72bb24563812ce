/**
 * JMH micro-benchmarks of single pieces of the receive path (the MIME parser, the search compiler,
 * a Document Cache write), run by {@code bench/run --jmh}: they guide work on one piece, while the
 * goals are measured end to end by the workloads in {@code io.mailbridge.bench}.
 */
package io.mailbridge.bench.jmh;
