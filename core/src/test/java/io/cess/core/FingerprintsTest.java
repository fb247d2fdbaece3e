package io.cess.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.core.merkle.MerkleTree;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

public class FingerprintsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static String ascii(String s) {
    return Sha256.hex(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static List<String> randomFingerprints(Random random, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[32];
      random.nextBytes(b);
      out.add(HEX.formatHex(b));
    }
    return out;
  }

  @Test
  public void fileIdIsTheDocumentedMerkleRoot() {
    List<String> fingerprints = List.of(ascii("x"), ascii("y"));
    List<byte[]> leaves =
        List.of(
            HEX.parseHex(ascii("x")),
            HEX.parseHex(ascii("y")),
            ByteBuffer.allocate(8).putLong(1234).array());
    assertEquals(MerkleTree.ofLeafData(leaves).rootHex(), Fingerprints.fileId(fingerprints, 1234));
    // computed with Python's hashlib from the definitions in MerkleTree and Fingerprints
    assertEquals(
        "38152a512a8e275daedc86395d69e007ef2d1eb742b3d1756de1cb5b39b17559",
        Fingerprints.fileId(fingerprints, 1234));
    assertEquals(
        "53a249d1345094ae2b132800a001528af6ad57a76d4c7891c980463e8db7d368",
        Fingerprints.fileId(List.of(), 0));
  }

  @Test
  public void fileIdIsDeterministicAndDiffersFromTheOldId() {
    Random random = new Random(42);
    List<String> fingerprints = randomFingerprints(random, 5);
    String id = Fingerprints.fileId(fingerprints, 80L << 20);
    assertEquals(id, Fingerprints.fileId(new ArrayList<>(fingerprints), 80L << 20));
    assertTrue(Sha256.isHex(id));
  }

  @Test
  public void fileIdChangesWithOrderSizeAndAnyFingerprint() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      int n = 1 + random.nextInt(20);
      List<String> fingerprints = randomFingerprints(random, n);
      long size = random.nextInt(Integer.MAX_VALUE);
      String id = Fingerprints.fileId(fingerprints, size);

      // size
      assertNotEquals(id, Fingerprints.fileId(fingerprints, size + 1));
      assertNotEquals(id, Fingerprints.fileId(fingerprints, size ^ (1L << random.nextInt(63))));

      // any bit of any fingerprint
      int i = random.nextInt(n);
      byte[] flipped = HEX.parseHex(fingerprints.get(i));
      flipped[random.nextInt(32)] ^= (byte) (1 << random.nextInt(8));
      List<String> changed = new ArrayList<>(fingerprints);
      changed.set(i, HEX.formatHex(flipped));
      assertNotEquals(id, Fingerprints.fileId(changed, size));

      // order
      if (n > 1) {
        int j = (i + 1 + random.nextInt(n - 1)) % n;
        List<String> swapped = new ArrayList<>(fingerprints);
        Collections.swap(swapped, i, j);
        assertNotEquals(id, Fingerprints.fileId(swapped, size));
      }

      // a segment more or less
      assertNotEquals(id, Fingerprints.fileId(fingerprints.subList(0, n - 1), size));
      List<String> longer = new ArrayList<>(fingerprints);
      longer.add(fingerprints.get(n - 1));
      assertNotEquals(id, Fingerprints.fileId(longer, size));
    }
  }

  @Test
  public void distinctInputsGiveDistinctIds() {
    // every sequence of up to 3 segments drawn from 3 fingerprints, with 4 sizes: 160 inputs
    List<String> pool = randomFingerprints(new Random(42), 3);
    Set<String> ids = new HashSet<>();
    int inputs = 0;
    for (int n = 0; n <= 3; n++) {
      for (int code = 0; code < (int) Math.pow(3, n); code++) {
        List<String> fingerprints = new ArrayList<>();
        for (int k = 0, rest = code; k < n; k++, rest /= 3) {
          fingerprints.add(pool.get(rest % 3));
        }
        for (long size : new long[] {0, 1, 4096, 1L << 40}) {
          ids.add(Fingerprints.fileId(fingerprints, size));
          inputs++;
        }
      }
    }
    assertEquals(160, inputs);
    assertEquals(inputs, ids.size());
  }

  @Test
  public void invalidInputsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Fingerprints.fileId(List.of(), -1));
    String upper = ascii("x").toUpperCase();
    assertThrows(IllegalArgumentException.class, () -> Fingerprints.fileId(List.of(upper), 1));
    assertThrows(IllegalArgumentException.class, () -> Fingerprints.fileId(List.of("ab"), 1));
  }
}
