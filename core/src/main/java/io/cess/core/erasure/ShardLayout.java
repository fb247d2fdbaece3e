package io.cess.core.erasure;

/**
 * How a segment is cut into k equal data shards: shard i holds bytes {@code [i * size, (i + 1) *
 * size)} of the segment, the last one zero-padded. The segment length is stored elsewhere (in the
 * manifest) and {@link #join} drops the padding again. Every shard has at least one byte, so that
 * an empty segment still has shards to place, fingerprint and repair like any other.
 */
public final class ShardLayout {
  private ShardLayout() {}

  /** Bytes per shard: the segment length divided by k, rounded up, and at least 1. */
  public static int shardSize(long segmentLength, int k) {
    if (segmentLength < 0) {
      throw new IllegalArgumentException(
          "segmentLength must not be negative, got " + segmentLength);
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    long size = Math.max(1, (segmentLength + k - 1) / k);
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a segment of " + segmentLength + " bytes over " + k + " shards needs " + size
              + " bytes per shard, more than a Java array holds");
    }
    return (int) size;
  }

  /**
   * The k data shards of the segment, zero-padded to {@link #shardSize}, followed by m zeroed
   * parity shards of the same size for {@link ReedSolomon#encodeParity} to fill.
   */
  public static byte[][] split(byte[] segment, int k, int m) {
    if (segment == null) {
      throw new IllegalArgumentException("segment is null");
    }
    if (m < 0) {
      throw new IllegalArgumentException("m must not be negative, got " + m);
    }
    int size = shardSize(segment.length, k);
    byte[][] shards = new byte[k + m][size];
    for (int i = 0; i < k; i++) {
      int from = (int) Math.min((long) i * size, segment.length);
      int n = Math.min(size, segment.length - from);
      System.arraycopy(segment, from, shards[i], 0, n);
    }
    return shards;
  }

  /**
   * The first {@code segmentLength} bytes of the data shards, in order: the inverse of {@link
   * #split}. Extra shards after the data shards (parity) are allowed and ignored.
   */
  public static byte[] join(byte[][] dataShards, int segmentLength) {
    if (segmentLength < 0) {
      throw new IllegalArgumentException(
          "segmentLength must not be negative, got " + segmentLength);
    }
    if (dataShards == null || dataShards.length == 0 || dataShards[0] == null) {
      throw new IllegalArgumentException("join needs at least one data shard");
    }
    int size = dataShards[0].length;
    if ((long) size * dataShards.length < segmentLength) {
      throw new IllegalArgumentException(
          dataShards.length + " shards of " + size + " bytes cannot hold a segment of "
              + segmentLength + " bytes");
    }
    byte[] segment = new byte[segmentLength];
    int i = 0;
    for (long done = 0; done < segmentLength; done += size, i++) {
      byte[] shard = dataShards[i];
      if (shard == null || shard.length != size) {
        throw new IllegalArgumentException(
            "data shard " + i + " has " + (shard == null ? "no" : shard.length)
                + " bytes, expected " + size + " like shard 0");
      }
      System.arraycopy(shard, 0, segment, (int) done, (int) Math.min(size, segmentLength - done));
    }
    return segment;
  }
}
