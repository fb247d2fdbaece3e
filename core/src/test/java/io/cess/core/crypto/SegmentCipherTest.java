package io.cess.core.crypto;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.Test;

public class SegmentCipherTest {
  private static final int CHUNK = SegmentCipher.CHUNK_BYTES;
  private static final String FILE = "f-3b5d";

  private final SegmentCipher cipher = new SegmentCipher();
  private final Random random = new Random(20240603);
  private final byte[] dataKey = bytes(32);

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private void assertRejected(byte[] ciphertext, String fileId, int index, String what) {
    try {
      byte[] plain = cipher.decrypt(dataKey, fileId, index, ciphertext);
      fail(what + ": decrypted to " + plain.length + " bytes instead of failing");
    } catch (CryptoException expected) {
      // the only acceptable outcome
    }
  }

  /** Cuts {@code whole} into parts of {@code size} bytes, the last zero-padded. */
  private static byte[][] cut(byte[] whole, int parts, int size) {
    byte[][] out = new byte[parts][size];
    for (int i = 0; i < parts && i * size < whole.length; i++) {
      System.arraycopy(whole, i * size, out[i], 0, Math.min(size, whole.length - i * size));
    }
    return out;
  }

  @Test
  public void sealingIntoPartsAndOpeningFromPartsMatchTheOneArrayForm() {
    // part sizes that put chunk boundaries inside, at and across part edges, including parts
    // smaller than a chunk (a sealed chunk then spans several parts)
    for (int plainSize : new int[] {0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 5, 5 * CHUNK}) {
      byte[] plain = bytes(plainSize);
      int sealedSize = (int) SegmentCipher.ciphertextLength(plainSize);
      for (int k : new int[] {1, 2, 4, 7}) {
        int size = Math.max(1, (sealedSize + k - 1) / k);
        for (int partSize : new int[] {size, 1000, 7}) {
          int parts = (sealedSize + partSize - 1) / partSize;
          byte[][] into = new byte[parts][partSize];
          cipher.encryptInto(dataKey, FILE, 3, plain, into, partSize);
          byte[] joined = new byte[sealedSize];
          for (int i = 0; i < parts; i++) {
            System.arraycopy(into[i], 0, joined, i * partSize, Math.min(partSize, sealedSize - i * partSize));
          }
          String what = plainSize + " bytes in parts of " + partSize;
          assertArrayEquals(what, plain, cipher.decrypt(dataKey, FILE, 3, joined));
          assertArrayEquals(what, plain, cipher.decrypt(dataKey, FILE, 3, cut(joined, parts, partSize), partSize, sealedSize));
        }
      }
    }
  }

  @Test
  public void aChangedByteInAnyPartIsRejected() {
    byte[] sealed = cipher.encrypt(dataKey, FILE, 0, bytes(2 * CHUNK + 9));
    int partSize = (sealed.length + 3) / 4;
    for (int at : new int[] {0, 40, partSize - 1, partSize, 3 * partSize + 1, sealed.length - 1}) {
      byte[][] parts = cut(sealed, 4, partSize);
      parts[at / partSize][at % partSize] ^= 0x20;
      assertThrows("byte " + at, CryptoException.class, () -> cipher.decrypt(dataKey, FILE, 0, parts, partSize, sealed.length));
    }
    assertThrows("parts too small for the length", IllegalArgumentException.class,
        () -> cipher.decrypt(dataKey, FILE, 0, cut(sealed, 4, partSize), partSize, 4 * partSize + 1));
  }

  @Test
  public void roundTripsEdgeAndRandomSizes() {
    int[] edges = {0, 1, 15, 16, 17, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5};
    for (int size : edges) {
      assertRoundTrip(size, 7);
    }
    for (int i = 0; i < 40; i++) {
      assertRoundTrip(random.nextInt(5 * CHUNK), i);
    }
  }

  @Test
  public void roundTripsAFullSixteenMebibyteSegment() {
    assertRoundTrip(16 << 20, 0);
    assertRoundTrip((16 << 20) - 1, Integer.MAX_VALUE);
  }

  private void assertRoundTrip(int size, int index) {
    byte[] plain = bytes(size);
    byte[] sealed = cipher.encrypt(dataKey, FILE, index, plain);
    assertEquals(SegmentCipher.ciphertextLength(size), sealed.length);
    assertEquals(size, SegmentCipher.plaintextLength(sealed.length));
    assertArrayEquals("size " + size, plain, cipher.decrypt(dataKey, FILE, index, sealed));
  }

