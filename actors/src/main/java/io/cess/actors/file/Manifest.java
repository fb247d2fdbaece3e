package io.cess.actors.file;

import io.cess.actors.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * Where a file's bytes are: its segments in order, each with its fingerprint and the miners
 * that hold a copy. Journaled by the {@link File} entity once every segment is durably stored.
 */
public record Manifest(
    String fileId,
    long sizeBytes,
    String sha256,
    long segmentSizeBytes,
    List<Segment> segments,
    Instant createdAt)
    implements CborSerializable {

  public record Segment(int index, long sizeBytes, String sha256, List<Replica> replicas)
      implements CborSerializable {}

  /** One stored copy of a segment: the miner that holds it and the node that miner runs on. */
  public record Replica(String minerId, String nodeId) implements CborSerializable {}
}
