package io.cess.core.erasure;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.Test;

public class ShardLayoutTest {

  @Test
  public void shardSizeRoundsUpAndIsNeverZero() {
    assertEquals(1, ShardLayout.shardSize(0, 4));
    assertEquals(1, ShardLayout.shardSize(1, 4));
    assertEquals(1, ShardLayout.shardSize(4, 4));
    assertEquals(2, ShardLayout.shardSize(5, 4));
    assertEquals(4 << 20, ShardLayout.shardSize(16L << 20, 4));
    assertEquals((4 << 20) + 1, ShardLayout.shardSize((16L << 20) + 1, 4));
    assertEquals(7, ShardLayout.shardSize(7, 1));
  }

  @Test
  public void shardSizeRejectsBadArgumentsAndShardsLargerThanAnArray() {
    assertThrows(IllegalArgumentException.class, () -> ShardLayout.shardSize(-1, 4));
    assertThrows(IllegalArgumentException.class, () -> ShardLayout.shardSize(10, 0));
    IllegalArgumentException tooLarge =
        assertThrows(IllegalArgumentException.class, () -> ShardLayout.shardSize(1L << 40, 4));
    assertTrue(tooLarge.getMessage(), tooLarge.getMessage().contains("bytes per shard"));
  }

  @Test
  public void splitPadsWithZerosAndJoinRestoresTheSegment() {
    Random random = new Random(42);
    for (int iteration = 0; iteration < 500; iteration++) {
      int k = 1 + random.nextInt(10);
      int m = random.nextInt(5);
      int length = random.nextInt(4) == 0 ? random.nextInt(2 * k + 2) : random.nextInt(5_000);
      byte[] segment = new byte[length];
      random.nextBytes(segment);

      byte[][] shards = ShardLayout.split(segment, k, m);
      int size = ShardLayout.shardSize(length, k);
      assertEquals(k + m, shards.length);
      byte[] concatenated = new byte[k * size];
      for (int i = 0; i < k + m; i++) {
        assertEquals("shard " + i, size, shards[i].length);
        if (i < k) {
          System.arraycopy(shards[i], 0, concatenated, i * size, size);
        } else {
          assertArrayEquals("parity starts zeroed", new byte[size], shards[i]);
        }
      }
      assertArrayEquals(segment, Arrays.copyOf(concatenated, length));
      assertArrayEquals(
          "padding is zeros",
          new byte[k * size - length],
          Arrays.copyOfRange(concatenated, length, k * size));

      assertArrayEquals(segment, ShardLayout.join(Arrays.copyOf(shards, k), length));
      assertArrayEquals(
          "parity after the data is ignored", segment, ShardLayout.join(shards, length));
    }
  }

  @Test
  public void emptySegmentHasOneByteShardsAndJoinsToEmpty() {
    byte[][] shards = ShardLayout.split(new byte[0], 4, 2);
    assertEquals(6, shards.length);
    for (byte[] shard : shards) {
      assertArrayEquals(new byte[1], shard);
    }
    assertEquals(0, ShardLayout.join(shards, 0).length);
  }

  @Test
  public void segmentSurvivesSplitEncodeLoseParityCountShardsReconstructJoin() {
    Random random = new Random(42);
    ReedSolomon codec = new ReedSolomon(4, 2);
    for (int iteration = 0; iteration < 50; iteration++) {
      byte[] segment = new byte[random.nextInt(100_000)];
      random.nextBytes(segment);
      byte[][] shards = ShardLayout.split(segment, 4, 2);
      int size = shards[0].length;
      codec.encodeParity(shards, 0, size);
      boolean[] present = {true, true, true, true, true, true};
      int a = random.nextInt(6);
      int b = random.nextInt(6);
      present[a] = false;
      present[b] = false;
      shards[a] = null;
      shards[b] = null;
      codec.reconstruct(shards, present, 0, size);
      assertArrayEquals(segment, ShardLayout.join(shards, segment.length));
    }
  }

  @Test
  public void joinRejectsShardsThatCannotHoldTheSegment() {
    assertThrows(
        IllegalArgumentException.class, () -> ShardLayout.join(new byte[][] {{1, 2}, {3, 4}}, 5));
    assertThrows(
        IllegalArgumentException.class, () -> ShardLayout.join(new byte[][] {{1, 2}, {3}}, 4));
    assertThrows(
        IllegalArgumentException.class, () -> ShardLayout.join(new byte[][] {{1, 2}, null}, 3));
    assertThrows(IllegalArgumentException.class, () -> ShardLayout.join(new byte[0][], 0));
    assertThrows(IllegalArgumentException.class, () -> ShardLayout.split(null, 4, 2));
    assertThrows(IllegalArgumentException.class, () -> ShardLayout.split(new byte[3], 4, -1));
  }
}
