package io.cess.core.erasure;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class ReedSolomonTest {

  // --- GF(2^8) ----------------------------------------------------------------------------------

  /** Shift-and-add multiplication modulo 0x11D: the definition the tables must agree with. */
  private static int slowMultiply(int a, int b) {
    int product = 0;
    while (b != 0) {
      if ((b & 1) != 0) {
        product ^= a;
      }
      a <<= 1;
      if ((a & 0x100) != 0) {
        a ^= 0x11D;
      }
      b >>= 1;
    }
    return product;
  }

  @Test
  public void multiplicationTableMatchesPolynomialMultiplicationForAllPairs() {
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        assertEquals(a + " * " + b, slowMultiply(a, b), GaloisField.multiply(a, b));
      }
    }
  }

  @Test
  public void everyNonZeroElementHasAnInverseAndZeroHasNone() {
    for (int a = 1; a < 256; a++) {
      int inverse = GaloisField.inverse(a);
      assertEquals("a * a^-1 for a = " + a, 1, GaloisField.multiply(a, inverse));
      assertEquals(a, GaloisField.inverse(inverse));
    }
    assertThrows(ArithmeticException.class, () -> GaloisField.inverse(0));
    assertThrows(ArithmeticException.class, () -> GaloisField.divide(7, 0));
  }

  @Test
  public void fieldAxiomsHoldOnRandomSamples() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      int a = random.nextInt(256);
      int b = random.nextInt(256);
      int c = random.nextInt(256);
      String where = "a=" + a + " b=" + b + " c=" + c;
      assertEquals(where, GaloisField.multiply(a, b), GaloisField.multiply(b, a));
      assertEquals(
          where,
          GaloisField.multiply(GaloisField.multiply(a, b), c),
          GaloisField.multiply(a, GaloisField.multiply(b, c)));
      assertEquals(
          where,
          GaloisField.multiply(a, GaloisField.add(b, c)),
          GaloisField.add(GaloisField.multiply(a, b), GaloisField.multiply(a, c)));
      assertEquals(where, a, GaloisField.add(GaloisField.add(a, b), b));
      if (b != 0) {
        assertEquals(where, a, GaloisField.multiply(GaloisField.divide(a, b), b));
      }
    }
    for (int a = 0; a < 256; a++) {
      assertEquals(a, GaloisField.multiply(a, 1));
      assertEquals(0, GaloisField.multiply(a, 0));
      assertEquals(a, GaloisField.add(a, 0));
    }
  }

  @Test
  public void twoGeneratesEveryNonZeroElementAndPowersAgreeWithRepeatedMultiplication() {
    boolean[] seen = new boolean[256];
    for (int n = 0; n < 255; n++) {
      int element = GaloisField.exp(n);
      assertFalse("2^" + n + " = " + element + " was seen before", seen[element]);
      seen[element] = true;
    }
    assertFalse("0 is no power of 2", seen[0]);
    assertEquals(GaloisField.exp(0), GaloisField.exp(255));
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      int a = random.nextInt(256);
      int n = random.nextInt(600);
      int expected = 1;
      for (int j = 0; j < n; j++) {
        expected = slowMultiply(expected, a);
      }
      assertEquals(a + "^" + n, expected, GaloisField.power(a, n));
    }
    assertEquals(1, GaloisField.power(0, 0));
  }

  @Test
  public void rejectsValuesOutsideTheField() {
    assertThrows(IllegalArgumentException.class, () -> GaloisField.multiply(256, 1));
    assertThrows(IllegalArgumentException.class, () -> GaloisField.add(-1, 1));
  }

  @Test
  public void invertedMatrixTimesMatrixIsIdentityAndSingularMatricesAreRejected() {
    Random random = new Random(42);
    int inverted = 0;
    for (int i = 0; i < 300; i++) {
      int n = 1 + random.nextInt(8);
      byte[][] m = new byte[n][n];
      for (byte[] row : m) {
        random.nextBytes(row);
      }
      byte[][] inverse;
      try {
        inverse = GaloisField.invert(m);
      } catch (ArithmeticException singular) {
        continue;
      }
      inverted++;
      assertArrayEquals(identity(n), GaloisField.multiply(m, inverse));
      assertArrayEquals(identity(n), GaloisField.multiply(inverse, m));
    }
    assertTrue("random matrices are rarely singular, inverted only " + inverted, inverted > 250);
    byte[][] singular = {{1, 2}, {2, 4}};
    assertThrows(ArithmeticException.class, () -> GaloisField.invert(singular));
  }

  // --- construction -----------------------------------------------------------------------------

  @Test
  public void constructorRejectsImpossibleShardCountsWithClearMessages() {
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> new ReedSolomon(0, 2)), "dataShards");
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> new ReedSolomon(4, -1)), "parityShards");
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> new ReedSolomon(200, 56)), "255");
    ReedSolomon widest = new ReedSolomon(250, 5);
    assertEquals(255, widest.totalShards());
    assertEquals(0, new ReedSolomon(3, 0).parityShards());
  }

  @Test
  public void parityMatchesTheBackblazeAndKlauspostLibraries() {
    // The 5+5 vector from both libraries' test suites (same field, same systematic Vandermonde).
    ReedSolomon codec = new ReedSolomon(5, 5);
    byte[][] shards = {
      {0, 1}, {4, 5}, {2, 3}, {6, 7}, {8, 9}, new byte[2], new byte[2], new byte[2], new byte[2],
      new byte[2]
    };
    codec.encodeParity(shards, 0, 2);
    assertArrayEquals(new byte[] {12, 13}, shards[5]);
    assertArrayEquals(new byte[] {10, 11}, shards[6]);
    assertArrayEquals(new byte[] {14, 15}, shards[7]);
    assertArrayEquals(new byte[] {90, 91}, shards[8]);
    assertArrayEquals(new byte[] {94, 95}, shards[9]);
  }

  @Test
  public void wordAtATimePathAgreesWithByteAtATimeDefinition() {
    // encodeParity codes whole longs with shifts and masks and only the tail through the table;
    // compare both against parity computed byte by byte from parityRows().
    Random random = new Random(42);
    for (int iteration = 0; iteration < 60; iteration++) {
      int k = 1 + random.nextInt(12);
      int m = 1 + random.nextInt(6);
      ReedSolomon codec = new ReedSolomon(k, m);
      int size = random.nextInt(3) == 0 ? 40_000 + random.nextInt(60_000) : random.nextInt(600);
      byte[][] shards = randomShards(random, k, m, size);
      codec.encodeParity(shards, 0, size);
      byte[][] rows = codec.parityRows();
      for (int r = 0; r < m; r++) {
        byte[] expected = new byte[size];
        for (int i = 0; i < size; i++) {
          int sum = 0;
          for (int c = 0; c < k; c++) {
            sum ^= GaloisField.multiply(rows[r][c] & 0xff, shards[c][i] & 0xff);
          }
          expected[i] = (byte) sum;
        }
        assertArrayEquals(k + "+" + m + " parity " + r + " size " + size, expected, shards[k + r]);
      }
    }
  }

  // --- encode and reconstruct -------------------------------------------------------------------

  @Test
  public void upToParityCountErasuresDecodeBitExactForRandomCodesSizesAndPatterns() {
    Random random = new Random(42);
    for (int iteration = 0; iteration < 1_500; iteration++) {
      int k = 1 + random.nextInt(10);
      int m = random.nextInt(5);
      int size = randomSize(random);
      int offset = random.nextInt(4) == 0 ? random.nextInt(20) : 0;
      ReedSolomon codec = new ReedSolomon(k, m);
      byte[][] shards = randomShards(random, k, m, offset + size);
      codec.encodeParity(shards, offset, size);
      assertTrue(codec.isParityCorrect(shards, offset, size));
      byte[][] original = deepCopy(shards);

      int erasures = random.nextInt(m + 1);
      boolean[] present = erase(random, shards, erasures);
      codec.reconstruct(shards, present, offset, size);

      String where = k + "+" + m + " size " + size + " offset " + offset + " lost "
          + missingList(present);
      for (int i = 0; i < k + m; i++) {
        assertArrayEquals(
            where + ", shard " + i,
            Arrays.copyOfRange(original[i], offset, offset + size),
            Arrays.copyOfRange(shards[i], offset, offset + size));
      }
    }
  }

  @Test
  public void moreErasuresThanParityFailWithErasureExceptionAndTouchNothing() {
    Random random = new Random(42);
    for (int iteration = 0; iteration < 500; iteration++) {
      int k = 1 + random.nextInt(10);
      int m = random.nextInt(5);
      int size = randomSize(random);
      ReedSolomon codec = new ReedSolomon(k, m);
      byte[][] shards = randomShards(random, k, m, size);
      codec.encodeParity(shards, 0, size);
      int erasures = m + 1 + random.nextInt(k);
      boolean[] present = erase(random, shards, erasures);
      byte[][] before = deepCopy(shards);

      ErasureException e =
          assertThrows(
              ErasureException.class, () -> codec.reconstruct(shards, present, 0, size));
      assertMessageContains(e, "at least " + k);
      assertMessageContains(e, "missing");
      for (int i = 0; i < k + m; i++) {
        assertArrayEquals("shard " + i + " must be untouched", before[i], shards[i]);
      }
    }
  }

  @Test
  public void aCorruptedByteMakesParityIncorrect() {
    Random random = new Random(42);
    for (int iteration = 0; iteration < 500; iteration++) {
      int k = 1 + random.nextInt(10);
      int m = 1 + random.nextInt(4);
      int size = 1 + random.nextInt(5_000);
      int offset = random.nextInt(10);
      ReedSolomon codec = new ReedSolomon(k, m);
      byte[][] shards = randomShards(random, k, m, offset + size + 10);
      codec.encodeParity(shards, offset, size);
      assertTrue(codec.isParityCorrect(shards, offset, size));

      int shard = random.nextInt(k + m);
      int position = offset + random.nextInt(size);
      shards[shard][position] ^= (byte) (1 + random.nextInt(255));
      assertFalse(
          k + "+" + m + " shard " + shard + " byte " + position,
          codec.isParityCorrect(shards, offset, size));
      // Outside the checked range the damage is invisible, by design of the ranged API.
      if (position > offset) {
        assertTrue(codec.isParityCorrect(shards, offset, position - offset));
      }
    }
  }

  @Test
  public void isParityCorrectSpansItsInternalBufferBoundaries() {
    ReedSolomon codec = new ReedSolomon(4, 2);
    int size = (1 << 20) + (1 << 19) + 5;
    byte[][] shards = randomShards(new Random(42), 4, 2, size);
    codec.encodeParity(shards, 0, size);
    assertTrue(codec.isParityCorrect(shards, 0, size));
    shards[5][size - 1] ^= 1;
    assertFalse(codec.isParityCorrect(shards, 0, size));
    shards[5][size - 1] ^= 1;
    shards[4][(1 << 20) + 3] ^= 0x40;
    assertFalse(codec.isParityCorrect(shards, 0, size));
  }

  @Test
  public void default4Plus2RebuildsEverySingleAndEveryTwoShardErasure() {
    ReedSolomon codec = new ReedSolomon(4, 2);
    // Several coding-loop chunks plus a tail that does not fill a long.
    int size = 3 * 32 * 1024 + 13;
    byte[][] original = randomShards(new Random(42), 4, 2, size);
    codec.encodeParity(original, 0, size);
    int pairs = 0;
    for (int a = 0; a < 6; a++) {
      for (int b = a; b < 6; b++) {
        byte[][] shards = deepCopy(original);
        boolean[] present = {true, true, true, true, true, true};
        present[a] = false;
        present[b] = false;
        shards[a] = null;
        if (b != a) {
          Arrays.fill(shards[b], (byte) 0x5A);
        }
        codec.reconstruct(shards, present, 0, size);
        for (int i = 0; i < 6; i++) {
          assertArrayEquals("lost " + a + " and " + b + ", shard " + i, original[i], shards[i]);
        }
        if (a != b) {
          pairs++;
        }
      }
    }
    assertEquals(15, pairs);
  }

  @Test
  public void subRangesAreCodedIndependentlyAndBytesOutsideAreNotTouched() {
    Random random = new Random(42);
    for (int iteration = 0; iteration < 200; iteration++) {
      int k = 1 + random.nextInt(6);
      int m = 1 + random.nextInt(3);
      ReedSolomon codec = new ReedSolomon(k, m);
      int length = 1 + random.nextInt(3_000);
      byte[][] whole = randomShards(random, k, m, length);
      codec.encodeParity(whole, 0, length);

      // Encoding [0, split) and [split, length) separately gives the same parity as one call.
      int split = random.nextInt(length + 1);
      byte[][] pieces = deepCopy(whole);
      for (int r = k; r < k + m; r++) {
        Arrays.fill(pieces[r], (byte) 0x77);
      }
      codec.encodeParity(pieces, 0, split);
      for (int r = k; r < k + m; r++) {
        for (int i = split; i < length; i++) {
          assertEquals("byte " + i + " lies outside the range", 0x77, pieces[r][i]);
        }
      }
      codec.encodeParity(pieces, split, length - split);
      assertArrayEquals(whole, pieces);

      // Reconstructing a sub-range rebuilds exactly that range of the lost shards.
      int from = random.nextInt(length);
      int count = random.nextInt(length - from + 1);
      byte[][] damaged = deepCopy(whole);
      boolean[] present = erase(random, damaged, 1 + random.nextInt(m), false);
      byte[][] garbage = deepCopy(damaged);
      codec.reconstruct(damaged, present, from, count);
      for (int i = 0; i < k + m; i++) {
        for (int j = 0; j < length; j++) {
          byte expected = (j >= from && j < from + count) ? whole[i][j] : garbage[i][j];
          assertEquals("shard " + i + " byte " + j, expected, damaged[i][j]);
        }
      }
    }
  }

  @Test
  public void emptyAndOneByteRangesWork() {
    ReedSolomon codec = new ReedSolomon(4, 2);
    byte[][] empty = new byte[6][0];
    codec.encodeParity(empty, 0, 0);
    assertTrue(codec.isParityCorrect(empty, 0, 0));
    codec.reconstruct(empty, new boolean[] {false, true, true, true, true, false}, 0, 0);

    byte[][] one = {{1}, {2}, {3}, {4}, {0}, {0}};
    codec.encodeParity(one, 0, 1);
    byte[][] lost = deepCopy(one);
    lost[2] = null;
    lost[4] = null;
    codec.reconstruct(lost, new boolean[] {true, true, false, true, false, true}, 0, 1);
    assertArrayEquals(one, lost);
  }

  @Test
  public void repeatedDecodesReuseABoundedCacheOfDecodeMatrices() {
    Random random = new Random(42);
    ReedSolomon codec = new ReedSolomon(10, 4);
    for (int iteration = 0; iteration < 400; iteration++) {
      int size = 1 + random.nextInt(200);
      byte[][] shards = randomShards(random, 10, 4, size);
      codec.encodeParity(shards, 0, size);
      byte[][] original = deepCopy(shards);
      // Few patterns at first (cache hits with new data), then many (evictions).
      Random patterns = iteration < 100 ? new Random(iteration % 3) : random;
      boolean[] present = erase(patterns, shards, 1 + patterns.nextInt(4));
      codec.reconstruct(shards, present, 0, size);
      assertArrayEquals("iteration " + iteration, original, shards);
      assertTrue(codec.cachedDecodePlans() <= ReedSolomon.DECODE_CACHE_CAPACITY);
    }
    assertEquals(ReedSolomon.DECODE_CACHE_CAPACITY, codec.cachedDecodePlans());
  }

  @Test
  public void reconstructWithEverythingPresentChangesNothing() {
    ReedSolomon codec = new ReedSolomon(3, 2);
    byte[][] shards = randomShards(new Random(42), 3, 2, 100);
    codec.encodeParity(shards, 0, 100);
    byte[][] before = deepCopy(shards);
    shards[4][7] ^= 1; // even wrong parity stays as it is: nothing is missing
    before[4][7] ^= 1;
    codec.reconstruct(shards, new boolean[] {true, true, true, true, true}, 0, 100);
    assertArrayEquals(before, shards);
    assertEquals(0, codec.cachedDecodePlans());
  }

  @Test
  public void invalidArgumentsAreRejectedWithClearMessages() {
    ReedSolomon codec = new ReedSolomon(4, 2);
    assertMessageContains(
        assertThrows(
            IllegalArgumentException.class, () -> codec.encodeParity(new byte[5][8], 0, 8)),
        "expected 6 shards");
    byte[][] withNull = new byte[6][8];
    withNull[3] = null;
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> codec.encodeParity(withNull, 0, 8)),
        "shard 3 is null");
    byte[][] shortShard = new byte[6][8];
    shortShard[5] = new byte[7];
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> codec.encodeParity(shortShard, 0, 8)),
        "shard 5 has 7 bytes");
    assertMessageContains(
        assertThrows(
            IllegalArgumentException.class, () -> codec.isParityCorrect(new byte[6][8], 4, 5)),
        "needs 9");
    assertMessageContains(
        assertThrows(
            IllegalArgumentException.class, () -> codec.encodeParity(new byte[6][8], -1, 2)),
        "offset");
    assertMessageContains(
        assertThrows(
            IllegalArgumentException.class, () -> codec.encodeParity(new byte[6][8], 0, -2)),
        "byteCount");
    assertMessageContains(
        assertThrows(
            IllegalArgumentException.class,
            () -> codec.reconstruct(new byte[6][8], new boolean[5], 0, 8)),
        "one flag per shard");
    // A present shard must be there; a missing one may be null.
    byte[][] presentButNull = new byte[6][8];
    presentButNull[0] = null;
    boolean[] allPresent = {true, true, true, true, true, true};
    assertMessageContains(
        assertThrows(
            IllegalArgumentException.class,
            () -> codec.reconstruct(presentButNull, allPresent, 0, 8)),
        "shard 0 is null");
  }

  @Test
  public void noParityCodeEncodesNothingAndCannotLoseAShard() {
    ReedSolomon codec = new ReedSolomon(3, 0);
    byte[][] shards = randomShards(new Random(42), 3, 0, 50);
    codec.encodeParity(shards, 0, 50);
    assertTrue(codec.isParityCorrect(shards, 0, 50));
    assertThrows(
        ErasureException.class,
        () -> codec.reconstruct(shards, new boolean[] {true, false, true}, 0, 50));
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Sizes that hit the edge cases (0, 1, under a long, odd) and several coding-loop chunks. */
  private static int randomSize(Random random) {
    switch (random.nextInt(8)) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
        return 2 + random.nextInt(15);
      case 3:
        return 2 * random.nextInt(500) + 1;
      case 4:
        return 32 * 1024 * (1 + random.nextInt(3)) + random.nextInt(9) - 4;
      default:
        return random.nextInt(4_000);
    }
  }

  /** Random data shards and parity shards full of garbage (encodeParity must overwrite it). */
  private static byte[][] randomShards(Random random, int k, int m, int size) {
    byte[][] shards = new byte[k + m][size];
    for (byte[] shard : shards) {
      random.nextBytes(shard);
    }
    return shards;
  }

  /**
   * Marks {@code count} random shards missing and damages them: garbage, zeros or null, so that a
   * decoder that reads a missing shard produces wrong bytes.
   */
  private static boolean[] erase(Random random, byte[][] shards, int count) {
    return erase(random, shards, count, true);
  }

  private static boolean[] erase(Random random, byte[][] shards, int count, boolean mayDrop) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < shards.length; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    boolean[] present = new boolean[shards.length];
    Arrays.fill(present, true);
    for (int n = 0; n < Math.min(count, shards.length); n++) {
      int i = order.get(n);
      present[i] = false;
      switch (random.nextInt(mayDrop ? 3 : 2)) {
        case 0:
          random.nextBytes(shards[i]);
          break;
        case 1:
          Arrays.fill(shards[i], (byte) 0);
          break;
        default:
          shards[i] = null;
      }
    }
    return present;
  }

  private static byte[][] deepCopy(byte[][] shards) {
    byte[][] copy = new byte[shards.length][];
    for (int i = 0; i < shards.length; i++) {
      copy[i] = shards[i] == null ? null : shards[i].clone();
    }
    return copy;
  }

  private static byte[][] identity(int n) {
    byte[][] identity = new byte[n][n];
    for (int i = 0; i < n; i++) {
      identity[i][i] = 1;
    }
    return identity;
  }

  private static String missingList(boolean[] present) {
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < present.length; i++) {
      if (!present[i]) {
        missing.add(i);
      }
    }
    return missing.toString();
  }

  private static void assertMessageContains(Throwable e, String fragment) {
    assertNotNull(e.getMessage());
    assertTrue(
        "message \"" + e.getMessage() + "\" should mention \"" + fragment + "\"",
        e.getMessage().contains(fragment));
  }
}
