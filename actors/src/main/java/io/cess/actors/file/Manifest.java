package io.cess.actors.file;

import io.cess.actors.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * Where a file's bytes are and how to read them back: the storage policy, the wrapped data key,
 * and per segment its plaintext fingerprint and the shards (with their holders) that the
 * encrypted segment was coded into. Journaled by the {@link File} entity once every shard is
 * durably stored.
 *
 * @param policy {@code ec:K+M} or {@code replicas:N}
 * @param uploadId random id of the upload that wrote the shards; bound into every segment's
 *     associated data (the file id is only known after the last segment)
 * @param wrappedKey the file's data key, wrapped (base64); never stored in the clear
 * @param keyOwner the account the data key is wrapped to; null when it is wrapped under the
 *     cluster master key (uploads without an account)
 */
public record Manifest(
    String fileId,
    long sizeBytes,
    String sha256,
    long segmentSizeBytes,
    String policy,
    String uploadId,
    String wrappedKey,
    List<Segment> segments,
    Instant createdAt,
    String keyOwner)
    implements CborSerializable {

  /**
   * One segment: plaintext size and fingerprint, the size of its ciphertext, and its shards in
   * shard-index order.
   */
  public record Segment(int index, long sizeBytes, String sha256, long cipherSizeBytes, List<Shard> shards)
      implements CborSerializable {}

  /** One stored shard: its fingerprint, Merkle root over its blocks, and the miner holding it. */
  public record Shard(int index, String merkleRoot, long sizeBytes, String minerId, String nodeId)
      implements CborSerializable {}
}
