package io.cess.chaos.invariants;

import java.time.Instant;

/**
 * One event row of akka-persistence-cassandra's {@code messages} table, the columns that say who
 * wrote it and when: the journal plugin instance ({@code writer_uuid}, one per node JVM) and the
 * writer's clock ({@code timestamp}, a time-based UUID).
 */
public record JournalRow(String persistenceId, long partitionNr, long sequenceNr, Instant timestamp, String writerUuid) {

  /** Offset between the UUID epoch (1582-10-15) and the Unix epoch, in 100 ns ticks. */
  private static final long UUID_EPOCH_OFFSET_TICKS = 0x01B21DD213814000L;

  /** The instant of a version-1 (time-based) UUID, to its full 100 ns precision. */
  public static Instant instantOf(java.util.UUID timeUuid) {
    if (timeUuid.version() != 1) {
      throw new IllegalArgumentException("not a time-based UUID: " + timeUuid);
    }
    long ticks = timeUuid.timestamp() - UUID_EPOCH_OFFSET_TICKS;
    return Instant.ofEpochSecond(Math.floorDiv(ticks, 10_000_000L), Math.floorMod(ticks, 10_000_000L) * 100);
  }
}
