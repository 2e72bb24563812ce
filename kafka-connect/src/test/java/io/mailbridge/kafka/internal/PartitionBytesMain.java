package io.mailbridge.kafka.internal;

/** Prints the stored key bytes of one source partition, as a fresh worker JVM would write them. */
public final class PartitionBytesMain {
  private PartitionBytesMain() {}

  public static void main(String[] args) {
    System.out.println(SourcePartitionsTest.keyBytes(SourceRecords.partition(args[0], args[1])));
  }
}