  @Test
  public void offsetVariantsSeeOnlyTheirSlice() {
    byte[] plain = bytes(CHUNK + 300);
    byte[] sealed = cipher.encrypt(dataKey, FILE, 2, plain, 100, CHUNK);
    assertArrayEquals(
        Arrays.copyOfRange(plain, 100, 100 + CHUNK), cipher.decrypt(dataKey, FILE, 2, sealed));
    byte[] framed = new byte[sealed.length + 20];
    System.arraycopy(sealed, 0, framed, 7, sealed.length);
    assertArrayEquals(
        Arrays.copyOfRange(plain, 100, 100 + CHUNK),
        cipher.decrypt(dataKey, FILE, 2, framed, 7, sealed.length));
  }

  @Test
  public void twoEncryptionsOfTheSamePlaintextDiffer() {
    byte[] plain = bytes(1000);
    byte[] a = cipher.encrypt(dataKey, FILE, 0, plain);
    byte[] b = cipher.encrypt(dataKey, FILE, 0, plain);
    assertFalse(Arrays.equals(a, b));
    assertFalse(
        "fresh salt per encryption",
        Arrays.equals(
            Arrays.copyOfRange(a, 1, SegmentCipher.HEADER_BYTES),
            Arrays.copyOfRange(b, 1, SegmentCipher.HEADER_BYTES)));
  }

  @Test
  public void ciphertextHoldsNoRunOfThePlaintext() {
    byte[] plain = new byte[3 * CHUNK];
    Arrays.fill(plain, (byte) 'A'); // the most repetitive plaintext there is
    byte[] sealed = cipher.encrypt(dataKey, FILE, 0, plain);
    byte[] run = new byte[16];
    Arrays.fill(run, (byte) 'A');
    for (int i = 0; i + run.length <= sealed.length; i++) {
      assertFalse(
          "16-byte run of plaintext at " + i,
          Arrays.equals(sealed, i, i + run.length, run, 0, run.length));
    }
  }

  @Test
  public void everyFlippedBitOfASmallSegmentIsRejected() {
    byte[] sealed = cipher.encrypt(dataKey, FILE, 3, bytes(40));
    for (int i = 0; i < sealed.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = sealed.clone();
        tampered[i] ^= (byte) (1 << bit);
        assertRejected(tampered, FILE, 3, "bit " + bit + " of byte " + i);
      }
    }
  }

  @Test
  public void flippedBytesAnywhereInAMultiChunkSegmentAreRejected() {
    byte[] sealed = cipher.encrypt(dataKey, FILE, 1, bytes(3 * CHUNK + 1234));
    int sealedChunk = CHUNK + 16;
    int[] landmarks = {
      0, 1, SegmentCipher.HEADER_BYTES - 1, // version and salt
      SegmentCipher.HEADER_BYTES, // first ciphertext byte
      SegmentCipher.HEADER_BYTES + sealedChunk - 1, // last tag byte of chunk 0
      SegmentCipher.HEADER_BYTES + sealedChunk, // first byte of chunk 1
      sealed.length - 17, sealed.length - 16, sealed.length - 1 // end of the last chunk
    };
    for (int position : landmarks) {
      byte[] tampered = sealed.clone();
      tampered[position] ^= 0x01;
      assertRejected(tampered, FILE, 1, "flip at " + position);
    }
    for (int i = 0; i < 60; i++) {
      int position = random.nextInt(sealed.length);
      byte[] tampered = sealed.clone();
      tampered[position] ^= (byte) (1 + random.nextInt(255));
      assertRejected(tampered, FILE, 1, "flip at " + position);
    }
  }

  @Test
  public void wrongIndexWrongFileOrWrongKeyIsRejected() {
    byte[] sealed = cipher.encrypt(dataKey, FILE, 5, bytes(CHUNK + 10));
    assertRejected(sealed, FILE, 4, "index 4");
    assertRejected(sealed, FILE, 6, "index 6");
    assertRejected(sealed, FILE, 0, "index 0");
    assertRejected(sealed, FILE + "x", 5, "another file id");
    assertRejected(sealed, "", 5, "empty file id");
    assertThrows(
        CryptoException.class, () -> cipher.decrypt(SegmentCipher.newDataKey(), FILE, 5, sealed));
  }

  @Test
  public void segmentsCannotBeSwappedBetweenPositionsOrFiles() {
    byte[] key = SegmentCipher.newDataKey();
    byte[] seg0 = cipher.encrypt(key, "file-a", 0, bytes(500));
    byte[] seg1 = cipher.encrypt(key, "file-a", 1, bytes(500));
    byte[] otherFile = cipher.encrypt(key, "file-b", 0, bytes(500));
    assertThrows(CryptoException.class, () -> cipher.decrypt(key, "file-a", 1, seg0));
    assertThrows(CryptoException.class, () -> cipher.decrypt(key, "file-a", 0, seg1));
    assertThrows(CryptoException.class, () -> cipher.decrypt(key, "file-a", 0, otherFile));
  }

  @Test
  public void everyTruncationOfASmallSegmentIsRejected() {
    byte[] sealed = cipher.encrypt(dataKey, FILE, 0, bytes(100));
    for (int length = 0; length < sealed.length; length++) {
      assertRejected(Arrays.copyOf(sealed, length), FILE, 0, "truncated to " + length);
    }
  }

  @Test
  public void truncationAtChunkBoundariesAndExtensionAreRejected() {
    byte[] sealed = cipher.encrypt(dataKey, FILE, 0, bytes(3 * CHUNK));
    int sealedChunk = CHUNK + 16;
    for (int chunks = 0; chunks < 3; chunks++) {
      int length = SegmentCipher.HEADER_BYTES + chunks * sealedChunk;
      assertRejected(Arrays.copyOf(sealed, length), FILE, 0, chunks + " whole chunks");
    }
    assertRejected(Arrays.copyOf(sealed, sealed.length - 1), FILE, 0, "one byte short");
    assertRejected(Arrays.copyOf(sealed, sealed.length + 1), FILE, 0, "one byte appended");
    byte[] doubledLastChunk = Arrays.copyOf(sealed, sealed.length + sealedChunk);
    System.arraycopy(sealed, sealed.length - sealedChunk, doubledLastChunk, sealed.length, sealedChunk);
    assertRejected(doubledLastChunk, FILE, 0, "last chunk repeated");
  }

  @Test
  public void chunksCannotBeReorderedOrDropped() {
    byte[] sealed = cipher.encrypt(dataKey, FILE, 0, bytes(3 * CHUNK));
    int sealedChunk = CHUNK + 16;
    int first = SegmentCipher.HEADER_BYTES;
    byte[] swapped = sealed.clone();
    System.arraycopy(sealed, first, swapped, first + sealedChunk, sealedChunk);
    System.arraycopy(sealed, first + sealedChunk, swapped, first, sealedChunk);
    assertRejected(swapped, FILE, 0, "chunks 0 and 1 swapped");

    byte[] middleDropped = new byte[sealed.length - sealedChunk];
    System.arraycopy(sealed, 0, middleDropped, 0, first + sealedChunk);
    System.arraycopy(
        sealed, first + 2 * sealedChunk, middleDropped, first + sealedChunk, sealedChunk);
    assertRejected(middleDropped, FILE, 0, "chunk 1 dropped");
  }

  @Test
  public void chunksCannotBeSplicedBetweenSegmentsOfTheSameFile() {
    byte[] a = cipher.encrypt(dataKey, FILE, 0, bytes(2 * CHUNK));
    byte[] b = cipher.encrypt(dataKey, FILE, 0, bytes(2 * CHUNK));
    byte[] spliced = a.clone();
    System.arraycopy(b, spliced.length - CHUNK - 16, spliced, spliced.length - CHUNK - 16, CHUNK + 16);
    assertRejected(spliced, FILE, 0, "last chunk from another encryption");
  }

  @Test
  public void lengthArithmeticMatchesAndRejectsImpossibleLengths() {
    assertEquals(SegmentCipher.HEADER_BYTES + 16, SegmentCipher.ciphertextLength(0));
    assertEquals(
        SegmentCipher.HEADER_BYTES + (16L << 20) + 256 * 16, SegmentCipher.ciphertextLength(16 << 20));
    for (long size = 0; size < 4L * CHUNK + 40; size += 1 + random.nextInt(997)) {
      assertEquals(size, SegmentCipher.plaintextLength(SegmentCipher.ciphertextLength(size)));
    }
    assertThrows(CryptoException.class, () -> SegmentCipher.plaintextLength(48));
    // one whole chunk plus an empty sealed chunk: never produced by encrypt
    assertThrows(
        CryptoException.class,
        () -> SegmentCipher.plaintextLength(SegmentCipher.HEADER_BYTES + CHUNK + 16 + 16));
  }

  @Test
  public void newDataKeysAreFreshAndThirtyTwoBytes() {
    byte[] a = SegmentCipher.newDataKey();
    byte[] b = SegmentCipher.newDataKey();
    assertEquals(32, a.length);
    assertTrue(!Arrays.equals(a, b));
  }

  @Test
  public void badArgumentsAreProgrammingErrors() {
    assertThrows(
        IllegalArgumentException.class, () -> cipher.encrypt(new byte[16], FILE, 0, new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> cipher.encrypt(dataKey, FILE, -1, new byte[1]));
    assertThrows(NullPointerException.class, () -> cipher.encrypt(dataKey, null, 0, new byte[1]));
  }
}
